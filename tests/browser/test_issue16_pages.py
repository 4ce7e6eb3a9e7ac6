"""Issue 16 in the browser, as a filer and a reviewer click through it: the rejection reason on the
object's own pages (REV-03), step ③'s product prerequisite with its way to submit (ALG-06), 操作人 in the
histories and the office's name (REV-01), the signed-in home page, and an upload over the limit refused at
its field before it is sent (ALG-13). Screenshots at 1280 and 390 px when SCREENSHOT_DIR is set."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from review.services import transition_perform
from review.transitions import Action
from tests.builders import complete_entity, complete_filing, complete_product
from tests.factories import FilerFactory, ReviewerFactory

from .conftest import DESKTOP, PHONE
from .helpers import click as _click
from .helpers import login as _login
from .helpers import shot as _shot

pytestmark = pytest.mark.django_db(transaction=True)


def _reject(obj, reviewer, reason: str):
    transition_perform(obj=obj, action=Action.CLAIM, actor=reviewer)
    transition_perform(obj=obj, action=Action.REJECT, actor=reviewer, reason=reason)
    obj.refresh_from_db()
    return obj


def _both_widths(page, name: str, screenshot_dir) -> None:
    for label, viewport in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        _shot(page, f"{name}-{label}", screenshot_dir)
    page.set_viewport_size(DESKTOP)


def test_rev_03_filer_reads_the_rejection_reason_on_its_own_pages(page, screenshot_dir):
    filer = FilerFactory(username="xinghe_filer", entity__name="北京星河智联科技有限公司")
    entity = complete_entity(filer)
    reviewer = ReviewerFactory(username="reviewer_zhang", province_code="110000")
    _reject(entity, reviewer, "营业执照彩色扫描件不清晰，请重新上传。")
    _reject(complete_product(filer, name="星河资讯"), reviewer, "访问地址无法打开，请核对后重新提交。")
    _login(page, filer)

    page.goto("/products/")
    expect(page.get_by_text("访问地址无法打开，请核对后重新提交。")).to_be_visible()
    _both_widths(page, "issue16-products-rejected", screenshot_dir)
    page.get_by_role("link", name="编辑").first.click()
    expect(page.get_by_text("访问地址无法打开，请核对后重新提交。")).to_be_visible()

    page.goto("/account/entity/")
    banner = page.locator(".notice-bad").first
    expect(banner).to_contain_text("主体信息未通过审核")
    expect(banner).to_contain_text("营业执照彩色扫描件不清晰")
    history = page.locator("table.history")
    expect(history.get_by_role("columnheader", name="操作人")).to_be_visible()
    expect(history).to_contain_text("北京市网信办")
    expect(history).not_to_contain_text("reviewer_zhang")
    _both_widths(page, "issue16-entity-rejected", screenshot_dir)


def test_alg_06_step3_names_the_product_to_submit_and_the_filer_submits_it(page, screenshot_dir):
    filer = FilerFactory()
    complete_entity(filer)
    draft = complete_product(filer, name="星河资讯", submit=False)
    filing = complete_filing(filer, draft, submit=False)
    _login(page, filer)

    page.goto(f"/filings/{filing.pk}/step/3/")
    notice = page.locator("#products-awaiting-submission")
    expect(notice).to_contain_text("以下产品尚未提交审核")
    expect(notice).to_contain_text("星河资讯")
    _both_widths(page, "issue16-step3-prerequisite", screenshot_dir)

    notice.get_by_role("link", name="去提交“星河资讯”").click()
    page.wait_for_url("**/products/**")
    submit = page.locator(f"#product-{draft.pk}").get_by_role("button", name="提交审核")
    expect(submit).to_have_class("button primary")
    _both_widths(page, "issue16-products-submit-button", screenshot_dir)
    _click(page, "提交审核")
    expect(page.get_by_text("产品“星河资讯”已提交审核。")).to_be_visible()

    page.goto(f"/filings/{filing.pk}/step/3/")
    expect(page.locator("#products-awaiting-submission")).to_have_count(0)


def test_rev_01_reviewer_sees_who_acted_and_the_offices_name(page, screenshot_dir):
    filer = FilerFactory(username="xinghe_filer")
    entity = complete_entity(filer)
    reviewer = ReviewerFactory(username="reviewer_zhang", province_code="110000")
    _reject(entity, reviewer, "营业执照彩色扫描件不清晰，请重新上传。")
    other = FilerFactory()
    claimed = complete_entity(other)
    transition_perform(obj=claimed, action=Action.CLAIM, actor=reviewer)
    _login(page, ReviewerFactory(username="reviewer_li", province_code="110000"))

    page.goto("/review/")
    expect(page.get_by_text("北京市互联网信息办公室")).to_be_visible()
    expect(page.locator("table.queue")).to_contain_text("reviewer_zhang")
    _both_widths(page, "issue16-review-queue", screenshot_dir)

    page.goto(f"/review/entity/{entity.pk}/")
    history = page.locator("table.history")
    expect(history).to_contain_text("reviewer_zhang（北京市网信办）")
    expect(history).to_contain_text("xinghe_filer")
    _both_widths(page, "issue16-review-history", screenshot_dir)
    # On a phone each event is a card of labelled lines, not five squeezed columns.
    page.set_viewport_size(PHONE)
    assert history.evaluate("el => el.scrollWidth <= el.parentElement.clientWidth")
    expect(history.locator("td[data-label='操作人']").first).to_be_visible()
    page.set_viewport_size(DESKTOP)


def test_issue_16_signed_in_home_page_offers_the_workspace(page, screenshot_dir):
    filer = FilerFactory()
    _login(page, filer)
    page.goto("/")
    expect(page.get_by_role("link", name="进入工作台")).to_be_visible()
    expect(page.get_by_role("link", name="注册")).to_have_count(0)
    _both_widths(page, "issue16-home-signed-in", screenshot_dir)


def test_alg_13_an_upload_over_the_limit_is_refused_at_its_field_before_sending(page, screenshot_dir):
    filer = FilerFactory()
    complete_entity(filer)
    filing = complete_filing(filer, None, submit=False)
    _login(page, filer)
    page.goto(f"/filings/{filing.pk}/step/1/")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    big = {
        "name": "report.pdf",
        "mimeType": "application/pdf",
        "buffer": b"%PDF-" + b"0" * (21 * 1024 * 1024),  # just over the 20 MB: less to hand the browser
    }
    field = page.locator("#id_self_assessment")
    field.set_input_files(big)
    error = page.locator("#id_self_assessment_toolarge")
    expect(error).to_have_text("算法安全自评估报告文件过大（21.0\u00a0MB），单个文件不能超过20 MB。")
    assert field.evaluate("el => el.files.length") == 0  # nothing over the limit is left to be sent
    assert sent == []
    _both_widths(page, "issue16-upload-too-large", screenshot_dir)
    field.set_input_files({"name": "ok.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 small"})
    expect(error).to_have_count(0)


def test_issue_16_english_pages_translate_options_provinces_and_sort(page, screenshot_dir):
    filer = FilerFactory()
    complete_entity(filer)
    filing = complete_filing(filer, None, submit=False)
    _login(page, filer)
    page.goto("/filings/")
    with page.expect_navigation():
        page.get_by_label("语言").select_option("en")
    sort = page.locator("select[name=order]")
    options = sort.locator("option").all_inner_texts()
    assert "Submitted (newest first)" in options
    assert not any("descending" in o or "时间" in o for o in options), options
    _both_widths(page, "issue16-en-filings-sort", screenshot_dir)

    page.goto(f"/filings/{filing.pk}/step/1/")
    domains = page.locator("select[name=domain] option").all_inner_texts()
    assert "News and information" in domains
    page.goto("/search/?q=x")
    assert "Beijing (北京市)" in page.locator("#f-prov option").all_inner_texts()
    assert "Hong Kong (香港特别行政区)" in page.locator("#f-prov option").all_inner_texts()
    _both_widths(page, "issue16-en-search", screenshot_dir)
