"""The review flow in the browser (REV-02, REV-03, NUM-01, ALG-11, PUB-03): a reviewer and a filer,
each in their own browser, passing a filing back and forth until it carries its number, and a change
of an approved filing that the public sees only once it is approved."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from algorithms.models import Filing
from review.services import transition_perform
from review.transitions import Action
from tests.builders import BASIC, complete_entity, complete_filing, complete_product
from tests.factories import FilerFactory, ReviewerFactory

from .conftest import DESKTOP, PHONE
from .helpers import click as _click
from .helpers import label as _label
from .helpers import login as _login
from .helpers import shot as _shot

pytestmark = pytest.mark.django_db(transaction=True)

ENTITY_NAME = "北京星河智联科技有限公司"
REASON = "主要用途未说明推荐依据，请补充“根据…推荐…”的表述。"
FIXED_USE = "应用于资讯推荐场景，根据用户的浏览记录、关注领域和兴趣标签，推荐用户可能感兴趣的资讯内容。"
CHANGED_USE = "应用于资讯与短视频推荐场景，根据用户的浏览行为和兴趣标签，推荐资讯和短视频内容。"
NUMBER = re.compile(r"网信算备\d{21}号")


# --- Helpers ---------------------------------------------------------------------------------


def _open_browser(browser, live_server):
    """Another person's browser, guarded like `page` against outside requests: (context, page, outside)."""
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP, base_url=live_server.url)
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(live_server.url) or url.startswith("data:"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page, outside


@pytest.fixture
def second_page(browser, live_server):
    """The reviewer's browser, beside the filer's `page`."""
    context, page, outside = _open_browser(browser, live_server)
    yield page
    context.close()
    assert outside == [], f"pages asked for outside resources: {outside}"


def _filer_with_products(name: str = ENTITY_NAME):
    """A filer whose entity and product have passed review: only the filing is left to review."""
    filer = FilerFactory(entity__name=name)
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    return filer, product


def _approve(filing: Filing, reviewer) -> Filing:
    transition_perform(obj=filing, action=Action.CLAIM, actor=reviewer)
    transition_perform(obj=filing, action=Action.APPROVE, actor=reviewer)
    filing.refresh_from_db()
    return filing


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"


def _history(page):
    return page.get_by_role("region", name="审核记录")


def _submit_from_step_4(page, filing: Filing) -> None:
    """Step ④: tick the commitment and submit; lands on the detail page."""
    page.goto(f"/filings/{filing.pk}/step/4/")
    page.get_by_label("我承诺上述填报信息真实有效").check()
    _click(page, "提交")
    page.wait_for_url(f"**/filings/{filing.pk}/")


def _queue_row(page, title: str):
    return page.locator("table.queue tbody tr").filter(has=page.get_by_role("link", name=title))


# --- Tests -----------------------------------------------------------------------------------


def test_rev_02_rev_03_num_01_rejected_fixed_resubmitted_approved_and_numbered(
    page, second_page, screenshot_dir
):
    """REV-02, REV-03, NUM-01: submit → claim → reject with reasons → the filer reads them (detail page,
    消息 with its unread badge), fixes 主要用途, resubmits → claim → approve → 网信算备…号 on the detail."""
    filer, product = _filer_with_products()
    filing = complete_filing(filer, product, submit=False)
    filer_page, reviewer_page = page, second_page
    filer_page.on("dialog", lambda dialog: dialog.accept())

    # The filer submits from step ④.
    _login(filer_page, filer)
    _submit_from_step_4(filer_page, filing)
    expect(filer_page.get_by_role("status")).to_contain_text("备案申请已提交")
    expect(filer_page.locator("h1 .state")).to_have_text("已提交")

    # The reviewer finds it in the queue and claims it.
    _login(reviewer_page, ReviewerFactory())
    reviewer_page.get_by_role("navigation", name="主导航").get_by_role("link", name="审核工作台").click()
    reviewer_page.wait_for_url("**/review/")
    expect(reviewer_page.get_by_role("heading", name="审核工作台")).to_be_visible()
    row = _queue_row(reviewer_page, BASIC["name"])
    expect(row).to_contain_text(ENTITY_NAME)
    expect(row).to_contain_text("已提交")
    # REV-02: the working days left — or, when the deadline falls in a year the calendar does not
    # know yet (DL-05), that it cannot be computed.
    expect(row).to_contain_text(re.compile(r"\d+ 个工作日|\d{4}年日历未录入"))
    _shot(reviewer_page, "queue", screenshot_dir)
    reviewer_page.set_viewport_size(PHONE)
    _fits(reviewer_page)
    _shot(reviewer_page, "queue-phone", screenshot_dir)
    reviewer_page.set_viewport_size(DESKTOP)
    row.get_by_role("link", name=BASIC["name"]).click()
    reviewer_page.wait_for_url(f"**/review/filing/{filing.pk}/")
    _click(reviewer_page, "认领审核")
    expect(reviewer_page.locator("h1 .state")).to_have_text("审核中")

    # …and rejects it with reasons.
    reviewer_page.get_by_label("驳回理由（必填，将告知填报人员）").fill(REASON)
    _click(reviewer_page, "驳回")
    expect(reviewer_page.get_by_role("status")).to_contain_text("已驳回")
    expect(reviewer_page.locator("h1 .state")).to_have_text("未通过")
    expect(_history(reviewer_page)).to_contain_text(REASON)

    # The filer: an unread message in the header, the reasons on the detail page and in 消息.
    filer_page.goto(f"/filings/{filing.pk}/")
    inbox = filer_page.locator("header a.inbox")
    expect(inbox.locator(".badge")).to_have_text(re.compile(r"^[1-9]\d*$"))
    expect(filer_page.locator("h1 .state")).to_have_text("未通过")
    rejected = _history(filer_page).locator("tr", has_text="驳回")
    expect(rejected).to_contain_text(REASON)
    _shot(filer_page, "filing-detail-rejected", screenshot_dir)
    inbox.click()
    filer_page.wait_for_url("**/messages/")
    message = filer_page.locator(".notifications li", has_text="未通过审核")
    expect(message).to_contain_text(BASIC["name"])
    expect(message).to_contain_text(REASON)
    _shot(filer_page, "messages", screenshot_dir)
    # Issue 14: reading the list marks nothing read (it was a GET); 全部标为已读 (a POST) does.
    unread = inbox.locator(".badge").inner_text()
    filer_page.reload()
    expect(filer_page.locator("header a.inbox .badge")).to_have_text(unread)
    filer_page.get_by_role("button", name="全部标为已读").click()
    filer_page.wait_for_url("**/messages/")
    expect(filer_page.locator("header a.inbox .badge")).to_have_count(0)
    expect(message).not_to_contain_text("未读")

    # The filer fixes 主要用途 through the wizard and walks on to ④ to resubmit.
    message.get_by_role("link").click()
    filer_page.wait_for_url(f"**/filings/{filing.pk}/")
    filer_page.get_by_role("link", name="继续填报").click()
    filer_page.wait_for_url(re.compile(r"/step/\d/$"))
    filer_page.get_by_role("list", name="填报步骤").get_by_role("link", name=re.compile("^1")).click()
    filer_page.wait_for_url(f"**/filings/{filing.pk}/step/1/")
    _label(filer_page, "主要用途").fill(FIXED_USE)
    for step in (2, 3, 4):
        _click(filer_page, "下一步")
        filer_page.wait_for_url(f"**/filings/{filing.pk}/step/{step}/")
    expect(filer_page.get_by_role("main")).to_contain_text(FIXED_USE)
    filer_page.get_by_label("我承诺上述填报信息真实有效").check()
    _click(filer_page, "提交")
    filer_page.wait_for_url(f"**/filings/{filing.pk}/")
    expect(filer_page.locator("h1 .state")).to_have_text("已提交")

    # The reviewer claims it again and approves it.
    reviewer_page.goto("/review/")
    _queue_row(reviewer_page, BASIC["name"]).get_by_role("link").click()
    reviewer_page.wait_for_url(f"**/review/filing/{filing.pk}/")
    expect(reviewer_page.get_by_role("main")).to_contain_text(FIXED_USE)
    _click(reviewer_page, "认领审核")
    _click(reviewer_page, "审核通过")
    expect(reviewer_page.locator("h1 .state")).to_have_text("审核通过")
    expect(reviewer_page.locator(".page-head .number")).to_have_text(NUMBER)

    # NUM-01: the filer sees the number on the detail page and in the list.
    filer_page.goto(f"/filings/{filing.pk}/")
    expect(filer_page.locator("h1 .state")).to_have_text("审核通过")
    number_line = filer_page.locator(".number-line")
    expect(number_line).to_contain_text("备案编号")
    expect(number_line.locator(".number")).to_have_text(NUMBER)
    _shot(filer_page, "filing-detail-number", screenshot_dir)
    filing.refresh_from_db()
    assert filing.state == "approved" and re.fullmatch(r"\d{21}", filing.number)
    filer_page.goto("/filings/")
    expect(filer_page.get_by_role("row", name=re.compile(BASIC["name"]))).to_contain_text(
        filing.display_number
    )

    # The same pages on a phone: nothing scrolls sideways.
    for who, url, name in (
        (filer_page, f"/filings/{filing.pk}/", "filing-detail-number-phone"),
        (reviewer_page, f"/review/filing/{filing.pk}/", "item-phone"),
    ):
        who.set_viewport_size(PHONE)
        who.goto(url)
        _fits(who)
        _shot(who, name, screenshot_dir)


def test_alg_11_rev_02_pub_03_a_change_is_diffed_and_public_only_once_approved(
    page, second_page, browser, live_server, screenshot_dir
):
    """ALG-11, REV-02, PUB-03: a changed 主要用途 shows as a diff row to the reviewer; the public page keeps
    the approved text until the change is approved, then shows the new one and a 变更 entry."""
    filer, product = _filer_with_products()
    reviewer = ReviewerFactory()
    filing = _approve(complete_filing(filer, product), reviewer)
    number = filing.display_number
    assert number
    filer_page, reviewer_page = page, second_page
    filer_page.on("dialog", lambda dialog: dialog.accept())

    # The filer changes 主要用途 and submits the change.
    _login(filer_page, filer)
    filer_page.goto(f"/filings/{filing.pk}/")
    filer_page.get_by_role("link", name="修改", exact=True).click()
    filer_page.wait_for_url(re.compile(r"/step/\d/$"))
    filer_page.get_by_role("list", name="填报步骤").get_by_role("link", name=re.compile("^1")).click()
    filer_page.wait_for_url(f"**/filings/{filing.pk}/step/1/")
    expect(filer_page.get_by_role("heading", level=1)).to_contain_text("变更")
    _label(filer_page, "主要用途").fill(CHANGED_USE)
    _click(filer_page, "保存至草稿箱")
    _submit_from_step_4(filer_page, filing)
    expect(filer_page.locator("h1 .state")).to_have_text("变更待审核")
    expect(filer_page.locator(".number-line .number")).to_have_text(number)  # NUM-01: unchanged

    # The reviewer sees the change in the queue and its diff on the item page.
    _login(reviewer_page, reviewer)
    reviewer_page.goto("/review/")
    row = _queue_row(reviewer_page, BASIC["name"])
    expect(row.locator(".tag")).to_have_text("变更")
    row.get_by_role("link").click()
    reviewer_page.wait_for_url(f"**/review/filing/{filing.pk}/")
    diff = reviewer_page.get_by_role("region", name="变更内容（与已通过版本对比）")
    diff_row = diff.locator("tbody tr", has=reviewer_page.locator("code", has_text="basic.main_use"))
    expect(diff_row.locator("td.old")).to_have_text(BASIC["main_use"])
    expect(diff_row.locator("td.new")).to_have_text(CHANGED_USE)
    expect(diff.locator("tbody tr")).to_have_count(1)  # nothing else changed
    _shot(reviewer_page, "item-diff", screenshot_dir)

    # Meanwhile the public page still shows the approved version (a third person: no login).
    public, citizen, outside = _open_browser(browser, live_server)
    try:
        citizen.goto(f"/public/filing/{filing.pk}/")
        facts = citizen.get_by_role("region", name="备案信息")
        disclosure = citizen.get_by_role("region", name="公示内容")
        expect(facts).to_contain_text(BASIC["main_use"])
        expect(disclosure).to_contain_text(BASIC["public_purpose"])  # ALG-12: written for the public
        expect(citizen.get_by_role("main")).not_to_contain_text(CHANGED_USE)

        # The reviewer claims and approves the change.
        _click(reviewer_page, "认领审核")
        expect(reviewer_page.locator("h1 .state")).to_have_text("变更审核中")
        _click(reviewer_page, "审核通过")
        expect(reviewer_page.locator("h1 .state")).to_have_text("审核通过")

        # Now the public sees the new text, and the history lists the change.
        citizen.reload()
        expect(facts).to_contain_text(CHANGED_USE)
        expect(citizen.get_by_role("main")).not_to_contain_text(BASIC["main_use"])
        history = citizen.get_by_role("region", name="公示记录")
        expect(history.locator("li")).to_have_count(2)
        expect(history.locator("li").nth(0)).to_contain_text("备案通过")
        expect(history.locator("li").nth(1)).to_contain_text(re.compile(r"变更.*主要用途"))
        expect(facts.locator(".number")).to_have_text(number)
        _shot(citizen, "public-page-changed", screenshot_dir)
    finally:
        public.close()
    assert outside == []
    filing.refresh_from_db()
    assert filing.display_number == number


def test_rev_03_a_reject_without_a_reason_is_refused_and_changes_nothing(page, screenshot_dir):
    """REV-03: the reason is required — the browser asks for it, and the server refuses a blank one."""
    filer, product = _filer_with_products()
    reviewer = ReviewerFactory()
    filing = complete_filing(filer, product)
    transition_perform(obj=filing, action=Action.CLAIM, actor=reviewer)
    _login(page, reviewer)
    page.goto(f"/review/filing/{filing.pk}/")
    reason = page.get_by_label("驳回理由（必填，将告知填报人员）")
    expect(reason).to_have_attribute("required", "")

    # Empty: the browser does not send the form.
    page.get_by_role("button", name="驳回", exact=True).click()
    assert page.evaluate("document.activeElement.id") == reason.get_attribute("id")
    assert reason.evaluate("el => el.validity.valueMissing")
    assert page.url.endswith(f"/review/filing/{filing.pk}/")

    # Blank (spaces only) gets past the browser; the server refuses it and changes nothing.
    reason.fill("   ")
    _click(page, "驳回")
    expect(page.locator(".messages").get_by_role("alert")).to_contain_text("必须填写理由")
    expect(page.locator("h1 .state")).to_have_text("审核中")
    expect(_history(page).locator("tbody tr")).to_have_count(2)  # submitted, claimed
    _shot(page, "reject-without-reason", screenshot_dir)
    filing.refresh_from_db()
    assert filing.state == "under_review"
