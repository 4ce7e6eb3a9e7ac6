"""STAT-01 for reviewers: queue load, overdue items and working days from submission to decision, by
province and month, in the reviewer's scope only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from algorithms.models import Filing
from review.calendar import working_days_between
from review.models import Deadline
from review.models_deadlines import DeadlineKind
from review.stats import decision_times, queue_load

from .builders import approve_item, complete_entity, complete_filing, complete_product
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def beijing(django_capture_on_commit_callbacks):
    """Two 北京 filings submitted: one decided (submitted two weeks ago), one waiting and overdue."""
    cache.clear()
    filer = FilerFactory()
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        decided = complete_filing(filer, product)
        waiting = complete_filing(filer, product)
    today = timezone.localdate()
    filing_type = ContentType.objects.get_for_model(Filing)
    Deadline.objects.filter(content_type=filing_type, object_id=decided.pk, kind=DeadlineKind.REVIEW).update(
        starts_on=today - timedelta(days=14)
    )
    with django_capture_on_commit_callbacks(execute=True):
        approve_item(decided)
    Deadline.objects.filter(content_type=filing_type, object_id=waiting.pk, kind=DeadlineKind.REVIEW).update(
        due_on=today - timedelta(days=1)
    )
    return today


def test_stat_01_a_province_reviewer_sees_its_load_overdue_items_and_working_days(beijing):
    reviewer = ReviewerFactory(province_code="110000")
    assert [(r.province, r.waiting, r.overdue) for r in queue_load(reviewer=reviewer)] == [("11", 1, 1)]
    [times] = decision_times(reviewer=reviewer)
    expected = working_days_between(beijing - timedelta(days=14), beijing, provisional=True)
    # the entity and the product were decided the day they were submitted, the filing after two weeks
    assert (times.province, times.month, times.decisions) == ("11", beijing.isoformat()[:7], 3)
    assert times.median == 0 and times.p90 == pytest.approx(0.8 * expected)


def test_stat_01_another_provinces_reviewer_sees_nothing_of_beijing(beijing):
    shanghai = ReviewerFactory(province_code="310000")
    assert queue_load(reviewer=shanghai) == [] and decision_times(reviewer=shanghai) == []
    national = ReviewerFactory()
    assert [r.province for r in queue_load(reviewer=national)] == ["11"]


def test_stat_01_the_reviewer_statistics_page(client, beijing, django_assert_max_num_queries):
    client.force_login(ReviewerFactory(province_code="110000"))
    # session, user, load, decisions, the calendar once, the header's unread count, the session saved
    with django_assert_max_num_queries(9):
        page = client.get(reverse("review:stats"))
    body = page.content.decode()
    assert page.status_code == 200 and "北京市" in body
    client.force_login(ReviewerFactory(province_code="310000"))
    assert "北京市" not in client.get(reverse("review:stats")).content.decode()


def test_stat_01_the_reviewer_statistics_are_for_reviewers_only(client, db):
    assert client.get(reverse("review:stats")).status_code == 302
    client.force_login(FilerFactory())
    assert client.get(reverse("review:stats")).status_code == 403
