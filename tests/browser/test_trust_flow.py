"""SEC-02, PUB-06 in the browser: a filer renames its entity and moves it to another province in its
working copy. Until a reviewer of the province that holds it approves the change, the other province's
reviewers never see it and the public never sees the new name; once approved, both follow."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.builders import approve_item, complete_entity, complete_filing, complete_product
from tests.factories import FilerFactory, ReviewerFactory

from .conftest import PHONE
from .helpers import click as _click
from .helpers import label as _label
from .helpers import login as _login
from .helpers import shot as _shot
from .test_review_flow import _open_browser, _queue_row

pytestmark = pytest.mark.django_db(transaction=True)

OLD_NAME = "北京星河智联科技有限公司"
NEW_NAME = "上海星河智联科技有限公司"


def test_sec_02_pub_06_a_moved_and_renamed_entity_stays_where_it_was_until_approved(
    page, browser, live_server, screenshot_dir
):
    filer = FilerFactory(entity__name=OLD_NAME)
    complete_entity(filer, approve=True)  # 北京市海淀区
    product = complete_product(filer, approve=True)
    filing = approve_item(complete_filing(filer, product))
    beijing = ReviewerFactory(province_code="110000")
    shanghai = ReviewerFactory(province_code="310000")

    # The filer renames the entity and moves it to 上海市浦东新区, and saves without submitting.
    _login(page, filer)
    page.goto("/account/entity/edit/")
    _label(page, "主体名称").fill(NEW_NAME)
    _label(page, "注册地（省）").select_option(label="上海市")
    city = _label(page, "注册地（市）")
    expect(city.locator("option", has_text="市辖区")).to_be_attached(timeout=15_000)
    city.select_option(label="市辖区")
    district = _label(page, "注册地（区县）")
    expect(district.locator("option", has_text="浦东新区")).to_be_attached(timeout=15_000)
    district.select_option(label="浦东新区")
    _click(page, "保存")
    expect(page.locator(".messages")).to_contain_text("已保存")

    reviewer_context, reviewer_page, reviewer_outside = _open_browser(browser, live_server)
    public_context, citizen, public_outside = _open_browser(browser, live_server)
    try:
        # Shanghai's reviewer: nothing in the queue, and the item's address is not found.
        _login(reviewer_page, shanghai)
        reviewer_page.goto("/review/")
        expect(reviewer_page.get_by_role("main")).not_to_contain_text(OLD_NAME)
        expect(reviewer_page.get_by_role("main")).not_to_contain_text(NEW_NAME)
        response = reviewer_page.goto(f"/review/entity/{filer.entity_id}/")
        assert response.status == 404
        assert reviewer_page.goto(f"/review/filing/{filing.pk}/").status == 404

        # The public: the approved name on the filing's page; the new name finds nothing.
        citizen.set_viewport_size(PHONE)
        citizen.goto(f"/public/filing/{filing.pk}/")
        expect(citizen.get_by_role("main")).to_contain_text(OLD_NAME)
        expect(citizen.get_by_role("main")).not_to_contain_text(NEW_NAME)
        citizen.goto("/search/?q=上海星河")
        expect(citizen.get_by_role("main")).not_to_contain_text(OLD_NAME)
        _shot(citizen, "trust-public-before-approval", screenshot_dir)

        # The filer submits the change: it waits for Beijing, who holds the entity.
        page.goto("/account/entity/")
        _click(page, "提交审核")
        expect(page.locator("h1 .state")).to_have_text("变更待审核")
        reviewer_page.goto("/review/")
        expect(reviewer_page.get_by_role("main")).not_to_contain_text(OLD_NAME)
        reviewer_page.context.clear_cookies()
        _login(reviewer_page, beijing)
        reviewer_page.goto("/review/")
        row = reviewer_page.locator("table.queue tbody tr").filter(has_text=OLD_NAME)
        expect(row.first).to_be_visible()
        reviewer_page.goto(f"/review/entity/{filer.entity_id}/")
        _click(reviewer_page, "认领审核")
        expect(reviewer_page.locator("#claim-holder")).to_contain_text("您已于")
        _shot(reviewer_page, "trust-beijing-claimed-change", screenshot_dir)
        _click(reviewer_page, "审核通过")
        # The entity now belongs to Shanghai: Beijing's reviewer is taken back to the queue, told why.
        expect(reviewer_page.locator(".messages")).to_contain_text("已审核通过")
        expect(reviewer_page.locator(".messages")).to_contain_text("转由当地网信部门审核")
        _shot(reviewer_page, "trust-beijing-after-approval", screenshot_dir)

        # Now Shanghai holds it, Beijing no longer does, and the public sees the approved new name.
        assert reviewer_page.goto(f"/review/entity/{filer.entity_id}/").status == 404
        reviewer_page.context.clear_cookies()
        _login(reviewer_page, shanghai)
        assert reviewer_page.goto(f"/review/filing/{filing.pk}/").status == 200
        citizen.goto(f"/public/filing/{filing.pk}/")
        expect(citizen.get_by_role("main")).to_contain_text(NEW_NAME)
        citizen.goto("/search/?q=上海星河")
        expect(citizen.get_by_role("main")).to_contain_text(NEW_NAME)
        _shot(citizen, "trust-public-after-approval", screenshot_dir)
    finally:
        reviewer_context.close()
        public_context.close()
    assert reviewer_outside == [] and public_outside == []


def test_sec_02_a_second_reviewer_sees_who_holds_a_claim_and_cannot_decide_it(page, screenshot_dir):
    filer = FilerFactory(entity__name=OLD_NAME)
    entity = complete_entity(filer)
    holder = ReviewerFactory(province_code="110000", username="zhang_wei")
    other = ReviewerFactory(province_code="110000")
    _login(page, holder)
    page.goto(f"/review/entity/{entity.pk}/")
    _click(page, "认领审核")
    page.context.clear_cookies()

    _login(page, other)
    page.goto("/review/")
    row = _queue_row(page, OLD_NAME)
    expect(row).to_contain_text("zhang_wei")
    page.goto(f"/review/entity/{entity.pk}/")
    expect(page.locator("#claim-holder")).to_contain_text("zhang_wei")
    for name in ("审核通过", "驳回", "材料不齐全", "释放"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    page.set_viewport_size(PHONE)
    _shot(page, "trust-claimed-by-another-phone", screenshot_dir)
