"""The one service that moves a reviewed object through the transition table (REV-01)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Reviewable, ReviewEvent
from .signals import transitioned
from .transitions import Action, Side, State, Transition, transition_find


class TransitionError(Exception):
    """A refused move. The message is for the person who tried it."""

    code = "transition_refused"


class IllegalTransition(TransitionError):
    code = "illegal_transition"


class TransitionNotPermitted(TransitionError):
    code = "not_permitted"


class ReasonRequired(TransitionError):
    code = "reason_required"


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


def transition_check(*, obj: Reviewable, action: str, actor, reason: str = "") -> Transition:
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
    if move.reason_required and not (reason or "").strip():
        raise ReasonRequired(_("执行“%(action)s”操作必须填写理由。") % {"action": move.action.label})
    return move


@transaction.atomic
def transition_perform(*, obj: Reviewable, action: str, actor, reason: str = "") -> ReviewEvent:
    """REV-01: perform one move of the table on `obj`, or refuse it and change nothing.

    Locks the row, checks the move against the table and the actor's side and
    scope, sets the state, lets the model keep its revisions (on_transition),
    saves, and writes the append-only history record in the same transaction.
    Side effects (notifications) are enqueued only once the transaction commits.
    """
    from .deadlines import deadlines_on_transition
    from .tasks import transition_notify

    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    move = transition_check(obj=locked, action=action, actor=actor, reason=reason)
    from_state = locked.state
    locked.state = move.target
    locked.state_changed_at = timezone.now()
    locked.on_transition(move, actor)
    locked.save()
    event = ReviewEvent.objects.create(
        content_type=ContentType.objects.get_for_model(locked),
        object_id=locked.pk,
        action=move.action,
        from_state=from_state,
        to_state=move.target,
        actor=actor,
        reason=(reason or "").strip(),
        revision=locked.approved_revision if move.action == Action.APPROVE else locked.pending_revision,
    )
    # The caller's instance reflects what was saved.
    for field in ("state", "state_changed_at", "pending_revision_id", "approved_revision_id"):
        setattr(obj, field, getattr(locked, field))
    obj._state.fields_cache.clear()
    deadlines_on_transition(locked, move)
    transitioned.send(sender=type(locked), obj=locked, event=event)
    transition_notify.delay_on_commit(event.pk)
    return event


def working_copy_edited(*, obj: Reviewable, actor) -> None:
    """Call after a filer saved an object's working copy: editing a rejected item reopens it as a
    draft; editing one submitted but not yet claimed replaces its pending revision, so the reviewer
    sees what is there now (ENT-04, PRD-05, ALG-04)."""
    from .models import revision_create

    if obj.state == State.REJECTED:
        transition_perform(obj=obj, action=Action.REOPEN, actor=actor)
    elif obj.state in (State.SUBMITTED, State.MODIFIED) and obj.pending_revision_id:
        obj.pending_revision = revision_create(subject=obj, data=obj.revision_data(), actor=actor)
        obj.save(update_fields=["pending_revision"])


def submission_perform(*, obj: Reviewable, actor) -> ReviewEvent:
    """The filer's 提交: a rejected item is reopened first; an approved one submits a change (modify)."""
    if obj.state == State.REJECTED:
        transition_perform(obj=obj, action=Action.REOPEN, actor=actor)
    action = Action.MODIFY if obj.state == State.APPROVED else Action.SUBMIT
    return transition_perform(obj=obj, action=action, actor=actor)
