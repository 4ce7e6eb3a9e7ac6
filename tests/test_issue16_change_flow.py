"""Issue 16, the change (修改) flow as one story (REV-01, ALG-11, ENT-04, PRD-05): what was submitted is
what the reviewer reads — frozen from submission until the decision — and before a reviewer claims it the
filer may take it back (撤回, a move of the one table), edit and submit again. The filer's page says one
thing at a time: "去提交" only while something is unsent."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from algorithms.services import FilingLocked, filing_has_changes, filing_save_step, filing_submit
from review.deadlines import deadlines_of
from review.models import DeadlineKind, ReviewEvent
from review.services import TransitionError, transition_perform
from review.transitions import Action, State, transition_find

from .builders import BASIC, approve_item, complete_entity, complete_filing, complete_product
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_filing(db):
    filer = FilerFactory()
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    filing = approve_item(complete_filing(filer, product))
    return filer, filing


def _change(filer, filing, name):
    filing_save_step(filing=filing, actor=filer, step=1, basic={**filing.data["basic"], "name": name})
    filing.refresh_from_db()


def test_rev_01_withdraw_is_a_move_of_the_table_for_the_filer_before_a_claim():
    for state, target in ((State.SUBMITTED, State.DRAFT), (State.MODIFIED, State.APPROVED)):
        move = transition_find(state, Action.WITHDRAW)
        assert move is not None and move.target == target and move.side == "filer"
    for state in (State.UNDER_REVIEW, State.RE_REVIEW, State.APPROVED, State.CANCEL_REQUESTED):
        assert transition_find(state, Action.WITHDRAW) is None


def test_alg_11_a_submitted_change_is_frozen_and_the_reviewer_reads_what_was_sent(client, approved_filing):
    filer, filing = approved_filing
    _change(filer, filing, "星河推荐算法二期")
    assert filing_has_changes(filing=filing)
    filing_submit(filing=filing, actor=filer, commitment=True)
    filing.refresh_from_db()
    sent = filing.pending_revision_id
    assert filing.state == State.MODIFIED and not filing_has_changes(filing=filing)  # nothing unsent
    # The filer cannot edit it any more, by page or by service.
    with pytest.raises(FilingLocked, match="撤回"):
        _change(filer, filing, "改了又改")
    client.force_login(filer)
    assert client.get(reverse("algorithms:step", args=[filing.pk, 1])).status_code == 302
    filing.refresh_from_db()
    assert (
        filing.pending_revision_id == sent
        and filing.pending_revision.data["basic"]["name"] == "星河推荐算法二期"
    )
    # One state line: the change waits; no "尚未提交的修改", no 去提交, a 撤回 button.
    html = client.get(reverse("algorithms:detail", args=[filing.pk])).content.decode()
    assert html.count('class="notice state-line"') == 1
    assert "变更已提交，等待审核" in html and "尚未提交的修改" not in html and "去提交" not in html
    assert reverse("review:withdraw", args=["filing", filing.pk]) in html


def test_alg_11_withdrawn_before_a_claim_the_change_is_unsent_again_and_nothing_is_lost(
    client, approved_filing
):
    filer, filing = approved_filing
    approved = filing.approved_revision_id
    _change(filer, filing, "星河推荐算法二期")
    filing_submit(filing=filing, actor=filer, commitment=True)
    filing.refresh_from_db()
    client.force_login(filer)
    response = client.post(
        reverse("review:withdraw", args=["filing", filing.pk]), {"version": filing.version}, follow=True
    )
    assert "已撤回" in response.content.decode()
    filing.refresh_from_db()
    # Back to the approved version in force, the change unsent in the working copy; no review waits.
    assert filing.state == State.APPROVED and filing.approved_revision_id == approved
    assert filing.pending_revision_id is None and filing.data["basic"]["name"] == "星河推荐算法二期"
    assert not [d for d in deadlines_of(filing) if d.kind == DeadlineKind.REVIEW]
    event = ReviewEvent.objects.filter(object_id=filing.pk, action=Action.WITHDRAW).get()
    assert (event.from_state, event.to_state, event.actor) == (State.MODIFIED, State.APPROVED, filer)
    html = response.content.decode()
    assert "尚未提交的修改" in html and "去提交" in html  # now there is something unsent
    # Edited further and sent again: the reviewer reads the new submission.
    _change(filer, filing, "星河推荐算法三期")
    filing_submit(filing=filing, actor=filer, commitment=True)
    filing.refresh_from_db()
    assert filing.pending_revision.data["basic"]["name"] == "星河推荐算法三期"


def test_alg_11_after_a_claim_there_is_no_withdrawal(client, approved_filing):
    filer, filing = approved_filing
    _change(filer, filing, "星河推荐算法二期")
    filing_submit(filing=filing, actor=filer, commitment=True)
    transition_perform(obj=filing, action=Action.CLAIM, actor=ReviewerFactory())
    filing.refresh_from_db()
    with pytest.raises(TransitionError):
        transition_perform(obj=filing, action=Action.WITHDRAW, actor=filer)
    client.force_login(filer)
    html = client.get(reverse("algorithms:detail", args=[filing.pk])).content.decode()
    assert "变更审核中" in html and reverse("review:withdraw", args=["filing", filing.pk]) not in html
    # A page made before the claim: refused as out of date, nothing changed.
    response = client.post(
        reverse("review:withdraw", args=["filing", filing.pk]), {"version": filing.version - 1}, follow=True
    )
    assert "已有变化" in response.content.decode()
    filing.refresh_from_db()
    assert filing.state == State.RE_REVIEW


def test_rev_01_a_first_submission_withdrawn_is_a_draft_and_the_launch_deadline_is_owed_again(db):
    filer = FilerFactory()
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    filing = complete_filing(filer, product, submit=False)
    filing_save_step(filing=filing, actor=filer, step=1, basic={**BASIC, "launch_date": "2026-11-02"})
    assert [d.kind for d in deadlines_of(filing)] == [DeadlineKind.LAUNCH]
    filing_submit(filing=filing, actor=filer, commitment=True)
    assert [d.kind for d in deadlines_of(filing)] == [DeadlineKind.REVIEW]
    transition_perform(obj=filing, action=Action.WITHDRAW, actor=filer)
    filing.refresh_from_db()
    assert filing.state == State.DRAFT and filing.pending_revision_id is None
    # The office owes nothing; the filer's 10 working days from launch run on from the same date.
    (launch,) = deadlines_of(filing)
    assert launch.kind == DeadlineKind.LAUNCH and launch.starts_on.isoformat() == "2026-11-02"


def test_rev_01_withdraw_through_the_api_for_each_kind(db):
    filer = FilerFactory()
    entity = complete_entity(filer)
    product = complete_product(filer)
    api = APIClient()
    api.force_authenticate(filer)
    assert api.post(f"/api/v1/products/{product.pk}/withdraw/").json()["state"] == State.DRAFT
    assert api.post("/api/v1/entity/withdraw/").json()["state"] == State.DRAFT
    again = api.post("/api/v1/entity/withdraw/")
    assert again.status_code == 409  # a draft has nothing to take back
    entity.refresh_from_db()
    stale = api.post(f"/api/v1/products/{product.pk}/withdraw/", HTTP_IF_MATCH='"1"')
    assert stale.status_code in (409, 412)
    other = FilerFactory()
    theirs = complete_product(other, submit=False)
    assert api.post(f"/api/v1/products/{theirs.pk}/withdraw/").status_code == 404
    assert api.post("/api/v1/filings/99999999/withdraw/").status_code == 404
