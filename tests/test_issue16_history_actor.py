"""Issue 16 / REV-01: every history says who acted (操作人) — the reviewer and office on the reviewers'
pages, the office alone to the filer — and the reviewers' header names the office, not a code."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from beian.regions import office_name
from review.services import transition_perform
from review.transitions import Action

from .builders import complete_entity
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def _history(body: str) -> str:
    return re.search(r'<table class="history">.*?</table>', body, re.S).group(0)


@pytest.fixture
def rejected_entity(db):
    filer = FilerFactory(username="xinghe_filer")
    entity = complete_entity(filer)
    reviewer = ReviewerFactory(username="reviewer_zhang", province_code="110000")
    transition_perform(obj=entity, action=Action.CLAIM, actor=reviewer)
    transition_perform(obj=entity, action=Action.REJECT, actor=reviewer, reason="营业执照不清晰")
    return filer, entity, reviewer


@pytest.mark.parametrize(
    ("code", "full", "short"),
    [
        ("110000", "北京市互联网信息办公室", "北京市网信办"),
        ("440000", "广东省互联网信息办公室", "广东省网信办"),
        ("", "国家互联网信息办公室", "国家网信办"),
        ("990000", "网信部门（990000）", "网信部门（990000）"),
    ],
)
def test_rev_01_office_name_from_the_province_code(code, full, short):
    assert office_name(code) == full
    assert office_name(code, short=True) == short


def test_rev_01_reviewer_history_has_an_actor_column_with_the_reviewer(client, rejected_entity):
    _filer, entity, reviewer = rejected_entity
    client.force_login(reviewer)
    table = _history(client.get(reverse("review:item", args=["entity", entity.pk])).content.decode())
    assert "操作人" in table
    assert "reviewer_zhang（北京市网信办）" in table
    assert "xinghe_filer" in table  # the filer's own submission


def test_rev_01_filer_history_names_the_office_not_the_reviewer(client, rejected_entity):
    filer, _entity, _reviewer = rejected_entity
    client.force_login(filer)
    table = _history(client.get(reverse("filers:entity")).content.decode())
    assert "操作人" in table
    assert "北京市网信办" in table
    assert "reviewer_zhang" not in table


@pytest.mark.parametrize(
    ("code", "header"), [("110000", "北京市互联网信息办公室"), ("", "国家互联网信息办公室：全部省份")]
)
def test_rev_02_queue_header_names_the_office(client, code, header):
    client.force_login(ReviewerFactory(province_code=code))
    body = client.get(reverse("review:queue")).content.decode()
    assert header in body
    assert "省级网信部门（" not in body


def test_rev_02_queue_shows_who_holds_each_claimed_item(client, rejected_entity):
    filer, _entity, reviewer = rejected_entity
    other = FilerFactory()
    entity = complete_entity(other)
    transition_perform(obj=entity, action=Action.CLAIM, actor=reviewer)
    client.force_login(ReviewerFactory(province_code="110000"))
    body = client.get(reverse("review:queue")).content.decode()
    assert "reviewer_zhang" in body
