"""STAT-01 统计: counters kept with each transition, the public page (its query count pinned), each chart an
SVG made by the server with no script and no outside address, and a CSV of each."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from algorithms.services import filing_cancel
from public_search.models import PublicFiling, StatCount
from public_search.stats import stat_counts, stat_rebuild
from review.services import transition_perform
from review.transitions import Action

from .builders import approve_item, complete_entity, complete_filing, complete_product
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def _published(capture, *, basics):
    filer = FilerFactory(entity__name="北京星河智联科技有限公司")
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    with capture(execute=True):
        return filer, [approve_item(complete_filing(filer, product, basic=basic)) for basic in basics]


def _counters() -> dict:
    return {(c.chart, c.period, c.key): c.n for c in StatCount.objects.filter(n__gt=0)}


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    basics = [
        {"algo_type": "02", "domain": "新闻资讯"},
        {"algo_type": "02", "domain": "网络视听"},
        {"algo_type": "01", "domain": "新闻资讯"},
    ]
    filer, filings = _published(django_capture_on_commit_callbacks, basics=basics)
    with django_capture_on_commit_callbacks(execute=True):
        transition_perform(
            obj=filings[1], action=Action.REVOKE, actor=ReviewerFactory(), reason="隐瞒有关情况。"
        )
    return filer, filings


def test_stat_01_counters_follow_approvals_and_revocations(world):
    month = timezone.localdate().isoformat()[:7]
    assert _counters() == {
        ("approved", month, "01"): 1,
        ("approved", month, "02"): 2,
        ("province", "", "11"): 2,
        ("domain", "", "新闻资讯"): 2,
        ("ended", month, "revoked"): 1,
    }


def test_stat_01_counters_equal_a_rebuild_from_the_public_records(world, django_capture_on_commit_callbacks):
    filer, filings = world
    with django_capture_on_commit_callbacks(execute=True):
        filing_cancel(filing=filings[0], actor=filer, terminated_on=timezone.localdate())
    kept = _counters()
    stat_rebuild()
    assert _counters() == kept
    assert PublicFiling.objects.count() == 3


def test_stat_01_the_page_reads_the_counters_in_one_query(client, world, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = client.get(reverse("public_search:stats"))
    body = page.content.decode()
    assert page.status_code == 200
    for chart in ("approved", "province", "domain", "ended"):
        assert reverse("public_search:stats_chart", args=[chart]) in body
        assert reverse("public_search:stats_csv", args=[chart]) in body
    assert "北京市" in body and "新闻资讯" in body and "个性化推送类" in body


def test_stat_01_each_chart_is_an_svg_without_script_or_outside_address(client, world):
    for chart in ("approved", "province", "domain", "ended"):
        svg = client.get(reverse("public_search:stats_chart", args=[chart]))
        text = svg.content.decode()
        assert svg["Content-Type"] == "image/svg+xml" and "<svg" in text
        assert "<script" not in text and "kozea.github.io" not in text
        # nothing is fetched from elsewhere: no link, image, font or stylesheet address outside the SVG
        assert not re.search(r"(href|src)=\"(https?:)?//|url\((https?:)?//|@import", text)


def test_stat_01_a_csv_per_chart_with_the_tables_numbers(client, world):
    response = client.get(reverse("public_search:stats_csv", args=["domain"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[1:] == [["新闻资讯", "2"]]


def test_stat_01_an_unknown_chart_is_not_found(client, db):
    assert client.get(reverse("public_search:stats_chart", args=["nope"])).status_code == 404
    assert client.get(reverse("public_search:stats_csv", args=["nope"])).status_code == 404


def test_stat_01_empty_statistics_draw_and_read(client, db):
    assert stat_counts() == {"approved": [], "province": [], "domain": [], "ended": []}
    assert client.get(reverse("public_search:stats")).status_code == 200
    assert client.get(reverse("public_search:stats_chart", args=["approved"])).status_code == 200


def test_stat_01_the_migration_fills_the_domain_and_counts_what_was_published(world):
    from importlib import import_module

    from django.apps import apps

    kept = _counters()
    PublicFiling.objects.update(domain="")
    StatCount.objects.all().delete()
    import_module("public_search.migrations.0011_backfill_domain_and_stat_counts").backfill(apps, None)
    assert sorted(PublicFiling.objects.values_list("domain", flat=True)) == [
        "新闻资讯",
        "新闻资讯",
        "网络视听",
    ]
    assert _counters() == kept
