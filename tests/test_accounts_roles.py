"""Roles: filer, reviewer (provincial or national), administrator; the createreviewer command."""

import io

import pytest
from django.core.management import CommandError, call_command

from beian.regions import province_code, provinces, region_name
from filers.models import Role, User

pytestmark = pytest.mark.django_db


def test_createreviewer_with_a_province_scopes_the_reviewer(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Review#2026beian\n"))
    call_command("createreviewer", "zhang", "--province", "11", "--password-stdin", stdout=io.StringIO())
    user = User.objects.get(username="zhang")
    assert user.role == Role.REVIEWER
    assert user.province_code == "110000"
    assert user.check_password("Review#2026beian")
    assert user.can_review_region("110108")
    assert not user.can_review_region("310115")
    assert not user.is_national


def test_createreviewer_national_sees_every_province(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Review#2026beian\n"))
    call_command("createreviewer", "li", "--national", "--password-stdin", stdout=io.StringIO())
    user = User.objects.get(username="li")
    assert user.is_national
    assert user.can_review_region("310115") and user.can_review_region("650102")


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--province", "99"], "Review#2026beian", "不是有效的省级行政区划代码"),
        (
            ["--province", "110108"],
            "Review#2026beian",
            "不是有效的省级行政区划代码",
        ),  # a county, not a province
        (["--national"], "123", "密码"),  # too short, numeric
    ],
)
def test_createreviewer_refuses_bad_input(monkeypatch, args, password, message):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    with pytest.raises(CommandError, match=message):
        call_command("createreviewer", "wang", *args, "--password-stdin", stdout=io.StringIO())
    assert not User.objects.filter(username="wang").exists()


def test_createreviewer_needs_a_scope():
    with pytest.raises(CommandError):
        call_command("createreviewer", "zhao", "--password-stdin")


def test_createsuperuser_makes_an_administrator():
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "root@example.cn")
    user = User.objects.get(username="root")
    assert user.role == Role.ADMIN and user.is_superuser
    assert user.is_reviewer and user.is_national


def test_a_filer_is_not_a_reviewer(filer):
    assert filer.is_filer and not filer.is_reviewer
    assert not filer.can_review_region(filer.entity.region_code)


def test_regions_come_from_the_maintained_gbt_2260_list():
    assert len(provinces()) == 34
    assert province_code("11") == "110000" and province_code("110108") is None
    assert region_name("110108") == "北京市海淀区"
    assert region_name("440305") == "广东省深圳市南山区"
