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
    # The list's published batches (issue 15: the page offers them, and a new one changes the page),
    # the list's stamp (its validator and the paginator's count), then the page of rows.
    ("PUB-05", "list-month", 3, "anonymous", lambda f, period: f"{reverse('lists:page')}?period={period}"),
    (
        "PUB-05",
        "list-month-last",
        3,
        "anonymous",
        lambda f, period: f"{reverse('lists:page')}?period={period}&page=last",
    ),
    # The count, the page of deadlines, their subjects (one query per kind on the page), and the count of
    # RPT-01's 问题报告 tab.
    (
        "REV-02",
        "queue",
        11,
        "reviewer",
        lambda f, period: reverse("review:queue"),
    ),  # 11: DL-05 reads the calendar once per page
    # RPT-01: the reports tab — the count, the page of reports with their filings, the tab's count.
    ("RPT-01", "reports-queue", 8, "reviewer", lambda f, period: reverse("reports:queue")),
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


def test_rev_02_the_unfiltered_queue_never_reads_the_subjects_tables():
    """The queue counts and pages open deadlines by kind; joining each kind's table (to check that the
    subject exists) read all its rows, a million filings for a few thousand waiting (issue 17)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from review.selectors import review_queue

    with CaptureQueriesContext(connection) as captured:
        queue = review_queue(reviewer=ReviewerFactory())
        queue.count()
        list(queue[:25])
    statements = [c["sql"] for c in captured.captured_queries if "review_deadline" in c["sql"]]
    assert len(statements) == 2
    for table in ("algorithms_filing", "products_product", "filers_entity"):
        assert all(table not in sql for sql in statements), table


def test_rev_02_a_withdrawn_products_deadline_leaves_the_queue_with_it():
    from products.services import product_delete
    from review.models import Deadline
    from review.selectors import queue_items, review_queue

    filer = FilerFactory()
    complete_entity(filer, approve=True)
    product = complete_product(filer)  # submitted: waiting for review, its deadline open
    reviewer = ReviewerFactory()
    assert review_queue(reviewer=reviewer).count() == 1
    product_delete(product=product, actor=filer)
    assert not Deadline.objects.filter(object_id=product.pk, content_type__model="product").exists()
    queue = review_queue(reviewer=reviewer)
    assert queue.count() == len(queue_items(deadlines=list(queue))) == 0


def test_rev_02_the_migration_drops_deadlines_left_by_deleted_subjects():
    import importlib

    from django.apps import apps

    from products.models import Product
    from review.models import Deadline

    filer = FilerFactory()
    complete_entity(filer, approve=True)
    product = complete_product(filer)
    Product.objects.filter(pk=product.pk).delete()  # as product_delete did before deadlines_drop
    assert Deadline.objects.filter(object_id=product.pk, content_type__model="product").exists()
    migration = importlib.import_module("review.migrations.0009_drop_deadlines_of_deleted_subjects")
    migration.drop_orphans(apps, None)
    assert not Deadline.objects.filter(object_id=product.pk, content_type__model="product").exists()
    assert Deadline.objects.filter(object_id=filer.entity.pk, content_type__model="entity").count() >= 1


def test_pub_01_the_home_page_counts_the_filings_by_type_at_most_once_a_minute(client, settings):
    """Counting a million filings by type is a scan of the table: the home page's counts are kept for
    TYPE_COUNTS_SECONDS (issue 17)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse("public_search:home")).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.get(reverse("public_search:home")).status_code == 200
    counted = [c["sql"] for c in first.captured_queries if "public_search_publicfiling" in c["sql"]]
    assert len(counted) == 1 and "COUNT" in counted[0]
    assert not [c for c in again.captured_queries if "public_search_publicfiling" in c["sql"]]
