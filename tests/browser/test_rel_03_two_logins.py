"""REL-03 in the browser: two logins of one account have the same draft open; the second save, made from a
page older than what is saved, is refused with what differs, and nothing either person typed is lost."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from algorithms.models import Filing
from tests.builders import complete_entity, complete_filing, complete_product

from .conftest import DESKTOP, PHONE
from .helpers import label, login, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_rel_03_two_logins_on_one_draft_neither_loses_what_they_typed(
    browser, live_server, filer, screenshot_dir
):
    complete_entity(filer, approve=True)
    filing = complete_filing(filer, complete_product(filer, approve=True), submit=False)
    step2 = f"/filings/{filing.pk}/step/2/"

    contexts = [
        browser.new_context(locale="zh-CN", viewport=size, base_url=live_server.url)
        for size in (DESKTOP, PHONE)
    ]
    try:
        first, second = (context.new_page() for context in contexts)
        for page in (first, second):
            page.set_default_timeout(15_000)
            login(page, filer)
            page.goto(step2)

        label(first, "算法简介").fill("甲：新的算法简介。")
        with first.expect_navigation():
            first.get_by_role("button", name="保存至草稿箱").click()
        expect(first.get_by_text("已保存至草稿箱")).to_be_visible()

        label(second, "算法策略").fill("乙：新的算法策略。")
        with second.expect_navigation():
            second.get_by_role("button", name="保存至草稿箱").click()
        banner = second.locator("#stale-edit")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("甲：新的算法简介。")  # what the other login saved
        expect(label(second, "算法策略")).to_have_value("乙：新的算法策略。")  # what this one typed, kept
        shot(second, "rel-03-stale-step-phone", screenshot_dir)
        filing.refresh_from_db()
        assert filing.data["details"]["strategy"] != "乙：新的算法策略。"

        # The second person merges the first one's text and saves again: both are kept.
        label(second, "算法简介").fill("甲：新的算法简介。")
        with second.expect_navigation():
            second.get_by_role("button", name="保存至草稿箱").click()
        expect(second.get_by_text("已保存至草稿箱")).to_be_visible()
        filing = Filing.objects.get(pk=filing.pk)
        assert filing.data["details"]["intro"] == "甲：新的算法简介。"
        assert filing.data["details"]["strategy"] == "乙：新的算法策略。"
    finally:
        for context in contexts:
            context.close()
