"""Issue 16, the change (修改) flow as one story in the browser (ALG-11, REV-01): a filer changes an
approved filing and submits the change; the detail page says one thing — the change waits — with 撤回 and
no 去提交; the wizard refuses edits; 撤回 brings the change back unsent (去提交 again, nothing lost); sent
again, a reviewer claims it and 撤回 is gone. Screenshots at 1280 and 390 px when SCREENSHOT_DIR is set."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from algorithms.services import filing_save_step, filing_submit
from review.services import transition_perform
from review.transitions import Action, State
from tests.builders import approve_item, complete_entity, complete_filing, complete_product
from tests.factories import FilerFactory, ReviewerFactory

from .conftest import DESKTOP, PHONE
from .helpers import click as _click
from .helpers import login as _login
from .helpers import shot as _shot

pytestmark = pytest.mark.django_db(transaction=True)


def _both_widths(page, name: str, screenshot_dir) -> None:
    for label, viewport in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        _shot(page, f"{name}-{label}", screenshot_dir)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.set_viewport_size(DESKTOP)


def test_alg_11_rev_01_a_change_submitted_withdrawn_edited_and_sent_again(page, screenshot_dir):
    filer = FilerFactory()
    complete_entity(filer, approve=True)
    filing = approve_item(complete_filing(filer, complete_product(filer, approve=True)))
    first_name = filing.name
    filing_save_step(
        filing=filing, actor=filer, step=1, basic={**filing.data["basic"], "name": "星河推荐算法二期"}
    )
    filing.refresh_from_db()
    _login(page, filer)

    # Something unsent: one line, with 去提交 leading to step ④.
    page.goto(f"/filings/{filing.pk}/")
    line = page.locator(".state-line")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("您有尚未提交的修改")
    with page.expect_navigation():
        line.get_by_role("link", name="去提交").click()
    page.get_by_label("我承诺上述填报信息真实有效").check()
    _click(page, "提交")
    page.wait_for_url(f"**/filings/{filing.pk}/")

    # Sent: the change waits; no 去提交, no 修改, a 撤回 button; the wizard refuses an edit.
    expect(page.locator("h1 .state")).to_have_text("变更待审核")
    line = page.locator(".state-line")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("变更已提交，等待审核")
    expect(page.get_by_text("去提交")).to_have_count(0)
    expect(page.get_by_text("尚未提交的修改")).to_have_count(0)
    expect(page.locator(".page-head .actions").get_by_role("link", name="修改")).to_have_count(0)
    _both_widths(page, "issue16-change-sent", screenshot_dir)
    page.goto(f"/filings/{filing.pk}/step/1/")
    page.wait_for_url(f"**/filings/{filing.pk}/")
    expect(page.locator(".messages")).to_contain_text("如需修改，请在审核人员认领前撤回")

    # 撤回: the change is unsent again, every edit kept; the approved version still in force.
    _click(page, "撤回")
    expect(page.locator(".messages").get_by_role("status")).to_contain_text("已撤回")
    expect(page.locator("h1 .state")).to_have_text("审核通过")
    expect(page.locator(".state-line")).to_contain_text("您有尚未提交的修改")
    expect(page.get_by_role("table").filter(has_text="撤回").first).to_be_visible()  # in the history
    _both_widths(page, "issue16-change-withdrawn", screenshot_dir)
    filing.refresh_from_db()
    assert filing.state == State.APPROVED and filing.data["basic"]["name"] == "星河推荐算法二期"
    assert filing.approved_revision.data["basic"]["name"] == first_name

    # Sent again and claimed: under review, nothing to withdraw.
    filing_submit(filing=filing, actor=filer, commitment=True)
    transition_perform(obj=filing, action=Action.CLAIM, actor=ReviewerFactory())
    page.reload()
    expect(page.locator("h1 .state")).to_have_text("变更审核中")
    expect(page.locator(".state-line")).to_have_count(1)
    expect(page.get_by_role("button", name="撤回")).to_have_count(0)
    _both_widths(page, "issue16-change-claimed", screenshot_dir)


def test_alg_10_cancellation_starts_from_the_filings_list_as_the_manual_says(page, screenshot_dir):
    """ALG-10, seed 003 (备案注销): the filer finds the algorithm on 备案信息 and applies for 注销 there — the
    row's 注销 opens the detail page with the application form already open."""
    from django.utils import timezone

    filer = FilerFactory()
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    filing = approve_item(complete_filing(filer, product))
    waiting = complete_filing(filer, product, basic={"name": "星河热榜排序算法"})  # submitted, not approved
    _login(page, filer)
    page.goto("/filings/")
    row = page.locator("tbody tr").filter(has=page.get_by_role("link", name=filing.name, exact=True))
    others = page.locator("tbody tr").filter(has_text=waiting.name)
    expect(others).to_have_count(1)
    expect(others.get_by_role("link", name="注销")).to_have_count(0)  # only an approved filing has it
    _both_widths(page, "issue16-filings-list-cancel", screenshot_dir)
    with page.expect_navigation():
        row.get_by_role("link", name="注销").click()
    terminated = page.get_by_label("服务终止日期")
    expect(terminated).to_be_visible()  # the form is open, nothing else to click
    terminated.fill(timezone.localdate().isoformat())
    page.get_by_label("我确认该算法服务已终止，申请注销本备案").check()
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="提交注销申请").click()
    expect(page.locator("h1 .state")).to_have_text("注销申请审核中")
    filing.refresh_from_db()
    assert filing.state == State.CANCEL_REQUESTED
