"""SEC-05 in the browser: the main pages of every role, and the API documentation and the admin that
third-party code renders, run under the portal's Content-Security-Policy without a single violation; the
language switcher still switches without an inline handler."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from algorithms.services import filing_create
from filers.models import Role
from tests.builders import complete_entity, complete_filing, complete_product, published_filings
from tests.factories import FilerFactory, ReviewerFactory, UserFactory

from .helpers import shot as _shot

pytestmark = pytest.mark.django_db(transaction=True)

# Chromium's console text for a blocked script, style, image, frame, worker or connection.
CSP_WORDS = ("Content Security Policy", "Content-Security-Policy")
# Every violation, also one the console would word differently, as the page's own event reports it.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var what = e.effectiveDirective + " blocked " + (e.blockedURI || "inline");
  window.__cspViolations.push(what + " in " + e.sourceFile);
});
"""


@pytest.fixture
def watched(page):
    """The page, and the list of CSP violations it reports (console messages and violation events)."""
    violations: list[str] = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if any(w in msg.text for w in CSP_WORDS) else None
    )
    page.add_init_script(LISTEN)
    return page, violations


def _visit(page, violations: list[str], path: str, ready: str = "main", timeout: float = 5_000) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    assert "script-src 'self'" in response.headers.get("content-security-policy", ""), path
    expect(page.locator(ready).first).to_be_visible(timeout=timeout)
    page.wait_for_load_state("networkidle")
    violations += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations")]


def _sign_in(page, user, live_server) -> None:
    """The user's session cookie in the browser (the login form itself is visited as a page)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_sec_05_public_pages_run_without_a_csp_violation(watched, screenshot_dir):
    """SEC-05: home, search, a public filing with its badge and QR code, the number check, login,
    register, the admin's login, and the API's Swagger UI."""
    page, violations = watched
    (filing,) = published_filings()
    _visit(page, violations, "/")
    _visit(page, violations, "/search/?q=星河", "ol.results > li")
    _visit(page, violations, f"/public/filing/{filing.pk}/")
    # The badge and the QR code are SVG images that other sites embed: they still render as <img>.
    for image in ("badge", "qr"):
        img = page.locator(f'img[src$="/public/filing/{filing.pk}/{image}.svg"]')
        expect(img).to_be_visible()
        assert img.evaluate("i => i.complete && i.naturalWidth > 0"), f"the {image} did not render"
    _visit(page, violations, f"/number-check/?number={filing.number}")
    _visit(page, violations, "/account/login/")
    _visit(page, violations, "/account/register/")
    _visit(page, violations, "/admin/login/", "#login-form")
    # Both API pages wait for the schema, which takes seconds to generate on a busy machine.
    _visit(page, violations, "/api/schema/docs/", ".swagger-ui .info .title", timeout=30_000)
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    _shot(page, "csp-swagger-ui", screenshot_dir)
    assert violations == [], "\n".join(violations)


def test_sec_05_redoc_runs_its_scripts_from_the_portal_only(watched, screenshot_dir):
    """SEC-05: ReDoc renders with script-src 'self' (its page alone allows inline styles and a blob:
    worker, beian/api_docs.py); the one thing refused is the logo its bundle asks of cdn.redoc.ly."""
    page, violations = watched
    _visit(page, violations, "/api/schema/redoc/", "h1", timeout=30_000)
    expect(page.locator("h1").first).to_contain_text("API")
    expect(page.locator('[role="search"] input, input[placeholder="Search..."]').first).to_be_visible()
    # ReDoc's own styles were applied (its side menu is fixed beside the content), not refused.
    assert page.locator(".menu-content").first.evaluate("e => getComputedStyle(e).position") == "sticky"
    _shot(page, "csp-redoc", screenshot_dir)
    refused = [v for v in violations if "cdn.redoc.ly" not in v]
    assert refused == [], "\n".join(refused)


def test_sec_05_filer_pages_run_without_a_csp_violation(watched, live_server):
    """SEC-05: the filer's entity form (regions.js fetches the region list), the products form and a
    path's steps (steps.js), the filing wizard's first and third steps (wizard.js), drafts and detail."""
    page, violations = watched
    filer = FilerFactory()
    complete_entity(filer, submit=False)
    product = complete_product(filer, submit=False)
    draft = filing_create(entity=filer.entity, actor=filer)
    _sign_in(page, filer, live_server)
    _visit(page, violations, "/account/")
    _visit(page, violations, "/account/entity/edit/")
    expect(page.locator("#id_city option").nth(1)).to_be_attached()  # the region list arrived
    _visit(page, violations, "/products/new/")
    _visit(page, violations, f"/products/{product.pk}/paths/new/")
    _visit(page, violations, f"/filings/{draft.pk}/step/1/")
    _visit(page, violations, f"/filings/{draft.pk}/step/3/")
    _visit(page, violations, "/filings/drafts/")
    assert violations == [], "\n".join(violations)


def test_sec_05_reviewer_pages_run_without_a_csp_violation(watched, live_server):
    """SEC-05: the reviewer's queue and an item with its data and history."""
    page, violations = watched
    filer = FilerFactory()
    complete_entity(filer)
    filing = complete_filing(filer, complete_product(filer))
    _sign_in(page, ReviewerFactory(), live_server)
    _visit(page, violations, "/review/")
    _visit(page, violations, f"/review/filing/{filing.pk}/")
    _visit(page, violations, f"/review/entity/{filer.entity_id}/")
    assert violations == [], "\n".join(violations)


def test_sec_05_admin_pages_run_without_a_csp_violation(watched, live_server):
    """SEC-05: Django's admin (its index, a change list and the announcement form with its preview)."""
    page, violations = watched
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    _sign_in(page, admin, live_server)
    _visit(page, violations, "/admin/", "#content")
    _visit(page, violations, "/admin/public_search/announcement/", "#content")
    _visit(page, violations, "/admin/public_search/announcement/add/", "#content")
    assert violations == [], "\n".join(violations)


def test_sec_05_the_language_switcher_switches_without_an_inline_handler(watched):
    """SEC-05: choosing English submits the switcher through js/language.js, and the page comes back in
    English; choosing 简体中文 brings Chinese back."""
    page, violations = watched
    _visit(page, violations, "/number-check/")
    select = page.locator("#lang-select")
    assert select.get_attribute("onchange") is None
    with page.expect_navigation():
        select.select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()
    assert page.url.endswith("/number-check/")
    with page.expect_navigation():
        page.locator("#lang-select").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert violations == [], "\n".join(violations)


def test_sec_05_error_pages_run_without_a_csp_violation(watched, screenshot_dir):
    """SEC-05: our 404 page, and our 500 page when a view fails, in the portal's look with a way home."""
    page, violations = watched
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    _shot(page, "error-404", screenshot_dir)
    with mock.patch("public_search.views.type_counts", side_effect=RuntimeError("boom")):
        response = page.goto("/")
    assert response.status == 500
    expect(page.get_by_role("heading", level=1)).to_have_text("系统出现错误")
    _shot(page, "error-500", screenshot_dir)
    with page.expect_navigation():
        page.get_by_role("link", name="返回首页").click()
    expect(page.get_by_role("search", name="备案查询")).to_be_visible()
    violations += page.evaluate("window.__cspViolations")
    assert violations == [], "\n".join(violations)
