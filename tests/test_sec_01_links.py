"""SEC-01: an activation or password-reset link signs nobody in unless its token is valid, unexpired and
unused — whatever the state of the account it names."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from filers.models import Role, User
from filers.tokens import activation_token_generator

from .factories import FilerFactory, ReviewerFactory, UserFactory, valid_uscc

pytestmark = pytest.mark.django_db


def _uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def _activate(client, user, token: str):
    return client.get(reverse("filers:activate", kwargs={"uidb64": _uid(user), "token": token}))


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def accounts(db):
    admin = User.objects.create_superuser("root", "root@example.cn", "Admin#2026beian")
    return {"administrator": admin, "reviewer": ReviewerFactory(), "filer": FilerFactory()}


@pytest.mark.parametrize("who", ["administrator", "reviewer", "filer"])
@pytest.mark.parametrize("token", ["abc-def", "x", "0-0", "czxk4f-0123456789abcdef0123456789abcdef"])
def test_sec_01_a_made_up_activation_token_signs_no_active_account_in(client, accounts, who, token):
    user = accounts[who]
    assert user.is_active
    response = _activate(client, user, token)
    assert response.status_code == 400
    assert not _signed_in(client)
    assert "激活链接无效" in response.content.decode()
    assert client.get(reverse("filers:workspace")).status_code == 302  # still asked to sign in


def test_sec_01_a_valid_token_made_for_an_active_account_signs_nobody_in(client, accounts):
    """Even a token the portal itself would make: activation is for inactive filers only."""
    admin = accounts["administrator"]
    response = _activate(client, admin, activation_token_generator.make_token(admin))
    assert response.status_code == 400 and not _signed_in(client)


def test_sec_01_a_password_reset_token_does_not_activate_or_sign_in(client):
    filer = FilerFactory(is_active=False)
    response = _activate(client, filer, default_token_generator.make_token(filer))
    assert response.status_code == 400 and not _signed_in(client)
    filer.refresh_from_db()
    assert not filer.is_active


def _registered_link(client, mailoutbox, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("filers:register"),
            {
                "entity_name": "北京星河智联科技有限公司",
                "uscc": valid_uscc(515151),
                "address": "北京市海淀区中关村大街1号",
                "legal_rep_name": "王明",
                "username": "xinghe",
                "password1": "Beian#2026secure",
                "password2": "Beian#2026secure",
                "email": "beian@xinghe.example.cn",
                "mobile": "13812345678",
            },
        )
    url = re.search(r"https?://\S+/activate/\S+/", mailoutbox[-1].body).group(0)
    return "/" + url.split("/", 3)[3]


def test_sec_01_a_used_activation_link_says_so_and_signs_nobody_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    link = _registered_link(client, mailoutbox, django_capture_on_commit_callbacks)
    first = client.get(link)
    assert first.status_code == 302 and _signed_in(client)  # the one valid use
    client.logout()

    again = client.get(link)
    assert again.status_code == 400
    assert "已被使用" in again.content.decode()
    assert not _signed_in(client)


def test_sec_01_an_expired_activation_link_signs_nobody_in(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    link = _registered_link(client, mailoutbox, django_capture_on_commit_callbacks)
    # The token generator reads a naive local clock (PasswordResetTokenGenerator._now).
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)  # noqa: DTZ005
    with mock.patch.object(activation_token_generator, "_now", return_value=later):
        response = client.get(link)
    assert response.status_code == 400 and not _signed_in(client)
    assert not User.objects.get(username="xinghe").is_active


def test_sec_01_an_activation_link_for_one_account_does_not_open_another(client):
    mine, other = FilerFactory(is_active=False), FilerFactory(is_active=False)
    response = _activate(client, other, activation_token_generator.make_token(mine))
    assert response.status_code == 400 and not _signed_in(client)
    other.refresh_from_db()
    assert not other.is_active


def _reset_link(client, mailoutbox, email: str) -> str:
    client.post(reverse("filers:password_reset"), {"email": email})
    url = re.search(r"https?://\S+/password-reset/\S+/", mailoutbox[-1].body).group(0)
    return "/" + url.split("/", 3)[3]


def test_sec_01_a_password_reset_link_signs_nobody_in_and_works_once(client, mailoutbox):
    filer = FilerFactory()
    link = _reset_link(client, mailoutbox, filer.email)
    form = client.get(link, follow=True)  # Django swaps the token for a session marker, then shows the form
    assert form.status_code == 200 and form.context["validlink"]
    assert not _signed_in(client)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Reset#2026beian", "new_password2": "Reset#2026beian"},
    )
    assert done.status_code == 302 and not _signed_in(client)

    fresh = type(client)()
    reused = fresh.get(link, follow=True)
    assert not reused.context["validlink"]
    assert "该链接已失效" in reused.content.decode()
    assert not _signed_in(fresh)


@pytest.mark.parametrize("token", ["abc-def", "set-password", "0-0"])
def test_sec_01_a_made_up_password_reset_token_is_refused(client, token):
    user = UserFactory(role=Role.FILER)
    response = client.get(
        reverse("filers:password_reset_confirm", kwargs={"uidb64": _uid(user), "token": token}), follow=True
    )
    assert not response.context["validlink"]
    assert not _signed_in(client)


def test_sec_01_an_activation_token_does_not_reset_a_password(client):
    filer = FilerFactory(is_active=False)
    token = activation_token_generator.make_token(filer)
    response = client.get(
        reverse("filers:password_reset_confirm", kwargs={"uidb64": _uid(filer), "token": token}), follow=True
    )
    assert not response.context["validlink"]
