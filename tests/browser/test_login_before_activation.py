"""Signing in before activating, in the browser: the message says what to do and 重新发送激活邮件 is one
press away (issue 16; ACC-01)."""

from __future__ import annotations

import os
import tempfile

import pytest
from playwright.sync_api import expect

from filers.services import account_register
from tests.factories import valid_uscc

from .conftest import PHONE
from .helpers import label

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("DEADLINE_SHOTS") or os.path.join(tempfile.gettempdir(), "shots-deadlines")
PASSWORD = "Beian#2026secure"


def test_acc_01_login_before_activation_and_resend(page, mailoutbox):
    account_register(
        entity_name="北京未激活科技有限公司",
        uscc=valid_uscc(515151),
        address="北京市海淀区中关村大街2号",
        legal_rep_name="李雷",
        username="notyet",
        password=PASSWORD,
        email="notyet@example.cn",
        mobile="13812345679",
    )
    page.goto("/account/login/")
    label(page, "登录名").fill("notyet")
    label(page, "密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("账号尚未激活，请先点击激活邮件中的链接")
    expect(page.get_by_text("请输入一个正确的登录名和密码")).to_have_count(0)
    os.makedirs(SHOTS, exist_ok=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"{SHOTS}/login-awaiting-activation-390.png", full_page=True)
    with page.expect_navigation():
        page.locator("#activation-resend").get_by_role("button", name="重新发送激活邮件").click()
    expect(page.get_by_role("status")).to_contain_text("激活邮件已重新发送")
