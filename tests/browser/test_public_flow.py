"""The public side in the browser (PUB-01…03, PUB-06, NUM-04): a citizen searches from the home page,
reads a filing's public page and its history, checks a number seen in an app — on a desktop and on a
phone — and finds nothing private on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from algorithms.services import filing_save_step, filing_submit
from review.services import transition_perform
from review.transitions import Action
from tests.builders import BASIC, DETAILS, ENTITY_DATA, approve_item, complete_entity, complete_filing
from tests.builders import complete_product as build_product
from tests.builders import published_filings as _published
from tests.factories import FilerFactory, ReviewerFactory

from .conftest import PHONE
from .helpers import shot as _shot

pytestmark = pytest.mark.django_db(transaction=True)

ENTITY_NAME = "北京星河智联科技有限公司"
OTHER_NAME = "上海云图数据科技有限公司"
SECOND = {"name": "星河热榜排序算法", "algo_type": "02", "main_use": "应用于热榜场景，根据热度，排序资讯。"}
REVIEWER_NOTE = "内部意见：自评估报告第3节与算法策略描述不一致，需核实。"


# --- Helpers ---------------------------------------------------------------------------------


def _search_from_home(page, text: str) -> None:
    page.goto("/")
    page.get_by_label("主体名称或备案编号").fill(text)
    with page.expect_navigation():
        page.get_by_role("search", name="备案查询").get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"/search/\?q="))


def _results(page):
    return page.locator("ol.results > li")


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"


# --- Tests -----------------------------------------------------------------------------------


def test_pub_01_pub_02_pub_03_a_two_character_name_part_finds_the_filing_and_its_page(page, screenshot_dir):
    """PUB-01, PUB-02, PUB-03: 星河 from the home page's box → the card (name, entity, 应用产品, number)
    → the public page with the 拟公示内容 → its history: 备案通过."""
    (filing,) = _published()
    _published(OTHER_NAME, product="云图地图", filings=({"name": "云图路线规划算法", "algo_type": "06"},))
    _search_from_home(page, "星河")

    expect(page.get_by_role("status")).to_have_text("找到 1 条结果")
    card = _results(page).first
    expect(_results(page)).to_have_count(1)
    expect(card.get_by_role("heading", level=2)).to_contain_text(BASIC["name"])
    expect(card.get_by_role("heading", level=2)).to_contain_text("已备案")
    facts = {
        "备案主体": ENTITY_NAME,
        "算法类型": "个性化推送类",
        "应用产品": "星河资讯（APP）",
        "备案编号": filing.display_number,
    }
    for term, value in facts.items():
        expect(card.locator("dl div", has=page.locator("dt", has_text=term)).locator("dd")).to_have_text(
            value
        )
    expect(card).to_contain_text(BASIC["main_use"])
    expect(page.get_by_role("main")).not_to_contain_text(OTHER_NAME)
    _shot(page, "search-results", screenshot_dir)

    card.get_by_role("link", name=BASIC["name"]).click()
    page.wait_for_url(f"**/public/filing/{filing.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(BASIC["name"])
    info = page.get_by_role("region", name="备案信息")
    expect(info).to_contain_text(filing.display_number)
    expect(info).to_contain_text(ENTITY_NAME)
    disclosure = page.get_by_role("region", name="公示内容")
    sections = {  # ALG-12: what the filer wrote for the public, under its four headings
        "算法基本原理": BASIC["public_principle"],
        "算法运行机制": BASIC["public_mechanism"],
        "算法应用场景": BASIC["public_scenarios"],
        "算法目的意图": BASIC["public_purpose"],
    }
    for heading, text in sections.items():
        body = disclosure.get_by_role("heading", name=heading).locator("xpath=following-sibling::p[1]")
        expect(body).to_have_text(text)
    history = page.get_by_role("region", name="公示记录").locator("li")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("备案通过")
    # PUB-03: the stable address, and what a filer copies into their app.
    share = page.get_by_role("region", name="在您的应用或网站中展示备案编号")
    expect(share.get_by_role("textbox")).to_have_value(re.compile(rf'/public/filing/{filing.pk}/".*网信算备'))
    expect(share.get_by_role("img", name=re.compile("备案标识"))).to_be_visible()
    expect(share.get_by_role("img", name="本页地址的二维码")).to_be_visible()
    assert page.evaluate("[...document.images].every(img => img.complete && img.naturalWidth > 0)"), (
        "the badge or the QR code did not load"
    )
    _shot(page, "public-page", screenshot_dir)


def test_pub_01_longer_name_parts_find_only_whole_matches(page):
    """PUB-01: three characters (their own posting list) and a longer part (a walk of its rarest
    three-character run) find the filings whose names hold the whole part, and no others."""
    (filing,) = _published()
    _published(
        "北京星河智慧教育科技有限公司",
        product="星河课堂",
        filings=({"name": "智联课堂推荐算法", "algo_type": "02"},),
    )
    _search_from_home(page, "星河智")
    expect(page.get_by_role("status")).to_have_text("找到 2 条结果")
    for typed in ("星河智联", "河智联科技有限"):
        _search_from_home(page, typed)
        expect(page.get_by_role("status")).to_have_text("找到 1 条结果")
        expect(_results(page).first.get_by_role("heading")).to_contain_text(BASIC["name"])
        expect(_results(page).first.locator(".number")).to_have_text(filing.display_number)


def test_pub_01_a_number_finds_exactly_its_filing_however_it_is_typed(page):
    """PUB-01: the full number, with or without 网信算备/号 and with spaces, finds that filing alone."""
    first, second = _published(filings=(None, SECOND))
    assert first.number[:-4] == second.number[:-4], "same entity and type: numbers differ in the sequence"
    digits = second.number
    spaced = " ".join(digits[i : i + 4] for i in range(0, 21, 4))
    for typed in (f"网信算备{digits}号", digits, f"网信算备 {spaced} 号", f"  {digits}  "):
        _search_from_home(page, typed)
        expect(page.get_by_role("status")).to_have_text("找到 1 条结果")
        expect(_results(page)).to_have_count(1)
        expect(_results(page).first.get_by_role("heading")).to_contain_text(SECOND["name"])
        expect(_results(page).first.locator(".number")).to_have_text(second.display_number)


def test_num_04_the_number_check_tells_valid_mistyped_and_revoked(page, screenshot_dir):
    """NUM-04: a real number → 已备案，有效 with its page; a wrong check digit → 校验位不正确;
    a revoked filing → 已撤销."""
    filing, revoked = _published(filings=(None, SECOND))
    transition_perform(
        obj=revoked, action=Action.REVOKE, actor=ReviewerFactory(), reason="以隐瞒有关情况方式取得备案"
    )

    # From the home page's box.
    page.goto("/")
    page.get_by_role("article", name="备案编号核验").get_by_label("备案编号").fill(filing.display_number)
    with page.expect_navigation():
        page.get_by_role("button", name="核验").click()
    result = page.locator(".check-result")
    expect(result).to_contain_text(f"{filing.display_number}：已备案，有效")
    _shot(page, "number-check", screenshot_dir)
    result.get_by_role("link", name="查看公示信息").click()
    page.wait_for_url(f"**/public/filing/{filing.pk}/")

    # One digit off: the check digit catches it.
    wrong = filing.number[:-1] + str((int(filing.number[-1]) + 1) % 10)
    page.goto(f"/number-check/?number=网信算备{wrong}号")
    expect(result).to_contain_text("校验位不正确")
    expect(result.get_by_role("link")).to_have_count(0)
    _shot(page, "number-check-wrong", screenshot_dir)

    page.goto(f"/number-check/?number={revoked.number}")
    expect(result).to_contain_text("已撤销")
    expect(result).not_to_contain_text("已备案")
    result.get_by_role("link", name="查看公示信息").click()
    page.wait_for_url(f"**/public/filing/{revoked.pk}/")
    expect(page.locator("h1 .state")).to_have_text("已撤销")
    history = page.get_by_role("region", name="公示记录")
    expect(history).to_contain_text("撤销：以隐瞒有关情况方式取得备案")  # REV-05: shown publicly


def test_pub_02_an_empty_result_says_so_and_suggests_what_to_try(page, screenshot_dir):
    """PUB-02: nothing found is said plainly, with what to try instead."""
    _published()
    _search_from_home(page, "不存在的公司")
    expect(page.get_by_role("status")).to_have_text("找到 0 条结果")
    empty = page.locator(".card.empty")
    expect(empty).to_contain_text("没有找到符合条件的备案")
    suggestions = empty.locator("ul.suggestions li")
    expect(suggestions).to_have_count(3)
    expect(suggestions.nth(0)).to_contain_text("一两个字")
    expect(suggestions.nth(1)).to_contain_text("21位数字")
    expect(suggestions.nth(2)).to_contain_text("去掉部分筛选条件")
    expect(suggestions.nth(2).get_by_role("link", name="核验该备案编号")).to_be_visible()
    _shot(page, "search-empty", screenshot_dir)

    # A well-formed number that no filing has: the suggestion leads to the number check.
    _search_from_home(page, "网信算备110108823483902220017号")
    expect(page.locator(".card.empty")).to_contain_text("没有找到符合条件的备案")
    page.get_by_role("link", name="核验该备案编号").click()
    page.wait_for_url(re.compile(r"/number-check/\?number="))
    expect(page.locator(".check-result")).to_contain_text("格式正确，但未查到该备案")


def test_pub_06_the_public_pages_carry_nothing_private(page):
    """PUB-06: no ID numbers, phones or e-mails of the entity's people, no account e-mail, no uploads
    but the disclosure, no reviewer notes — in the HTML of the public page and of the search results."""
    filer = FilerFactory(entity__name=ENTITY_NAME)
    complete_entity(filer, approve=True)
    product = build_product(filer, approve=True)
    filing = complete_filing(filer, product)
    reviewer = ReviewerFactory()
    transition_perform(obj=filing, action=Action.CLAIM, actor=reviewer)
    transition_perform(obj=filing, action=Action.REJECT, actor=reviewer, reason=REVIEWER_NOTE)
    filing_save_step(filing=filing, actor=filer, step=1, basic=BASIC)
    filing_submit(filing=filing, actor=filer, commitment=True)
    filing = approve_item(filing, reviewer)
    assert filing.number

    private = [ENTITY_DATA[key] for key in ENTITY_DATA if key.endswith(("_id_number", "_mobile", "_email"))]
    private += [filer.email, REVIEWER_NOTE, DETAILS["data_sources"][0]["volume"]]
    for url in (f"/public/filing/{filing.pk}/", "/search/?q=星河", f"/search/?q={filing.number}"):
        page.goto(url)
        expect(page.get_by_role("main")).to_contain_text(filing.display_number)
        html = page.content()
        leaked = [value for value in private if value in html]
        assert leaked == [], f"{url} shows private data: {leaked}"
        assert "/attachments/" not in html, f"{url} links to an uploaded file"
        assert "@" not in page.get_by_role("main").inner_text(), f"{url} shows an e-mail address"


def test_pub_01_pub_03_search_results_and_the_public_page_fit_a_phone(page, screenshot_dir):
    """PUB-01, PUB-03: on a phone, the results and the public page need no sideways scrolling."""
    (filing,) = _published(
        "中国互联网络信息服务示范科技股份有限公司北京海淀分公司",  # a long name
        product="星河资讯极速版",
        filings=({"name": "基于多模态大模型的个性化资讯与短视频混合推荐排序算法"},),
    )
    page.set_viewport_size(PHONE)
    page.goto("/")
    _fits(page)
    _shot(page, "home-phone", screenshot_dir)
    page.get_by_label("主体名称或备案编号").fill("示范")
    with page.expect_navigation():
        page.get_by_role("search", name="备案查询").get_by_role("button", name="查询").click()
    expect(_results(page)).to_have_count(1)
    _fits(page)
    _shot(page, "search-results-phone", screenshot_dir)

    _results(page).first.get_by_role("link").first.click()
    page.wait_for_url(f"**/public/filing/{filing.pk}/")
    expect(page.get_by_role("region", name="公示内容")).to_be_visible()
    _fits(page)
    _shot(page, "public-page-phone", screenshot_dir)

    page.goto(f"/number-check/?number={filing.number}")
    expect(page.locator(".check-result")).to_contain_text("已备案，有效")
    _fits(page)
    _shot(page, "number-check-phone", screenshot_dir)
