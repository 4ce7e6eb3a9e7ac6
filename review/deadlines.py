"""Deadlines (DL-01…06): opened and met by the events that start and end them, computed on the
working-day calendar by Celery tasks, and refreshed daily by the sweep."""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .calendar import UnknownYear, calendar_snapshot, deadline_for, working_days_between
from .models import Deadline, DeadlineKind
from .models_deadlines import DEADLINE_WORKING_DAYS
from .transitions import Action

REMIND_WORKING_DAYS_BEFORE = 3
# What deadline_compute writes; a moved start clears them all.
COMPUTED_FIELDS = [
    "due_on",
    "unknown_year",
    "computed_at",
    "estimated_due_on",
    "confirmed_at",
    "reminded_on",
    "missed_notified_on",
]


def _region(obj) -> str:
    return obj.review_region_code() or ""


def deadline_open(*, obj, kind: str, starts_on: date, restart: bool = True) -> Deadline:
    """Open the deadline of `kind` on `obj` (or move its start when `restart`); its date is owed (REL-01)
    and computed once the change commits."""
    from .outbox import outbox_add

    content_type = ContentType.objects.get_for_model(obj)
    deadline, created = Deadline.objects.get_or_create(
        content_type=content_type,
        object_id=obj.pk,
        kind=kind,
        met_at=None,
        defaults={"starts_on": starts_on, "region_code": _region(obj), "title": str(obj)[:200]},
    )
    if not created and restart and deadline.starts_on != starts_on:
        deadline.starts_on = starts_on
        for name in COMPUTED_FIELDS:
            setattr(deadline, name, None)
        deadline.save(update_fields=["starts_on", *COMPUTED_FIELDS])
    if created or deadline.computed_at is None:
        outbox_add(
            key=f"deadline:{deadline.pk}:{deadline.starts_on.isoformat()}",
            handler="deadline_compute",
            deadline_id=deadline.pk,
        )
    return deadline


def deadlines_rescope(*, owner_entity_id: int, region_code: str) -> int:
    """SEC-02: when an entity's region on record changes, the open deadlines of everything it owns follow
    it, so each waits in the queue of the province that now holds it. Returns how many moved."""
    from .registry import kinds

    moved = 0
    for kind in kinds():
        owned = kind.model._default_manager.filter(**{kind.entity_lookup: owner_entity_id}).values("pk")
        moved += Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(kind.model), object_id__in=owned, met_at=None
        ).update(region_code=region_code)
    return moved


def deadlines_drop(*, obj) -> int:
    """Delete every deadline of an object about to be deleted (a product withdrawn while it waited).

    A deadline never outlives its subject, so the queue counts open deadlines by kind alone, without
    joining each kind's whole table (issue 17). Returns how many were deleted."""
    deleted, _by_model = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).delete()
    return deleted


def _deadlines_unmeet_since_submission(*, obj, kinds: tuple[str, ...]) -> int:
    """Open again the deadlines of these kinds that the last submission of `obj` met (a withdrawal)."""
    from .models import ReviewEvent

    content_type = ContentType.objects.get_for_model(obj)
    submitted = (
        ReviewEvent.objects.filter(
            content_type=content_type, object_id=obj.pk, action__in=(Action.SUBMIT, Action.MODIFY)
        )
        .order_by("-pk")
        .values_list("created_at", flat=True)
        .first()
    )
    if submitted is None:
        return 0
    return Deadline.objects.filter(
        content_type=content_type, object_id=obj.pk, kind__in=kinds, met_at__gte=submitted
    ).update(met_at=None)


def deadline_meet(*, obj, kinds: tuple[str, ...]) -> int:
    """Close the open deadlines of these kinds on `obj`."""
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, kind__in=kinds, met_at=None
    ).update(met_at=timezone.now())


def _apply_computation(deadline: Deadline) -> bool:
    """Compute `deadline` in memory; True if a stored field changed. A provisional date that the State
    Council's schedule now settles is kept as `estimated_due_on`, with `confirmed_at` (DL-05)."""
    before = tuple(getattr(deadline, name) for name in COMPUTED_FIELDS[:2])
    was_provisional = deadline.provisional
    result = deadline_for(deadline.starts_on, DEADLINE_WORKING_DAYS[DeadlineKind(deadline.kind)])
    if was_provisional and not result.provisional and result.due is not None:
        deadline.estimated_due_on, deadline.confirmed_at = deadline.due_on, timezone.now()
    elif result.provisional:
        deadline.estimated_due_on = deadline.confirmed_at = None
    if deadline.due_on is not None and result.due != deadline.due_on:
        deadline.reminded_on = deadline.missed_notified_on = None  # DL-06: remind again for the new date
    deadline.due_on, deadline.unknown_year = result.due, result.unknown_year
    return deadline.computed_at is None or before != (deadline.due_on, deadline.unknown_year)


def deadline_compute(deadline: Deadline) -> Deadline:
    """DL-05: the due date on the PRC working-day calendar; provisional (预计), with the unknown year
    named, when it lies beyond the schedules entered."""
    _apply_computation(deadline)
    deadline.computed_at = timezone.now()
    deadline.save(update_fields=COMPUTED_FIELDS)
    return deadline


def deadlines_recompute_open() -> int:
    """DL-05: recompute every open deadline on the calendar as it now is (a year's schedule entered or
    corrected). Returns how many changed. Runs once the calendar change commits (`calendar_changed`)."""
    changed: list[Deadline] = []
    now = timezone.now()
    with calendar_snapshot():
        for deadline in Deadline.objects.filter(met_at=None).iterator(chunk_size=2000):
            if _apply_computation(deadline):
                deadline.computed_at = now
                changed.append(deadline)
    Deadline.objects.bulk_update(changed, COMPUTED_FIELDS, batch_size=1000)
    return len(changed)


def _recompute_after_commit() -> None:
    import logging

    count = deadlines_recompute_open()
    logging.getLogger(__name__).info("calendar changed: %s open deadlines recomputed", count)


def calendar_changed() -> None:
    """DL-05: the calendar was edited (admin, import_calendar): every open deadline is recomputed as soon
    as the edit commits, once per transaction however many days it touched. Should that fail, it is
    logged, never raised to the administrator, and the sweep still recomputes provisional deadlines."""
    from django.db import connection

    pending = getattr(connection, "run_on_commit", None) or []
    if any(entry[1] is _recompute_after_commit for entry in pending):
        return
    transaction.on_commit(_recompute_after_commit, robust=True)


def calendar_edited(**kwargs) -> None:
    """post_save / post_delete receiver of CalendarDay and CalendarYear (connected in ReviewConfig)."""
    calendar_changed()


def working_days_left(deadline: Deadline, today: date | None = None) -> int | None:
    """DL-06: working days from today to the due date (0 on the day, < 0 when overdue), counted on the
    provisional calendar where the schedule is not entered (DL-05); None if there is no due date."""
    if deadline.due_on is None:
        return None
    try:
        return working_days_between(today or timezone.localdate(), deadline.due_on, provisional=True)
    except UnknownYear:
        return None


def deadlines_on_transition(obj, move) -> None:
    """Called by the transition service inside its transaction."""
    today = timezone.localdate()
    if move.action in (Action.SUBMIT, Action.MODIFY):
        deadline_meet(obj=obj, kinds=(DeadlineKind.LAUNCH, DeadlineKind.CHANGE))
        deadline_open(obj=obj, kind=DeadlineKind.REVIEW, starts_on=today)
    elif move.action in (Action.APPROVE, Action.REJECT, Action.MARK_INCOMPLETE, Action.REFUSE_CANCEL):
        deadline_meet(obj=obj, kinds=(DeadlineKind.REVIEW,))
    elif move.action == Action.CANCEL:
        # DL-03 is met by applying; the office's confirmation is a review like any other (DL-04).
        deadline_meet(obj=obj, kinds=(DeadlineKind.TERMINATION,))
        deadline_open(obj=obj, kind=DeadlineKind.REVIEW, starts_on=today)
    elif move.action == Action.WITHDRAW:
        # Nothing waits for the office any more; the filer's own duty to file (after launch, after a
        # change) is owed again, from its first date: withdrawing does not restart the clock.
        deadline_meet(obj=obj, kinds=(DeadlineKind.REVIEW,))
        _deadlines_unmeet_since_submission(obj=obj, kinds=(DeadlineKind.LAUNCH, DeadlineKind.CHANGE))
    elif move.action == Action.CONFIRM_CANCEL:
        deadline_meet(obj=obj, kinds=tuple(DeadlineKind.values))
    elif move.action in (Action.REVOKE, Action.OFFICE_CANCEL):
        deadline_meet(obj=obj, kinds=tuple(DeadlineKind.values))


def deadlines_of(obj) -> list[Deadline]:
    return list(
        Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, met_at=None
        )
    )


def deadlines_repair() -> int:
    """The sweep: compute every open deadline a lost task left without a due date, and those waiting for
    a year the calendar did not know (an administrator may have entered it since). Each in its own
    transaction: one that fails is logged and the others go on (REL-02). Returns how many were computed."""
    import logging

    repaired = 0
    waiting = Q(computed_at=None) | Q(unknown_year__isnull=False)
    for pk in Deadline.objects.filter(waiting, met_at=None).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                deadline = (
                    Deadline.objects.select_for_update(skip_locked=True).filter(pk=pk, met_at=None).first()
                )
                if deadline is not None:
                    deadline_compute(deadline)
                    repaired += 1
        except Exception:  # noqa: BLE001
            logging.getLogger(__name__).exception("sweep: deadline %s not computed", pk)
    return repaired
