"""PUB-01…06: search, public filing pages, open data, and nothing private reaching the public."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from algorithms.services import filing_save_step, filing_submit
from filers.services import entity_save, entity_submit
from public_search.models import PublicFiling
from public_search.services import grams_of, public_search, query_grams
from review.services import transition_perform
from review.transitions import Action

from .builders import (
    BASIC,
    DETAILS,
    ENTITY_DATA,
    approve_item,
    complete_entity,
    complete_filing,
    complete_product,
)
from .conftest import requires_postgres
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def _published(django_capture_on_commit_callbacks, *, entity_name="北京星河智联科技有限公司", basic=None):
    filer = FilerFactory(entity__name=entity_name)
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        filing = approve_item(complete_filing(filer, product, basic=basic))
    return filer, filing


def test_pub_01_grams_are_runs_of_one_to_three_characters():
    assert grams_of("星河 科技") == {"星", "河", "科", "技", "星河", "科技"}
    assert grams_of("星河智") == {"星", "河", "智", "星河", "河智", "星河智"}
    assert query_grams("星") == ["星"] and query_grams("星河") == ["星河"]
    assert query_grams("星河智") == ["星河智"]
    assert query_grams("星河 智联") == ["星河智", "河智联"]


def test_pub_01_longer_queries_keep_only_whole_matches(django_capture_on_commit_callbacks):
    """4+ characters walk a three-character posting list: a filing holding each run but not the whole
    query (here 星河智 in the entity, 河智联 nowhere contiguous with it) is not a match."""
    _, filing = _published(django_capture_on_commit_callbacks)
    _published(
        django_capture_on_commit_callbacks,
        entity_name="上海星河智慧科技有限公司",
        basic={"name": "河智联动推荐算法", "algo_type": "02"},
    )
    assert [r.pk for r in public_search(q="星河智联")] == [filing.pk]
    assert [r.pk for r in public_search(q="星河智联科技")] == [filing.pk]
    assert public_search(q="星河智联").count(cap=5) == 1
    # LIKE's own characters in a query are literal.
    assert list(public_search(q="星河%联")) == [] and list(public_search(q="星_智联")) == []


def test_pub_01_search_by_a_one_or_two_character_part_of_a_name(django_capture_on_commit_callbacks):
    _, filing = _published(django_capture_on_commit_callbacks)
    _published(
        django_capture_on_commit_callbacks,
        entity_name="上海云帆数据服务有限公司",
        basic={"name": "云帆智能搜索算法", "algo_type": "04"},
    )
    for q in ("星", "星河", "星河智联", "河智", "推荐"):
        assert [r.pk for r in public_search(q=q)] == [filing.pk], q
    assert list(public_search(q="不存在的名字")) == []


def test_pub_01_search_by_number_with_or_without_the_prefix(django_capture_on_commit_callbacks):
    _, filing = _published(django_capture_on_commit_callbacks)
    filing.refresh_from_db()
    n = filing.number
    for q in (n, f"网信算备{n}号", f"网信算备 {n[:6]} {n[6:13]} {n[13:]} 号"):
        assert [r.pk for r in public_search(q=q)] == [filing.pk]


def test_pub_02_results_show_what_the_public_needs_and_filters(client, django_capture_on_commit_callbacks):
    _, filing = _published(django_capture_on_commit_callbacks)
    filing.refresh_from_db()
    response = client.get(reverse("public_search:search"), {"q": "星河"})
    html = response.content.decode()
    for text in (
        BASIC["name"],
        "北京星河智联科技有限公司",
        "星河资讯（APP）",
        f"网信算备{filing.number}号",
        "已备案",
        BASIC["main_use"],
    ):
        assert text in html, text
    by_type = client.get(reverse("public_search:search"), {"q": "星河", "type": "03"})
    assert list(by_type.context["page"].object_list) == []
    assert (
        len(client.get(reverse("public_search:search"), {"q": "星河", "province": "11"}).context["page"]) == 1
    )
    year = timezone.localdate().year
    assert len(client.get(reverse("public_search:search"), {"q": "星河", "year": year}).context["page"]) == 1
    empty = client.get(reverse("public_search:search"), {"q": "没有这个"}).content.decode()
    assert "没有找到符合条件的备案" in empty and "试试输入主体名称中的一两个字" in empty


def test_pub_02_a_technical_supporter_shows_no_products(django_capture_on_commit_callbacks):
    filer = FilerFactory()
    complete_entity(filer, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        filing = approve_item(
            complete_filing(
                filer, None, basic={"algo_type": "01", "role": "supporter", "tech_service_mode": "API接口"}
            )
        )
    assert PublicFiling.objects.get(pk=filing.pk).products == "--"


def test_pub_03_the_public_page_shows_the_approved_disclosure_at_a_stable_url(
    client, django_capture_on_commit_callbacks
):
    filer, filing = _published(django_capture_on_commit_callbacks)
    url = reverse("public_search:filing", args=[filing.pk])
    html = client.get(url).content.decode()
    for text in (
        "算法基本原理",
        BASIC["public_principle"],
        "算法运行机制",
        BASIC["public_mechanism"],
        "算法应用场景",
        BASIC["public_scenarios"],
        "算法目的意图",
        BASIC["public_purpose"],
        "备案通过",
    ):
        assert text in html, text
    # ALG-12: what the filer wrote for the office is never public (the page used to show these two).
    assert DETAILS["strategy"] not in html and DETAILS["model"]["principle"] not in html
    # A change waiting for review does not reach the public; the URL stays the same.
    filing_save_step(filing=filing, actor=filer, step=1, basic={**BASIC, "main_use": "变更后的主要用途。"})
    filing_submit(filing=filing, actor=filer, commitment=True)
    assert "变更后的主要用途。" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        approve_item(filing)
    html = client.get(url).content.decode()
    assert "变更后的主要用途。" in html and "主要用途" in html and "变更" in html
    record = PublicFiling.objects.get(pk=filing.pk)
    assert record.remark.startswith("变更内容：") and record.history[-1]["event"] == "changed"


def test_pub_03_the_record_is_chinese_whoever_acts_and_the_page_speaks_the_readers_language(
    client, django_capture_on_commit_callbacks
):
    """A reviewer working in English approves a change: the public record (and the list's 备注) stays
    in Chinese, and each reader sees the history's labels in their own language."""
    from django.utils import translation

    filer, filing = _published(django_capture_on_commit_callbacks)
    filing_save_step(filing=filing, actor=filer, step=1, basic={**BASIC, "main_use": "变更后的主要用途。"})
    filing_submit(filing=filing, actor=filer, commitment=True)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        approve_item(filing)
    record = PublicFiling.objects.get(pk=filing.pk)
    assert [h["label"] for h in record.history] == ["备案通过", "变更"]
    assert record.history[-1]["detail"] == "主要用途" and record.history[-1]["fields"] == ["basic.main_use"]
    assert record.remark == "变更内容：主要用途"

    url = reverse("public_search:filing", args=[filing.pk])
    chinese = client.get(url).content.decode()
    assert "<strong>变更</strong>：主要用途" in chinese
    client.cookies.load({"django_language": "en"})
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<strong>Change</strong>: Main use" in english, re.findall(r"<li class=\"h-.*?</li>", english)
    assert "<strong>变更</strong>" not in english


def test_pub_03_badge_qr_and_snippet(client, django_capture_on_commit_callbacks):
    _, filing = _published(django_capture_on_commit_callbacks)
    filing.refresh_from_db()
    badge = client.get(reverse("public_search:badge", args=[filing.pk]))
    assert badge["Content-Type"].startswith("image/svg+xml") and filing.number in badge.content.decode()
    qr = client.get(reverse("public_search:qr", args=[filing.pk]))
    assert qr["Content-Type"].startswith("image/svg+xml") and b"<svg" in qr.content
    page = client.get(reverse("public_search:filing", args=[filing.pk])).content.decode()
    assert f"网信算备{filing.number}号&lt;/a&gt;" in page  # the snippet to copy, escaped in a textarea


def test_rev_05_revocation_and_its_reason_are_shown_publicly(client, django_capture_on_commit_callbacks):
    _, filing = _published(django_capture_on_commit_callbacks)
    transition_perform(
        obj=filing, action=Action.REVOKE, actor=ReviewerFactory(), reason="以隐瞒有关情况方式取得备案。"
    )
    html = client.get(reverse("public_search:filing", args=[filing.pk])).content.decode()
    assert "已撤销" in html and "以隐瞒有关情况方式取得备案。" in html
    assert PublicFiling.objects.get(pk=filing.pk).remark == "已撤销"


def test_pub_05_an_entity_name_change_reaches_the_public_record(django_capture_on_commit_callbacks):
    filer, filing = _published(django_capture_on_commit_callbacks)
    entity = filer.entity
    entity_save(entity=entity, actor=filer, data={**ENTITY_DATA, "name": "北京星河智联信息技术有限公司"})
    entity_submit(entity=entity, actor=filer)
    approve_item(entity)
    record = PublicFiling.objects.get(pk=filing.pk)
    assert record.entity_name == "北京星河智联信息技术有限公司"
    assert record.remark == '原主体名称"北京星河智联科技有限公司"变更为"北京星河智联信息技术有限公司"'


def test_pub_02_open_data_api_with_cursor_and_rate_limit(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    _, filing = _published(django_capture_on_commit_callbacks)
    api = APIClient()
    body = api.get("/api/v1/public/filings/", {"q": "星河"}).json()
    assert body["count"] == 1 and body["results"][0]["id"] == filing.pk
    assert "disclosure" in api.get(f"/api/v1/public/filings/{filing.pk}/").json()
    since = api.get("/api/v1/public/filings/", {"modified_since": "2022-01-01T00:00:00+08:00"}).json()
    assert [r["id"] for r in since["results"]] == [filing.pk]
    soon = (timezone.now() + timedelta(hours=1)).isoformat()
    later = api.get("/api/v1/public/filings/", {"modified_since": soon}).json()
    assert later["results"] == []
    assert api.get("/api/v1/public/filings/", {"modified_since": "yesterday"}).status_code == 400

    # The suite's own limits are relaxed (conftest); this test's is tight, and the windows' clock stands
    # still so that the requests fall in one window (SEC-03's tests cover the limits themselves).
    from beian import throttling

    monkeypatch.setattr(throttling, "clock", lambda: 1_900_000_800.0)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open_data": "3/h"}
    codes = [api.get("/api/v1/public/filings/").status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    assert int(api.get("/api/v1/public/filings/")["Retry-After"]) > 0


def test_pub_02_open_data_sync_follows_a_keyset_cursor_through_ties(django_capture_on_commit_callbacks):
    """modified_since pages by (changed_at, id): following `next` yields every filing once, in change
    order, even when several changed at the same moment; a later change moves a filing to the end."""

    ids = [
        _published(django_capture_on_commit_callbacks, entity_name=f"北京星河{i}号科技有限公司")[1].pk
        for i in range(4)
    ]
    moment = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    PublicFiling.objects.filter(pk__in=ids[1:3]).update(changed_at=moment)  # a tie
    PublicFiling.objects.filter(pk=ids[0]).update(changed_at=moment - timedelta(minutes=1))
    PublicFiling.objects.filter(pk=ids[3]).update(changed_at=moment + timedelta(minutes=1))
    api = APIClient()

    start = {"modified_since": (moment - timedelta(days=1)).isoformat(), "page_size": 1}
    seen, counts, url = [], [], "/api/v1/public/filings/?" + urlencode(start)
    while url:
        body = api.get(url).json()
        seen += [r["id"] for r in body["results"]]
        counts.append(body["count"])
        url = body["next"]
    assert seen == ids and counts == [4, 3, 2, 1]
    # Resuming from the middle of the tie: only what comes after it.
    body = api.get(
        "/api/v1/public/filings/",
        {"modified_since": moment.isoformat(), "after_id": min(ids[1:3])},
    ).json()
    assert [r["id"] for r in body["results"]] == [max(ids[1:3]), ids[3]] and body["next"] is None
    bad = api.get("/api/v1/public/filings/", {"modified_since": moment.isoformat(), "after_id": "x"})
    assert bad.status_code == 400 and "after_id" in bad.json()


def test_pub_02_open_data_search_counts_up_to_the_cap_like_the_page(
    monkeypatch, client, django_capture_on_commit_callbacks
):
    """A search's count stops at COUNT_CAP in the API as on the page (an exact count of 科 would read
    600,000 postings at a million filings); so does the sync cursor's count of what is left."""
    from public_search import pagination

    _, first = _published(django_capture_on_commit_callbacks)
    _, second = _published(
        django_capture_on_commit_callbacks,
        entity_name="北京星河云图科技有限公司",
        basic={"name": "星河云图推荐算法", "algo_type": "02"},
    )
    api = APIClient()
    body = api.get("/api/v1/public/filings/", {"q": "星河"}).json()
    assert (body["count"], body["count_capped"]) == (2, False)

    monkeypatch.setattr(pagination, "COUNT_CAP", 1)
    for q in ("星河", "科技有限"):  # a posting list read directly, and a walk
        body = api.get("/api/v1/public/filings/", {"q": q}).json()
        assert (body["count"], body["count_capped"]) == (1, True), q
        assert {r["id"] for r in body["results"]} == {first.pk, second.pk}, q
    synced = api.get("/api/v1/public/filings/", {"modified_since": "2022-01-01T00:00:00+08:00"}).json()
    assert (synced["count"], synced["count_capped"]) == (1, True) and len(synced["results"]) == 2
    page = client.get(reverse("public_search:search"), {"q": "星河"}).content.decode()
    assert "找到超过 1 条结果" in page


@requires_postgres
def test_pub_01_name_queries_of_any_length_use_an_index(django_capture_on_commit_callbacks):
    """1–3 characters read the gram's posting list off its primary key in date order; longer queries
    read their gram's list the same way and probe each filing by its key, stopping at the page's last
    match; with filters the GIN index over the name grams intersects them (pg_trgm would need 3+)."""
    from public_search.models import PublicGram

    _published(django_capture_on_commit_callbacks)
    with connection.cursor() as cursor:
        cursor.execute(
            "SET enable_seqscan = off"
        )  # a handful of rows: make the planner show its index choice
        cursor.execute("SET enable_bitmapscan = off")
        cursor.execute("SET enable_sort = off")
        for q in ("星", "星河", "星河智"):
            search = public_search(q=q, sort="date")
            assert search.direct, q
            sql, params = search._postings()[:20].query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "public_search_publicgram_pkey" in plan and "Sort" not in plan, plan
        # Four characters: the rarest three-character list in key order, each posting's names checked
        # by a subplan on the filing's key; no sort, and no hash join that would read the whole table.
        search = public_search(q="星河智联", sort="date")
        assert not search.direct
        with CaptureQueriesContext(connection) as captured:
            search._matches(20)
        cursor.execute("EXPLAIN " + captured.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Index Only Scan Backward using public_search_publicgram_pkey" in plan, plan
        assert "SubPlan" in plan and "public_search_publicfiling_pkey" in plan, plan
        assert "Sort" not in plan and "Hash" not in plan, plan
        cursor.execute("SET enable_bitmapscan = on")
        cursor.execute("SET enable_sort = on")
        # Filtered searches: the GIN index over the grams. On a handful of rows the planner would as
        # soon walk the date index and filter; with plain index scans off, it shows the GIN choice.
        cursor.execute("SET enable_indexscan = off")
        cursor.execute("SET enable_indexonlyscan = off")
        from public_search.services import _gram_filter

        for q in ("星", "星河", "星河智"):
            filtered = _gram_filter(PublicFiling.objects.all(), query_grams(q)).order_by("-approved_on")
            sql, params = filtered[:20].query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "public_filing_grams_gin" in plan, plan
        for setting in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET enable_{setting} = on")
    assert PublicGram.objects.filter(gram="星河").exists()


PRIVATE_MARKERS = {
    "legal_rep_id_number": "11010519491231002X",
    "officer_id_number": "110101199003071233",
    "legal_rep_mobile": "13812345678",
    "officer_mobile": "13912345678",
    "legal_rep_email": "wangming@example.cn",
    "officer_email": "lihua@example.cn",
}


def test_pub_06_nothing_private_reaches_any_public_page_or_endpoint(
    client, django_capture_on_commit_callbacks
):
    """Marker strings in every private field: ID numbers, phones, e-mails, uploads, reviewer notes."""
    filer, filing = _published(django_capture_on_commit_callbacks)
    reviewer = ReviewerFactory()
    # A reviewer's note on a rejected change, an upload's name, the filer's own e-mail and mobile.
    filing_save_step(filing=filing, actor=filer, step=1, basic={**BASIC, "main_use": "PRIVATE-DRAFT-MARKER"})
    filing_submit(filing=filing, actor=filer, commitment=True)
    transition_perform(obj=filing, action=Action.CLAIM, actor=reviewer)
    transition_perform(obj=filing, action=Action.REJECT, actor=reviewer, reason="PRIVATE-REVIEWER-NOTE")
    filing.refresh_from_db()
    markers = [
        *PRIVATE_MARKERS.values(),
        "PRIVATE-DRAFT-MARKER",
        "PRIVATE-REVIEWER-NOTE",
        filer.email,
        filer.mobile or "13800000000",
        "scan.pdf",
        "self_assessment",
        "attachments/",
    ]
    urls = [
        reverse("public_search:home"),
        reverse("public_search:search") + "?q=星河",
        reverse("public_search:search") + f"?q={filing.number}",
        reverse("public_search:filing", args=[filing.pk]),
        reverse("public_search:badge", args=[filing.pk]),
        reverse("public_search:number_check") + f"?number={filing.number}",
        "/api/v1/public/filings/?q=星河",
        f"/api/v1/public/filings/{filing.pk}/",
        "/api/v1/public/filings/?modified_since=2022-01-01T00:00:00Z",
        f"/api/v1/public/number-check/?number={filing.number}",
    ]
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for marker in markers:
            assert marker not in text, (url, marker)
    # The public record itself holds none of it either.
    record = PublicFiling.objects.get(pk=filing.pk)
    blob = repr(record.__dict__)
    for marker in markers:
        assert marker not in blob
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", blob)
