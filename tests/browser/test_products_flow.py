"""产品及功能信息 in the browser (PRD-01…05): a product, its ordered access paths, their functions,
the editing rules once a filing covers the product, and the pages on a phone."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from algorithms.models import Coverage, Filing
from products.models import Function, Product
from products.services import function_create, path_create, product_create, product_submit
from review.services import transition_perform
from review.transitions import Action
from tests.builders import PDF, PNG, PRODUCT_MATERIALS, complete_entity, site_uploads
from tests.factories import FilerFactory

from .conftest import PHONE
from .helpers import label as _label
from .helpers import login as _login
from .helpers import shot as _shot

pytestmark = pytest.mark.django_db(transaction=True)

APP = {
    "name": "星河资讯",
    "service_forms": ["app", "website"],
    "url": "https://news.xinghe.example.cn",
    "app_store": "华为应用市场",
    "app_package": "cn.example.xinghe.news",
    **PRODUCT_MATERIALS,
    "service_status": "operating",
    "start_date": date(2021, 6, 1),
    "audience": "individuals",
    "registered_users": 12000000,
    "monthly_active_users": 3500000,
}
FUNCTION = {
    "name": "首页推荐",
    "applied_where": "首页信息流的内容排序",
    "implementation": "根据用户兴趣标签召回并排序资讯",
    "business_effect": "决定用户首页看到的资讯及其顺序",
}
FILING = "星河推荐算法"


# --- Helpers ---------------------------------------------------------------------------------


def _save(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="保存", exact=True).click()


def _product_item(page, name: str):
    """A product's node in the tree: its card, found by its heading."""
    return page.locator("li.tree-product").filter(has=page.get_by_role("heading", name=name))


def _path_item(page, text: str):
    """A path's node in the tree, found by its steps as the page shows them (首页→推荐)."""
    return page.locator("li.tree-path").filter(
        has=page.locator(".path-steps", has_text=re.compile(rf"^{re.escape(text)}$"))
    )


def _product_actions(page, name: str):
    return _product_item(page, name).locator(".tree-head").first.locator(".actions")


def _steps_shown(page) -> list[str]:
    return page.locator("li.tree-path .path-steps").first.locator(".step").all_inner_texts()


def _step_values(page) -> list[str]:
    return [box.input_value() for box in page.locator("input[name=steps]").all()]


def _full_product(filer, name: str = "星河资讯", steps=("首页", "推荐")):
    data = {**APP, "name": name, **site_uploads(filer.entity, filer)}
    product = product_create(entity=filer.entity, actor=filer, data=data)
    path = path_create(product=product, actor=filer, steps=list(steps))
    function = function_create(path=path, actor=filer, data=FUNCTION)
    return product, path, function


def _filing_covering(filer, *, submitted: bool, **target) -> Filing:
    """A filing whose step ③ covers `target`, as tests/test_products.py sets one up."""
    filing = Filing.objects.create(entity=filer.entity, name=FILING, algo_type="02", role="provider")
    Coverage.objects.create(filing=filing, **target)
    if submitted:
        transition_perform(obj=filing, action=Action.SUBMIT, actor=filer)
    return filing


# --- PRD-01 / PRD-03: build the tree, reorder the steps ---------------------------------------


def test_prd_03_builds_a_product_path_and_functions_and_keeps_reordered_steps(page, screenshot_dir):
    filer = FilerFactory()
    _login(page, filer)
    page.goto("/products/")
    expect(page.get_by_text("还没有产品")).to_be_visible()

    # ① the product
    with page.expect_navigation():
        page.get_by_role("link", name="添加产品").click()
    _label(page, "产品名称").fill("星河资讯")
    page.get_by_role("checkbox", name="APP").check()
    page.get_by_role("checkbox", name="网站").check()
    _label(page, "访问地址").fill("https://news.xinghe.example.cn")
    _label(page, "应用商店").fill("华为应用市场")
    _label(page, "APP包名").fill("cn.example.xinghe.news")
    _label(page, "下载链接").fill(PRODUCT_MATERIALS["download_url"])
    _label(page, "产品定位").fill(PRODUCT_MATERIALS["positioning"])
    _label(page, "功能特点").fill(PRODUCT_MATERIALS["features"])
    _label(page, "用户群体").fill(PRODUCT_MATERIALS["user_groups"])
    # A website's homepage screenshot and site map (PRD-02, seed 001); a PDF is no screenshot.
    _label(page, "网站首页截图").set_input_files({"name": "home.pdf", "mimeType": "image/png", "buffer": PDF})
    _label(page, "网站地图").set_input_files(
        {"name": "sitemap.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    _label(page, "服务状态").select_option(label="运营中")
    _label(page, "服务对象").select_option(label="个人用户")
    _label(page, "服务开始日期").fill("2021-06-01")
    _label(page, "注册用户数").fill("12000000")
    _label(page, "月活跃用户数").fill("3500000")
    _save(page)
    expect(page.locator("#field-site_screenshot .error")).to_contain_text("只能上传JPG或PNG图片")
    # The site map stayed attached and everything typed is still there; only the screenshot is asked again.
    expect(page.locator("#field-site_map .attached")).to_contain_text("sitemap.pdf")
    expect(_label(page, "产品定位")).to_have_value(PRODUCT_MATERIALS["positioning"])
    page.locator("#id_site_screenshot").set_input_files(
        {"name": "home.png", "mimeType": "image/png", "buffer": PNG}
    )
    _shot(page, "product-form", screenshot_dir)
    _save(page)
    expect(page.get_by_role("status")).to_contain_text("产品已添加")
    expect(page.get_by_role("heading", name="星河资讯")).to_be_visible()
    saved = Product.objects.get(entity=filer.entity)
    assert saved.site_screenshot.content_type == "image/png" and saved.site_map.original_name == "sitemap.pdf"

    # ② a three-step path, entered in order
    with page.expect_navigation():
        _product_item(page, "星河资讯").get_by_role("link", name="添加功能访问路径").click()
    _label(page, "第1步").fill("首页")
    _label(page, "第2步").fill("推荐")
    page.get_by_role("button", name="＋ 添加一步").click()
    expect(_label(page, "第3步")).to_be_focused()
    _label(page, "第3步").fill("视频")
    _shot(page, "path-form", screenshot_dir)
    _save(page)
    expect(page.get_by_role("status")).to_contain_text("访问路径已添加")
    assert _steps_shown(page) == ["首页", "推荐", "视频"]

    # ③ two functions under the path
    for name, where in (("首页推荐", "首页信息流的内容排序"), ("视频推荐", "视频频道的视频排序")):
        with page.expect_navigation():
            _path_item(page, "首页→推荐→视频").get_by_role("link", name="添加功能").click()
        expect(page.get_by_text("访问路径：首页 → 推荐 → 视频")).to_be_visible()
        _label(page, "功能名称").fill(name)
        _label(page, "算法应用位置").fill(where)
        _label(page, "功能实现方式").fill("根据用户兴趣标签召回并排序")
        _label(page, "算法对产品业务的影响").fill("决定用户看到的内容及其顺序")
        _save(page)
        expect(page.get_by_role("status")).to_contain_text("功能已添加")
    path = _path_item(page, "首页→推荐→视频")
    expect(path.locator(".tree-function strong")).to_have_text(["首页推荐", "视频推荐"])

    # Reorder: 视频 moves up to second place.
    with page.expect_navigation():
        path.locator(".tree-head").first.get_by_role("link", name="编辑").click()
    assert _step_values(page) == ["首页", "推荐", "视频"]
    third = page.locator(".step-row").filter(has=_label(page, "第3步"))
    third.get_by_role("button", name="上移").click()
    # The labels follow the new order: 视频 is now 第2步.
    expect(_label(page, "第2步")).to_have_value("视频")
    expect(_label(page, "第3步")).to_have_value("推荐")
    expect(page.locator("[data-step-status]")).to_have_text("“视频”现为第2步")  # said to screen readers
    # Moving the first step up, or the last one down, changes nothing.
    page.locator(".step-row").first.get_by_role("button", name="上移").click()
    page.locator(".step-row").last.get_by_role("button", name="下移").click()
    assert _step_values(page) == ["首页", "视频", "推荐"]
    _save(page)
    expect(page.get_by_role("status")).to_contain_text("访问路径已保存")

    page.reload()
    assert _steps_shown(page) == ["首页", "视频", "推荐"]
    path = _path_item(page, "首页→视频→推荐")
    expect(path.locator(".tree-function strong")).to_have_text(["首页推荐", "视频推荐"])
    _shot(page, "products-tree", screenshot_dir)
    with page.expect_navigation():
        path.locator(".tree-head").first.get_by_role("link", name="编辑").click()
    page.reload()
    assert _step_values(page) == ["首页", "视频", "推荐"]
    for n, step in enumerate(["首页", "视频", "推荐"], start=1):
        expect(_label(page, f"第{n}步")).to_have_value(step)


def test_prd_03_path_form_removes_steps_and_warns_before_leaving_unsaved_changes(page):
    filer = FilerFactory()
    product, path, _ = _full_product(filer, steps=("首页", "推荐", "视频"))
    _login(page, filer)
    page.goto(f"/products/paths/{path.pk}/edit/")

    page.locator(".step-row").filter(has=_label(page, "第2步")).get_by_role("button", name="删除此步").click()
    assert _step_values(page) == ["首页", "视频"]
    expect(_label(page, "第2步")).to_have_value("视频")
    expect(_label(page, "第2步")).to_be_focused()  # the keyboard stays where the removed step was

    # Leaving now would lose the change: the page asks first (beforeunload).
    dialogs: list[str] = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("link", name="返回").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert "/edit/" in page.url  # staying on the form

    page.remove_listener("dialog", dismiss)
    page.on("dialog", lambda dialog: dialog.accept())
    _save(page)
    assert _steps_shown(page) == ["首页", "视频"]

    # Blank steps alone are refused at the steps, nothing is saved.
    page.goto(f"/products/{product.pk}/paths/new/")
    add = page.get_by_role("button", name="＋ 添加一步")
    for _ in range(8):
        add.click()
    expect(page.locator("input[name=steps]")).to_have_count(10)
    expect(add).to_be_disabled()  # the server keeps at most ten steps
    _save(page)
    expect(page.locator("#field-steps").get_by_role("alert")).to_contain_text("至少需要一步")
    assert product.paths.count() == 1


# --- PRD-05: editing and deleting once a filing covers the product ----------------------------


def test_prd_05_a_product_linked_to_no_algorithm_is_edited_freely(page, screenshot_dir):
    filer = FilerFactory()
    product, _, _ = _full_product(filer)
    _login(page, filer)
    page.goto("/products/")
    with page.expect_navigation():
        _product_actions(page, "星河资讯").get_by_role("link", name="编辑").click()
    expect(_label(page, "产品名称")).to_have_value("星河资讯")
    expect(_label(page, "访问地址")).to_have_value(APP["url"])
    expect(page.get_by_role("checkbox", name="APP")).to_be_checked()
    _label(page, "产品名称").fill("星河资讯极速版")
    _save(page)
    expect(page.get_by_role("status")).to_contain_text("产品信息已保存")
    expect(page.get_by_role("heading", name="星河资讯极速版")).to_be_visible()
    product.refresh_from_db()
    assert product.name == "星河资讯极速版"


def test_prd_05_a_product_under_a_submitted_filing_waits_for_its_review(page, screenshot_dir):
    filer = FilerFactory()
    complete_entity(filer)  # products are submitted after the entity information
    product, path, _ = _full_product(filer)
    product_submit(product=product, actor=filer)
    _filing_covering(filer, submitted=True, product=product)
    _login(page, filer)
    page.goto("/products/")

    # Submitted, it waits (issue 16: frozen until decided): the list offers no 编辑 for it or its paths.
    expect(_product_item(page, "星河资讯").locator(".state-line")).to_contain_text("已提交，等待审核")
    expect(_product_actions(page, "星河资讯").get_by_role("link", name="编辑")).to_have_count(0)
    expect(_path_item(page, "首页→推荐").get_by_role("link", name="编辑")).to_have_count(0)
    _shot(page, "product-locked", screenshot_dir)
    # A link kept from before: the page refuses, naming why — a filing covers it.
    page.goto(f"/products/{product.pk}/edit/")
    expect(page.locator(".messages").get_by_role("alert")).to_contain_text("需待产品审核通过后方可修改")
    expect(page.get_by_role("heading", name="星河资讯")).to_be_visible()
    assert page.url.endswith(f"/products/#product-{product.pk}")

    # Its paths and functions are locked with it.
    page.goto(f"/products/paths/{path.pk}/edit/")
    if "/edit/" in page.url:  # the path form may open; saving checks the lock
        _label(page, "第2步").fill("视频")
        _save(page)
    expect(page.locator(".messages").get_by_role("alert")).to_contain_text("需待产品审核通过后方可修改")
    assert _steps_shown(page) == ["首页", "推荐"]
    product.refresh_from_db()
    path.refresh_from_db()
    assert product.name == "星河资讯" and path.steps == ["首页", "推荐"]


@pytest.mark.parametrize("target", ["product", "path", "function"])
def test_prd_05_deleting_what_a_filing_covers_is_refused_naming_the_filing(page, screenshot_dir, target):
    filer = FilerFactory()
    product, path, function = _full_product(filer)
    # A draft filing is enough: the filer would have to untick it first.
    _filing_covering(filer, submitted=False, product=product)
    _login(page, filer)
    page.goto("/products/")
    node = {
        "product": _product_item(page, "星河资讯"),
        "path": _path_item(page, "首页→推荐"),
        "function": page.locator("li.tree-function").filter(has_text="首页推荐"),
    }[target]
    with page.expect_navigation():
        node.locator(".tree-head").first.get_by_role("link", name="删除").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("不能删除")
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("已被以下算法备案关联，不能删除")
    expect(page.get_by_role("main")).to_contain_text(FILING)
    expect(page.get_by_role("button", name="确认删除")).to_have_count(0)
    _shot(page, f"delete-refused-{target}", screenshot_dir)
    with page.expect_navigation():
        page.get_by_role("link", name="返回").click()
    expect(page.get_by_role("heading", name="星河资讯")).to_be_visible()
    expect(page.locator("li.tree-function strong")).to_have_text(["首页推荐"])
    assert Function.objects.filter(pk=function.pk).exists()


def test_prd_05_what_no_filing_covers_is_deleted_after_confirmation(page):
    filer = FilerFactory()
    product, path, function = _full_product(filer)
    function_create(path=path, actor=filer, data={**FUNCTION, "name": "相关推荐"})
    _login(page, filer)
    page.goto("/products/")
    function_node = page.locator("li.tree-function").filter(has_text="相关推荐")
    with page.expect_navigation():
        function_node.get_by_role("link", name="删除").click()
    expect(page.get_by_role("main")).to_contain_text("确定删除功能“相关推荐”吗")
    with page.expect_navigation():
        page.get_by_role("button", name="确认删除").click()
    expect(page.get_by_role("status")).to_contain_text("功能已删除")
    expect(page.locator("li.tree-function strong")).to_have_text(["首页推荐"])


# --- PRD-02: the product form checks each field where it is ------------------------------------


def test_prd_02_a_bad_url_is_shown_at_its_field_and_the_rest_is_kept(page, screenshot_dir):
    filer = FilerFactory()
    _login(page, filer)
    page.goto("/products/new/")
    _label(page, "产品名称").fill("星河资讯")
    page.get_by_role("checkbox", name="APP").check()
    page.get_by_role("checkbox", name="网站").check()
    _label(page, "访问地址").fill("ftp://news.xinghe.example.cn")
    _label(page, "应用商店").fill("华为应用市场")
    _label(page, "APP包名").fill("cn.example.xinghe.news")
    _label(page, "服务对象").select_option(label="个人和企业用户")
    _label(page, "服务开始日期").fill("2021-06-01")
    _label(page, "注册用户数").fill("12000000")
    _label(page, "其他关键运营数据").fill("日均使用时长35分钟")
    _save(page)

    url_field = page.locator("#field-url")
    expect(url_field.get_by_role("alert")).to_contain_text("http://或https://")
    expect(page.get_by_role("alert")).to_have_count(1)  # only that field is wrong
    expect(_label(page, "访问地址")).to_have_value("ftp://news.xinghe.example.cn")
    expect(_label(page, "访问地址")).to_have_attribute("aria-invalid", "true")
    expect(_label(page, "产品名称")).to_have_value("星河资讯")
    forms = page.get_by_role("group", name="服务形式")
    expect(forms.get_by_role("checkbox", name="APP")).to_be_checked()
    expect(forms.get_by_role("checkbox", name="网站")).to_be_checked()
    expect(forms.get_by_role("checkbox", name="小程序")).not_to_be_checked()
    expect(_label(page, "应用商店")).to_have_value("华为应用市场")
    expect(_label(page, "APP包名")).to_have_value("cn.example.xinghe.news")
    expect(_label(page, "服务对象")).to_have_value("both")
    expect(_label(page, "服务开始日期")).to_have_value("2021-06-01")
    expect(_label(page, "注册用户数")).to_have_value("12000000")
    expect(_label(page, "其他关键运营数据")).to_have_value("日均使用时长35分钟")
    _shot(page, "product-form-bad-url", screenshot_dir)
    assert not Product.objects.exists()

    _label(page, "访问地址").fill("https://news.xinghe.example.cn")
    _save(page)
    expect(page.get_by_role("heading", name="星河资讯")).to_be_visible()


# --- Phone width --------------------------------------------------------------------------------


def _scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]


def test_prd_01_products_list_and_path_form_fit_a_phone(page, screenshot_dir):
    filer = FilerFactory()
    product, path, _ = _full_product(
        filer, name="星河资讯国际版超长名称示例应用", steps=("首页", "推荐", "视频", "短剧频道", "精选合集")
    )
    path_create(product=product, actor=filer, steps=["我的", "历史"])
    page.set_viewport_size(PHONE)
    _login(page, filer)

    page.goto("/products/")
    expect(page.get_by_role("heading", name="星河资讯国际版超长名称示例应用")).to_be_visible()
    assert not _scrolls_sideways(page), "the products list scrolls sideways on a phone"
    _shot(page, "products-tree-phone", screenshot_dir)

    page.goto(f"/products/paths/{path.pk}/edit/")
    page.get_by_role("button", name="＋ 添加一步").click()
    assert not _scrolls_sideways(page), "the path form scrolls sideways on a phone"
    # Each step's tools stay on the step's line.
    for row in page.locator(".step-row").all():
        box = row.get_by_role("textbox").bounding_box()
        remove = row.get_by_role("button", name="删除此步").bounding_box()
        assert remove["y"] < box["y"] + box["height"], "the step's buttons wrap under it"
        assert remove["x"] + remove["width"] <= PHONE["width"]
    _shot(page, "path-form-phone", screenshot_dir)

    page.goto(f"/products/{product.pk}/edit/")
    assert not _scrolls_sideways(page), "the product form scrolls sideways on a phone"
    _shot(page, "product-form-phone", screenshot_dir)


def test_prd_02_the_reviewer_sees_the_websites_screenshot(page, screenshot_dir):
    """PRD-02: the homepage screenshot is shown to the reviewer as a picture, the site map as a link."""
    from tests.factories import ReviewerFactory

    filer = FilerFactory()
    complete_entity(filer)
    product, _path, _function = _full_product(filer)
    product_submit(product=product, actor=filer)
    _login(page, ReviewerFactory())
    page.goto(f"/review/product/{product.pk}/")
    picture = page.get_by_role("img", name=re.compile("网站首页截图"))
    expect(picture).to_be_visible()
    picture.scroll_into_view_if_needed()  # it loads lazily
    page.wait_for_function("(img) => img.complete && img.naturalWidth === 1", arg=picture.element_handle())
    expect(page.get_by_role("link", name="sitemap.pdf")).to_be_visible()
    _shot(page, "review-product-uploads", screenshot_dir)
    page.set_viewport_size(PHONE)
    _shot(page, "review-product-uploads-phone", screenshot_dir)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
