"""ACC-01…05: registration, one account per entity, validation, lockout, password policy, menu."""

from __future__ import annotations

import re
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from filers.models import Entity, Role
from filers.services import account_register
from filers.validators import mask_id, mask_mobile

from .conftest import requires_postgres
from .factories import FilerFactory, valid_uscc

pytestmark = pytest.mark.django_db
User = get_user_model()

GOOD = {
    "entity_name": "北京星河智联科技有限公司",
    "uscc": valid_uscc(424242),
    "address": "北京市海淀区中关村大街1号",
    "legal_rep_name": "王明",
    "username": "xinghe",
    "password1": "Beian#2026secure",
    "password2": "Beian#2026secure",
    "email": "beian@xinghe.example.cn",
    "mobile": "13812345678",
}


def _register(client, **changes):
    return client.post(reverse("filers:register"), {**GOOD, **changes})


def test_acc_01_registration_creates_an_inactive_account_and_mails_the_activation_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client)
    assert response.status_code == 302 and response.url == reverse("filers:register_done")

    user = User.objects.get(username="xinghe")
    assert not user.is_active and user.role == Role.FILER
    assert user.entity.name == GOOD["entity_name"] and user.entity.uscc == GOOD["uscc"]
    assert user.entity.address == GOOD["address"] and user.entity.legal_rep_name == "王明"
    assert user.mobile == "13812345678"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [GOOD["email"]]

    client.post(reverse("filers:login"), {"username": "xinghe", "password": GOOD["password1"]})
    assert "_auth_user_id" not in client.session  # not yet active
    link = re.search(r"http://\S+/activate/\S+/", mailoutbox[0].body).group(0)
    page = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 302 and page.url == reverse("filers:entity")
    user.refresh_from_db()
    assert user.is_active


def test_acc_01_a_forged_activation_link_is_refused(client):
    _register(client)
    response = client.get(reverse("filers:activate", kwargs={"uidb64": "MQ", "token": "abc-def"}))
    assert response.status_code == 400
    assert not User.objects.get(username="xinghe").is_active


def test_acc_02_the_same_uscc_twice_is_refused_at_the_field(client):
    _register(client)
    client.logout()
    response = _register(client, username="another", email="x@example.cn", entity_name="别的名字")
    assert response.status_code == 200
    form = response.context["form"]
    assert "该统一社会信用代码已注册账号" in form.errors["uscc"][0]
    assert form["entity_name"].value() == "别的名字"  # what was typed is kept
    assert Entity.objects.filter(uscc=GOOD["uscc"]).count() == 1


def test_acc_02_the_service_refuses_a_duplicate_even_past_the_form():
    account_register(
        entity_name="甲",
        uscc=GOOD["uscc"],
        address="a",
        legal_rep_name="b",
        username="u1",
        password=GOOD["password1"],
        email="a@example.cn",
        mobile="13812345678",
    )
    with pytest.raises(Exception) as excinfo:
        account_register(
            entity_name="乙",
            uscc=GOOD["uscc"],
            address="a",
            legal_rep_name="b",
            username="u2",
            password=GOOD["password1"],
            email="b@example.cn",
            mobile="13812345678",
        )
    assert "uscc" in excinfo.value.message_dict


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_acc_02_two_registrations_at_the_same_moment_make_one_account():
    """The database's unique constraint guards the race the form's check cannot see."""
    barrier, results = threading.Barrier(4), []

    def register(i):
        barrier.wait()
        try:
            account_register(
                entity_name=f"并发{i}",
                uscc=GOOD["uscc"],
                address="a",
                legal_rep_name="b",
                username=f"race{i}",
                password=GOOD["password1"],
                email=f"r{i}@example.cn",
                mobile="13812345678",
            )
            results.append("ok")
        except Exception as exc:  # noqa: BLE001
            results.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1, results
    assert set(results) - {"ok"} == {"ValidationError"}
    assert Entity.objects.filter(uscc=GOOD["uscc"]).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("uscc", "91110108MA01ABCD1X", "校验位"),
        ("uscc", "9111010812345", "应为18位"),
        ("uscc", "ABCDEFGH123456789Y", "格式不正确"),
        ("mobile", "12345678901", "联系手机应为11位"),
        ("mobile", "1381234567", "联系手机应为11位"),
        ("email", "not-an-email", "邮件地址"),
        ("username", "1abc", "登录名须以字母开头"),
        ("password1", "short", "密码"),
        ("password1", "alllowercase123", "至少包含"),
        ("password1", "Xinghe2026!", "不能包含登录名"),
    ],
)
def test_acc_03_a_bad_value_says_which_field_and_why(client, field, value, message):
    changes = {field: value}
    if field == "password1":
        changes["password2"] = value
    response = _register(client, **changes)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, errors
    # Everything else typed is kept.
    assert response.context["form"]["entity_name"].value() == GOOD["entity_name"]
    assert not User.objects.filter(username=GOOD["username"]).exists()


def test_acc_03_errors_are_in_english_under_the_english_locale(client):
    client.cookies.load({"django_language": "en"})
    response = _register(client, uscc="91110108MA01ABCD1X", HTTP_ACCEPT_LANGUAGE="en")
    assert "check character" in response.context["form"].errors["uscc"][0]


def test_acc_04_login_locks_out_after_repeated_failures(client, settings):
    user = FilerFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("filers:login"), {"username": user.username, "password": "wrong-password"})
    response = client.post(reverse("filers:login"), {"username": user.username, "password": "Beian#2026pass"})
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_acc_04_sessions_expire_when_idle(client, settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 3600
    client.force_login(FilerFactory())
    response = client.get(reverse("filers:workspace"))
    assert response.status_code == 200
    assert 0 < client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE


def test_acc_04_password_change_and_reset_by_email(client, mailoutbox):
    user = FilerFactory()
    client.force_login(user)
    response = client.post(
        reverse("filers:password_change"),
        {
            "old_password": "Beian#2026pass",
            "new_password1": "Newpass#2027x",
            "new_password2": "Newpass#2027x",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Newpass#2027x")

    client.logout()
    client.post(reverse("filers:password_reset"), {"email": user.email})
    assert len(mailoutbox) == 1
    assert "/account/password-reset/" in mailoutbox[0].body


def test_acc_05_the_nickname_menu_holds_entity_drafts_password_and_logout(client):
    user = FilerFactory()
    client.force_login(user)
    html = client.get(reverse("filers:workspace")).content.decode()
    menu = html[html.index('class="user-menu"') :]
    menu = menu[: menu.index("</details>")]
    for label in ("主体信息", "修改密码", "退出"):
        assert label in menu
    assert reverse("filers:entity") in menu and reverse("filers:password_change") in menu


def test_personal_numbers_are_masked():
    assert mask_id("110101199003071234") == "1101**********1234"
    assert mask_mobile("13812345678") == "138****5678"


def test_acc_01_registration_through_the_api_runs_the_same_rules(
    mailoutbox, django_capture_on_commit_callbacks
):
    api = APIClient()
    payload = {k: v for k, v in GOOD.items() if k not in ("password1", "password2")}
    payload["password"] = GOOD["password1"]
    bad = api.post("/api/v1/register/", {**payload, "uscc": "91110108MA01ABCD1X"}, format="json")
    assert bad.status_code == 400 and "校验位" in bad.json()["uscc"][0]
    with django_capture_on_commit_callbacks(execute=True):
        ok = api.post("/api/v1/register/", payload, format="json")
    assert ok.status_code == 201 and ok.json() == {"username": "xinghe", "active": False}
    again = api.post("/api/v1/register/", {**payload, "username": "other2"}, format="json")
    assert again.status_code == 400 and "已注册账号" in again.json()["uscc"][0]
    assert len(mailoutbox) == 1
