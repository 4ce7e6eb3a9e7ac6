"""Issue 16: axe-core on every page a citizen, a filer and a reviewer can reach, at 1280 and 390 px —
no serious or critical violation. GB/T 37668-2019 (信息技术 互联网内容无障碍可访问性技术要求与测试方法)
and WCAG 2.1 AA ask the same things: text alternatives, labels, contrast, landmarks, the page's language.

axe-playwright-python bundles axe.min.js; it is injected into the page, nothing is fetched."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import DESKTOP, PHONE
from .helpers import login
from .pages import site_build

pytestmark = pytest.mark.django_db(transaction=True)

# Every rule axe-core ships for WCAG 2.0/2.1 A and AA, plus its best practices (landmarks, headings).
OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}


def _login_refused(page):
    page.goto("/account/login/")
    with page.expect_navigation():
        page.locator("#main form button[type=submit]").click()


def _step_4_without_commitment(site):
    def submit(page):
        page.goto(f"/filings/{site.draft.pk}/step/4/")
        with page.expect_navigation():
            page.get_by_role("button", name="提交", exact=True).click()

    return submit


def _audit(page, pages, axe: Axe) -> list[tuple[str, str, dict]]:
    """(page name, path, violation) for every violation on every page. A page is a path, or a function
    that brings the page into a state worth checking (a form's errors, a message)."""
    found = []
    for name, path in pages:
        if callable(path):
            path(page)
            path = urlsplit(page.url).path
        else:
            page.goto(path)
        for violation in axe.run(page, options=OPTIONS).response["violations"]:
            found.append((name, path, violation))
    return found


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_issue_16_gb_t_37668_wcag_2_1_aa_no_serious_or_critical_axe_violations(
    browser, live_server, viewport
):
    site = site_build()
    axe = Axe()
    found = []
    for who, user, pages in (
        ("公众", None, [*site.citizen_pages, ("登录失败", _login_refused)]),
        ("填报人员", site.filer, [*site.filer_pages, ("未勾选承诺即提交", _step_4_without_commitment(site))]),
        ("审核人员", site.reviewer, site.reviewer_pages),
    ):
        context = browser.new_context(locale="zh-CN", viewport=viewport, base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if user is not None:
            login(page, user)
        found += [(who, *item) for item in _audit(page, pages, axe)]
        context.close()

    # The counts, for the record (pytest -s shows them): violations of a rule on a page, by impact.
    by_impact = Counter(v["impact"] for *_, v in found)
    for who, name, path, v in found:
        print(f"  {who} · {name} ({path}): {v['id']} [{v['impact']}] {len(v['nodes'])} node(s)")
    print(f"\naxe at {viewport['width']} px: {len(found)} violations (rule × page), {dict(by_impact)}")
    blocking = [
        f"{who} · {name} ({path}): {v['id']} [{v['impact']}] {v['help']} — "
        + "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:5])
        for who, name, path, v in found
        if v["impact"] in BLOCKING
    ]
    assert not blocking, "serious or critical accessibility violations:\n" + "\n".join(blocking)
