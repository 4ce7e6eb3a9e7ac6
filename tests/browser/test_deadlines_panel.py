"""DL-06 in the browser: the filer opens the dashboard and reads the 期限 panel — its own deadline to file
after launch and the office's review deadline, 预计 with the reason when 2027 is not yet scheduled (DL-05)
— at 1280 and 390 px."""

from __future__ import annotations

import os
import tempfile
from datetime import date

import pytest
from playwright.sync_api import expect

from review.deadlines import deadline_compute
from review.models import Deadline
from tests.builders import complete_entity, complete_filing, complete_product
from tests.factories import FilerFactory

from .conftest import DESKTOP, PHONE
from .helpers import login, shot

pytestmark = pytest.mark.django_db(transaction=True)

# Where a person looks at them after a run (the system temp dir, /tmp/shots-deadlines here).
SHOTS = os.environ.get("DEADLINE_SHOTS") or os.path.join(tempfile.gettempdir(), "shots-deadlines")


def test_dl_06_the_filer_sees_the_deadline_panel_on_the_dashboard(page, monkeypatch, screenshot_dir):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: date(2026, 11, 20))
    filer = FilerFactory()
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    complete_filing(filer, product, basic={"name": "星河个性化推荐算法"})
    complete_filing(
        filer, product, submit=False, basic={"name": "星河搜索排序算法", "launch_date": "2026-11-16"}
    )
    for deadline in Deadline.objects.filter(met_at=None):
        deadline_compute(deadline)

    login(page, filer)
    page.goto("/account/")
    panel = page.locator("section.deadline-panel")
    expect(panel.get_by_role("heading", name="期限")).to_be_visible()
    launch = panel.locator("li", has_text="星河搜索排序算法")
    expect(launch).to_contain_text("上线后备案")
    expect(launch).to_contain_text("2026-11-30")
    expect(launch).to_contain_text("剩余 6 个工作日")
    review = panel.locator("li", has_text="星河个性化推荐算法")
    expect(review).to_contain_text("网信部门审核")
    estimate = review.locator(".provisional")
    expect(estimate).to_contain_text("预计 2027-01-04")
    expect(estimate).to_have_attribute("title", "国务院尚未公布2027年放假安排，按法定节假日推算")

    os.makedirs(SHOTS, exist_ok=True)
    for name, viewport in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        panel.scroll_into_view_if_needed()
        fits = panel.evaluate("el => el.scrollWidth <= el.clientWidth")
        assert fits, f"the 期限 panel scrolls sideways at {name} px"
        page.screenshot(path=f"{SHOTS}/dashboard-deadlines-{name}.png", full_page=True)
        shot(page, f"dashboard-deadlines-{name}", screenshot_dir)

    # The link leads to the filing's own page, whose panel shows its deadline alone.
    with page.expect_navigation():
        launch.get_by_role("link", name="星河搜索排序算法").click()
    own = page.locator("section.deadline-panel")
    expect(own).to_contain_text("上线后备案")
    expect(own).not_to_contain_text("网信部门审核")
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"{SHOTS}/filing-deadlines-390.png", full_page=True)


def test_dl_05_the_queue_shows_the_estimate_then_the_schedule_at_once(page, monkeypatch, tmp_path):
    """Real commits (no test transaction): importing the 2027 schedule moves the deadline before the next
    page load, with no sweep in between."""
    from io import StringIO

    from django.core.management import call_command

    from tests.factories import ReviewerFactory

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: date(2026, 11, 20))
    filer = FilerFactory()
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    complete_filing(filer, product, basic={"name": "星河个性化推荐算法"})
    for deadline in Deadline.objects.filter(met_at=None):
        deadline_compute(deadline)

    login(page, ReviewerFactory())
    page.goto("/review/")
    row = page.locator("tr", has_text="星河个性化推荐算法")
    expect(row.locator(".provisional")).to_contain_text("预计 2027-01-04")
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/queue-provisional-1280.png", full_page=True)

    notice = tmp_path / "2027.csv"
    notice.write_text(
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦\n2027-01-09,workday,元旦\n",
        encoding="utf-8",
    )
    call_command("import_calendar", str(notice), "--year", "2027", "--complete", stdout=StringIO())
    page.reload()
    row = page.locator("tr", has_text="星河个性化推荐算法")
    expect(row).to_contain_text("2027-01-05")
    expect(row.locator(".tag.confirmed")).to_have_text("已按国务院安排更新（原预计 2027-01-04）")
    expect(row.locator(".provisional")).to_have_count(0)
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"{SHOTS}/queue-confirmed-390.png", full_page=True)
