"""The published lists in the browser (PUB-05): a reader opens 备案清单 from the main navigation, reads
this month's 境内互联网信息服务算法备案清单 in the CAC's columns, downloads it as CSV and PDF, switches to
the 境内深度合成服务算法备案清单 (生成合成类 only, 角色 in place of 算法类别), is told in Chinese what is
wrong with a period typed in the address, and — for a list too long to make during the request —
follows the worker's progress page to the file. An administrator publishes a batch (第N批) and a
citizen opens it (issue 15)."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from public_search import list_views
from public_search.models_lists import ListExport
from public_search.tasks import list_export_task
from tests.builders import BASIC
from tests.builders import published_filings as _published

from .conftest import PHONE
from .helpers import shot as _shot

pytestmark = pytest.mark.django_db(transaction=True)

ENTITY_NAME = "北京星河智联科技有限公司"
OTHER_NAME = "上海云图数据科技有限公司"
GENERATIVE = {
    "name": "星河大模型生成合成算法",
    "algo_type": "01",
    "domain": "智能对话",
    "main_use": "应用于智能对话场景，根据用户输入的文本，生成文本回复。",
}
ROUTE = {
    "name": "云图路线规划算法",
    "algo_type": "06",
    "main_use": "应用于出行导航场景，根据路况，规划出行路线。",
}
COLUMNS = ["序号", "算法名称", "算法类别", "主体名称", "应用产品", "主要用途", "备案编号", "备注"]
GENERATIVE_COLUMNS = ["序号", "算法名称", "角色", "主体名称", "应用产品", "主要用途", "备案编号", "备注"]
NUMBER = re.compile(r"网信算备\d{21}号")
BOM = b"\xef\xbb\xbf"


# --- Helpers ---------------------------------------------------------------------------------


@pytest.fixture
def filings():
    """Three filings approved today: 星河's recommendation (02) and 生成合成类 (01), and 云图's
    route planning (06)."""
    recommend, generative = _published(ENTITY_NAME, product="星河资讯", filings=(None, GENERATIVE))
    (route,) = _published(OTHER_NAME, product="云图地图", filings=(ROUTE,))
    for filing in (recommend, generative, route):
        assert filing.number, f"{filing.name}: no number was issued on approval"
    return {"recommend": recommend, "generative": generative, "route": route}


def _label() -> str:
    today = timezone.localdate()
    return f"{today.year}年{today.month}月"


INTERNET = "境内互联网信息服务算法备案清单"
DEEP = "境内深度合成服务算法备案清单"


def _title(deep: bool = False, label: str | None = None) -> str:
    """The CAC's title of a list: "境内互联网信息服务算法备案清单（2026年11月）"."""
    return f"{DEEP if deep else INTERNET}（{label or _label()}）"


def _table(page):
    return page.locator("table.list-table")


def _headers(page) -> list[str]:
    return [text.strip() for text in _table(page).locator("thead th").all_inner_texts()]


def _download(page, link_name: str):
    """Click a download link on the page; the file's bytes and the name it is saved under."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    download = info.value
    assert download.failure() is None, download.failure()
    return Path(download.path()).read_bytes(), download.suggested_filename


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(BOM), "the CSV has no UTF-8 BOM: Excel would misread the Chinese"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    assert content.startswith(b"%PDF"), content[:20]
    path = tmp_path / "list.pdf"
    path.write_bytes(content)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"


# --- Tests -----------------------------------------------------------------------------------


def test_pub_05_the_month_list_from_the_navigation_with_its_csv_and_pdf(
    page, filings, tmp_path, screenshot_dir
):
    """PUB-05: 备案清单 in the main navigation → this month's list, the CAC's columns, both entities,
    numbers; 下载 CSV (BOM, header row, every filing) and 下载 PDF (Chinese text, 网信算备…号)."""
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="备案清单").click()
    page.wait_for_url("**/lists/")
    expect(
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="备案清单")
    ).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_have_text("备案清单")
    expect(page.get_by_role("heading", level=2)).to_have_text(_title())
    expect(page.get_by_label("期间（月份）")).to_have_value(f"{timezone.localdate():%Y-%m}")
    expect(page.locator(".list-meta")).to_contain_text("共 2 项")  # 生成合成类: the other list only

    assert _headers(page) == COLUMNS
    rows = _table(page).locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.locator("td.col-seq")).to_have_text(["1", "2"])
    table = _table(page)
    for name in (ENTITY_NAME, OTHER_NAME):
        expect(table).to_contain_text(name)
    recommend = rows.filter(has_text=BASIC["name"])
    expect(recommend.locator("td.col-algo_type")).to_have_text("个性化推送类")
    expect(recommend.locator("td.col-entity_name")).to_have_text(ENTITY_NAME)
    expect(recommend.locator("td.col-products")).to_have_text("星河资讯（APP）")
    expect(recommend.locator("td.col-main_use")).to_have_text(BASIC["main_use"])
    expect(recommend.locator("td.col-number")).to_have_text(filings["recommend"].display_number)
    expect(table).not_to_contain_text(GENERATIVE["name"])
    route = rows.filter(has_text=ROUTE["name"])
    expect(route.locator("td.col-entity_name")).to_have_text(OTHER_NAME)
    expect(route.locator("td.col-number")).to_have_text(filings["route"].display_number)
    # The name leads to the filing's public page.
    expect(recommend.get_by_role("link", name=BASIC["name"])).to_have_attribute(
        "href", f"/public/filing/{filings['recommend'].pk}/"
    )
    _shot(page, "lists-desktop", screenshot_dir)

    content, filename = _download(page, "下载 CSV")
    assert filename == f"{_title()}.csv"
    header, *body = _csv_rows(content)
    assert header == COLUMNS  # the CAC's columns only (issue 15: no `id`)
    assert len(body) == 2
    by_name = {row[1]: row for row in body}
    assert set(by_name) == {BASIC["name"], ROUTE["name"]}
    assert by_name[BASIC["name"]][2:5] == ["个性化推送类", ENTITY_NAME, "星河资讯（APP）"]
    assert by_name[ROUTE["name"]][3] == OTHER_NAME
    assert by_name[ROUTE["name"]][6] == filings["route"].display_number
    assert [row[0] for row in body] == ["1", "2"]

    content, filename = _download(page, "下载 PDF")
    assert filename == f"{_title()}.pdf"
    text = _pdf_text(content, tmp_path)
    flat = re.sub(r"\s+", "", text)  # table cells wrap: compare without the line breaks
    assert _title() in flat
    for name in (ENTITY_NAME, OTHER_NAME):
        assert name in flat, f"{name} is not in the PDF's text"
    assert NUMBER.search(flat), "no 网信算备…号 number in the PDF's text"
    assert filings["route"].display_number in flat

    # On a phone: the page itself does not scroll sideways (the table scrolls in its box).
    page.set_viewport_size(PHONE)
    page.reload()
    expect(rows).to_have_count(2)
    expect(page.get_by_role("link", name="下载 PDF")).to_be_visible()
    _fits(page)
    _shot(page, "lists-phone", screenshot_dir)


def test_pub_05_the_generative_list_has_role_in_place_of_type(page, filings):
    """PUB-05: choosing 境内深度合成服务算法备案清单 on the page → a list of the type-01 filing alone, 角色 in
    place of 算法类别, and its CSV; the link back shows the other types again."""
    page.goto("/lists/")
    expect(_table(page).locator("tbody tr")).to_have_count(2)
    page.get_by_label("清单", exact=True).select_option(label=DEEP)
    with page.expect_navigation():
        page.get_by_role("button", name="查看", exact=True).click()
    assert "kind=generative" in page.url
    expect(page.get_by_role("heading", level=2)).to_have_text(_title(deep=True))
    expect(page.get_by_label("清单", exact=True)).to_have_value("generative")

    assert _headers(page) == GENERATIVE_COLUMNS
    rows = _table(page).locator("tbody tr")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row.locator("td.col-name")).to_have_text(GENERATIVE["name"])
    expect(row.locator("td.col-role")).to_have_text("服务提供者")
    expect(row.locator("td.col-entity_name")).to_have_text(ENTITY_NAME)
    expect(row.locator("td.col-number")).to_have_text(filings["generative"].display_number)
    expect(_table(page)).not_to_contain_text(OTHER_NAME)
    expect(_table(page)).not_to_contain_text(BASIC["name"])

    content, filename = _download(page, "下载 CSV")
    assert filename == f"{_title(deep=True)}.csv"
    header, *body = _csv_rows(content)
    assert header == GENERATIVE_COLUMNS
    assert len(body) == 1
    assert body[0][:4] == ["1", GENERATIVE["name"], "服务提供者", ENTITY_NAME]
    assert body[0][6] == filings["generative"].display_number
    assert len(body[0]) == 8  # no `id` (issue 15)

    page.get_by_role("link", name=f"查看{INTERNET}").click()
    page.wait_for_url(re.compile(r"/lists/\?period=\d{4}-\d{2}$"))
    assert _headers(page) == COLUMNS
    expect(_table(page).locator("tbody tr")).to_have_count(2)


def test_pub_05_a_bad_period_in_the_address_is_explained_in_chinese(page, filings):
    """PUB-05: ?period=2026-13 → 400 with the reason in Chinese, no table; the same for a download link
    and for a year before filing began."""
    response = page.goto("/lists/?period=2026-13")
    assert response.status == 400
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("月份“13”无效：应为 1 至 12。")
    expect(page.get_by_label("期间（月份）")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("期间（月份）")).to_have_attribute("aria-describedby", "l-period-error")
    expect(_table(page)).to_have_count(0)
    expect(page.get_by_role("link", name="下载 CSV")).to_have_count(0)

    # A download with a bad period comes back to the page, which says why.
    response = page.goto("/lists/download/csv/?period=2026-13")
    assert response.status == 400
    expect(page.get_by_role("alert")).to_have_text("月份“13”无效：应为 1 至 12。")

    for period, message in (
        ("abc", "无法识别期间“abc”：请写成 2026-11（某月）或 2026（全年）。"),
        ("2019-05", "算法备案自2022年3月1日起办理，期间不能早于2022年。"),
    ):
        response = page.goto(f"/lists/?period={period}")
        assert response.status == 400
        expect(page.get_by_role("alert")).to_have_text(message)

    # After the error the reader picks a good month on the form and gets the list.
    page.get_by_label("期间（月份）").fill(f"{timezone.localdate():%Y-%m}")
    with page.expect_navigation():
        page.get_by_role("button", name="查看", exact=True).click()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(_table(page).locator("tbody tr")).to_have_count(2)


def test_pub_05_a_long_list_is_made_by_the_worker_and_offered_when_ready(
    page, filings, monkeypatch, tmp_path
):
    """PUB-05: over LIST_SYNC_LIMIT the page says the files are made in the background; 下载 CSV / PDF
    lead to a page whose 开始生成 (a POST: issue 14, a GET changes nothing) starts the export and leads to
    its page, which (Celery eager) is done: 已生成, 共 3 项, and the download works."""
    monkeypatch.setattr(list_views, "LIST_SYNC_LIMIT", 1)
    monkeypatch.setattr(list_views, "PDF_SYNC_LIMIT", 1)
    page.goto("/lists/")
    expect(page.locator(".downloads-note")).to_have_text("清单较长，文件将在后台生成，并显示进度。")

    for fmt in ("csv", "pdf"):
        page.goto("/lists/")
        page.get_by_role("link", name=f"下载 {fmt.upper()}").click()
        page.wait_for_url(re.compile(rf"/lists/download/{fmt}/\?period="))
        expect(page.get_by_role("main")).to_contain_text("清单共 2 项，较长，文件将在后台生成，并显示进度。")
        assert ListExport.objects.filter(fmt=fmt).count() == 0  # the GET made nothing
        page.get_by_role("button", name="开始生成").click()
        page.wait_for_url(re.compile(r"/lists/exports/\d+/$"))
        filename = f"{_title()}.{fmt}"
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{_title()}（{fmt.upper()}）")
        expect(page.locator(".export-card")).to_contain_text("已生成")
        expect(page.locator(".export-card")).to_contain_text("共 2 项。")
        # Finished: the page no longer refreshes itself.
        expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
        content, saved_as = _download(page, f"下载 {filename}")
        assert saved_as == filename
        if fmt == "csv":
            header, *body = _csv_rows(content)
            assert header == COLUMNS
            assert {row[3] for row in body} == {ENTITY_NAME, OTHER_NAME}
        else:
            flat = re.sub(r"\s+", "", _pdf_text(content, tmp_path))
            assert ENTITY_NAME in flat and OTHER_NAME in flat
            assert NUMBER.search(flat)
    assert ListExport.objects.filter(status=ListExport.Status.DONE).count() == 2

    # A second click leads straight to the finished export instead of starting another task.
    page.goto("/lists/")
    page.get_by_role("link", name="下载 CSV").click()
    page.wait_for_url(re.compile(r"/lists/exports/\d+/$"))
    assert ListExport.objects.count() == 2

    # With only the PDF over its limit, the page says so and the CSV comes straight away.
    monkeypatch.setattr(list_views, "LIST_SYNC_LIMIT", 2000)
    page.goto("/lists/")
    expect(page.locator(".downloads-note")).to_have_text("清单较长，PDF 将在后台生成，并显示进度。")
    content, _filename = _download(page, "下载 CSV")
    assert len(_csv_rows(content)) == 3


def test_pub_05_the_progress_page_refreshes_itself_until_the_file_is_ready(page, filings):
    """PUB-05: an export still queued shows 排队中 and a progress bar and reloads itself every 2 s; once
    the worker has made the file, the reloaded page offers it."""
    period = f"{timezone.localdate():%Y-%m}"
    export = ListExport.objects.create(period=period, generative=True, fmt="csv")
    page.goto(f"/lists/exports/{export.pk}/")
    expect(page.get_by_role("status").filter(has_text="排队中")).to_be_visible()
    expect(page.get_by_label("生成进度")).to_have_attribute("value", "0")
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_attribute("content", "2")
    # Before it is done, the file's address leads back to the progress page.
    page.goto(f"/lists/exports/{export.pk}/file/")
    page.wait_for_url(f"**/lists/exports/{export.pk}/")

    ListExport.objects.filter(pk=export.pk).update(status=ListExport.Status.RUNNING, progress=40, total=1)
    expect(page.get_by_label("生成进度")).to_have_attribute("value", "40", timeout=6_000)
    expect(page.locator(".export-percent")).to_have_text("40%")
    expect(page.get_by_role("status").filter(has_text="正在生成")).to_contain_text("共 1 项")

    list_export_task(export.pk)  # what the worker does
    filename = f"{_title(deep=True)}.csv"
    expect(page.get_by_role("link", name=f"下载 {filename}")).to_be_visible(timeout=6_000)
    expect(page.get_by_label("生成进度")).to_have_count(0)
    content, saved_as = _download(page, f"下载 {filename}")
    assert saved_as == filename
    header, *body = _csv_rows(content)
    assert header == GENERATIVE_COLUMNS
    assert [row[1] for row in body] == [GENERATIVE["name"]]


def test_pub_05_an_administrator_publishes_a_batch_and_a_citizen_opens_it(
    browser, live_server, page, filings, tmp_path, screenshot_dir
):
    """PUB-05 (issue 15): the administrator, in the admin, opens 发布下一批 and publishes the next batch
    of the 境内互联网信息服务 list (第1批 of the year: the two filings not of 生成合成类); a citizen, in
    another browser, picks 第1批 on the lists page and reads and downloads it. A batch number that was
    never published is explained, not a server error."""
    from filers.models import User

    from .conftest import DESKTOP
    from .helpers import PASSWORD

    year = timezone.localdate().year
    admin = User.objects.create_superuser("lists-admin", "lists-admin@example.cn", PASSWORD)
    page.goto("/admin/login/?next=/admin/public_search/listbatch/")
    page.locator("#id_username").fill(admin.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    page.get_by_role("link", name="发布下一批").click()
    page.wait_for_url("**/admin/public_search/listbatch/publish/")
    publish = page.get_by_role("button", name=f"发布{INTERNET}下一批")
    expect(publish).to_be_enabled()
    with page.expect_navigation():
        publish.click()
    expect(page.locator(".messagelist")).to_contain_text(f"已发布{INTERNET}（{year}年第1批），共 2 项")
    _shot(page, "lists-batch-admin", screenshot_dir)
    # Nothing is left to publish on that list: its button is off.
    page.goto("/admin/public_search/listbatch/publish/")
    expect(page.get_by_role("button", name=f"发布{INTERNET}下一批")).to_be_disabled()

    citizen = browser.new_context(locale="zh-CN", viewport=DESKTOP, base_url=live_server.url)
    reader = citizen.new_page()
    try:
        reader.goto("/lists/")
        reader.get_by_label("批次", exact=True).select_option(label=f"{year}年第1批")
        with reader.expect_navigation():
            reader.get_by_role("button", name="按批次查看").click()
        assert f"batch={year}-1" in reader.url
        expect(reader.get_by_role("heading", level=2)).to_have_text(_title(label=f"{year}年第1批"))
        rows = _table(reader).locator("tbody tr")
        expect(rows).to_have_count(2)
        expect(_table(reader)).to_contain_text(BASIC["name"])
        expect(_table(reader)).to_contain_text(ROUTE["name"])
        expect(_table(reader)).not_to_contain_text(GENERATIVE["name"])
        _shot(reader, "lists-batch-desktop", screenshot_dir)

        content, filename = _download(reader, "下载 CSV")
        assert filename == f"{_title(label=f'{year}年第1批')}.csv"
        header, *body = _csv_rows(content)
        assert header == COLUMNS and len(body) == 2

        reader.set_viewport_size(PHONE)
        reader.reload()
        expect(rows).to_have_count(2)
        _fits(reader)
        _shot(reader, "lists-batch-phone", screenshot_dir)

        # 第9批 was never published; "abc" is no batch: said at the field, a 400, not a 500.
        for batch, message in ((f"{year}-9", f"{INTERNET}没有{year}年第9批。"), ("abc", "无法识别批次“abc”")):
            response = reader.goto(f"/lists/?batch={batch}")
            assert response.status == 400
            expect(reader.get_by_role("alert")).to_contain_text(message)
            expect(_table(reader)).to_have_count(0)
    finally:
        citizen.close()
