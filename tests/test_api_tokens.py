"""SEC-04: API tokens (django-rest-knox) expire when idle and at an absolute limit, and die at logout
(API or web), at a password change or reset, and when the account is deactivated (beian.tokens)."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import get_token_model
from rest_framework.test import APIClient

from .factories import PASSWORD, FilerFactory

pytestmark = pytest.mark.django_db


def _token(user) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _me(token: str) -> int:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api.get("/api/v1/me/").status_code


def test_sec_04_a_token_is_issued_for_username_and_password_and_works(filer, settings):
    before = timezone.now()
    body = APIClient().post("/api/v1/auth/token/", {"username": filer.username, "password": PASSWORD}).json()
    assert set(body) == {"token", "expiry"}
    expiry = timezone.datetime.fromisoformat(body["expiry"])
    idle = timedelta(minutes=settings.API_TOKEN_IDLE_MINUTES)
    assert before + idle <= expiry <= timezone.now() + idle
    assert _me(body["token"]) == 200
    assert _me(body["token"][:-1] + "x") == 401
    wrong = APIClient().post("/api/v1/auth/token/", {"username": filer.username, "password": "nope"})
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_credentials"
    # Only a digest is stored, never the token itself.
    assert not get_token_model().objects.filter(digest=body["token"]).exists()


def test_sec_04_a_token_expires_after_the_idle_time_and_use_renews_it(filer, settings):
    """API_TOKEN_IDLE_MINUTES (60) after its last use a token is dead; each use moves that point."""
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start):
        token = _token(filer)
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=59)):
        assert _me(token) == 200  # renews the expiry to 59 + 60 minutes
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=118)):
        assert _me(token) == 200  # alive only because of the use at 59
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=118 + 61)):
        assert _me(token) == 401  # 61 minutes idle


def test_sec_04_a_token_dies_at_the_absolute_limit_even_if_used_continuously(filer, settings):
    """API_TOKEN_MAX_HOURS (12) after issue a token is dead however recently it was used."""
    assert settings.API_TOKEN_MAX_HOURS == 12
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start):
        token = _token(filer)
    for minutes in range(30, 12 * 60, 30):  # a use every half hour, the last at 11 h 30
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=minutes)):
            assert _me(token) == 200, minutes
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(hours=12, minutes=1)):
        assert _me(token) == 401  # 31 minutes after its last use, but past 12 hours


def test_sec_04_api_logout_ends_this_token_and_logout_all_every_token(filer):
    first, second, third = _token(filer), _token(filer), _token(filer)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api.post("/api/v1/auth/logout/").status_code == 204
    assert (_me(first), _me(second), _me(third)) == (401, 200, 200)
    api.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api.post("/api/v1/auth/logout-all/").status_code == 204
    assert (_me(second), _me(third)) == (401, 401)


def test_sec_04_logging_out_of_the_web_session_ends_the_api_tokens(filer):
    token = _token(filer)
    web = Client()
    web.post(reverse("filers:login"), {"username": filer.username, "password": PASSWORD})
    assert _me(token) == 200  # signing in on the web leaves the token alone
    assert web.post(reverse("filers:logout")).status_code == 302
    assert _me(token) == 401


def test_sec_04_a_password_change_ends_the_api_tokens(filer):
    token = _token(filer)
    web = Client()
    web.force_login(filer)
    response = web.post(
        reverse("filers:password_change"),
        {"old_password": PASSWORD, "new_password1": "Newpass#2027x", "new_password2": "Newpass#2027x"},
    )
    assert response.status_code == 302
    assert _me(token) == 401
    assert web.get(reverse("filers:workspace")).status_code == 200  # the session that changed it stays


def test_sec_04_a_password_reset_ends_the_api_tokens(filer, mailoutbox):
    token = _token(filer)
    web = Client()
    web.post(reverse("filers:password_reset"), {"email": filer.email})
    link = re.search(r"/account/password-reset/\S+/\S+/", mailoutbox[0].body).group(0)
    form = web.get(link, follow=True)
    assert form.status_code == 200
    response = web.post(
        form.redirect_chain[-1][0], {"new_password1": "Newpass#2027x", "new_password2": "Newpass#2027x"}
    )
    assert response.status_code == 302 and response.url == reverse("filers:password_reset_complete")
    assert _me(token) == 401


def test_sec_04_deactivating_an_account_ends_its_api_tokens(filer):
    token = _token(filer)
    filer.is_active = False
    filer.save(update_fields=["is_active"])
    assert not get_token_model().objects.filter(user=filer).exists()
    filer.is_active = True
    filer.save(update_fields=["is_active"])
    assert _me(token) == 401  # reactivation does not bring a token back


def test_sec_04_a_login_that_only_rehashes_the_password_keeps_the_tokens(settings):
    """Django rehashes a password stored with an older hasher at the next login; the password has not
    changed, so the tokens stay."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    user = FilerFactory()
    type(user).objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="md5"))
    token = _token(user)  # this login rehashes to PBKDF2
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")
    assert _me(token) == 200


def test_sec_04_token_failures_count_towards_the_login_lockout(filer, settings):
    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post("/api/v1/auth/token/", {"username": filer.username, "password": "wrong-password"})
    locked = api.post("/api/v1/auth/token/", {"username": filer.username, "password": PASSWORD})
    assert locked.status_code == 403 and locked.json()["code"] == "locked_out"
    assert not get_token_model().objects.filter(user=filer).exists()


def test_sec_04_the_openapi_schema_documents_the_token_auth(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    scheme = schema["components"]["securitySchemes"]["knoxApiToken"]
    assert scheme["type"] == "apiKey" and scheme["in"] == "header" and scheme["name"] == "Authorization"
    assert {"knoxApiToken": []} in schema["paths"]["/api/v1/me/"]["get"]["security"]
    issued = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]["200"]["content"]
    name = issued["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][name]["properties"]) == {"token", "expiry"}
    for path in ("/api/v1/auth/logout/", "/api/v1/auth/logout-all/"):
        assert schema["paths"][path]["post"]["security"] == [{"knoxApiToken": []}]
