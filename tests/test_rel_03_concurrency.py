"""REL-03: two logins on one object never overwrite each other silently, and a double POST that creates
something makes it once. Pages refuse a save made from an older page (409), keep what was typed and show
what differs; the API does the same with ETag / If-Match (409 with the changes)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from algorithms.models import Filing
from products.models import Function, FunctionPath, Product
from review.models import Revision

from .builders import DETAILS, complete_entity, complete_filing, complete_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(filer):
    complete_entity(filer, approve=True)
    return filer, complete_product(filer, approve=True)


def _browser(user) -> Client:
    """One login: a browser of its own, signed in to the shared account."""
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _step2(**changes) -> dict:
    fields = {
        "intro": DETAILS["intro"],
        "scenarios": DETAILS["scenarios"],
        "strategy": DETAILS["strategy"],
        "action": "save",
    }
    return {**fields, **changes}


# --- the wizard -------------------------------------------------------------------------------------


def test_rel_03_two_logins_on_one_draft_the_later_stale_save_is_refused_and_keeps_what_was_typed(ready):
    filer, product = ready
    filing = complete_filing(filer, product, submit=False)
    url = reverse("algorithms:step", args=[filing.pk, 2])
    a, b = _browser(filer), _browser(filer)
    page_a, page_b = a.get(url), b.get(url)
    version = page_b.context["version"]
    assert page_a.context["version"] == version
    assert f'name="version" value="{version}"' in page_b.content.decode()

    saved = a.post(url, _step2(intro="甲修改后的算法简介。", version=version))
    assert saved.status_code == 302

    refused = b.post(url, _step2(strategy="乙写的算法策略。", version=version))
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "未保存" in html and "另一个登录" in html
    assert "甲修改后的算法简介。" in html  # what the other save changed, beside…
    assert "乙写的算法策略。" in html  # …what this login typed, still on the page
    assert refused.context["stale"].changes
    filing.refresh_from_db()
    assert filing.data["details"]["intro"] == "甲修改后的算法简介。"  # A's text survives
    assert filing.data["details"]["strategy"] == DETAILS["strategy"]  # B's save changed nothing

    # B has seen what differs, merges, and saves from the version the refused page now carries.
    merged = b.post(
        url,
        _step2(intro="甲修改后的算法简介。", strategy="乙写的算法策略。", version=refused.context["version"]),
    )
    assert merged.status_code == 302
    filing.refresh_from_db()
    assert filing.data["details"]["intro"] == "甲修改后的算法简介。"
    assert filing.data["details"]["strategy"] == "乙写的算法策略。"


def test_rel_03_a_malformed_version_on_a_step_counts_as_out_of_date_never_a_5xx(ready):
    filer, product = ready
    filing = complete_filing(filer, product, submit=False)
    url = reverse("algorithms:step", args=[filing.pk, 2])
    for bad in ("²", "-1", "abc", "9" * 40):
        response = _browser(filer).post(url, _step2(intro="新的简介", version=bad))
        assert response.status_code == 409, bad
    filing.refresh_from_db()
    assert filing.data["details"]["intro"] == DETAILS["intro"]


def test_rel_03_api_edits_carry_an_etag_and_a_stale_if_match_gets_409_with_the_changes(ready):
    filer, product = ready
    filing = complete_filing(filer, product, submit=False)
    url = reverse("api:filing", args=[filing.pk])
    a, b = _api(filer), _api(filer)
    etag = a.get(url)["ETag"]
    assert etag == f'"{filing.version}"' and b.get(url)["ETag"] == etag

    ok = a.patch(
        url, {"step": 2, "details": {**DETAILS, "intro": "甲的简介"}}, format="json", HTTP_IF_MATCH=etag
    )
    assert ok.status_code == 200 and ok["ETag"] != etag

    late = b.patch(
        url, {"step": 2, "details": {**DETAILS, "strategy": "乙的策略"}}, format="json", HTTP_IF_MATCH=etag
    )
    assert late.status_code == 409
    body = late.json()
    assert body["code"] == "stale_edit" and body["version"] == int(ok["ETag"].strip('"'))
    intro = next(c for c in body["changes"] if c["field"].endswith("intro"))
    assert intro["saved"] == "甲的简介" and intro["label"] == "算法简介"
    filing.refresh_from_db()
    assert filing.data["details"]["strategy"] == DETAILS["strategy"]

    retried = b.patch(
        url,
        {"step": 2, "details": {**DETAILS, "intro": "甲的简介", "strategy": "乙的策略"}},
        format="json",
        HTTP_IF_MATCH=ok["ETag"],
    )
    assert retried.status_code == 200
    assert (
        b.patch(url, {"step": 2, "details": DETAILS}, format="json", HTTP_IF_MATCH='"x1"').status_code == 400
    )


def test_rel_03_a_double_post_of_new_filing_makes_one_draft(ready):
    filer, _ = ready
    browser = _browser(filer)
    page = browser.get(reverse("algorithms:list")).content.decode()
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    first = browser.post(reverse("algorithms:create"), {"form_token": token})
    second = browser.post(reverse("algorithms:create"), {"form_token": token})
    assert first.url == second.url
    assert Filing.objects.filter(entity=filer.entity).count() == 1
    # A new page (a new token) is a new draft, as asked.
    browser.post(reverse("algorithms:create"), {"form_token": "another-page"})
    assert Filing.objects.filter(entity=filer.entity).count() == 2


def test_rel_03_the_api_create_with_the_same_idempotency_key_returns_the_first_filing(ready):
    filer, _ = ready
    api = _api(filer)
    first = api.post(reverse("api:filings"), HTTP_IDEMPOTENCY_KEY="k-123")
    second = api.post(reverse("api:filings"), HTTP_IDEMPOTENCY_KEY="k-123")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Filing.objects.filter(entity=filer.entity).count() == 1
    # A key that is not short ASCII text is refused at the header, never a 5xx.
    assert api.post(reverse("api:filings"), HTTP_IDEMPOTENCY_KEY="密钥").status_code == 400


def test_rel_03_a_double_submit_leaves_one_revision(ready):
    filer, product = ready
    filing = complete_filing(filer, product, submit=False)
    filing.refresh_from_db()
    url = reverse("algorithms:step", args=[filing.pk, 4])
    browser = _browser(filer)
    version = browser.get(url).context["version"]
    post = {"action": "submit", "commitment": "on", "version": version}
    first = browser.post(url, post)
    second = browser.post(url, post, follow=True)
    assert first.status_code == 302
    assert second.redirect_chain[-1][0] == reverse("algorithms:detail", args=[filing.pk])
    assert "无需重复提交" in second.content.decode()
    filing.refresh_from_db()
    assert filing.state == "submitted"
    assert Revision.objects.filter(object_id=filing.pk, content_type__model="filing").count() == 1


# --- products, paths, functions ---------------------------------------------------------------------


def test_rel_03_product_page_refuses_a_stale_save_and_keeps_the_typed_name(ready):
    filer, product = ready
    url = reverse("products:edit", args=[product.pk])
    a, b = _browser(filer), _browser(filer)
    form_a, form_b = a.get(url).context["form"], b.get(url).context["form"]
    data = {k: v for k, v in form_a.initial.items() if v is not None}
    data["service_forms"] = ["app"]
    data["start_date"] = "2021-06-01"
    assert a.post(url, {**data, "app_store": "小米应用商店"}).status_code == 302
    refused = b.post(url, {**data, "version": form_b.initial["version"], "name": "乙改的名字"})
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "乙改的名字" in html and "小米应用商店" in html
    product.refresh_from_db()
    assert product.name == "星河资讯" and product.app_store == "小米应用商店"


def test_rel_03_paths_and_functions_refuse_stale_saves_in_pages_and_api(ready):
    filer, product = ready
    path = FunctionPath.objects.get(product=product)
    function = Function.objects.get(path=path)
    api = _api(filer)

    # A path's version comes with its product (paths are read there) and with each save's ETag.
    listed = api.get(reverse("api:product", args=[product.pk])).json()["paths"]
    etag = f'"{listed[0]["version"]}"'
    first = api.patch(reverse("api:path", args=[path.pk]), {"steps": ["首页", "视频"]}, format="json")
    assert first.status_code == 200 and first["ETag"] != etag
    late = api.patch(
        reverse("api:path", args=[path.pk]), {"steps": ["我的"]}, format="json", HTTP_IF_MATCH=etag
    )
    assert late.status_code == 409 and late.json()["changes"]
    path.refresh_from_db()
    assert path.steps == ["首页", "视频"]

    page = _browser(filer)
    form = page.get(reverse("products:function_edit", args=[function.pk])).context["form"]
    stale_version = form.initial["version"]
    fields = {k: v for k, v in form.initial.items() if v is not None and k != "version"}
    function.refresh_from_db()
    api.patch(reverse("api:function", args=[function.pk]), {"business_effect": "甲改的效果"}, format="json")
    refused = page.post(
        reverse("products:function_edit", args=[function.pk]),
        {**fields, "version": stale_version, "implementation": "乙改的实现方式"},
    )
    assert refused.status_code == 409
    assert "乙改的实现方式" in refused.content.decode()
    function.refresh_from_db()
    assert function.business_effect == "甲改的效果" and function.implementation == "兴趣召回与排序"


def test_rel_03_product_api_etag_and_if_match(ready):
    filer, product = ready
    api = _api(filer)
    url = reverse("api:product", args=[product.pk])
    etag = api.get(url)["ETag"]
    assert api.patch(url, {"app_store": "应用宝"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    late = api.patch(url, {"app_store": "小米"}, format="json", HTTP_IF_MATCH=etag)
    assert late.status_code == 409
    assert Product.objects.get(pk=product.pk).app_store == "应用宝"


# --- the entity ---------------------------------------------------------------------------------------


def test_rel_03_entity_api_refuses_a_stale_patch_and_the_page_a_stale_save(filer):
    complete_entity(filer, submit=False)
    api = _api(filer)
    url = reverse("api:entity")
    etag = api.get(url)["ETag"]
    assert api.patch(url, {"address": "甲的地址"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    late = api.patch(url, {"address": "乙的地址"}, format="json", HTTP_IF_MATCH=etag)
    assert late.status_code == 409
    assert any(c["saved"] == "甲的地址" for c in late.json()["changes"])

    page = _browser(filer)
    response = page.get(reverse("filers:entity_edit"))
    stale_version = response.context["form"]["version"].value()
    api.patch(url, {"officer_position": "合规总监"}, format="json")
    form = response.context["form"]
    posted = {
        name: form[name].value()
        for name in form.fields
        if name not in filer.entity.ATTACHMENT_FIELDS and form[name].value() is not None
    }
    refused = page.post(
        reverse("filers:entity_edit"), {**posted, "version": stale_version, "address": "乙在页面上写的地址"}
    )
    assert refused.status_code == 409
    assert "乙在页面上写的地址" in refused.content.decode() and "合规总监" in refused.content.decode()
    filer.entity.refresh_from_db()
    assert filer.entity.address == "甲的地址" and filer.entity.officer_position == "合规总监"


def test_rel_03_a_filing_another_entity_cannot_be_reached_through_an_idempotency_key(ready, db):
    """The key is per account: someone else's key never returns this filer's draft."""
    from .factories import FilerFactory

    filer, _ = ready
    mine = _api(filer).post(reverse("api:filings"), HTTP_IDEMPOTENCY_KEY="shared").json()["id"]
    other = FilerFactory()
    complete_entity(other, approve=True)
    theirs = _api(other).post(reverse("api:filings"), HTTP_IDEMPOTENCY_KEY="shared").json()["id"]
    assert mine != theirs
    assert Filing.objects.get(pk=theirs).entity == other.entity


def test_rel_03_a_double_submit_of_a_product_or_the_entity_submits_once_and_says_so(filer):
    complete_entity(filer, submit=False)
    browser = _browser(filer)
    version = filer.entity.version
    browser.post(reverse("filers:entity_submit"), {"version": version})
    again = browser.post(reverse("filers:entity_submit"), {"version": version}, follow=True)
    assert "无需重复提交" in again.content.decode()
    assert Revision.objects.filter(object_id=filer.entity.pk, content_type__model="entity").count() == 1

    product = complete_product(filer, submit=False)
    browser.post(reverse("products:submit", args=[product.pk]), {"version": product.version})
    again = browser.post(
        reverse("products:submit", args=[product.pk]), {"version": product.version}, follow=True
    )
    assert "无需重复提交" in again.content.decode()
    assert Revision.objects.filter(object_id=product.pk, content_type__model="product").count() == 1


def test_rel_03_idempotency_keys_are_pruned_after_a_day(ready):
    from datetime import timedelta

    from django.utils import timezone

    from beian.models import IdempotencyKey
    from beian.tasks import idempotency_keys_prune

    filer, _ = ready
    api = _api(filer)
    api.post(reverse("api:filings"), HTTP_IDEMPOTENCY_KEY="old")
    api.post(reverse("api:filings"), HTTP_IDEMPOTENCY_KEY="new")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency_keys_prune() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
