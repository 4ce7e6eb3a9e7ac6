"""SEC-05: every page carries a Content-Security-Policy without inline script, and the templates give a
browser nothing that such a policy would block."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
# WeasyPrint renders these into PDF files on the server; no browser ever parses them.
PDF_ONLY = "pdf"

TEMPLATE_SYNTAX = re.compile(
    r"\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}|\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S
)


def browser_templates() -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES_DIR.rglob("*.html")
        if PDF_ONLY not in path.relative_to(TEMPLATES_DIR).parts[:-1]
    )


class _PolicyScanner(HTMLParser):
    """Notes what a strict policy (script-src and style-src 'self') would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.offences: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.offences.append("inline <script> without src")
        if tag == "style":
            self.offences.append("inline <style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.offences.append(f"{name}= handler on <{tag}>")
            elif name == "style":
                self.offences.append(f"style= attribute on <{tag}>")
            elif name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.offences.append(f"javascript: URL on <{tag}>")


def csp_offences(source: str) -> list[str]:
    """What a strict policy would block in this template, as short notes."""
    scanner = _PolicyScanner()
    # Template tags become a space, so that `{% if x %} style="…"{% endif %}` still shows its attribute.
    scanner.feed(TEMPLATE_SYNTAX.sub(" ", source))
    scanner.close()
    return scanner.offences


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<script>alert(1)</script>", ["inline <script> without src"]),
        ('<script src="/static/js/a.js" defer></script>', []),
        ('<select name="language" onchange="this.form.submit()">', ["onchange= handler on <select>"]),
        ('<svg width="14" style="vertical-align: -2px">', ["style= attribute on <svg>"]),
        ('<p{% if x %} style="color: red"{% endif %}>', ["style= attribute on <p>"]),
        ("<style>body { margin: 0 }</style>", ["inline <style> element"]),
        ("{% comment %}without its inline <style>{% endcomment %}<p>", []),
        ('<a href="javascript:void(0)">', ["javascript: URL on <a>"]),
        ('<a href="{% url "x" %}" data-confirm="{% translate "确定吗？" %}">', []),
        ('<input name="onion" data-style="x" aria-label="only one=1">', []),
    ],
)
def test_sec_05_the_template_scan_finds_what_a_strict_policy_blocks(html, expected):
    """The scanner below is only as good as this table: each kind of inline code is found, and names
    that merely begin with "on" or contain "style" are not."""
    assert csp_offences(html) == expected


def test_sec_05_no_template_has_inline_script_handlers_or_style_attributes():
    """Every template a browser sees runs under script-src 'self' and style-src 'self' unchanged."""
    templates = browser_templates()
    assert len(templates) > 50, "the scan must see the portal's templates"
    found = {
        str(path.relative_to(TEMPLATES_DIR)): offences
        for path in templates
        if (offences := csp_offences(path.read_text(encoding="utf-8")))
    }
    assert found == {}


# --- The header -------------------------------------------------------------------------------------

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'self'"},
}
PUBLIC_PAGES = [
    "/",
    "/search/?q=星河",
    "/number-check/",
    "/announcements/",
    "/lists/",
    "/account/login/",
    "/account/register/",
    "/admin/login/",
    "/api/schema/docs/",
]


def policy(response) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: set(values) for name, *values in directives}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_sec_05_public_pages_carry_the_strict_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert policy(response) == STRICT


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["filer", "reviewer"])
def test_sec_05_signed_in_pages_carry_the_strict_policy(client, filer, reviewer, role):
    user, path = {"filer": (filer, "/account/entity/edit/"), "reviewer": (reviewer, "/review/")}[role]
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    assert policy(response) == STRICT


@pytest.mark.django_db
def test_sec_05_swagger_ui_loads_its_init_script_as_a_file(client):
    """drf-spectacular's split view: the page holds no inline script or style, and the script it names
    is served by the portal as JavaScript."""
    page = client.get("/api/schema/docs/")
    html = page.content.decode()
    assert csp_offences(html) == []
    script = re.search(r'<script src="([^"]*\?script=?[^"]*)"', html)
    assert script, html
    init = client.get(script.group(1).replace("&amp;", "&"))
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in init.content.decode()


@pytest.mark.django_db
def test_sec_05_redoc_relaxes_styles_only_never_scripts(client):
    """ReDoc's page alone allows inline styles and a blob: worker (beian/api_docs.py says why); its
    scripts are still the portal's files only, and its HTML has no inline script."""
    response = client.get("/api/schema/redoc/")
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == {"'self'"}
    assert directives["style-src"] == {"'self'", "'unsafe-inline'"}
    assert directives["worker-src"] == {"'self'", "blob:"}
    html = response.content.decode()
    assert csp_offences(html) == []
    assert "fonts.googleapis.com" not in html


@pytest.mark.django_db
def test_sec_05_the_badge_draws_with_attributes_that_no_policy_blocks(client):
    """Other sites embed the badge and the QR code as <img>; opened on their own they are SVG documents
    under the policy, so they draw with presentation attributes, never <style> or style=."""
    from tests.builders import published_filings

    (filing,) = published_filings()
    for image in ("badge", "qr"):
        response = client.get(f"/public/filing/{filing.pk}/{image}.svg")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        assert policy(response) == STRICT
        assert csp_offences(response.content.decode()) == []
