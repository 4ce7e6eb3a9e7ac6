"""`manage.py seed_demo`: demo data in every state, built through the real services, idempotent."""

import io

import pytest
from django.core.management import call_command

from algorithms.models import Filing
from filers.models import Entity, User
from public_search.models import PublicFiling
from review.models import ReviewEvent
from review.numbers import number_parse
from review.transitions import State

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_every_state_and_is_idempotent():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo#2026beian" in out.getvalue() and "Review#2026beian" in out.getvalue()
    counts = (Entity.objects.count(), Filing.objects.count(), ReviewEvent.objects.count())
    states = set(Filing.objects.values_list("state", flat=True))
    assert {
        State.DRAFT,
        State.SUBMITTED,
        State.UNDER_REVIEW,
        State.APPROVED,
        State.REJECTED,
        State.MODIFIED,
        State.CANCELLED,
        State.REVOKED,
    } <= states
    approved = Filing.objects.filter(state=State.APPROVED).exclude(number=None)
    assert approved.exists() and all(number_parse(f.number).well_formed for f in approved)
    assert PublicFiling.objects.filter(state="approved").exists()
    assert User.objects.get(username="reviewer").is_national
    assert User.objects.get(username="demo").entity.name == "北京星河智联科技有限公司"
    # RPT-01: the reviewers' 问题报告 tab has something to work on — a revoked number seen in an app, and a
    # Beijing filing's page; both waiting.
    from reports.models import Report

    assert sorted(Report.objects.values_list("category", "state")) == [
        ("false_info", "new"),
        ("number_misuse", "new"),
    ]

    call_command("seed_demo", stdout=io.StringIO())
    assert (Entity.objects.count(), Filing.objects.count(), ReviewEvent.objects.count()) == counts
    assert Report.objects.count() == 2  # not again
