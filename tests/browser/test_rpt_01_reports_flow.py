"""RPT-01 in the browser: a citizen reports a forged number from the number check; a 北京 reviewer sees it
in the queue's 问题报告 tab, takes it and closes it with an outcome; the citizen's code page shows the
outcome; a 上海 reviewer never sees it. Screenshots at 1280 and 390 px of the report form, the code page
and the reviewer's list and detail (SCREENSHOT_DIR, e.g. /tmp/rpt-shots)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from reports.models import Report
from review.services import transition_perform
from review.transitions import Action
from tests.builders import published_filings
from tests.factories import ReviewerFactory

from .conftest import DESKTOP, PHONE
from .helpers import click, label, login, shot

pytestmark = pytest.mark.django_db(transaction=True)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
SEEN_IN = "某某短视频App"
PUBLIC_OUTCOME = "经核实，该应用展示的备案编号已被撤销，已责令其停止使用并整改。"
CODE = re.compile(r"^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$")


def _revoked_number() -> str:
    """A 北京 filing whose number was revoked: an app still showing it is using it without right."""
    (filing,) = published_filings()
    transition_perform(obj=filing, action=Action.REVOKE, actor=ReviewerFactory(), reason="材料不实")
    filing.refresh_from_db()
    return filing.number


def _both_widths(page, name: str, screenshot_dir) -> None:
    """The page at 1280 and at 390 px: no sideways scrolling at either; a screenshot of each."""
    for viewport, width in ((DESKTOP, 1280), (PHONE, 390)):
        page.set_viewport_size(viewport)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (name, width)
        shot(page, f"{name}-{width}", screenshot_dir)
    page.set_viewport_size(DESKTOP)


def test_rpt_01_a_forged_number_reported_and_closed(page, browser, live_server, screenshot_dir):
    """RPT-01: number check → 您在哪里看到这个编号？ → code; 北京 takes and closes it; the code page shows the
    outcome; 上海 never sees it."""
    number = _revoked_number()
    beijing = ReviewerFactory(username="beijing_reviewer", province_code="110000")
    shanghai = ReviewerFactory(username="shanghai_reviewer", province_code="310000")

    # The citizen checks the number an app shows, and reports where they saw it.
    page.goto(f"/number-check/?number=网信算备{number}号")
    expect(page.get_by_text("已撤销，编号不再有效。")).to_be_visible()
    _both_widths(page, "number-check-revoked", screenshot_dir)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("您在哪里看到这个编号")).click()
    expect(page.get_by_role("heading", name="您在哪里看到这个编号？")).to_be_visible()
    expect(label(page, "备案编号")).to_have_value(number)
    label(page, "应用或网站名称").fill(SEEN_IN)
    expect(page.locator("#id_seen_where_count")).to_have_text(re.compile(rf"{len(SEEN_IN)} / 100"))
    label(page, "网址（选填）").fill("https://app.example.cn/about")
    label(page, "截图（选填）").set_input_files(
        {"name": "screen.png", "mimeType": "image/png", "buffer": PNG}
    )
    expect(page.locator("#field-website")).not_to_be_in_viewport()
    _both_widths(page, "report-form", screenshot_dir)
    click(page, "提交报告")
    code = page.locator("#report-code").inner_text().strip()
    assert CODE.match(code), code
    _both_widths(page, "report-submitted", screenshot_dir)
    report = Report.objects.get(code=code)
    assert report.category == "number_misuse" and report.filing is not None and report.screenshot

    # 上海's reviewer: not in the tab, not found by id.
    other_context = browser.new_context(locale="zh-CN", viewport=DESKTOP, base_url=live_server.url)
    other = other_context.new_page()
    login(other, shanghai)
    other.goto("/review/reports/")
    expect(other.get_by_text("没有问题报告。")).to_be_visible()
    response = other.goto(f"/review/reports/{report.pk}/")
    assert response.status == 404
    other_context.close()

    # 北京's reviewer: the tab with its count, the list, the detail; take it, close it with an outcome.
    reviewer_context = browser.new_context(locale="zh-CN", viewport=DESKTOP, base_url=live_server.url)
    reviewer = reviewer_context.new_page()
    login(reviewer, beijing)
    reviewer.goto("/review/")
    tab = reviewer.locator("#tab-reports")
    expect(tab).to_contain_text("问题报告")
    expect(tab.locator(".badge")).to_have_text("1")
    with reviewer.expect_navigation():
        tab.click()
    expect(reviewer.get_by_role("link", name=f"编号被冒用 #{report.pk}")).to_be_visible()
    _both_widths(reviewer, "reviewer-report-list", screenshot_dir)
    with reviewer.expect_navigation():
        reviewer.get_by_role("link", name=f"编号被冒用 #{report.pk}").click()
    expect(reviewer.get_by_text(SEEN_IN)).to_be_visible()
    click(reviewer, "受理")
    expect(reviewer.locator("#report-state")).to_have_text("处理中")
    reviewer.get_by_label(re.compile("^处理结果")).select_option(label="已核实并处理")
    reviewer.get_by_label(re.compile("^公开的处理说明")).fill(PUBLIC_OUTCOME)
    reviewer.get_by_label(re.compile("^告知备案主体的内容")).fill("请核查贵单位备案编号的使用情况。")
    _both_widths(reviewer, "reviewer-report-detail", screenshot_dir)
    click(reviewer, "办结")
    expect(reviewer.locator("#report-state")).to_have_text("已办结")
    reviewer_context.close()

    # The citizen follows the report by its code: the state and the public outcome, nothing they wrote.
    page.goto("/reports/")
    page.get_by_label("查询码").fill(code.lower().replace("-", ""))
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    expect(page.locator("#report-state")).to_have_text("已办结")
    expect(page.locator("#report-outcome")).to_have_text("已核实并处理")
    expect(page.locator("#report-public-outcome")).to_have_text(PUBLIC_OUTCOME)
    body = page.locator("main").inner_text()
    assert SEEN_IN not in body and "app.example.cn" not in body
    _both_widths(page, "report-status", screenshot_dir)


def test_rpt_01_the_filing_page_report_form(page, screenshot_dir):
    """RPT-01: 报告问题 from a public filing page, with the description's counter; kept at once without
    an e-mail."""
    (filing,) = published_filings()
    page.goto(f"/public/filing/{filing.pk}/")
    page.locator("#report-problem").scroll_into_view_if_needed()
    _both_widths(page, "public-filing-page", screenshot_dir)
    with page.expect_navigation():
        page.locator("#report-problem").click()
    label(page, "问题类别").select_option(label="超出备案范围")
    label(page, "问题描述").fill("该算法还被用于直播推荐，超出备案的应用场景。")
    expect(page.locator("#id_description_count")).to_have_text(re.compile(r"22 / 1000"))
    _both_widths(page, "report-filing-form", screenshot_dir)
    click(page, "提交报告")
    code = page.locator("#report-code").inner_text().strip()
    assert Report.objects.get(code=code).state == "new"
