"""Issue 16 / ALG-06, ENT-05: step ③ says up front which products still wait to be submitted for review —
the rule filing_problems applies to 下一步, asked before the filer clicks — and 提交审核 is a real button."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from algorithms.services import filing_problems

from .builders import complete_entity, complete_filing, complete_product
from .factories import FilerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def filer(db):
    account = FilerFactory()
    complete_entity(account)
    return account


def _step3(client, filing) -> str:
    return client.get(reverse("algorithms:step", args=[filing.pk, 3])).content.decode()


def test_alg_06_step3_names_a_checked_unsubmitted_product_before_next(client, filer):
    draft = complete_product(filer, name="草稿产品", submit=False)
    filing = complete_filing(filer, draft, submit=False)
    client.force_login(filer)
    body = _step3(client, filing)
    notice = re.search(r'id="products-awaiting-submission".*?</div>', body, re.S).group(0)
    assert "草稿产品" in notice and "已勾选" in notice
    assert f"{reverse('products:list')}#product-{draft.pk}" in notice
    # the same rule 下一步 applies
    assert any(p.step == 3 and "草稿产品" in p.message for p in filing_problems(filing=filing))


def test_alg_06_step3_lists_unchecked_unsubmitted_products_too(client, filer):
    submitted = complete_product(filer, name="已提交产品")
    complete_product(filer, name="另一个草稿", submit=False)
    filing = complete_filing(filer, submitted, submit=False)
    client.force_login(filer)
    notice = re.search(r'id="products-awaiting-submission".*?</div>', _step3(client, filing), re.S).group(0)
    assert "另一个草稿" in notice and "已勾选" not in notice
    assert "已提交产品" not in notice


def test_alg_06_no_notice_when_every_product_was_submitted(client, filer):
    filing = complete_filing(filer, complete_product(filer), submit=False)
    client.force_login(filer)
    assert "products-awaiting-submission" not in _step3(client, filing)


def test_alg_06_another_entitys_products_are_never_named(client, filer):
    other = FilerFactory()
    complete_entity(other)
    complete_product(other, name="别家草稿产品", submit=False)
    filing = complete_filing(filer, complete_product(filer), submit=False)
    client.force_login(filer)
    assert "别家草稿产品" not in _step3(client, filing)


def test_prd_01_submit_for_review_is_a_button_on_the_products_page(client, filer):
    complete_product(filer, name="草稿产品", submit=False)
    client.force_login(filer)
    body = client.get(reverse("products:list")).content.decode()
    assert re.search(r'<button type="submit" class="button primary">提交审核</button>', body)
