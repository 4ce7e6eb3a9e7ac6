"""Issue 17: every page named in the issue makes a fixed number of queries, whatever the number of
filings (an N+1 would show as a count that grows between 3 and 30 filings)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from .builders import approve_item, complete_entity, complete_filing, complete_product
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

# (rule, page, queries, who reads it, the address). A signed-in page counts the session and the user,
# the unread-messages badge, and the session saved again (SESSION_SAVE_EVERY_REQUEST: a savepoint, the
# update, its release).
PAGES = [
    (
        "PUB-03",
        "public-filing",
        1,
        "anonymous",
        lambda f, period: reverse("public_search:filing", args=[f.pk]),
    ),
    ("PUB-03", "badge", 1, "anonymous", lambda f, period: reverse("public_search:badge", args=[f.pk])),
    # The rate counter's upsert, then the number.
    (
        "NUM-04",
        "number-check",
        2,
        "anonymous",
        lambda f, period: f"{reverse('public_search:number_check')}?number={f.number}",
    ),
    # The list's stamp (its validator and the paginator's count), then the page of rows.
    ("PUB-05", "list-month", 2, "anonymous", lambda f, period: f"{reverse('lists:page')}?period={period}"),
    (
        "PUB-05",
        "list-month-last",
        2,
        "anonymous",
        lambda f, period: f"{reverse('lists:page')}?period={period}&page=last",
    ),
    # The count, the page of deadlines, their subjects (one query per kind on the page).
    ("REV-02", "queue", 9, "reviewer", lambda f, period: reverse("review:queue")),
    # The entity, the count, the drafts' count, the page.
    ("ALG-09", "filer-filings", 10, "filer", lambda f, period: reverse("algorithms:list")),
    (
        "ALG-09",
        "filer-filings-last",
        10,
        "filer",
        lambda f, period: f"{reverse('algorithms:list')}?page=last",
    ),
]


def test_issue_17_each_page_makes_a_fixed_number_of_queries(
    client, settings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    # The same count on either store: the rate counter is then one query, not a Redis call.
    settings.RATE_LIMIT_STORE = "database"
    filer = FilerFactory(entity__name="北京星河智联科技有限公司")
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    readers = {"anonymous": None, "reviewer": ReviewerFactory(), "filer": filer}
    published = []
    for size in (3, 30):
        while len(published) < size:  # each round: one published, one waiting for review
            with django_capture_on_commit_callbacks(execute=True):
                published.append(approve_item(complete_filing(filer, product)))
                complete_filing(filer, product)
        filing = published[0]
        filing.refresh_from_db()
        period = f"{timezone.localdate():%Y-%m}"
        for rule, page, queries, who, address in PAGES:
            client.logout()
            if readers[who] is not None:
                client.force_login(readers[who])
            with django_assert_num_queries(queries, info=f"{rule} {page} with {size} filings"):
                response = client.get(address(filing, period))
            assert response.status_code == 200, (page, size)
