"""ACC-01/ACC-04, issue 16: signing in before activating says so (not "wrong password"), is not counted
by the lockout, and offers 重新发送激活邮件 — throttled per address and per account, answering the same
whether or not the account exists."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from rest_framework.test import APIClient

from beian import throttling
from filers.models import User
from review.models import OutboxItem

from .test_accounts import GOOD

pytestmark = pytest.mark.django_db

AWAITING = "账号尚未激活，请先点击激活邮件中的链接"
WRONG = "请输入一个正确的登录名和密码"


@pytest.fixture
def registered(client, mailoutbox, django_capture_on_commit_callbacks) -> User:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("filers:register"), GOOD)
    mailoutbox.clear()
    return User.objects.get(username=GOOD["username"])


@pytest.fixture(autouse=True)
def _fresh_window(monkeypatch):
    """The windows' clock stands still, so a test's requests never straddle two windows."""
    monkeypatch.setattr(throttling, "clock", lambda: 1_900_000_000.0)


def _login(client, password=GOOD["password1"]):
    return client.post(reverse("filers:login"), {"username": GOOD["username"], "password": password})


def test_acc_01_login_before_activation_says_so_and_offers_to_resend(client, registered, settings):
    response = _login(client)
    html = response.content.decode()
    assert response.status_code == 200 and AWAITING in html and WRONG not in html
    assert "_auth_user_id" not in client.session
    assert 'id="resend-form"' in html and reverse("filers:activation_resend") in html
    # Not a failure for the lockout: more attempts than the limit still get the message, never 429.
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = _login(client)
        assert response.status_code == 200 and AWAITING in response.content.decode()
    assert not AccessAttempt.objects.filter(username=GOOD["username"]).exists()


def test_acc_01_a_wrong_password_on_an_unactivated_account_is_an_ordinary_failure(client, registered):
    response = _login(client, password="wrong-password")
    html = response.content.decode()
    assert WRONG in html and AWAITING not in html and 'id="resend-form"' not in html
    assert AccessAttempt.objects.get(username=GOOD["username"]).failures_since_start == 1


def test_acc_04_the_lockout_still_holds_for_an_unactivated_account(client, registered, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, password="wrong-password")
    response = _login(client)
    assert response.status_code == 429 and AWAITING not in response.content.decode()


def test_acc_01_an_account_deactivated_by_an_administrator_is_not_awaiting_activation(client, filer):
    filer.is_active = False
    filer.save(update_fields=["is_active"])
    User.objects.filter(pk=filer.pk).update(last_login="2026-01-01T00:00:00Z")  # it was activated once
    response = client.post(
        reverse("filers:login"), {"username": filer.username, "password": "Beian#2026pass"}
    )
    assert AWAITING not in response.content.decode()


def test_acc_01_the_api_says_so_too(registered):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": GOOD["username"], "password": GOOD["password1"]}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "awaiting_activation"
    assert not AccessAttempt.objects.filter(username=GOOD["username"]).exists()


def test_acc_01_resend_mails_a_working_link(
    client, registered, mailoutbox, django_capture_on_commit_callbacks
):
    html = _login(client).content.decode()
    login_value = re.search(r'name="login" value="([^"]*)"', html).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("filers:activation_resend"), {"login": login_value})
    assert response.status_code == 302 and response.url == reverse("filers:login")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [GOOD["email"]]
    link = re.search(r"http://\S+/activate/\S+/", mailoutbox[0].body).group(0)
    assert client.get(link).status_code == 302
    registered.refresh_from_db()
    assert registered.is_active
    # By e-mail address, once active: nothing more is sent.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("filers:activation_resend"), {"login": GOOD["email"].upper()})
    assert len(mailoutbox) == 1


def test_acc_01_resend_answers_the_same_whether_or_not_the_account_exists(client, registered):
    client.get(reverse("filers:activation_resend"))
    answers = []
    for login in (GOOD["username"], "nobody-here", GOOD["email"], "nobody@example.cn"):
        response = client.post(reverse("filers:activation_resend"), {"login": login}, follow=True)
        messages = [str(m) for m in response.context["messages"]]
        answers.append((response.status_code, response.redirect_chain, messages))
    assert all(a == answers[0] for a in answers), answers


def test_acc_01_resend_is_throttled_per_account_quietly(
    client, registered, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "activation_resend_account": "2/h"}
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("filers:activation_resend"), {"login": GOOD["username"]})
        assert response.status_code == 302  # the same answer: it says nothing about the account
    assert len(mailoutbox) == 2
    assert OutboxItem.objects.filter(handler="activation_email").count() == 3  # registration + 2


def test_acc_01_resend_is_throttled_per_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "activation_resend": "2/h"}
    codes = [
        client.post(reverse("filers:activation_resend"), {"login": f"who{i}"}).status_code for i in range(3)
    ]
    assert codes == [302, 302, 429]


@pytest.mark.parametrize("login", ["", " ", "x" * 300, "a\x00b"])
def test_acc_01_resend_refuses_malformed_input_without_an_error_page(client, login):
    response = client.post(reverse("filers:activation_resend"), {"login": login})
    assert response.status_code in (302, 400)


def test_acc_01_the_resend_page_is_linked_from_the_login_page(client):
    html = client.get(reverse("filers:login")).content.decode()
    assert reverse("filers:activation_resend") in html
    page = client.get(reverse("filers:activation_resend") + "?login=" + "y" * 500)
    assert page.status_code == 200 and "重新发送激活邮件" in page.content.decode()
