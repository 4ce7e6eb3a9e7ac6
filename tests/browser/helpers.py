"""What the browser tests do the same way on every page: sign in, find a control by its label, press a
button that posts, keep a screenshot."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def shot(page, name: str, screenshot_dir) -> None:
    """A full-page screenshot, when SCREENSHOT_DIR asks for them."""
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/{name}.png", full_page=True)


def label(page, text: str):
    """The control labelled exactly `text` (a required field's label ends in a red *)."""
    return page.get_by_label(re.compile(rf"^{re.escape(text)}\*?$"))


def login(page, user, password: str = PASSWORD) -> None:
    page.goto("/account/login/")
    label(page, "登录名").fill(user.username)
    label(page, "密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    expect(page.locator("details.user-menu")).to_be_visible()


def click(page, name: str) -> None:
    """Press a button that posts a form and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()
