"""The base page as a visitor sees it: Chinese title, navigation, language switch, phone width."""

import pytest

from .conftest import PHONE
from .helpers import shot as _shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_shows_the_chinese_title_and_navigation(page, screenshot_dir):
    page.goto("/")
    assert page.title() == "互联网信息服务算法备案系统"
    assert page.locator("header .brand-title").inner_text() == "互联网信息服务算法备案系统"
    nav = page.get_by_role("navigation", name="主导航")
    for label in ("首页", "备案查询", "信息公告", "填报人员入口 / 登录"):
        assert nav.get_by_role("link", name=label).is_visible(), label
    assert page.get_by_role("main").is_visible() and page.get_by_role("contentinfo").is_visible()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    _shot(page, "home-desktop", screenshot_dir)

    nav.get_by_role("link", name="填报人员入口 / 登录").click()
    page.wait_for_url("**/account/login/**")
    assert page.get_by_role("heading", name="填报人员登录").is_visible()
    assert page.get_by_label("登录名").is_visible()


def test_home_page_switches_to_english_and_back(page):
    page.goto("/")
    with page.expect_navigation():
        page.get_by_label("语言").select_option("en")
    assert (
        page.locator("header .brand-title").inner_text()
        == "Internet Information Service Algorithm Filing System"
    )
    assert page.get_by_role("navigation").get_by_role("link", name="Home").is_visible()
    with page.expect_navigation():
        page.get_by_label("Language").select_option("zh-hans")
    assert page.get_by_role("navigation").get_by_role("link", name="首页").is_visible()


def test_home_page_fits_a_phone(page, screenshot_dir):
    page.set_viewport_size(PHONE)
    page.goto("/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], "the page scrolls sideways on a phone"
    assert page.get_by_role("link", name="填报人员入口 / 登录").is_visible()
    _shot(page, "home-phone", screenshot_dir)
