"""Issue 16: every page a citizen, a filer and a reviewer can reach fits a 390 px phone — no sideways
scrolling; wide tables become cards of labelled lines, as the review queue does."""

from __future__ import annotations

import pytest

from .conftest import PHONE
from .helpers import login, shot
from .pages import site_build

pytestmark = pytest.mark.django_db(transaction=True)

# What widens the page: of the elements that stick out past the right edge and past their own parent
# (a child pushed out, not one merely inside a wide parent), the one reaching furthest — skipping what
# an ancestor scrolls or clips, which does not widen the page. Also every box that scrolls sideways
# inside the page: on a phone a table is a stack of cards, not a strip to swipe through.
OVERFLOW_JS = """() => {
  const limit = window.innerWidth;
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible" && a.getBoundingClientRect().right <= limit + 0.5)
        return true;
    }
    return false;
  };
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim())
      s += "." + el.className.trim().split(/\\s+/).join(".");
    return s;
  };
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body; e = e.parentElement) parts.unshift(name(e));
    return parts.slice(-4).join(" > ");
  };
  let widest = null, right = limit;
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    const parent = el.parentElement.getBoundingClientRect();
    if (r.width === 0 || r.right <= right + 0.5 || r.right <= parent.right + 0.5 || clipped(el)) continue;
    widest = el; right = r.right;
  }
  const scrollers = [...document.body.querySelectorAll("*")]
    .filter((el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX))
    .filter((el) => el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${path(el)} (${el.scrollWidth} px of content in ${el.clientWidth})`);
  // A table cell so narrow that its words stand one or two characters a line (the 备案信息 table's
  // algorithm names did): lines counted from where its text's boxes sit. Cells holding controls
  // (buttons, fields) are not text, and a header row hidden for screen readers is not seen.
  const hidden = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement)
      if (a.getBoundingClientRect().width <= 1) return true;
    return false;
  };
  const squeezed = [...document.body.querySelectorAll("th, td")].filter((el) => {
    if (hidden(el) || el.querySelector("button, input, textarea, select, .button")) return false;
    const text = el.textContent.replace(/\\s+/g, "");
    const tops = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects())
        if (!tops.some((t) => Math.abs(t - r.top) < 6)) tops.push(r.top);
    }
    const lines = tops.length;
    return el.getClientRects().length && text.length >= 2 && lines >= 2 && text.length / lines <= 2;
  }).map((el) => `${path(el)} «${el.textContent.trim().slice(0, 20)}»`);
  return {
    squeezed,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: limit,
    widest: widest && path(widest),
    right: Math.round(right),
    text: widest && widest.textContent.trim().replace(/\\s+/g, " ").slice(0, 60),
    scrollers,
  };
}"""


def _overflows(page, pages, shots: str | None = None, screenshot_dir=None) -> list[str]:
    found = []
    for i, (name, path) in enumerate(pages):
        page.goto(path)
        shot(page, f"{shots}-{i:02d}", screenshot_dir)
        m = page.evaluate(OVERFLOW_JS)
        if m["scrollWidth"] > m["innerWidth"]:
            found.append(
                f"{name} ({path}): scrollWidth {m['scrollWidth']} > {m['innerWidth']}; widest element "
                f"{m['widest']} reaches {m['right']} px «{m['text']}»"
            )
        found += [f"{name} ({path}): scrolls sideways inside the page: {box}" for box in m["scrollers"]]
        found += [f"{name} ({path}): a character or two a line: {cell}" for cell in m["squeezed"]]
    return found


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_issue_16_every_page_fits_a_390px_phone_without_sideways_scrolling(
    browser, live_server, language, screenshot_dir
):
    """In both languages: English words are longer and break only between them."""
    site = site_build()
    found = []
    for who, user, pages, role in (
        ("公众", None, site.citizen_pages, "citizen"),
        ("填报人员", site.filer, site.filer_pages, "filer"),
        ("审核人员", site.reviewer, site.reviewer_pages, "reviewer"),
    ):
        context = browser.new_context(locale="zh-CN", viewport=PHONE, base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if user is not None:
            login(page, user)
        if language != "zh-hans":
            page.goto("/")
            with page.expect_navigation():
                page.locator("#lang-select").select_option(language)
        lines = _overflows(page, pages, f"phone-{language}-{role}", screenshot_dir)
        found += [f"{who} · {line}" for line in lines]
        context.close()
    assert not found, f"pages that do not fit 390 px ({language}):\n" + "\n".join(found)
