"""PRD-01…05: products, ordered access paths, functions, editing rules; isolation between entities."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from algorithms.models import Coverage, Filing
from products.models import Function, FunctionPath, Product
from products.services import (
    ProductInUse,
    ProductLocked,
    function_create,
    function_delete,
    path_create,
    path_delete,
    path_update,
    product_create,
    product_delete,
    product_submit,
    product_update,
)
from review.services import transition_perform
from review.transitions import Action, State

from .builders import PRODUCT_MATERIALS, complete_entity, site_uploads
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

APP = {
    "name": "星河资讯",
    "service_forms": ["app", "website"],
    "url": "https://news.xinghe.example.cn",
    "app_store": "华为应用市场",
    "app_package": "cn.example.xinghe.news",
    **PRODUCT_MATERIALS,
    "service_status": "operating",
    "start_date": "2021-06-01",
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


def _product(filer, **changes):
    data = {**APP, **changes}
    from datetime import date

    if "website" in data["service_forms"] and "site_screenshot" not in data:
        data.update(site_uploads(filer.entity, filer))

    for key in ("start_date", "end_date"):
        if isinstance(data.get(key), str):
            data[key] = date.fromisoformat(data[key])
    return product_create(entity=filer.entity, actor=filer, data=data)


@pytest.fixture
def filer(db):
    """A filer whose entity information has been submitted: products are submitted after it (SEC-02)."""
    account = FilerFactory()
    complete_entity(account)
    return account


def _full_product(filer, **changes):
    product = _product(filer, **changes)
    path = path_create(product=product, actor=filer, steps=["首页", "推荐"])
    function_create(path=path, actor=filer, data=FUNCTION)
    return product, path


def _approve(obj):
    reviewer = ReviewerFactory()
    transition_perform(obj=obj, action=Action.CLAIM, actor=reviewer)
    transition_perform(obj=obj, action=Action.APPROVE, actor=reviewer)


def _filing_covering(filer, state_path=(), **target):
    filing = Filing.objects.create(entity=filer.entity, name="星河推荐算法", algo_type="02", role="provider")
    Coverage.objects.create(filing=filing, **target)
    reviewer = ReviewerFactory()
    for action in state_path:
        actor = filer if action == Action.SUBMIT else reviewer
        transition_perform(obj=filing, action=action, actor=actor)
    return filing


def test_prd_01_three_steps_product_then_path_then_function(filer):
    product, path = _full_product(filer)
    assert list(product.paths.all()) == [path]
    assert path.functions.get().name == "首页推荐"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "产品名称"),
        ({"service_forms": []}, "service_forms", "至少选择一种服务形式"),
        ({"url": "ftp://example.cn"}, "url", "http://或https://"),
        ({"url": "not a url"}, "url", "有效网址"),
        ({"app_package": "我的应用"}, "app_package", "APP包名"),
        ({"app_store": ""}, "app_store", "应用商店"),
        ({"service_status": "terminated", "end_date": None}, "end_date", "服务终止日期"),
        (
            {"start_date": "2022-01-01", "end_date": "2021-01-01", "service_status": "terminated"},
            "end_date",
            "不能早于",
        ),
        ({"start_date": None}, "start_date", "服务开始日期"),
    ],
)
def test_prd_02_product_fields_are_checked_each_at_its_field(filer, changes, field, message):
    with pytest.raises(ValidationError) as excinfo:
        _product(filer, **changes)
    assert message in " ".join(excinfo.value.message_dict[field])


def test_prd_02_service_forms_render_as_the_cac_writes_them(filer):
    product = _product(filer, service_forms=["app", "website", "mini_program"])
    assert product.service_forms_display == "APP、网站、小程序"


def test_prd_03_steps_are_kept_exactly_in_order_and_reordered(filer):
    product = _product(filer)
    path = path_create(product=product, actor=filer, steps=["  首页 ", "推荐", "", "视频"])
    assert path.steps == ["首页", "推荐", "视频"]
    path_update(path=path, actor=filer, steps=["首页", "视频", "推荐"])
    path.refresh_from_db()
    assert path.steps == ["首页", "视频", "推荐"]


def test_prd_03_a_path_needs_a_step_and_duplicates_are_refused(filer):
    product = _product(filer)
    with pytest.raises(ValidationError, match="至少需要一步"):
        path_create(product=product, actor=filer, steps=["", "  "])
    path_create(product=product, actor=filer, steps=["首页", "推荐"])
    with pytest.raises(ValidationError, match="相同的访问路径"):
        path_create(product=product, actor=filer, steps=["首页", " 推荐"])
    # The same steps in another order are another path.
    path_create(product=product, actor=filer, steps=["推荐", "首页"])
    assert product.paths.count() == 2


def test_prd_04_a_function_needs_its_four_descriptions(filer):
    product = _product(filer)
    path = path_create(product=product, actor=filer, steps=["首页"])
    with pytest.raises(ValidationError) as excinfo:
        function_create(path=path, actor=filer, data={"name": "推荐"})
    assert set(excinfo.value.message_dict) == {"applied_where", "implementation", "business_effect"}


def test_prd_05_a_product_linked_to_no_algorithm_is_edited_freely(filer):
    product, _ = _full_product(filer)
    product_update(product=product, actor=filer, data={"name": "星河资讯极速版"})
    product_submit(product=product, actor=filer)
    # Issue 16: once submitted, it is frozen until decided — withdrawn (撤回) first, then edited freely.
    with pytest.raises(ProductLocked, match="撤回"):
        product_update(product=product, actor=filer, data={"name": "星河资讯Lite"})
    transition_perform(obj=product, action=Action.WITHDRAW, actor=filer)
    product_update(product=product, actor=filer, data={"name": "星河资讯Lite"})
    product_submit(product=product, actor=filer)
    product.refresh_from_db()
    assert product.name == "星河资讯Lite" and product.state == State.SUBMITTED
    assert product.pending_revision.data["name"] == "星河资讯Lite"


def test_prd_05_a_linked_product_changes_only_after_its_review_passed(filer):
    product, path = _full_product(filer)
    product_submit(product=product, actor=filer)
    _filing_covering(filer, state_path=[Action.SUBMIT], product=product)

    with pytest.raises(ProductLocked, match="需待产品审核通过后方可修改"):
        product_update(product=product, actor=filer, data={"name": "改名"})
    with pytest.raises(ProductLocked):
        path_create(product=product, actor=filer, steps=["我的"])

    _approve(product)
    approved = product.approved_revision
    product_update(product=product, actor=filer, data={"name": "星河资讯2"})
    product_submit(product=product, actor=filer)
    product.refresh_from_db()
    assert product.state == State.MODIFIED  # the change goes to re-review
    assert product.approved_revision == approved and approved.data["name"] == "星河资讯"
    assert product.pending_revision.data["name"] == "星河资讯2"


def test_prd_05_a_draft_filing_does_not_lock_the_product(filer):
    """ALG-06: the filer completes products while the filing waits in drafts."""
    product, _ = _full_product(filer)
    _filing_covering(filer, product=product)
    path_create(product=product, actor=filer, steps=["我的", "历史"])
    assert product.paths.count() == 2


@pytest.mark.parametrize("target", ["product", "path", "function"])
def test_prd_05_deleting_what_a_filing_covers_is_refused_naming_the_filing(filer, target):
    product, path = _full_product(filer)
    function = path.functions.get()
    # The filing checks the whole product: path and function are covered by inheritance.
    _filing_covering(filer, product=product)
    victim = {"product": product, "path": path, "function": function}[target]
    delete = {"product": product_delete, "path": path_delete, "function": function_delete}[target]
    with pytest.raises(ProductInUse, match="星河推荐算法"):
        delete(**{target: victim}, actor=filer)
    assert Function.objects.filter(pk=function.pk).exists()


def test_prd_05_a_function_added_later_under_a_checked_path_cannot_be_deleted(filer):
    product, path = _full_product(filer)
    _filing_covering(filer, path=path)
    later = function_create(path=path, actor=filer, data={**FUNCTION, "name": "相关推荐"})
    with pytest.raises(ProductInUse):
        function_delete(function=later, actor=filer)
    other_path = path_create(product=product, actor=filer, steps=["我的"])
    path_delete(path=other_path, actor=filer)  # not covered: deleted


def test_products_page_shows_the_tree_in_order(client, filer):
    product, path = _full_product(filer)
    path_create(product=product, actor=filer, steps=["首页", "视频", "短剧"])
    client.force_login(filer)
    html = client.get(reverse("products:list")).content.decode()
    assert html.index("星河资讯") < html.index("首页推荐")
    assert html.index(">视频<") < html.index(">短剧<")


def test_products_pages_add_a_path_with_ordered_steps(client, filer):
    product = _product(filer)
    client.force_login(filer)
    response = client.post(
        reverse("products:path_create", args=[product.pk]), {"steps": ["首页", "推荐", "视频"]}
    )
    assert response.status_code == 302
    assert FunctionPath.objects.get(product=product).steps == ["首页", "推荐", "视频"]
    bad = client.post(reverse("products:path_create", args=[product.pk]), {"steps": ["", ""]})
    assert bad.status_code == 200 and "至少需要一步" in bad.content.decode()


def test_products_page_form_keeps_input_on_error(client, filer):
    client.force_login(filer)
    response = client.post(reverse("products:create"), {**APP, "url": "ftp://x", "registered_users": "10"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "http://或https://" in form.errors["url"][0]
    assert form["name"].value() == "星河资讯"


def test_one_entity_cannot_see_or_change_anothers_products(client, filer):
    product, path = _full_product(filer)
    function = path.functions.get()
    stranger = FilerFactory()
    client.force_login(stranger)
    assert "星河资讯" not in client.get(reverse("products:list")).content.decode()
    for url in (
        reverse("products:edit", args=[product.pk]),
        reverse("products:delete", args=[product.pk]),
        reverse("products:path_create", args=[product.pk]),
        reverse("products:path_edit", args=[path.pk]),
        reverse("products:function_edit", args=[function.pk]),
        reverse("products:function_create", args=[path.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "x", "steps": ["x"]}).status_code == 404, url

    api = APIClient()
    api.force_authenticate(stranger)
    assert api.get("/api/v1/products/").json() == []
    assert api.get(f"/api/v1/products/{product.pk}/").status_code == 404
    assert api.patch(f"/api/v1/products/{product.pk}/", {"name": "x"}, format="json").status_code == 404
    assert api.delete(f"/api/v1/products/paths/{path.pk}/").status_code == 404
    assert api.delete(f"/api/v1/products/functions/{function.pk}/").status_code == 404
    assert Product.objects.get(pk=product.pk).name == "星河资讯"


def test_prd_01_products_through_the_api_nested(filer):
    api = APIClient()
    api.force_authenticate(filer)
    # An APP alone: a website's uploads through the API are tests/test_prd_02_site_uploads.py's.
    created = api.post("/api/v1/products/", {**APP, "service_forms": ["app"]}, format="json")
    assert created.status_code == 201, created.json()
    pid = created.json()["id"]
    bad = api.post(f"/api/v1/products/{pid}/paths/", {"steps": []}, format="json")
    assert bad.status_code == 400
    path = api.post(
        f"/api/v1/products/{pid}/paths/", {"steps": ["首页", "推荐", "视频"]}, format="json"
    ).json()
    api.post(f"/api/v1/products/paths/{path['id']}/functions/", FUNCTION, format="json")
    tree = api.get("/api/v1/products/").json()
    assert tree[0]["paths"][0]["steps"] == ["首页", "推荐", "视频"]
    assert tree[0]["paths"][0]["functions"][0]["name"] == "首页推荐"
    assert api.post(f"/api/v1/products/{pid}/submit/").json()["state"] == "submitted"
    assert api.post(f"/api/v1/products/{pid}/submit/").status_code == 409
