"""PRD-02: a website's homepage screenshot and site map (seed 001: 若为网站，需提供网站首页截图及网站地图) —
uploaded at the product's page, checked by content, kept when the page is refused for another field,
required at submission for a website only, chosen among the entity's own uploads through the API, and shown
to the reviewer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from products.models import Product
from products.services import product_missing, product_submit, product_update

from .builders import PDF, PNG, complete_entity, site_uploads, upload
from .factories import FilerFactory, ReviewerFactory
from .test_products import APP, _full_product

pytestmark = pytest.mark.django_db

PAGE = {**APP, "registered_users": "", "monthly_active_users": ""}


@pytest.fixture
def filer(db):
    account = FilerFactory()
    complete_entity(account)
    return account


def _png(name="home.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def test_prd_02_the_product_page_takes_the_screenshot_and_site_map(client, filer):
    client.force_login(filer)
    html = client.get(reverse("products:create")).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="site_screenshot"' in html and 'name="site_map"' in html
    assert "网站首页截图" in html and "网站地图" in html
    page = {**PAGE, "site_screenshot": _png(), "site_map": SimpleUploadedFile("map.pdf", PDF)}
    assert client.post(reverse("products:create"), page).status_code == 302
    product = Product.objects.get(entity=filer.entity)
    assert product.site_screenshot.content_type == "image/png"
    assert product.site_map.content_type == "application/pdf"
    assert product_missing(product=product) == []


def test_prd_02_a_screenshot_must_be_a_picture_by_its_content(client, filer):
    client.force_login(filer)
    # A PDF named .png, and a text file named .png: refused at the field, in Chinese, nothing stored.
    for content in (PDF, b"not an image at all"):
        page = {**PAGE, "site_screenshot": SimpleUploadedFile("home.png", content)}
        refused = client.post(reverse("products:create"), page)
        assert refused.status_code == 200
        errors = " ".join(refused.context["form"].errors["site_screenshot"])
        assert "网站首页截图" in errors and ("JPG或PNG" in errors or "PDF、JPG或PNG" in errors)
        assert not Product.objects.filter(entity=filer.entity).exists()


def test_prd_02_an_upload_is_kept_when_the_page_is_refused_for_another_field(client, filer):
    client.force_login(filer)
    refused = client.post(
        reverse("products:create"), {**PAGE, "download_url": "应用宝", "site_screenshot": _png()}
    )
    assert refused.status_code == 200 and "download_url" in refused.context["form"].errors
    kept = refused.context["form"].pending["site_screenshot"]
    html = refused.content.decode()
    assert f'name="site_screenshot_pending" value="{kept.pk}"' in html and "home.png" in html
    # The next round sends only the kept id: the product gets that upload.
    fixed = {**PAGE, "site_screenshot_pending": str(kept.pk)}
    assert client.post(reverse("products:create"), fixed).status_code == 302
    assert Product.objects.get(entity=filer.entity).site_screenshot_id == kept.pk


def test_prd_02_another_entitys_upload_cannot_be_attached_by_its_id(client, filer):
    other = FilerFactory()
    theirs = upload(other.entity, "site_screenshot", other, name="theirs.png")
    client.force_login(filer)
    page = {**PAGE, "site_screenshot_pending": str(theirs.pk)}
    assert client.post(reverse("products:create"), page).status_code == 302
    assert Product.objects.get(entity=filer.entity).site_screenshot_id is None
    for forged in ("abc", "-1", "99999999999999999999", "1e3"):
        response = client.post(
            reverse("products:create"), {**page, "name": f"产品{forged}", "site_screenshot_pending": forged}
        )
        assert response.status_code in (200, 302)
    # And the service refuses it too, whoever calls it.
    product, _path = _full_product(filer, name="另一个")
    with pytest.raises(ValidationError) as refused:
        product_update(product=product, actor=filer, data={"site_screenshot": theirs})
    assert "site_screenshot" in refused.value.message_dict


def test_prd_02_a_website_needs_both_at_submission_an_app_alone_does_not(filer):
    website, _path = _full_product(filer, name="网站", site_screenshot=None, site_map=None)
    assert [name for name, _label in product_missing(product=website)] == ["site_screenshot", "site_map"]
    with pytest.raises(ValidationError) as refused:
        product_submit(product=website, actor=filer)
    assert "请上传产品“网站”的网站首页截图" in " ".join(refused.value.message_dict["site_screenshot"])
    product_update(product=website, actor=filer, data=site_uploads(filer.entity, filer))
    product_submit(product=website, actor=filer)
    app, _path = _full_product(filer, name="应用", service_forms=["app"], url="")
    assert product_missing(product=app) == []


def test_prd_02_the_api_names_own_uploads_by_id(filer):
    api = APIClient()
    api.force_authenticate(filer)
    shot = api.post(
        "/api/v1/entity/attachments/", {"kind": "site_screenshot", "file": _png()}, format="multipart"
    )
    assert shot.status_code == 201, shot.json()
    pdf_as_shot = api.post(
        "/api/v1/entity/attachments/",
        {"kind": "site_screenshot", "file": SimpleUploadedFile("x.png", PDF)},
        format="multipart",
    )
    assert pdf_as_shot.status_code == 400
    site_map = upload(filer.entity, "site_map", filer, name="map.pdf")
    other = FilerFactory()
    theirs = upload(other.entity, "site_map", other, name="map.pdf")
    body = {**APP, "site_screenshot": shot.json()["id"], "site_map": theirs.pk}
    refused = api.post("/api/v1/products/", body, format="json")
    assert refused.status_code == 400 and refused.json()["site_map"] == ["附件不存在。"]
    # The screenshot's id given as the site map: the wrong kind is the same "not found".
    wrong_kind = api.post("/api/v1/products/", {**body, "site_map": shot.json()["id"]}, format="json")
    assert wrong_kind.status_code == 400 and "site_map" in wrong_kind.json()
    created = api.post("/api/v1/products/", {**body, "site_map": site_map.pk}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["site_screenshot"] == shot.json()["id"]
    assert created.json()["site_map"] == site_map.pk


def test_prd_02_the_reviewer_sees_the_screenshot_and_site_map(client, filer):
    product, _path = _full_product(filer)
    product_submit(product=product, actor=filer)
    product.refresh_from_db()
    assert product.pending_revision.data["site_screenshot"] == product.site_screenshot_id
    reviewer = ReviewerFactory()
    client.force_login(reviewer)
    html = client.get(reverse("review:item", args=["product", product.pk])).content.decode()
    shot_url = reverse("filers:attachment", args=[product.site_screenshot_id])
    assert "网站首页截图" in html and f'<img class="upload-preview" src="{shot_url}"' in html
    assert reverse("filers:attachment", args=[product.site_map_id]) in html
    assert client.get(shot_url)["Content-Type"] == "image/png"
