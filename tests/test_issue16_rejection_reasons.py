"""Issue 16 / REV-03: every rejection's reasons on the object's own page and banner — the products page and
product form, the entity's red banner, the filing's detail — from one selector, one query per page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from review.selectors import latest_rejection, latest_rejections
from review.services import transition_perform
from review.transitions import Action

from .builders import complete_entity, complete_filing, complete_product
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def _reject(obj, reason: str, action: str = Action.REJECT):
    reviewer = ReviewerFactory()
    transition_perform(obj=obj, action=Action.CLAIM, actor=reviewer)
    transition_perform(obj=obj, action=action, actor=reviewer, reason=reason)
    obj.refresh_from_db()
    return obj


@pytest.fixture
def filer(db):
    account = FilerFactory()
    complete_entity(account)
    return account


def test_rev_03_latest_rejection_is_the_last_reject_or_incomplete(filer):
    product = _reject(complete_product(filer), "第一次：缺少访问地址")
    transition_perform(obj=product, action=Action.REOPEN, actor=filer)
    from products.services import product_submit

    product_submit(product=product, actor=filer)
    product = _reject(product, "第二次：材料不齐全，缺少功能说明", Action.MARK_INCOMPLETE)
    event = latest_rejection(obj=product)
    assert event.reason == "第二次：材料不齐全，缺少功能说明"
    assert event.action == Action.MARK_INCOMPLETE


def test_rev_03_no_reason_shown_once_the_object_is_no_longer_rejected(filer):
    product = _reject(complete_product(filer), "缺少访问地址")
    transition_perform(obj=product, action=Action.REOPEN, actor=filer)
    product.refresh_from_db()
    assert latest_rejection(obj=product) is None


def test_rev_03_products_page_quotes_each_rejection_in_one_query(client, filer, django_assert_num_queries):
    for i in range(3):
        _reject(complete_product(filer, name=f"产品{i}"), f"理由{i}：服务形式与访问地址不符")
    complete_product(filer, name="待审产品")
    client.force_login(filer)
    url = reverse("products:list")
    client.get(url)  # warm the content-type cache
    with django_assert_num_queries(PRODUCTS_PAGE_QUERIES) as ctx:
        response = client.get(url)
    body = response.content.decode()
    for i in range(3):
        assert f"理由{i}：服务形式与访问地址不符" in body
    assert sum("review_reviewevent" in q["sql"] for q in ctx.captured_queries) == 1


PRODUCTS_PAGE_QUERIES = (
    14  # session, user, entity, products, paths, functions, deadlines…, one rejection query
)


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def test_rev_03_products_page_query_count_does_not_grow_with_rejected_products(client, filer):
    client.force_login(filer)
    url = reverse("products:list")
    _reject(complete_product(filer, name="产品0"), "理由0")
    client.get(url)
    one = _count_queries(client, url)
    for i in range(1, 4):
        _reject(complete_product(filer, name=f"产品{i}"), f"理由{i}")
    # products' paths and functions are prefetched: more rows, the same number of queries
    assert _count_queries(client, url) == one


def test_rev_03_product_form_quotes_the_reason(client, filer):
    product = _reject(complete_product(filer), "访问地址无法打开")
    client.force_login(filer)
    body = client.get(reverse("products:edit", args=[product.pk])).content.decode()
    assert "访问地址无法打开" in body


def test_rev_03_entity_banner_quotes_its_reason(client):
    account = FilerFactory()
    entity = complete_entity(account)
    _reject(entity, "营业执照扫描件不清晰")
    client.force_login(account)
    body = client.get(reverse("filers:entity")).content.decode()
    assert "主体信息未通过审核" in body
    assert "营业执照扫描件不清晰" in body


def test_rev_03_filing_detail_quotes_its_reason(client, filer):
    filing = _reject(complete_filing(filer, complete_product(filer, approve=False)), "算法简介过于简略")
    client.force_login(filer)
    body = client.get(reverse("algorithms:detail", args=[filing.pk])).content.decode()
    assert "算法简介过于简略" in body


def test_rev_03_another_entitys_reasons_never_reach_a_filer(client, filer):
    other = FilerFactory()
    complete_entity(other)
    secret = _reject(complete_product(other, name="别家产品"), "别家的驳回理由")
    client.force_login(filer)
    assert "别家的驳回理由" not in client.get(reverse("products:list")).content.decode()
    assert client.get(reverse("products:edit", args=[secret.pk])).status_code == 404
    assert latest_rejections(objs=[]) == {}
