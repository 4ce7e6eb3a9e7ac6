"""REV-01: one transition table, one service; every allowed and every refused move.

Objects are brought to each state through the real service, along the
shortest path of the table, never by writing `state` directly.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from review.models import ReviewEvent
from review.selectors import review_history
from review.services import (
    IllegalTransition,
    ReasonRequired,
    TransitionNotPermitted,
    transition_perform,
)
from review.transitions import TRANSITIONS, Action, Side, State, transition_find

from .builders import transition_path
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

ALLOWED = {(t.source, t.action): t for t in TRANSITIONS}
REFUSED = [(s, a) for s in State for a in Action if (s, a) not in ALLOWED]


@pytest.fixture
def actors():
    filer = FilerFactory()
    # A supervisor, so that one reviewer may make every reviewer move (who may do what on a claimed
    # item is tested in test_sec_02_claims.py).
    return {Side.FILER: filer, Side.REVIEWER: ReviewerFactory(supervisor=True)}, filer.entity


def _bring_to(state: State, actors_by_side, obj):
    for move in transition_path(State.DRAFT, state):
        transition_perform(obj=obj, action=move.action, actor=actors_by_side[move.side], reason="理由")
    assert obj.state == state
    return obj


def test_rev_01_every_state_is_reachable_from_draft():
    for state in State:
        assert transition_path(State.DRAFT, state) is not None, f"{state} unreachable from draft"


@pytest.mark.parametrize(("source", "action"), list(ALLOWED), ids=lambda v: str(v))
def test_rev_01_every_allowed_move_changes_state_and_writes_history(actors, source, action):
    actors_by_side, entity = actors
    _bring_to(source, actors_by_side, entity)
    move = ALLOWED[(source, action)]
    before = ReviewEvent.objects.count()

    assignee = ReviewerFactory() if action == Action.REASSIGN else None
    event = transition_perform(
        obj=entity, action=action, actor=actors_by_side[move.side], reason="  材料齐全  ", assignee=assignee
    )

    entity.refresh_from_db()
    assert entity.state == move.target
    assert entity.state_changed_at is not None
    assert ReviewEvent.objects.count() == before + 1
    assert (event.from_state, event.to_state, event.action) == (source, move.target, action)
    assert event.actor == actors_by_side[move.side]
    if assignee is None:
        assert event.reason == "材料齐全"
    else:
        assert event.reason == f"改派给“{assignee.username}”：材料齐全"
        assert entity.claimed_by == assignee
    assert event.subject == entity
    assert list(review_history(obj=entity))[-1] == event


@pytest.mark.parametrize(("source", "action"), REFUSED, ids=lambda v: str(v))
def test_rev_01_every_refused_move_is_refused_with_a_clear_error_and_changes_nothing(actors, source, action):
    actors_by_side, entity = actors
    _bring_to(source, actors_by_side, entity)
    before = ReviewEvent.objects.count()
    state_changed_at = entity.state_changed_at

    # Whoever tries it: the table has no such move.
    for actor in actors_by_side.values():
        with pytest.raises(IllegalTransition) as excinfo:
            transition_perform(obj=entity, action=action, actor=actor, reason="理由")
        assert str(State(source).label) in str(excinfo.value)
        assert str(Action(action).label) in str(excinfo.value)

    entity.refresh_from_db()
    assert entity.state == source
    assert entity.state_changed_at == state_changed_at
    assert ReviewEvent.objects.count() == before


@pytest.mark.parametrize(("source", "action"), list(ALLOWED), ids=lambda v: str(v))
def test_rev_01_a_move_by_the_wrong_side_is_refused(actors, source, action):
    actors_by_side, entity = actors
    _bring_to(source, actors_by_side, entity)
    move = ALLOWED[(source, action)]
    wrong = actors_by_side[Side.REVIEWER if move.side == Side.FILER else Side.FILER]

    with pytest.raises(TransitionNotPermitted):
        transition_perform(obj=entity, action=action, actor=wrong, reason="理由")

    entity.refresh_from_db()
    assert entity.state == source


def test_rev_01_another_entitys_filer_cannot_move_this_entity(actors):
    _, entity = actors
    stranger = FilerFactory()
    with pytest.raises(TransitionNotPermitted):
        transition_perform(obj=entity, action=Action.SUBMIT, actor=stranger)
    entity.refresh_from_db()
    assert entity.state == State.DRAFT


def test_rev_01_a_provincial_reviewer_sees_only_their_province(actors):
    actors_by_side, entity = actors  # registered in 110108 北京市海淀区
    transition_perform(obj=entity, action=Action.SUBMIT, actor=actors_by_side[Side.FILER])
    shanghai = ReviewerFactory(province_code="310000")
    beijing = ReviewerFactory(province_code="110000")

    with pytest.raises(TransitionNotPermitted):
        transition_perform(obj=entity, action=Action.CLAIM, actor=shanghai)
    transition_perform(obj=entity, action=Action.CLAIM, actor=beijing)
    assert entity.state == State.UNDER_REVIEW


@pytest.mark.parametrize("move", [t for t in TRANSITIONS if t.reason_required], ids=str)
def test_rev_03_moves_that_need_a_reason_refuse_a_blank_one(actors, move):
    actors_by_side, entity = actors
    _bring_to(move.source, actors_by_side, entity)
    with pytest.raises(ReasonRequired):
        transition_perform(obj=entity, action=move.action, actor=actors_by_side[move.side], reason="   ")
    entity.refresh_from_db()
    assert entity.state == move.source


def test_rev_01_the_table_covers_the_issue_flow():
    """draft → submitted → under_review → approved | rejected; rejected → draft;
    approved → modified → re_review → approved | rejected; approved → cancel_requested → cancelled (or
    back to approved); approved → cancelled | revoked by the office."""
    expected = {
        (State.DRAFT, State.SUBMITTED),
        (State.SUBMITTED, State.UNDER_REVIEW),
        (State.UNDER_REVIEW, State.APPROVED),
        (State.UNDER_REVIEW, State.REJECTED),
        (State.REJECTED, State.DRAFT),
        (State.APPROVED, State.MODIFIED),
        (State.MODIFIED, State.RE_REVIEW),
        (State.RE_REVIEW, State.APPROVED),
        (State.RE_REVIEW, State.REJECTED),
        (State.APPROVED, State.CANCELLED),  # the office's own 注销 (REV-05)
        (State.APPROVED, State.REVOKED),
        # ALG-10, REV-01: 申请注销 — applied for, then confirmed or refused by the office.
        (State.APPROVED, State.CANCEL_REQUESTED),
        (State.CANCEL_REQUESTED, State.CANCELLED),
        (State.CANCEL_REQUESTED, State.APPROVED),
        # SEC-02: a claim is released (back to the queue) or reassigned (to another reviewer).
        (State.UNDER_REVIEW, State.SUBMITTED),
        (State.RE_REVIEW, State.MODIFIED),
        (State.UNDER_REVIEW, State.UNDER_REVIEW),
        (State.RE_REVIEW, State.RE_REVIEW),
        # Issue 16: 撤回 — the filer takes back what no reviewer has claimed yet.
        (State.SUBMITTED, State.DRAFT),
        (State.MODIFIED, State.APPROVED),
    }
    assert {(t.source, t.target) for t in TRANSITIONS} == expected
    assert transition_find(State.CANCELLED, Action.MODIFY) is None


def test_rev_01_history_is_append_only(actors):
    actors_by_side, entity = actors
    event = transition_perform(obj=entity, action=Action.SUBMIT, actor=actors_by_side[Side.FILER])

    event.reason = "改写"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        ReviewEvent.objects.filter(pk=event.pk).update(reason="改写")
    with pytest.raises(PermissionError):
        ReviewEvent.objects.filter(pk=event.pk).delete()
    # Even raw SQL cannot rewrite it: the database refuses.
    with pytest.raises(IntegrityError if connection.vendor == "sqlite" else Exception), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE review_reviewevent SET reason = 'x' WHERE id = %s", [event.pk])
    assert ReviewEvent.objects.get(pk=event.pk).reason == ""


def test_rev_03_side_effects_are_enqueued_only_on_commit(
    actors, django_capture_on_commit_callbacks, mailoutbox
):
    """The filer is told in the portal and by e-mail, and only once the transition has committed."""
    from review.models import Notification

    actors_by_side, entity = actors
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition_perform(obj=entity, action=Action.SUBMIT, actor=actors_by_side[Side.FILER])
    assert callbacks
    assert mailoutbox == [] and not Notification.objects.exists()  # nothing before commit

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    notification = Notification.objects.get()
    assert notification.user == actors_by_side[Side.FILER] and entity.name in notification.title
    assert len(mailoutbox) == 1
    assert entity.name in mailoutbox[0].subject
    assert mailoutbox[0].to == [actors_by_side[Side.FILER].email]


def test_rev_01_a_failing_save_leaves_no_history(actors, monkeypatch):
    actors_by_side, entity = actors

    def boom(self, transition, actor):
        raise RuntimeError("revision store unavailable")

    monkeypatch.setattr(type(entity), "on_transition", boom)
    with pytest.raises(RuntimeError):
        transition_perform(obj=entity, action=Action.SUBMIT, actor=actors_by_side[Side.FILER])
    entity.refresh_from_db()
    assert entity.state == State.DRAFT
    assert not ReviewEvent.objects.exists()
