"""The four-step filing wizard in the browser (ALG-01…ALG-10), as a filer meets it.

新增备案 → ① basic attributes with both uploads → ② detailed attributes, left half-done in the drafts
box and resumed from the nickname menu → ③ the product tree → ④ the last check, the commitment and
提交; what is missing named with links to the fields; the unsaved-changes warning; deleting a draft;
注销 of an approved filing; and the wizard on a phone.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from algorithms.models import Filing
from algorithms.services import filing_create, filing_save_step
from tests.builders import (
    BASIC,
    DETAILS,
    PDF,
    approve_item,
    complete_entity,
    complete_filing,
    complete_product,
)
from tests.factories import FilerFactory

from .conftest import PHONE
from .helpers import click as _click
from .helpers import label as _label
from .helpers import login as _login
from .helpers import shot as _shot

pytestmark = pytest.mark.django_db(transaction=True)

ENTITY_NAME = "北京星河智联科技有限公司"
NAME = "星河资讯个性化推荐算法"
MAIN_USE = "应用于资讯推荐场景，根据用户的浏览行为和兴趣标签，推荐用户可能感兴趣的资讯内容。"
INTRO = "基于用户兴趣建模的资讯推荐算法。"
SCENARIOS = "星河资讯APP首页推荐信息流。"
FIRST_SOURCE = ("用户行为日志", "行为数据", "APP埋点，经用户同意", "日均2亿条", "无需标注")
SECOND_SOURCE = ("资讯内容库", "文本", "自有编辑及合作媒体", "约500万篇", "人工标注频道标签")
COLUMNS = ("数据来源", "数据类型", "采集方式", "数据规模", "数据标注")
COMMITMENT = "我承诺上述填报信息真实有效"
PUBLIC_TEXT = {
    "算法基本原理": "根据用户主动选择的兴趣标签和浏览记录，计算资讯与用户兴趣的相关程度。",
    "算法运行机制": "先召回候选资讯，再按相关程度排序，经审核后展示。用户可关闭个性化推荐。",
    "算法应用场景": "星河资讯APP首页推荐信息流。",
    "算法目的意图": "帮助用户更快获取感兴趣的资讯。",
}


# --- Helpers ---------------------------------------------------------------------------------


class _Dialogs(list):
    """Every dialog the page raised, as (type, message); answered with `accept` (a person's yes or no)."""

    def __init__(self, page, accept: bool):
        super().__init__()
        self.accept = accept
        page.on("dialog", self._answer)

    def _answer(self, dialog) -> None:
        self.append((dialog.type, dialog.message))
        if self.accept:
            dialog.accept()
        else:
            dialog.dismiss()


def _dialogs(page, *, accept: bool = True) -> _Dialogs:
    return _Dialogs(page, accept)


def _wait_for_dialogs(page, dialogs: _Dialogs, count: int) -> None:
    """Playwright answers a dialog when it next hears from the browser: give it the chance."""
    for _ in range(100):
        if len(dialogs) >= count:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"expected {count} dialog(s), saw {dialogs}")


def _current_step(page):
    return page.locator("ol.stepper li[aria-current=step]")


def _data_rows(page):
    return page.locator("#field-data_sources tbody tr")


def _risk_rows(page):
    return page.locator("#field-risks tbody tr")


def _fill_row(row, values) -> None:
    for column, value in zip(COLUMNS, values, strict=True):
        row.get_by_label(column).fill(value)


def _expect_row(row, values) -> None:
    for column, value in zip(COLUMNS, values, strict=True):
        expect(row.get_by_label(column)).to_have_value(value)


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"


def _filer(*, approve: bool = False):
    """A filer whose 主体信息 and one product (星河资讯: 首页 → 推荐 → 首页推荐) are submitted (ENT-05)."""
    filer = FilerFactory(entity__name=ENTITY_NAME)
    complete_entity(filer, approve=approve)
    product = complete_product(filer, approve=approve)
    return filer, product


def _pdfs(tmp_path) -> tuple[str, str]:
    assessment, disclosure = tmp_path / "自评估报告.pdf", tmp_path / "拟公示内容.pdf"
    assessment.write_bytes(PDF)
    disclosure.write_bytes(PDF)
    return str(assessment), str(disclosure)


# --- Tests -----------------------------------------------------------------------------------


def test_alg_01_04_05_07_08_a_new_filing_from_start_to_submission_with_a_break_in_the_drafts_box(
    page, tmp_path, screenshot_dir
):
    """ALG-01, ALG-04, ALG-05, ALG-07, ALG-08: 新增备案 → ① → ② half-done, saved and left → back from the
    nickname menu's 草稿箱 at ② with everything kept → ② finished → ③ the product → ④ 提交 → 已提交."""
    filer, _product = _filer()
    dialogs = _dialogs(page)
    _login(page, filer)

    # 工作台 → 备案信息 → 新增备案.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="工作台").click()
    page.get_by_role("main").get_by_role("link", name="备案信息").click()
    page.wait_for_url("**/filings/")
    _click(page, "新增备案")
    page.wait_for_url(re.compile(r"/filings/\d+/step/1/$"))
    pk = int(re.search(r"/filings/(\d+)/", page.url).group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("算法信息填报")
    expect(page.locator("ol.stepper li")).to_have_count(4)
    expect(_current_step(page)).to_contain_text("基础属性信息")

    # ① Basic attributes (ALG-02).
    _label(page, "算法名称").fill(NAME)
    _label(page, "应用领域").select_option(label="新闻资讯")
    _label(page, "上线时间").fill("2024-03-01")
    # ALG-02: the 角色 only for 生成合成类 (深度合成); 技术服务方式 is asked in step ③, not here.
    role = page.get_by_role("radiogroup", name="角色")
    _label(page, "算法类型").select_option(label="生成合成类")
    expect(role).to_be_visible()
    page.get_by_role("radio", name="服务技术支持者").check()
    expect(page.locator("#id_tech_service_mode")).to_have_count(0)
    _label(page, "算法类型").select_option(label="个性化推送类")
    expect(role).to_be_hidden()
    _label(page, "主要用途").fill(MAIN_USE)
    expect(page.locator("#id_main_use_count")).to_contain_text(f"{len(MAIN_USE)} / 200")  # ALG-13

    # ALG-12: the 拟公示内容 written for the public, with a preview of the public page as it is typed.
    preview = page.get_by_role("complementary", name="公示预览")
    for heading, text in PUBLIC_TEXT.items():
        _label(page, heading).fill(text)
        expect(preview).to_contain_text(text)

    # The template comes as a PDF; fetching it is not leaving the page (no warning, nothing lost).
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载《算法安全自评估报告》模板").click()
    download = download_info.value
    assert download.suggested_filename == "算法安全自评估报告.pdf"
    template = tmp_path / "template.pdf"
    download.save_as(template)
    assert template.read_bytes().startswith(b"%PDF-")
    assert dialogs == [], f"downloading the template asked whether to leave the page: {dialogs}"
    expect(_label(page, "算法名称")).to_have_value(NAME)

    assessment, disclosure = _pdfs(tmp_path)
    _label(page, "算法安全自评估报告").set_input_files(assessment)
    _label(page, "拟公示内容").set_input_files(disclosure)
    _shot(page, "step1", screenshot_dir)
    _click(page, "下一步")

    # ② Detailed attributes, started.
    page.wait_for_url(f"**/filings/{pk}/step/2/")
    expect(_current_step(page)).to_contain_text("详细属性信息")
    expect(page.locator("ol.stepper li.done")).to_have_count(1)
    _label(page, "算法简介").fill(INTRO)
    _label(page, "使用场景").fill(SCENARIOS)
    expect(_data_rows(page)).to_have_count(1)
    _fill_row(_data_rows(page).first, FIRST_SOURCE)

    # Leave: 保存至草稿箱, then off to 首页 (ALG-04).
    _click(page, "保存至草稿箱")
    page.wait_for_url(f"**/filings/{pk}/step/2/")
    expect(page.locator(".messages").get_by_role("status")).to_contain_text("已保存至草稿箱")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="首页").click()
    page.wait_for_url(re.compile(r"/$"))
    assert dialogs == [], f"leaving after saving asked whether to leave: {dialogs}"

    # Back through the nickname menu → 草稿箱 (ALG-08).
    menu = page.locator("details.user-menu")
    menu.locator("summary").click()
    expect(menu.locator("summary")).to_contain_text(ENTITY_NAME)
    menu.get_by_role("link", name="草稿箱").click()
    page.wait_for_url("**/filings/drafts/")
    row = page.get_by_role("row").filter(has_text=NAME)
    expect(row).to_contain_text("第2步")
    expect(row).to_contain_text("详细属性信息")
    _shot(page, "drafts", screenshot_dir)
    row.get_by_role("link", name="继续填报").click()

    # Resumed at ② with what was typed.
    page.wait_for_url(f"**/filings/{pk}/step/2/")
    expect(_current_step(page)).to_contain_text("详细属性信息")
    expect(_label(page, "算法简介")).to_have_value(INTRO)
    expect(_label(page, "使用场景")).to_have_value(SCENARIOS)
    _expect_row(_data_rows(page).first, FIRST_SOURCE)

    # ② finished: a second data source through the add button, a risk, the model and the strategy.
    _label(page, "输入模态").fill("用户行为数据、文本")
    _label(page, "输入格式").fill("JSON")
    _label(page, "输出模态").fill("排序后的资讯列表")
    rows = _data_rows(page).count()
    page.get_by_role("button", name="＋ 添加数据来源").click()
    expect(_data_rows(page)).to_have_count(rows + 1)
    new_row = _data_rows(page).last
    expect(new_row.get_by_label("数据来源")).to_be_focused()
    _expect_row(new_row, ("",) * 5)  # a fresh row, not a copy of the one above
    _fill_row(new_row, SECOND_SOURCE)
    _label(page, "模型框架").fill("PyTorch")
    _label(page, "模型架构").fill("双塔召回 + DeepFM排序")
    _label(page, "核心原理").fill("根据用户兴趣与资讯内容的相似度召回并排序。")
    _label(page, "训练数据集").fill("近90天脱敏行为日志")
    _label(page, "算法策略").fill("召回、粗排、精排、多样性打散、人工审核的热点干预。")
    risk = _risk_rows(page).first
    risk.get_by_label("风险").fill("信息茧房")
    risk.get_by_label("防范措施").fill("多样性打散，提供关闭个性化推荐的选项。")
    _shot(page, "step2", screenshot_dir)
    _click(page, "下一步")

    # ③ The product tree: checking the product covers its functions (ALG-05).
    page.wait_for_url(f"**/filings/{pk}/step/3/")
    expect(_current_step(page)).to_contain_text("产品及功能信息")
    function = page.get_by_role("checkbox", name=re.compile("首页推荐"))
    expect(function).not_to_be_checked()
    expect(function).not_to_have_accessible_name(re.compile("已覆盖"))
    page.get_by_role("checkbox", name=re.compile("星河资讯")).check()
    expect(function).to_have_accessible_name(re.compile("已覆盖"))
    expect(page.get_by_role("checkbox", name=re.compile("首页 → 推荐"))).to_have_accessible_name(
        re.compile("已覆盖")
    )
    _shot(page, "step3", screenshot_dir)
    _click(page, "下一步")

    # ④ The last check (ALG-07): everything typed on the way is there.
    page.wait_for_url(f"**/filings/{pk}/step/4/")
    expect(_current_step(page)).to_contain_text("确认提交")
    main = page.get_by_role("main")
    for text in (NAME, "个性化推送类", "新闻资讯", "2024-03-01", "服务提供者", MAIN_USE, INTRO, SCENARIOS):
        expect(main).to_contain_text(text)
    expect(main.get_by_role("link", name="自评估报告.pdf")).to_be_visible()
    expect(main.get_by_role("link", name="拟公示内容.pdf")).to_be_visible()
    for source in (FIRST_SOURCE, SECOND_SOURCE):
        expect(main.get_by_role("row").filter(has_text=source[0])).to_contain_text(source[2])
    expect(main.get_by_role("row").filter(has_text="信息茧房")).to_contain_text("多样性打散")
    expect(page.get_by_role("region", name="应用产品及功能")).to_contain_text("首页 → 推荐 → 首页推荐")
    page.get_by_label(COMMITMENT).check()
    _click(page, "提交")

    page.wait_for_url(f"**/filings/{pk}/")
    expect(page.locator(".messages").get_by_role("status")).to_contain_text("备案申请已提交")
    expect(page.locator("h1 .state")).to_have_text("已提交")
    assert dialogs == [], f"the wizard asked whether to leave a page: {dialogs}"
    filing = Filing.objects.get(pk=pk)
    assert filing.state == "submitted" and filing.name == NAME and filing.algo_type == "02"
    assert [s["name"] for s in filing.data["details"]["data_sources"]] == [FIRST_SOURCE[0], SECOND_SOURCE[0]]

    # Submitted: on 备案信息, no longer in the drafts box.
    page.get_by_role("navigation", name="位置").get_by_role("link", name="备案信息").click()
    page.wait_for_url("**/filings/")
    expect(page.get_by_role("row").filter(has_text=NAME)).to_contain_text("已提交")
    page.get_by_role("main").get_by_role("link", name=re.compile("^草稿箱")).click()
    expect(page.get_by_role("main")).to_contain_text("草稿箱是空的")


def test_alg_07_submitting_without_the_commitment_or_an_upload_names_what_is_missing_and_keeps_all(
    page, screenshot_dir
):
    """ALG-07: 提交 without the tick, or without 《算法安全自评估报告》, lists what is missing with links to
    the fields; everything already filled in stays."""
    filer, product = _filer()
    filing = complete_filing(filer, product, submit=False)
    _login(page, filer)

    # Without the tick.
    page.goto(f"/filings/{filing.pk}/step/4/")
    _click(page, "提交")
    missing = page.locator("#missing")
    expect(missing).to_be_visible()
    expect(missing).to_have_attribute("role", "alert")
    expect(missing.get_by_role("link")).to_have_count(1)
    link = missing.get_by_role("link", name=re.compile(COMMITMENT))
    expect(link).to_have_attribute("href", f"/filings/{filing.pk}/step/4/?check=1#field-commitment")
    expect(page.locator("#field-commitment").get_by_role("alert")).to_contain_text(COMMITMENT)
    expect(page.locator(".messages").get_by_role("alert")).to_contain_text("还有内容需要完善")
    _shot(page, "step4-missing", screenshot_dir)
    filing.refresh_from_db()
    assert filing.state == "draft"

    # Nothing was lost: the step pages still hold the values.
    page.goto(f"/filings/{filing.pk}/step/1/")
    expect(_label(page, "算法名称")).to_have_value(BASIC["name"])
    expect(_label(page, "主要用途")).to_have_value(BASIC["main_use"])
    # A 个性化推送类 filing is a service provider's (ALG-02): the 角色 is kept, not asked.
    expect(page.locator("input[name=role][value=provider]")).to_be_checked()
    expect(_label(page, "算法运行机制")).to_have_value(BASIC["public_mechanism"])
    page.goto(f"/filings/{filing.pk}/step/2/")
    expect(_label(page, "算法简介")).to_have_value(DETAILS["intro"])
    expect(_label(page, "模型框架")).to_have_value(DETAILS["model"]["framework"])
    expect(_data_rows(page).first.get_by_label("数据来源")).to_have_value(DETAILS["data_sources"][0]["name"])
    page.goto(f"/filings/{filing.pk}/step/3/")
    expect(page.get_by_role("checkbox", name=re.compile(product.name))).to_be_checked()

    # Without the self-assessment report: named, linked to the upload on step ①.
    Filing.objects.filter(pk=filing.pk).update(self_assessment=None)
    page.goto(f"/filings/{filing.pk}/step/4/")
    expect(page.get_by_role("region", name="基础属性信息")).to_contain_text("未上传")
    page.get_by_label(COMMITMENT).check()
    _click(page, "提交")
    missing = page.locator("#missing")
    expect(missing.get_by_role("link")).to_have_count(1)
    link = missing.get_by_role("link", name=re.compile("《算法安全自评估报告》"))
    expect(link).to_contain_text("第1步")
    expect(page.get_by_label(COMMITMENT)).to_be_checked()  # the tick given is not taken back
    link.click()
    page.wait_for_url(f"**/filings/{filing.pk}/step/1/?check=1#field-self_assessment")
    upload = _label(page, "算法安全自评估报告")
    # The field says what it needs as soon as the link lands there.
    expect(page.locator("#field-self_assessment").get_by_role("alert")).to_contain_text(
        "《算法安全自评估报告》"
    )
    expect(page.locator("#field-self_assessment")).to_be_in_viewport()
    expect(upload).to_be_focused()
    expect(_label(page, "算法名称")).to_have_value(BASIC["name"])
    # 下一步 saves and stays while the step is incomplete, saying so at the field.
    _click(page, "下一步")
    page.wait_for_url(re.compile(rf"/filings/{filing.pk}/step/1/(\?check=1)?(#field-self_assessment)?$"))
    expect(page.locator(".messages").get_by_role("alert")).to_contain_text("本步骤还有内容需要完善")
    expect(page.locator("#field-self_assessment").get_by_role("alert")).to_contain_text(
        "《算法安全自评估报告》"
    )
    expect(upload).to_have_accessible_description(re.compile("请上传《算法安全自评估报告》"))
    expect(page.locator(".field-error")).to_have_count(1)
    expect(_label(page, "算法名称")).to_have_value(BASIC["name"])
    _shot(page, "step1-missing-upload", screenshot_dir)
    filing.refresh_from_db()
    assert filing.state == "draft" and filing.disclosure_id is not None


def test_alg_06_08_the_drafts_box_from_the_filings_page_and_deleting_a_draft_after_confirmation(
    page, screenshot_dir
):
    """ALG-06, ALG-08: 备案信息 → 草稿箱 lists the draft at its step; 删除 asks first and means it."""
    filer, _product = _filer()
    draft = filing_create(entity=filer.entity, actor=filer)
    filing_save_step(filing=draft, actor=filer, step=3, basic={**BASIC, "name": NAME})
    dialogs = _dialogs(page, accept=False)
    _login(page, filer)

    page.goto("/filings/")
    page.get_by_role("main").get_by_role("link", name=re.compile("^草稿箱")).click()
    page.wait_for_url("**/filings/drafts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("草稿箱")
    row = page.get_by_role("row").filter(has_text=NAME)
    expect(row).to_contain_text("第3步")
    expect(row).to_contain_text("产品及功能信息")
    expect(row.get_by_role("link", name="继续填报")).to_have_attribute("href", f"/filings/{draft.pk}/step/3/")

    # Cancelled at the question: the draft stays.
    row.get_by_role("button", name="删除").click()
    _wait_for_dialogs(page, dialogs, 1)
    assert [kind for kind, _ in dialogs] == ["confirm"]
    assert "删除" in dialogs[0][1]
    expect(row).to_be_visible()
    assert Filing.objects.filter(pk=draft.pk).exists()

    # Confirmed: gone.
    dialogs.accept = True
    with page.expect_navigation():
        row.get_by_role("button", name="删除").click()
    page.wait_for_url("**/filings/drafts/")
    expect(page.locator(".messages").get_by_role("status")).to_contain_text(f"草稿“{NAME}”已删除")
    expect(page.get_by_role("main")).to_contain_text("草稿箱是空的")
    assert len(dialogs) == 2
    assert not Filing.objects.filter(pk=draft.pk).exists()


def test_alg_04_leaving_a_step_with_unsaved_typing_warns_and_saving_clears_the_warning(page):
    """ALG-04: typing on step ① and leaving raises the browser's 'leave this page?'; staying keeps the
    typing; after 保存至草稿箱 leaving is silent."""
    filer, _product = _filer()
    draft = filing_create(entity=filer.entity, actor=filer)
    _login(page, filer)
    page.goto(f"/filings/{draft.pk}/step/1/")
    dialogs = _dialogs(page, accept=False)  # the person stays on the page

    _label(page, "算法名称").fill(NAME)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="首页").click()
    _wait_for_dialogs(page, dialogs, 1)
    assert [kind for kind, _ in dialogs] == ["beforeunload"]
    assert re.search(rf"/filings/{draft.pk}/step/1/$", page.url)
    expect(_label(page, "算法名称")).to_have_value(NAME)

    _click(page, "保存至草稿箱")
    expect(page.locator(".messages").get_by_role("status")).to_contain_text("已保存至草稿箱")
    expect(_label(page, "算法名称")).to_have_value(NAME)
    _label(page, "算法名称").click()  # the page has been used, but nothing changed since the save
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="首页").click()
    page.wait_for_url(re.compile(r"/$"))
    assert len(dialogs) == 1, f"leaving after saving asked again: {dialogs}"


def test_alg_10_rev_01_cancellation_is_applied_for_by_the_filer_and_confirmed_by_the_office(
    page, browser, live_server, screenshot_dir
):
    """ALG-10, REV-01: 申请注销 on the detail page of an approved filing (termination date, the confirmation
    box, the browser's confirm); the filing stays in force while the office decides; a reviewer, at a
    phone's width, confirms it from the queue; the filer's page then shows 已注销."""
    from tests.factories import ReviewerFactory

    from .conftest import PHONE

    filer, product = _filer(approve=True)
    filing = approve_item(complete_filing(filer, product))
    assert filing.state == "approved" and filing.number
    dialogs = _dialogs(page)
    _login(page, filer)

    page.goto("/filings/")
    page.get_by_role("link", name=BASIC["name"]).click()
    page.wait_for_url(f"**/filings/{filing.pk}/")
    expect(page.locator("h1 .state")).to_have_text("审核通过")
    expect(page.locator(".number")).to_have_text(filing.display_number)

    today = timezone.localdate()
    page.locator(".danger-zone summary", has_text="申请注销").click()
    terminated = _label(page, "服务终止日期")
    expect(terminated).to_be_visible()
    terminated.fill(today.isoformat())
    page.get_by_label("我确认该算法服务已终止，申请注销本备案").check()
    with page.expect_navigation():
        page.get_by_role("button", name="提交注销申请").click()
    assert [kind for kind, _ in dialogs] == ["confirm"]
    assert "申请注销" in dialogs[0][1]

    page.wait_for_url(f"**/filings/{filing.pk}/")
    expect(page.locator(".messages").get_by_role("status")).to_contain_text("注销申请已提交")
    expect(page.locator("h1 .state")).to_have_text("注销申请审核中")
    expect(page.get_by_role("main")).to_contain_text("确认前备案继续有效")
    expect(page.locator(".number-line")).not_to_contain_text("已失效")  # still in force
    expect(page.locator(".danger-zone")).to_have_count(0)
    _shot(page, "detail-cancel-requested", screenshot_dir)

    # The office: a reviewer at a phone's width finds it in the queue and confirms it.
    context = browser.new_context(locale="zh-CN", viewport=PHONE, base_url=live_server.url)
    try:
        office = context.new_page()
        office.set_default_timeout(15_000)
        _login(office, ReviewerFactory())
        office.goto("/review/")
        office.get_by_role("link", name=re.compile(BASIC["name"])).first.click()
        office.wait_for_url(f"**/review/filing/{filing.pk}/")
        expect(office.locator("h1 .state")).to_have_text("注销申请审核中")
        _shot(office, "review-cancel-requested-phone", screenshot_dir)
        with office.expect_navigation():
            office.get_by_role("button", name="确认注销").click()
        expect(office.locator("h1 .state")).to_have_text("已注销")
    finally:
        context.close()

    page.reload()
    expect(page.locator("h1 .state")).to_have_text("已注销")
    expect(page.get_by_role("main")).to_contain_text(f"服务终止日期：{today:%Y-%m-%d}")
    expect(page.locator(".number-line")).to_contain_text("已失效")  # the number no longer counts
    _shot(page, "detail-cancelled", screenshot_dir)
    filing.refresh_from_db()
    assert filing.state == "cancelled" and filing.terminated_on == today


def test_alg_01_the_wizard_fits_a_phone(page, screenshot_dir):
    """ALG-01 on a phone: steps ① ② ③ ④ and the drafts box do not scroll sideways; the data tables are
    cards of labelled lines (issue 16), not strips that scroll inside their frame."""
    filer, product = _filer()
    filing = complete_filing(filer, product, submit=False, basic={"name": NAME})
    page.set_viewport_size(PHONE)
    _login(page, filer)

    page.goto(f"/filings/{filing.pk}/step/1/")
    expect(_label(page, "算法名称")).to_have_value(NAME)
    _fits(page)
    _shot(page, "step1-phone", screenshot_dir)

    page.goto(f"/filings/{filing.pk}/step/2/")
    page.get_by_role("button", name="＋ 添加数据来源").click()
    expect(_data_rows(page)).to_have_count(2)
    _fits(page)
    frame = page.locator("#field-data_sources .table-wrap")
    assert frame.evaluate("e => e.scrollWidth <= e.clientWidth"), "the data table should not scroll sideways"
    _shot(page, "step2-phone", screenshot_dir)

    page.goto(f"/filings/{filing.pk}/step/3/")
    _fits(page)
    _shot(page, "step3-phone", screenshot_dir)

    page.goto(f"/filings/{filing.pk}/step/4/")
    _click(page, "提交")
    expect(page.locator("#missing")).to_be_visible()
    _fits(page)
    _shot(page, "step4-missing-phone", screenshot_dir)

    page.goto("/filings/drafts/")
    expect(page.get_by_role("row").filter(has_text=NAME)).to_be_visible()
    _fits(page)
    _shot(page, "drafts-phone", screenshot_dir)


def test_alg_02_a_technical_supporter_describes_its_service_in_step_3(page, screenshot_dir):
    """ALG-02: "关联产品及功能信息或技术服务方式" — a 生成合成类 filing by a technical supporter is asked its
    技术服务方式 in step ③, in place of products; what it types there is saved with step ①'s data."""
    filer, _product = _filer(approve=True)
    filing = filing_create(entity=filer.entity, actor=filer)
    filing_save_step(
        filing=filing, actor=filer, step=1, basic={**BASIC, "algo_type": "01", "role": "supporter"}
    )
    _login(page, filer)
    page.goto(f"/filings/{filing.pk}/step/3/")
    field = _label(page, "技术服务方式")
    expect(field).to_be_visible()
    field.fill("以API接口方式向服务提供者提供模型能力。")
    _click(page, "保存至草稿箱")
    _shot(page, "step3-supporter", screenshot_dir)
    filing.refresh_from_db()
    assert filing.data["basic"]["tech_service_mode"] == "以API接口方式向服务提供者提供模型能力。"
    assert filing.data["basic"]["name"] == BASIC["name"]  # the rest of step ① as it was
    # Step ① keeps it when saved again without the field on its page.
    page.goto(f"/filings/{filing.pk}/step/1/")
    _click(page, "保存至草稿箱")
    filing.refresh_from_db()
    assert filing.data["basic"]["tech_service_mode"] == "以API接口方式向服务提供者提供模型能力。"
