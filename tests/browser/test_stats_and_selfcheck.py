"""STAT-01 and CHK-01 in the browser: the statistics page at 1280 and 390 px with no sideways scrolling,
its charts drawn (SVG images loaded, not broken); the self-check answered by a filer who starts a draft."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from algorithms.models import Filing
from public_search.stats import stat_apply
from tests.builders import published_filings
from tests.factories import FilerFactory

from .conftest import DESKTOP, PHONE
from .helpers import login
from .helpers import shot as _shot

pytestmark = pytest.mark.django_db(transaction=True)

PROVINCES = ("11", "31", "44", "33", "32", "51", "42", "65", "54", "15")
DOMAINS = ("新闻资讯", "网络视听", "社交", "电子商务", "搜索引擎")


def _counts():
    """One filing published through the real services, and counters for two years of a busier portal
    (the page reads only the counters)."""
    published_filings()
    cells = []
    for month in range(1, 25):
        period = f"{2024 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}"
        for i, code in enumerate(("01", "02", "03", "04", "06")):
            cells += [("approved", period, code)] * ((month * (i + 2)) % 17 + 1)
        cells += [("ended", period, "cancelled")] * (month % 4) + [("ended", period, "revoked")] * (
            month % 3 == 0
        )
    for i, code in enumerate(PROVINCES):
        cells += [("province", "", code)] * (40 - 3 * i)
    for i, domain in enumerate(DOMAINS):
        cells += [("domain", "", domain)] * (30 - 4 * i)
    stat_apply([], cells)


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "stats-1280"), (PHONE, "stats-390")])
def test_stat_01_the_statistics_page_at_desktop_and_phone_width(page, viewport, name, screenshot_dir):
    _counts()
    page.set_viewport_size(viewport)
    page.goto("/stats/")
    expect(page.get_by_role("heading", name="统计", exact=True)).to_be_visible()
    images = page.locator("figure.stat-chart img")
    expect(images).to_have_count(4)
    for index in range(4):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert page.get_by_role("row", name="北京市").first.is_visible() or viewport == PHONE
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shot(page, name, screenshot_dir)
    expect(page.get_by_role("link", name="下载 CSV").first).to_be_attached()


def test_chk_01_a_filer_answers_the_self_check_and_starts_a_draft(page, screenshot_dir):
    filer = FilerFactory()
    login(page, filer)
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.get_by_role("link", name="不确定是否需要备案？先自查").click()
    page.get_by_label("是", exact=True).first.check()
    page.get_by_label("短视频").check()
    page.get_by_label("个性化推送类").check()
    page.locator("input[name=synthesis][value=yes]").check()
    page.get_by_label("我们为其他提供者提供技术（服务技术支持者）").check()
    with page.expect_navigation():
        page.get_by_role("button", name="查看结果").click()
    expect(page.get_by_role("heading", name="需要按深度合成服务备案")).to_be_visible()
    expect(page.get_by_text("第十九条第二款").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shot(page, "selfcheck-390", screenshot_dir)
    with page.expect_navigation():
        page.get_by_role("button", name="按此结果新增备案（草稿）").click()
    filing = Filing.objects.get(entity=filer.entity)
    assert (filing.algo_type, filing.role) == ("01", "supporter")
    assert page.url.endswith(reverse("algorithms:step", args=[filing.pk, 1]))


def test_stat_01_a_reviewer_opens_the_review_statistics_from_the_queue(page, screenshot_dir):
    from django.core.cache import cache

    from tests.builders import complete_entity, complete_filing, complete_product
    from tests.factories import ReviewerFactory

    cache.clear()  # the decision times are cached per province and day (review.stats)

    filer = FilerFactory()
    complete_entity(filer, approve=True)
    complete_filing(filer, complete_product(filer, approve=True))
    login(page, ReviewerFactory(province_code="110000"))
    page.set_viewport_size(PHONE)
    page.goto("/review/")
    with page.expect_navigation():
        page.get_by_role("link", name="审核统计").click()
    expect(page.get_by_role("heading", name="审核统计")).to_be_visible()
    expect(page.get_by_role("row", name="北京市").first).to_be_visible()
    # the entity and the product were decided the day they were submitted; the filing still waits
    expect(page.get_by_role("row", name="北京市").nth(1)).to_contain_text("2")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shot(page, "review-stats-390", screenshot_dir)
