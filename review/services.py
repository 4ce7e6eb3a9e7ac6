"""The one service that moves a reviewed object through the transition table (REV-01)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Reviewable, ReviewEvent
from .signals import transitioned
from .transitions import (
    CLAIMED_STATES,
    Action,
    Holder,
    Side,
    State,
    Transition,
    actions_from,
    transition_find,
)


class TransitionError(Exception):
    """A refused move. The message is for the person who tried it."""

    code = "transition_refused"


class IllegalTransition(TransitionError):
    code = "illegal_transition"


class TransitionNotPermitted(TransitionError):
    code = "not_permitted"


class ReasonRequired(TransitionError):
    code = "reason_required"


class ClaimedByAnother(TransitionNotPermitted):
    code = "claimed_by_another"


class PrerequisitesWaiting(TransitionError):
    """ENT-05: approval waits for the entity information or a product the filing covers."""

    code = "prerequisites_waiting"


class AssigneeInvalid(TransitionError):
    code = "assignee_invalid"


class RefusedByRule(TransitionError):
    """The object's own rules refuse the move now (e.g. no filing number is left to issue, REL-02)."""

    code = "refused_by_rule"


def row_lock(obj):
    """Lock `obj`'s row for the current transaction and refresh the caller's instance from it, so the
    caller never holds a stale copy after a service has run."""
    type(obj)._default_manager.select_for_update().filter(pk=obj.pk).values_list("pk", flat=True).get()
    obj.refresh_from_db()
    return obj


def _actor_may(actor, side: Side, obj: Reviewable) -> bool:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if side == Side.FILER:
        return (
            actor.is_filer and actor.entity_id is not None and actor.entity_id == obj.review_owner_entity_id()
        )
    return actor.is_reviewer and actor.can_review_region(obj.review_region_code())


def _holder_may(actor, move: Transition, obj: Reviewable) -> bool:
    """SEC-02: a claimed item is acted on by the reviewer who claimed it; a supervisor may release or
    reassign it."""
    is_claimant = obj.claimed_by_id is not None and obj.claimed_by_id == actor.pk
    if move.holder == Holder.CLAIMANT:
        return is_claimant
    if move.holder == Holder.CLAIMANT_OR_SUPERVISOR:
        return is_claimant or actor.is_supervisor
    if move.holder == Holder.SUPERVISOR:
        return actor.is_supervisor
    return True


def prerequisites_waiting(*, obj: Reviewable) -> list[Reviewable]:
    """ENT-05: what must be approved before `obj` can be, and is not yet (no version in force)."""
    return [p for p in obj.review_prerequisites() if not p.is_in_force]


def transition_check(*, obj: Reviewable, action: str, actor, reason: str = "", assignee=None) -> Transition:
    """The move `actor` would make with `action`, or the TransitionError that refuses it."""
    move = transition_find(obj.state, action)
    if move is None:
        raise IllegalTransition(
            _("当前状态为“%(state)s”，不能执行“%(action)s”操作。")
            % {"state": State(obj.state).label, "action": Action(action).label}
        )
    if not _actor_may(actor, move.side, obj):
        raise TransitionNotPermitted(
            _("您无权对该事项执行“%(action)s”操作。") % {"action": move.action.label}
        )
    if not _holder_may(actor, move, obj):
        holder = obj.claimed_by.get_username() if obj.claimed_by_id else "—"
        raise ClaimedByAnother(
            _("该事项已由“%(holder)s”认领，只有认领人（或审核组长）可以执行“%(action)s”操作。")
            % {"holder": holder, "action": move.action.label}
        )
    if move.reason_required and not (reason or "").strip():
        raise ReasonRequired(_("执行“%(action)s”操作必须填写理由。") % {"action": move.action.label})
    if move.action == Action.APPROVE:
        waiting = prerequisites_waiting(obj=obj)
        if waiting:
            raise PrerequisitesWaiting(
                _("以下事项尚未审核通过，暂不能通过本事项：%(items)s")
                % {"items": _("、").join(_describe(p) for p in waiting)}
            )
    refusal = obj.review_refusal(move)
    if refusal:
        raise RefusedByRule(refusal)
    if move.action == Action.REASSIGN:
        if assignee is None or not _actor_may(assignee, Side.REVIEWER, obj):
            raise AssigneeInvalid(_("请选择负责该地区的审核人员。"))
        if assignee.pk == obj.claimed_by_id:
            raise AssigneeInvalid(_("该事项已由此审核人员认领。"))
    return move


def _describe(obj: Reviewable) -> str:
    from .registry import kind_of

    return _("%(kind)s“%(title)s”（%(state)s）") % {
        "kind": kind_of(obj).label,
        "title": obj,
        "state": State(obj.state).label,
    }


def moves_for(*, obj: Reviewable, actor, side: Side = Side.REVIEWER) -> list[Transition]:
    """The moves of the table `actor` may make on `obj` now (reasons and approval's prerequisites aside):
    drives the buttons a page shows, so nobody is offered a move the service would refuse for who they are."""
    allowed = []
    for move in actions_from(obj.state, side):
        if _actor_may(actor, move.side, obj) and _holder_may(actor, move, obj):
            allowed.append(move)
    return allowed


@transaction.atomic
def transition_perform(
    *, obj: Reviewable, action: str, actor, reason: str = "", assignee=None
) -> ReviewEvent:
    """REV-01: perform one move of the table on `obj`, or refuse it and change nothing.

    Locks the row, checks the move against the table, the actor's side and scope and, on a claimed item,
    who holds it (SEC-02), sets the state and the claim, lets the model keep its revisions
    (on_transition) and what is on record (review_record_refresh), saves, and writes the append-only
    history record in the same transaction, with what it owes (the filer's message, REL-01) as outbox
    items: delivered once it commits, by a worker or by the sweep. `assignee` is the reviewer a
    supervisor hands a claimed item to (改派).
    """
    from beian.portal_origin import request_origin

    from .deadlines import deadlines_on_transition
    from .outbox import outbox_add

    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    move = transition_check(obj=locked, action=action, actor=actor, reason=reason, assignee=assignee)
    from_state = locked.state
    now = timezone.now()
    locked.state = move.target
    locked.state_changed_at = now
    locked.version = (locked.version or 0) + 1  # REL-03: a page made before the move is out of date
    if move.target not in CLAIMED_STATES:
        locked.claimed_by, locked.claimed_at = None, None
    elif move.action in (Action.CLAIM, Action.REASSIGN):
        locked.claimed_by = actor if move.action == Action.CLAIM else assignee
        locked.claimed_at = now
    locked.on_transition(move, actor)
    locked.review_record_refresh()
    locked.save()
    reason = (reason or "").strip()
    if move.action == Action.REASSIGN:
        handed = _("改派给“%(name)s”") % {"name": assignee.get_username()}
        reason = f"{handed}：{reason}" if reason else handed
    event = ReviewEvent.objects.create(
        content_type=ContentType.objects.get_for_model(locked),
        object_id=locked.pk,
        action=move.action,
        from_state=from_state,
        to_state=move.target,
        actor=actor,
        reason=reason,
        revision=locked.approved_revision if move.action == Action.APPROVE else locked.pending_revision,
    )
    # The caller's instance reflects what was saved (state, claim, revisions, what the model keeps on record).
    for field in type(locked)._meta.concrete_fields:
        setattr(obj, field.attname, getattr(locked, field.attname))
    obj._state.fields_cache.clear()
    deadlines_on_transition(locked, move)
    transitioned.send(sender=type(locked), obj=locked, event=event)
    if move.action not in (Action.RELEASE, Action.REASSIGN, Action.REOPEN):
        # REL-01: the message is owed in this transaction; it is sent once it commits, or by the sweep.
        outbox_add(
            key=f"notify:event:{event.pk}",
            handler="transition_notify",
            event_id=event.pk,
            origin=request_origin(),
        )
    return event


def working_copy_edited(*, obj: Reviewable, actor) -> None:
    """Call after a filer saved an object's working copy: editing a rejected item reopens it as a
    draft (ENT-04, PRD-05, ALG-04). A submitted item is never edited in place: the reviewer reads what
    was submitted, and the filer withdraws it (撤回) first (issue 16)."""
    if obj.state == State.REJECTED:
        transition_perform(obj=obj, action=Action.REOPEN, actor=actor)


@transaction.atomic
def withdrawal_perform(*, obj: Reviewable, actor, version: int | None = None) -> ReviewEvent:
    """撤回 (issue 16): the filer takes back a submission no reviewer has claimed yet, to edit it again. A
    page made before a move since (a claim, say) is refused as out of date (REL-03); the table refuses a
    claimed or decided item with its reason."""
    from beian.concurrency import version_check

    row_lock(obj)
    version_check(obj, version)
    return transition_perform(obj=obj, action=Action.WITHDRAW, actor=actor)


def submission_perform(*, obj: Reviewable, actor) -> ReviewEvent:
    """The filer's 提交: a rejected item is reopened first; an approved one submits a change (modify)."""
    if obj.state == State.REJECTED:
        transition_perform(obj=obj, action=Action.REOPEN, actor=actor)
    action = Action.MODIFY if obj.state == State.APPROVED else Action.SUBMIT
    return transition_perform(obj=obj, action=action, actor=actor)
