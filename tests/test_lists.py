"""PUB-05 备案清单: the filings approved in a period, in the CAC's columns, as a page, CSV and PDF;
生成合成类 separately with 角色; long lists made by the worker with progress. PUB-06: nothing private."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from algorithms.models import Filing
from public_search import list_views, tasks
from public_search.lists import list_csv, list_pdf, list_rows, period_normalise, period_parse
from public_search.models import ListExport, PublicFiling
from review.numbers import number_compose

from .factories import EntityFactory
from .pdf_tools import POPPLER, pdf_fonts, poppler

pytestmark = pytest.mark.django_db

HEADERS = ["序号", "算法名称", "算法类别", "主体名称", "应用产品", "主要用途", "备案编号", "备注"]
GENERATIVE_HEADERS = ["序号", "算法名称", "角色", "主体名称", "应用产品", "主要用途", "备案编号", "备注"]
KEYS = ["seq", "name", "algo_type", "entity_name", "products", "main_use", "number", "remark", "id"]
GENERATIVE_KEYS = ["seq", "name", "role", "entity_name", "products", "main_use", "number", "remark", "id"]
NUMBER = re.compile(r"网信算备\d{21}号")

_sequence = iter(range(1, 1000))


def publish(
    name: str,
    *,
    approved_on: date = date(2026, 11, 5),
    algo_type: str = "02",
    role: str = "provider",
    entity_name: str = "北京星河科技有限公司",
    products: str = "星河短视频（APP、网站）",
    main_use: str = "应用于短视频推荐场景，为用户推荐可能感兴趣的内容。",
    state: str = "approved",
    remark: str = "",
    number: str | None = "auto",
    entity=None,
) -> PublicFiling:
    entity = entity or EntityFactory(name=entity_name)
    filing = Filing.objects.create(entity=entity, name=name, algo_type=algo_type)
    if number == "auto":
        number = number_compose(
            county="110108",
            entity_code="8234839",
            algo_type=algo_type,
            year=approved_on.year,
            sequence=next(_sequence),
        )
    return PublicFiling.objects.create(
        filing=filing,
        number=number,
        name=name,
        algo_type=algo_type,
        role=role,
        entity_name=entity_name,
        province_code="11",
        products=products,
        main_use=main_use,
        state=state,
        approved_on=approved_on,
        changed_at=timezone.now(),
        remark=remark,
    )


def _pdf_text(pdf: bytes, tmp_path, *pages: int) -> str:
    if not POPPLER:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    args = ["-enc", "UTF-8"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return poppler("pdftotext", pdf, tmp_path, *args)


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


# --- Periods -------------------------------------------------------------------------------------


def test_pub_05_period_parse_month_and_year():
    assert period_parse("2026-11") == (date(2026, 11, 1), date(2026, 11, 30), "2026年11月")
    assert period_parse(" 2024-02 ") == (date(2024, 2, 1), date(2024, 2, 29), "2024年2月")
    assert period_parse("2026-1") == (date(2026, 1, 1), date(2026, 1, 31), "2026年1月")
    assert period_parse("2026年3月") == (date(2026, 3, 1), date(2026, 3, 31), "2026年3月")
    # The CAC publishes in batches: a whole year is a period too.
    assert period_parse("2026") == (date(2026, 1, 1), date(2026, 12, 31), "2026年")
    assert period_parse("2026年")[2] == "2026年"
    assert period_normalise("2026年3月") == "2026-03"
    assert period_normalise("2026") == "2026"


@pytest.mark.parametrize(
    "text", ["", "   ", "2026-13", "2026-00", "abc", "26-11", "2026-11-01", "2021-05", "1999"]
)
def test_pub_05_period_parse_errors_are_chinese(text):
    with pytest.raises(ValueError) as error:
        period_parse(text)
    assert re.search(r"[\u4e00-\u9fff]", str(error.value)), str(error.value)


# --- Rows ----------------------------------------------------------------------------------------


def test_pub_05_columns_and_order():
    later = publish("星河排序算法", approved_on=date(2026, 11, 20), algo_type="03")
    first = publish("星河推荐算法", approved_on=date(2026, 11, 2))
    # The same day: by number.
    b = publish(
        "同日算法乙",
        approved_on=date(2026, 11, 10),
        number=number_compose(
            county="110108", entity_code="8234839", algo_type="02", year=2026, sequence=900
        ),
    )
    a = publish(
        "同日算法甲",
        approved_on=date(2026, 11, 10),
        number=number_compose(
            county="110108", entity_code="8234839", algo_type="02", year=2026, sequence=800
        ),
    )
    generative = publish("星河大模型", approved_on=date(2026, 11, 15), algo_type="01")
    publish("十月算法", approved_on=date(2026, 10, 31))
    publish("十二月算法", approved_on=date(2026, 12, 1))

    rows = list_rows(period="2026-11", generative=False)

    assert [list(row) for row in rows] == [KEYS] * 4
    assert [row["seq"] for row in rows] == [1, 2, 3, 4]
    # PUB-05 (issue 15): 生成合成类 is on the 深度合成 list only, not on this one.
    assert [row["id"] for row in rows] == [first.pk, a.pk, b.pk, later.pk]
    assert generative.pk not in [row["id"] for row in rows]
    assert rows[0]["algo_type"] == "个性化推送类"
    assert rows[3]["algo_type"] == "排序精选类"
    assert rows[0]["name"] == "星河推荐算法"
    assert rows[0]["entity_name"] == "北京星河科技有限公司"
    assert rows[0]["main_use"] == "应用于短视频推荐场景，为用户推荐可能感兴趣的内容。"
    assert rows[0]["number"] == f"网信算备{first.number}号"
    assert all(NUMBER.fullmatch(row["number"]) for row in rows)  # NUM-02
    # A whole year: the October and December filings too, still by date.
    year = list_rows(period="2026", generative=False)
    assert [row["name"] for row in year][0] == "十月算法"
    assert [row["name"] for row in year][-1] == "十二月算法"
    assert [row["seq"] for row in year] == list(range(1, 7))


def test_pub_05_generative_list_has_role_and_only_type_01():
    publish("星河推荐算法", algo_type="02")
    provider = publish("星河大模型", algo_type="01", products="星河助手（APP、小程序）")
    supporter = publish(
        "星河合成引擎", algo_type="01", role="supporter", products="--", approved_on=date(2026, 11, 6)
    )

    rows = list_rows(period="2026-11", generative=True)

    assert [list(row) for row in rows] == [GENERATIVE_KEYS] * 2
    assert [row["id"] for row in rows] == [provider.pk, supporter.pk]
    assert [row["role"] for row in rows] == ["服务提供者", "服务技术支持者"]
    assert rows[1]["products"] == "--"


def test_pub_05_products_written_as_given():
    products = "星河短视频（APP、网站）、星河助手（小程序）"
    publish("星河推荐算法", products=products, approved_on=date(2026, 11, 5))
    publish("星河合成引擎", algo_type="01", role="supporter", products="--", approved_on=date(2026, 11, 6))

    rows = list_rows(period="2026-11", generative=False)
    generative = list_rows(period="2026-11", generative=True)

    assert [row["products"] for row in rows] == [products]
    assert [row["products"] for row in generative] == ["--"]
    assert _csv_rows(list_csv(period="2026-11", generative=False))[1][4] == products


def test_pub_05_remark_says_cancelled_revoked_or_changed():
    publish("已注销算法", state="cancelled", remark="已注销", approved_on=date(2026, 11, 1))
    publish("已撤销算法", state="revoked", remark="已撤销", approved_on=date(2026, 11, 2))
    publish("变更算法", remark="变更内容：主要用途、应用产品", approved_on=date(2026, 11, 3))
    publish(
        "更名算法",
        remark='原主体名称"北京旧名有限公司"变更为"北京星河科技有限公司"',
        approved_on=date(2026, 11, 4),
    )
    publish("正常算法", approved_on=date(2026, 11, 5))
    # Cancelled after a change: the list says it is cancelled, whatever 备注 said before.
    publish("变更后注销算法", state="cancelled", remark="变更内容：主要用途", approved_on=date(2026, 11, 6))

    remarks = [row["remark"] for row in list_rows(period="2026-11", generative=False)]

    assert remarks == [
        "已注销",
        "已撤销",
        "变更内容：主要用途、应用产品",
        '原主体名称"北京旧名有限公司"变更为"北京星河科技有限公司"',
        "",
        "已注销",
    ]


# --- CSV -----------------------------------------------------------------------------------------


def test_pub_05_csv_has_bom_crlf_and_the_cac_columns():
    first = publish("星河推荐算法", approved_on=date(2026, 11, 2))
    second = publish(
        "星河排序引擎",
        algo_type="03",
        products="--",
        state="cancelled",
        remark="已注销",
        approved_on=date(2026, 11, 3),
    )

    content = list_csv(period="2026-11", generative=False)

    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    assert content.count(b"\r\n") == 3 and b"\n" not in content.replace(b"\r\n", b"")
    assert _csv_rows(content) == [
        HEADERS,  # PUB-05 (issue 15): exactly the CAC's columns, no `id`
        [
            "1",
            "星河推荐算法",
            "个性化推送类",
            "北京星河科技有限公司",
            "星河短视频（APP、网站）",
            "应用于短视频推荐场景，为用户推荐可能感兴趣的内容。",
            f"网信算备{first.number}号",
            "",
        ],
        [
            "2",
            "星河排序引擎",
            "排序精选类",
            "北京星河科技有限公司",
            "--",
            "应用于短视频推荐场景，为用户推荐可能感兴趣的内容。",
            f"网信算备{second.number}号",
            "已注销",
        ],
    ]


def test_pub_05_csv_of_generative_list_has_role():
    publish("星河推荐算法")
    publish("星河大模型", algo_type="01")

    rows = _csv_rows(list_csv(period="2026-11", generative=True))

    assert rows[0] == GENERATIVE_HEADERS  # PUB-05 (issue 15): no `id` column
    assert [row[1:3] for row in rows[1:]] == [["星河大模型", "服务提供者"]]


def test_pub_05_csv_cells_cannot_be_formulas():
    publish('=HYPERLINK("http://evil.example")', products="--")

    row = _csv_rows(list_csv(period="2026-11", generative=False))[1]

    assert row[1] == '\'=HYPERLINK("http://evil.example")'
    assert row[4] == "--"  # the CAC's mark of a technical supporter is kept as is


# --- PDF -----------------------------------------------------------------------------------------


def test_pub_05_pdf_text_and_embedded_fonts(tmp_path):
    first = publish("星河推荐算法", entity_name="北京星河科技有限公司")
    second = publish(
        "云帆检索算法",
        entity_name="上海云帆信息公司",
        algo_type="04",
        state="revoked",
        remark="已撤销",
        approved_on=date(2026, 11, 9),
    )

    pdf = list_pdf(period="2026-11", generative=False)

    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf, tmp_path)
    compact = re.sub(r"\s+", "", text)
    assert "境内互联网信息服务算法备案清单（2026年11月）" in compact
    for header in HEADERS:
        assert header in compact
    for name in (
        "北京星河科技有限公司",
        "上海云帆信息公司",
        "星河推荐算法",
        "云帆检索算法",
        "检索过滤类",
        "已撤销",
    ):
        assert name in compact
    for record in (first, second):
        assert f"网信算备{record.number}号" in compact
    # Landscape A4.
    info = poppler("pdfinfo", pdf, tmp_path)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (842, 595)
    # The CJK fonts are embedded, and subset (the file stays small).
    fonts = pdf_fonts(pdf, tmp_path)
    assert fonts and any("CJK" in name for name, _emb, _sub in fonts)
    for font in fonts:
        assert font[1:] == ("yes", "yes"), font  # emb, sub
    assert len(pdf) < 400_000


def test_pub_05_pdf_repeats_the_header_row_on_every_page(tmp_path):
    for i in range(30):
        publish(f"星河推荐算法{i}", approved_on=date(2026, 11, 1) + timedelta(days=i % 28))

    pdf = list_pdf(period="2026-11", generative=False)

    second_page = re.sub(r"\s+", "", _pdf_text(pdf, tmp_path, 2))
    assert "序号" in second_page and "主要用途" in second_page and "备案编号" in second_page
    assert "第2页" in second_page


def test_pub_05_pdf_of_generative_list(tmp_path):
    publish("星河推荐算法")
    publish("星河大模型", algo_type="01", role="supporter", products="--")

    compact = re.sub(r"\s+", "", _pdf_text(list_pdf(period="2026-11", generative=True), tmp_path))

    assert "境内深度合成服务算法备案清单（2026年11月）" in compact
    assert "角色" in compact and "算法类别" not in compact
    assert "服务技术支持者" in compact and "星河推荐算法" not in compact


# --- Pages and downloads -------------------------------------------------------------------------


def test_pub_05_page_shows_the_list_50_a_page(client):
    for i in range(51):
        publish(f"星河推荐算法{i:02d}", approved_on=date(2026, 11, 1) + timedelta(days=i % 28))
    publish("星河大模型", algo_type="01", approved_on=date(2026, 11, 28))

    response = client.get(reverse("lists:page"), {"period": "2026-11"})

    assert response.status_code == 200  # public: no login
    html = response.content.decode()
    assert "境内互联网信息服务算法备案清单（2026年11月）" in html
    for header in HEADERS:
        assert f">{header}</th>" in html
    assert html.count('<td class="col-seq"') == 50  # each cell also names its column for phones
    assert "共 51 项" in html  # 生成合成类 is on the other list only (issue 15)
    assert f"{reverse('lists:download', args=['csv'])}?period=2026-11" in html
    assert f"{reverse('lists:download', args=['pdf'])}?period=2026-11" in html
    assert 'type="month"' in html and 'value="2026-11"' in html

    page2 = client.get(reverse("lists:page"), {"period": "2026-11", "page": 2}).content.decode()
    assert re.search(r'<td class="col-seq"[^>]*>51</td>', page2)

    generative = client.get(
        reverse("lists:page"), {"period": "2026-11", "kind": "generative"}
    ).content.decode()
    assert "境内深度合成服务算法备案清单（2026年11月）" in generative
    assert ">角色</th>" in generative and ">算法类别</th>" not in generative
    assert "星河大模型" in generative and "星河推荐算法00" not in generative


def test_pub_05_page_defaults_to_the_latest_month_and_reports_bad_periods(client):
    publish("星河推荐算法", approved_on=date(2026, 9, 14))

    default = client.get(reverse("lists:page"))
    assert default.status_code == 200
    assert "境内互联网信息服务算法备案清单（2026年9月）" in default.content.decode()

    bad = client.get(reverse("lists:page"), {"period": "2026-13"})
    assert bad.status_code == 400
    assert "月份“13”无效" in bad.content.decode()

    download = client.get(reverse("lists:download", args=["csv"]), {"period": "nonsense"})
    assert download.status_code == 302 and download["Location"].startswith(reverse("lists:page"))
    assert client.get(reverse("lists:download", args=["xlsx"]), {"period": "2026-09"}).status_code == 404


def test_pub_05_small_period_downloads_directly(client):
    publish("星河推荐算法")
    publish("星河大模型", algo_type="01")

    response = client.get(reverse("lists:download", args=["csv"]), {"period": "2026-11"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = unquote(response["Content-Disposition"])
    assert (
        disposition.startswith("attachment;")
        and "境内互联网信息服务算法备案清单（2026年11月）.csv" in disposition
    )
    assert response.content == list_csv(period="2026-11", generative=False)

    pdf = client.get(reverse("lists:download", args=["pdf"]), {"period": "2026-11", "kind": "generative"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert "境内深度合成服务算法备案清单（2026年11月）.pdf" in unquote(pdf["Content-Disposition"])
    assert not ListExport.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
def test_pub_05_large_period_is_made_by_the_worker(
    client, monkeypatch, django_capture_on_commit_callbacks, fmt
):
    monkeypatch.setattr(list_views, "LIST_SYNC_LIMIT", 1)
    publish("星河推荐算法", approved_on=date(2026, 3, 2))
    publish("云帆检索算法", entity_name="上海云帆信息公司", algo_type="04", approved_on=date(2026, 7, 9))
    publish("星河排序算法", algo_type="03", approved_on=date(2026, 11, 30))

    # Issue 14: the GET changes nothing; it shows the button that starts the export (a POST).
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        start = client.get(reverse("lists:download", args=[fmt]), {"period": "2026"})
    assert start.status_code == 200 and not callbacks and not ListExport.objects.exists()
    assert (
        '<form method="post" action="{}"'.format(reverse("lists:download", args=[fmt]))
        in start.content.decode()
    )
    assert "清单共 3 项" in start.content.decode()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("lists:download", args=[fmt]), {"period": "2026"})

    export = ListExport.objects.get()
    assert len(callbacks) == 1  # the task is sent once the export is committed
    assert response.status_code == 302 and response["Location"] == reverse("lists:export", args=[export.pk])
    assert (export.period, export.generative, export.fmt) == ("2026", False, fmt)
    assert export.status == ListExport.Status.DONE
    assert export.progress == 100 and export.total == 3
    assert export.finished_at is not None and export.file.name.startswith("exports/")

    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert reverse("lists:export_file", args=[export.pk]) in page

    download = client.get(reverse("lists:export_file", args=[export.pk]))
    assert download.status_code == 200
    assert f"境内互联网信息服务算法备案清单（2026年）.{fmt}" in unquote(download["Content-Disposition"])
    content = b"".join(download.streaming_content)
    if fmt == "csv":
        assert content == list_csv(period="2026", generative=False)
    else:
        assert content.startswith(b"%PDF-")

    # The same list again, nothing having changed: the finished export is reused, no second task; the
    # GET leads straight to it.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = client.post(reverse("lists:download", args=[fmt]), {"period": "2026"})
        found = client.get(reverse("lists:download", args=[fmt]), {"period": "2026"})
    assert again["Location"] == response["Location"] == found["Location"] and not callbacks
    assert ListExport.objects.count() == 1


def test_pub_05_export_is_made_again_after_a_filing_changes(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(list_views, "LIST_SYNC_LIMIT", 1)
    publish("星河推荐算法")
    changed = publish("云帆检索算法", algo_type="04")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("lists:download", args=["csv"]), {"period": "2026-11"})
    PublicFiling.objects.filter(pk=changed.pk).update(
        state="cancelled", remark="已注销", changed_at=timezone.now() + timedelta(seconds=1)
    )
    # The finished export is out of date: a GET no longer leads to it, and makes nothing.
    stale = client.get(reverse("lists:download", args=["csv"]), {"period": "2026-11"})
    assert stale.status_code == 200 and ListExport.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("lists:download", args=["csv"]), {"period": "2026-11"})

    newest = ListExport.objects.order_by("-pk").first()
    assert ListExport.objects.count() == 2
    assert "已注销" in newest.file.open("rb").read().decode("utf-8-sig")


def test_issue_14_a_get_of_a_long_list_makes_no_export(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    """GETs change nothing: every GET of the downloads and the export pages, well-formed or not, leaves the
    exports as they were and enqueues nothing; only the POST starts an export."""
    monkeypatch.setattr(list_views, "LIST_SYNC_LIMIT", 1)
    publish("星河推荐算法")
    publish("云帆检索算法", algo_type="04")
    failed = ListExport.objects.create(period="2026-11", fmt="pdf", status=ListExport.Status.FAILED)
    before = ListExport.objects.count()
    queries = [
        ("csv", {"period": "2026-11"}),
        ("pdf", {"period": "2026-11", "kind": "generative"}),
        ("pdf", {"period": "2026"}),
        ("csv", {"period": "2026-13"}),
        ("csv", {"period": "2026-11", "kind": "nonsense"}),
        ("csv", {}),
    ]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for fmt, query in queries:
            response = client.get(reverse("lists:download", args=[fmt]), query)
            assert response.status_code in (200, 302), (fmt, query, response.status_code)
        failed_page = client.get(reverse("lists:export", args=[failed.pk]))
        client.get(reverse("lists:export_file", args=[failed.pk]))
    assert ListExport.objects.count() == before and not callbacks

    # The failed export's page offers to make it again with a POST, not a link.
    html = failed_page.content.decode()
    assert (
        "重新生成" in html
        and f'<form method="post" action="{reverse("lists:download", args=["pdf"])}"' in html
    )

    # A malformed POST is refused like the GET (back to the page, or 404), and makes nothing either.
    for fmt, body in (
        ("csv", {"period": "2026-13"}),
        ("csv", {"period": "x" * 500}),
        ("xlsx", {"period": "2026"}),
    ):
        response = client.post(reverse("lists:download", args=[fmt]), body)
        assert response.status_code in (302, 404)
    assert ListExport.objects.count() == before

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        started = client.post(reverse("lists:download", args=["pdf"]), {"period": "2026-11"})
    assert ListExport.objects.count() == before + 1 and len(callbacks) == 1
    assert started["Location"] == reverse("lists:export", args=[ListExport.objects.latest("pk").pk])


def test_pub_05_export_page_shows_progress_and_refreshes(client):
    export = ListExport.objects.create(period="2026", fmt="pdf", status="running", progress=40, total=4100)

    page = client.get(reverse("lists:export", args=[export.pk])).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="export-progress" max="100" value="40">' in page
    assert "境内互联网信息服务算法备案清单（2026年）" in page and "4100" in page
    # Not ready: the file link leads back to the progress page.
    early = client.get(reverse("lists:export_file", args=[export.pk]))
    assert early.status_code == 302 and early["Location"] == reverse("lists:export", args=[export.pk])
    assert client.get(reverse("lists:export", args=[export.pk + 1])).status_code == 404


def test_pub_05_task_is_idempotent_and_reports_failure(monkeypatch):
    publish("星河推荐算法")
    export = ListExport.objects.create(period="2026-11", fmt="csv")
    assert tasks.list_export_task.delay(export.pk).get() == "done"
    export.refresh_from_db()
    name = export.file.name

    # Done: a repeated or redelivered task leaves it alone.
    assert tasks.list_export_task.delay(export.pk).get() == "done"
    export.refresh_from_db()
    assert export.file.name == name and export.status == "done"

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(tasks, "list_csv", broken)
    failing = ListExport.objects.create(period="2026-11", fmt="csv")
    assert tasks.list_export_task.delay(failing.pk).get() == "failed"
    failing.refresh_from_db()
    assert failing.status == "failed" and "boom" in failing.error and failing.finished_at


def test_pub_05_nothing_private_reaches_the_list(client, tmp_path):
    entity = EntityFactory(
        name="北京星河科技有限公司",
        officer_mobile="13912345678",
        officer_email="officer@xinghe.example",
        officer_id_number="110101199003071234",
        legal_rep_id_number="110101198001011237",
    )
    publish("星河推荐算法", entity=entity)

    csv_text = list_csv(period="2026-11", generative=False).decode("utf-8-sig")
    page = client.get(reverse("lists:page"), {"period": "2026-11"}).content.decode()
    pdf_text = _pdf_text(list_pdf(period="2026-11", generative=False), tmp_path)

    assert _csv_rows(csv_text.encode())[0] == HEADERS
    for text in (csv_text, page, pdf_text):
        assert "北京星河科技有限公司" in text
        for private in (
            "13912345678",
            "officer@xinghe.example",
            "110101199003071234",
            "110101198001011237",
            entity.uscc,
        ):
            assert private not in text


def test_pub_05_the_list_as_open_data_with_stable_ids():
    from rest_framework.test import APIClient

    first = publish("星河推荐算法", approved_on=date(2026, 11, 2))
    second = publish("星河生成算法", approved_on=date(2026, 11, 9), algo_type="01")
    publish("十月的算法", approved_on=date(2026, 10, 9))
    api = APIClient()
    assert api.get("/api/v1/public/lists/", {"period": "bad"}).status_code == 400
    body = api.get("/api/v1/public/lists/", {"period": "2026-11"}).json()
    assert [(r["seq"], r["id"]) for r in body["results"]] == [(1, first.pk)]  # 生成合成类: the other list
    generative = api.get("/api/v1/public/lists/", {"period": "2026-11", "kind": "generative"}).json()
    assert [r["id"] for r in generative["results"]] == [second.pk] and "role" in generative["results"][0]


def test_pub_05_old_exports_and_their_files_are_pruned(django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    old = ListExport.objects.create(period="2026-01", fmt="csv", status="done")
    old.file.save("list-old.csv", ContentFile(b"old"))
    lost = ListExport.objects.create(period="2026-02", fmt="pdf", status="running")
    recent = ListExport.objects.create(period="2026-03", fmt="csv", status="done")
    recent.file.save("list-recent.csv", ContentFile(b"recent"))
    ListExport.objects.filter(pk__in=[old.pk, lost.pk]).update(created_at=timezone.now() - timedelta(days=8))

    assert tasks.list_exports_prune_task.delay().get() == 2

    assert list(ListExport.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not default_storage.exists(old.file.name) and default_storage.exists(recent.file.name)


# --- Two lists, batches (issue 15) -----------------------------------------------------------------


def test_pub_05_a_generative_filing_is_on_the_deep_synthesis_list_only():
    push = publish("星河推荐算法", algo_type="02")
    ranking = publish("星河排序算法", algo_type="03")
    synthesis = publish("星河大模型", algo_type="01")

    internet = [row["id"] for row in list_rows(period="2026-11", generative=False)]
    deep = [row["id"] for row in list_rows(period="2026-11", generative=True)]

    assert internet == [push.pk, ranking.pk] and deep == [synthesis.pk]
    internet_csv = list_csv(period="2026-11", generative=False).decode("utf-8-sig")
    assert "星河大模型" not in internet_csv and "生成合成类" not in internet_csv


def test_pub_05_csv_has_only_the_cac_columns():
    record = publish("星河推荐算法")
    generative = publish("星河大模型", algo_type="01")

    for is_generative, headers, own in ((False, HEADERS, record), (True, GENERATIVE_HEADERS, generative)):
        rows = _csv_rows(list_csv(period="2026-11", generative=is_generative))
        assert rows[0] == headers and "id" not in rows[0]
        assert rows[1][1] == own.name and len(rows[1]) == 8  # 序号…备注, nothing after


def test_pub_05_list_titles_are_the_cacs():
    from public_search.lists import list_title

    assert list_title(label="2026年11月", generative=False) == "境内互联网信息服务算法备案清单（2026年11月）"
    assert list_title(label="2026年", generative=True) == "境内深度合成服务算法备案清单（2026年）"
    assert list_title(label="2026年第3批", generative=True) == "境内深度合成服务算法备案清单（2026年第3批）"


def test_pub_05_a_batch_holds_the_approvals_since_the_last_batch_numbered_per_year_and_list(admin_user):
    from public_search.lists import ListBatchEmpty, batch_key, list_batch_publish

    year = timezone.localdate().year
    first = publish("星河推荐算法", approved_on=date(2026, 10, 5))
    second = publish("星河排序算法", approved_on=date(2026, 11, 5), algo_type="03")
    synthesis = publish("星河大模型", algo_type="01")

    batch1 = list_batch_publish(kind="all", actor=admin_user)
    assert (batch1.kind, batch1.year, batch1.number, batch1.label) == ("all", year, 1, f"{year}年第1批")
    assert batch1.published_by == admin_user
    assert set(batch1.filings.values_list("pk", flat=True)) == {first.pk, second.pk}  # not 生成合成类

    # Nothing approved since: a second click makes no batch.
    with pytest.raises(ListBatchEmpty):
        list_batch_publish(kind="all", actor=admin_user)

    third = publish("星河检索算法", approved_on=date(2026, 11, 20), algo_type="04")
    batch2 = list_batch_publish(kind="all", actor=admin_user)
    assert batch2.number == 2
    assert list(batch2.filings.values_list("pk", flat=True)) == [third.pk]

    # The 深度合成 list is numbered on its own.
    deep = list_batch_publish(kind="generative", actor=admin_user)
    assert deep.number == 1 and list(deep.filings.values_list("pk", flat=True)) == [synthesis.pk]

    rows = list_rows(period=batch_key(year, 1), generative=False)
    assert [row["id"] for row in rows] == [first.pk, second.pk] and [r["seq"] for r in rows] == [1, 2]
    assert [row["id"] for row in list_rows(period=batch_key(year, 1), generative=True)] == [synthesis.pk]


def test_pub_05_a_batch_as_a_page_csv_and_pdf(client, admin_user):
    from public_search.lists import list_batch_publish

    year = timezone.localdate().year
    publish("星河推荐算法")
    batch = list_batch_publish(kind="all", actor=admin_user)
    publish("批后算法")  # approved after the batch: in the month, not in the batch

    page = client.get(reverse("lists:page"), {"batch": batch.key})
    html = page.content.decode()
    assert page.status_code == 200
    assert f"境内互联网信息服务算法备案清单（{year}年第1批）" in html
    assert "星河推荐算法" in html and "批后算法" not in html
    assert f'<option value="{batch.key}" selected>' in html
    assert f"{reverse('lists:download', args=['csv'])}?batch={batch.key}" in html
    # The month page offers the batch too.
    month = client.get(reverse("lists:page"), {"period": "2026-11"}).content.decode()
    assert f'<option value="{batch.key}"' in month and "批后算法" in month

    csv_response = client.get(reverse("lists:download", args=["csv"]), {"batch": batch.key})
    assert csv_response.status_code == 200
    rows = _csv_rows(csv_response.content)
    assert rows[0] == HEADERS and [row[1] for row in rows[1:]] == ["星河推荐算法"]
    assert f"境内互联网信息服务算法备案清单（{year}年第1批）.csv" in unquote(
        csv_response["Content-Disposition"]
    )
    pdf = client.get(reverse("lists:download", args=["pdf"]), {"batch": f"{year}年第1批"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    "query",
    [
        {"batch": "abc"},
        {"batch": "2026-0"},
        {"batch": "2026-99"},  # never published
        {"batch": "2026-99999"},
        {"batch": "2026-1", "kind": "generative"},  # published on the other list only
        {"batch": "2026-1", "kind": "nonsense"},
        {"batch": "9" * 30},
        {"batch": "2026-1", "page": "abc"},
    ],
)
def test_pub_05_a_malformed_or_unknown_batch_is_no_server_error(client, admin_user, query):
    from public_search.lists import list_batch_publish

    publish("星河推荐算法")
    batch = list_batch_publish(kind="all", actor=admin_user)
    query = {key: value.replace("2026-1", batch.key) for key, value in query.items()}

    page = client.get(reverse("lists:page"), query)
    assert page.status_code in (200, 400), page.status_code
    if query.get("page") != "abc":
        assert page.status_code == 400
        assert 'role="alert"' in page.content.decode()
    for fmt in ("csv", "pdf"):
        download = client.get(reverse("lists:download", args=[fmt]), query)
        assert download.status_code in (200, 302)
        if query.get("page") != "abc":
            assert download.status_code == 302


def test_pub_05_administrator_publishes_the_next_batch_in_the_admin(client, admin_user):
    from public_search.models import ListBatch

    publish("星河推荐算法")
    publish("星河大模型", algo_type="01")
    url = reverse("admin:public_search_listbatch_publish")
    assert client.get(url).status_code == 302  # not signed in: the admin's login
    client.force_login(admin_user)

    page = client.get(url).content.decode()
    assert "境内互联网信息服务算法备案清单" in page and "境内深度合成服务算法备案清单" in page

    response = client.post(url, {"kind": "generative"})
    assert response.status_code == 302
    batch = ListBatch.objects.get()
    assert (batch.kind, batch.number, batch.entries.count()) == ("generative", 1, 1)
    # A second click: nothing is waiting, no second batch.
    assert client.post(url, {"kind": "generative"}).status_code == 302
    assert ListBatch.objects.count() == 1
    assert client.post(url, {"kind": "bogus"}).status_code == 302
    assert ListBatch.objects.count() == 1
    assert client.get(reverse("admin:public_search_listbatch_changelist")).status_code == 200


def test_pub_05_a_batch_as_open_data(admin_user):
    from rest_framework.test import APIClient

    from public_search.lists import list_batch_publish

    first = publish("星河推荐算法")
    batch = list_batch_publish(kind="all", actor=admin_user)
    publish("批后算法")
    api = APIClient()

    body = api.get("/api/v1/public/lists/", {"batch": batch.key}).json()
    assert [row["id"] for row in body["results"]] == [first.pk]
    for query in ({"batch": "abc"}, {"batch": "2026-99"}, {"batch": batch.key, "kind": "generative"}, {}):
        response = api.get("/api/v1/public/lists/", query)
        assert response.status_code == 400, query
