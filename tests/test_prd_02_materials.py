"""PRD-02: the product's APP/网站情况说明 (定位, 功能特点, 用户群体) and an APP's download link, as the
materials list (seed 001) asks — in the form, the API, the reviewer's view, required at submission."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from products.models import Product
from products.services import DESCRIPTION_LIMIT, product_missing, product_update
from review.services import transition_perform
from review.transitions import Action

from .builders import PRODUCT_MATERIALS, complete_entity, complete_product
from .factories import ReviewerFactory
from .test_products import APP, _full_product

pytestmark = pytest.mark.django_db

# An APP alone (a website's screenshot and site map are tests/test_prd_02_site_uploads.py's).
WITHOUT = {k: v for k, v in APP.items() if k not in PRODUCT_MATERIALS} | {"service_forms": ["app"]}


@pytest.fixture
def entity_submitted(filer):
    complete_entity(filer)
    return filer


def test_prd_02_the_form_asks_for_the_description_and_download_link(client, filer):
    client.force_login(filer)
    html = client.get(reverse("products:create")).content.decode()
    assert "APP/网站情况说明" in html
    for name in ("positioning", "features", "user_groups", "download_url"):
        assert f'name="{name}"' in html
    page = {**APP, "service_forms": APP["service_forms"], "registered_users": "", "monthly_active_users": ""}
    assert client.post(reverse("products:create"), page).status_code == 302
    product = Product.objects.get(entity=filer.entity)
    assert {k: getattr(product, k) for k in PRODUCT_MATERIALS} == PRODUCT_MATERIALS


def test_prd_02_a_draft_saves_without_the_description_but_submission_asks_for_it(entity_submitted):
    from django.core.exceptions import ValidationError

    from products.services import product_submit

    filer = entity_submitted
    product, _path = _full_product(filer, **{k: "" for k in PRODUCT_MATERIALS})
    assert [name for name, _label in product_missing(product=product)] == [
        "positioning",
        "features",
        "user_groups",
        "download_url",
    ]
    with pytest.raises(ValidationError) as refused:
        product_submit(product=product, actor=filer)
    assert set(refused.value.message_dict) == {"positioning", "features", "user_groups", "download_url"}
    assert "产品定位" in " ".join(refused.value.message_dict["positioning"])
    product_update(product=product, actor=filer, data=PRODUCT_MATERIALS)
    product_submit(product=product, actor=filer)


def test_prd_02_a_website_needs_no_download_link(filer):
    product, _path = _full_product(
        filer, service_forms=["website"], app_store="", app_package="", download_url=""
    )
    assert product_missing(product=product) == []


def test_prd_02_the_download_link_must_be_a_web_address_and_the_text_is_limited(client, filer):
    client.force_login(filer)
    page = {**APP, "registered_users": "", "monthly_active_users": ""}
    bad = client.post(reverse("products:create"), {**page, "download_url": "应用宝搜索星河"})
    assert bad.status_code == 200
    assert "下载链接应为以http://或https://开头的有效网址" in " ".join(
        bad.context["form"].errors["download_url"]
    )
    long = client.post(reverse("products:create"), {**page, "features": "长" * (DESCRIPTION_LIMIT + 1)})
    assert long.status_code == 200 and "features" in long.context["form"].errors


def test_prd_02_description_and_download_link_through_the_api(entity_submitted):
    api = APIClient()
    api.force_authenticate(entity_submitted)
    bad = api.post("/api/v1/products/", {**APP, "download_url": "ftp://x"}, format="json")
    assert bad.status_code == 400 and "download_url" in bad.json()
    too_long = api.post(
        "/api/v1/products/", {**APP, "positioning": "长" * (DESCRIPTION_LIMIT + 1)}, format="json"
    )
    assert too_long.status_code == 400 and "positioning" in too_long.json()
    created = api.post("/api/v1/products/", WITHOUT, format="json")
    assert created.status_code == 201
    pid = created.json()["id"]
    path = api.post(f"/api/v1/products/{pid}/paths/", {"steps": ["首页"]}, format="json").json()
    function = {"name": "推荐", "applied_where": "首页", "implementation": "排序", "business_effect": "顺序"}
    api.post(f"/api/v1/products/paths/{path['id']}/functions/", function, format="json")
    refused = api.post(f"/api/v1/products/{pid}/submit/")
    assert refused.status_code == 400 and "positioning" in refused.json()
    assert api.patch(f"/api/v1/products/{pid}/", PRODUCT_MATERIALS, format="json").status_code == 200
    body = api.get(f"/api/v1/products/{pid}/").json()
    assert {k: body[k] for k in PRODUCT_MATERIALS} == PRODUCT_MATERIALS
    assert api.post(f"/api/v1/products/{pid}/submit/").json()["state"] == "submitted"


def test_prd_02_the_reviewer_sees_the_description_and_download_link(client, filer):
    complete_entity(filer)
    product = complete_product(filer)
    reviewer = ReviewerFactory()
    transition_perform(obj=product, action=Action.CLAIM, actor=reviewer)
    client.force_login(reviewer)
    html = client.get(reverse("review:item", args=["product", product.pk])).content.decode()
    assert "APP/网站情况说明" in html
    for value in PRODUCT_MATERIALS.values():
        assert value in html
