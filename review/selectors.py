from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy

from .models import Deadline, DeadlineKind, Reviewable, ReviewEvent
from .registry import ReviewKind, kind_for, kinds
from .transitions import Action, State

WAITING = (State.SUBMITTED, State.UNDER_REVIEW, State.MODIFIED, State.RE_REVIEW)


# Moves inside the office (who holds an item) that the filer is not shown: their reasons name reviewers.
OFFICE_INTERNAL = (Action.RELEASE, Action.REASSIGN)


def filer_history(*, obj: Reviewable) -> QuerySet[ReviewEvent]:
    """The history a filer sees: every transition of its object but the office's internal ones."""
    return review_history(obj=obj).exclude(action__in=OFFICE_INTERNAL)


def review_history(*, obj: Reviewable) -> QuerySet[ReviewEvent]:
    """The transitions of `obj`, oldest first (REV-01)."""
    return ReviewEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor")


# The moves that send an item back to its filer with reasons (REV-03, REV-04).
REJECTIONS = (Action.REJECT, Action.MARK_INCOMPLETE)


def latest_rejections(*, objs) -> dict[int, ReviewEvent]:
    """REV-03: for each rejected object among `objs` (all of one model), the event that rejected it last —
    its reason is what the filer's page and banner quote. One query for the whole page, however many rows."""
    rejected = [obj.pk for obj in objs if obj.state == State.REJECTED]
    if not rejected:
        return {}
    events = ReviewEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(objs[0])),
        object_id__in=rejected,
        action__in=REJECTIONS,
    ).order_by("object_id", "-created_at", "-id")
    latest: dict[int, ReviewEvent] = {}
    for event in events:
        latest.setdefault(event.object_id, event)
    return latest


def latest_rejection(*, obj: Reviewable) -> ReviewEvent | None:
    """REV-03: the event that rejected `obj` last, while it stands rejected (None otherwise)."""
    return latest_rejections(objs=[obj]).get(obj.pk)


class OutOfScope(LookupError):
    """No such item, or not in the reviewer's scope: both answer "not found"."""


def review_subject(*, reviewer, key: str, pk: int) -> tuple[ReviewKind, Reviewable]:
    """SEC-02: the item `key`/`pk` if it exists, lies in the reviewer's scope (the region on record) and
    has been submitted at least once, else OutOfScope. The one scope check of the reviewers' pages and API."""
    kind = kind_for(key)
    if kind is None:
        raise OutOfScope(key)
    obj = kind.model._default_manager.select_related(*kind.select_related, "claimed_by").filter(pk=pk).first()
    if obj is None or not reviewer.can_review_region(obj.review_region_code()):
        raise OutOfScope(f"{key}/{pk}")
    if obj.pending_revision_id is None and obj.approved_revision_id is None:
        raise OutOfScope(f"{key}/{pk}")  # never submitted: a draft is the filer's alone
    return kind, obj


def filer_subject(*, filer, key: str, pk: int) -> Reviewable:
    """The filer's own item `key`/`pk`, else OutOfScope: another entity's item and one that does not
    exist answer alike (SEC-01)."""
    kind = kind_for(key)
    if kind is None or not filer.entity_id:
        raise OutOfScope(key)
    obj = kind.model._default_manager.filter(pk=pk, **{kind.entity_lookup: filer.entity_id}).first()
    if obj is None:
        raise OutOfScope(f"{key}/{pk}")
    return obj


def reviewers_for(*, obj: Reviewable) -> QuerySet:
    """The active reviewers whose scope covers `obj` (a supervisor may reassign its claim to them)."""
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.reviewers_for_region(obj.review_region_code() or "")


def review_queue(
    *,
    reviewer,
    kind: str = "",
    algo_type: str = "",
    province: str = "",
    state: str = "",
    mine: bool = False,
) -> QuerySet[Deadline]:
    """REV-02: what waits for review in the reviewer's scope, nearest deadline first.

    Each waiting item has exactly one open review deadline (written with its submission), so the
    queue is one indexed query over deadlines; subjects are fetched per kind, a fixed number of queries.
    """
    queryset = Deadline.objects.filter(kind=DeadlineKind.REVIEW, met_at=None).select_related("content_type")
    if not reviewer.is_national:
        queryset = queryset.filter(region_code__startswith=reviewer.province_code[:2])
    if province:
        queryset = queryset.filter(region_code__startswith=province[:2])
    selected = [kind_for(kind)] if kind and kind_for(kind) else kinds()
    by_kind = Q()
    for k in selected:
        of_kind = Q(content_type=ContentType.objects.get_for_model(k.model))
        if not (state or mine or algo_type):
            # Every open deadline's subject exists (deadlines_drop): no need to join the kind's table,
            # which would read all its rows (a million filings) to find the few waiting (issue 17).
            by_kind |= of_kind
            continue
        subjects = k.model._default_manager.all()
        if state:
            subjects = subjects.filter(state=state)
        if mine:
            subjects = subjects.filter(claimed_by=reviewer)
        if algo_type:
            if not hasattr(k.model, "algo_type"):
                continue
            subjects = subjects.filter(algo_type=algo_type)
        by_kind |= of_kind & Q(object_id__in=subjects.values("pk"))
    if not by_kind:
        return queryset.none()
    # Due dates first (nearest first); deadlines in a year the calendar does not know come last, flagged.
    return queryset.filter(by_kind).order_by(F("due_on").asc(nulls_last=True), "starts_on", "id")


def queue_items(*, deadlines: list[Deadline], today=None) -> list[dict]:
    """REV-02: the queue's rows for a page of review deadlines: each with its subject (fetched one query
    per kind, with who holds the claim), the working days left and whether it is overdue. The reviewers'
    page and the API both show these rows."""
    from django.utils import timezone

    from .calendar import calendar_snapshot
    from .deadlines import working_days_left

    by_type: dict[int, list[int]] = {}
    for d in deadlines:
        by_type.setdefault(d.content_type_id, []).append(d.object_id)
    subjects = {}
    for k in kinds():
        ct = ContentType.objects.get_for_model(k.model)
        if ct.pk in by_type:
            manager = k.model._default_manager.select_related(*k.select_related, "claimed_by")
            for obj in manager.filter(pk__in=by_type[ct.pk]):
                subjects[(ct.pk, obj.pk)] = (k, obj)
    today = today or timezone.localdate()
    with calendar_snapshot():  # the calendar read once for the page, not once per row
        lefts = {d.pk: working_days_left(d, today) for d in deadlines}
    items = []
    for d in deadlines:
        kind, obj = subjects.get((d.content_type_id, d.object_id), (None, None))
        if obj is None:
            continue
        left = lefts[d.pk]
        items.append(
            {
                "deadline": d,
                "kind": kind,
                "obj": obj,
                "left": left,
                "overdue": left is not None and left < 0,
                "overdue_days": -left if left is not None and left < 0 else 0,
                "entity": getattr(obj, "entity", obj),
                "is_change": obj.approved_revision_id is not None,
            }
        )
    return items


# What each kind of deadline asks, as the filer's 期限 panel says it (DL-01…DL-04).
DEADLINE_RULES = {
    DeadlineKind.LAUNCH: gettext_lazy("自上线之日（%(start)s）起 %(n)s 个工作日内提交备案"),
    DeadlineKind.CHANGE: gettext_lazy("自变更之日（%(start)s）起 %(n)s 个工作日内提交变更"),
    DeadlineKind.TERMINATION: gettext_lazy("自服务终止之日（%(start)s）起 %(n)s 个工作日内申请注销"),
    DeadlineKind.REVIEW: gettext_lazy("网信部门自提交之日（%(start)s）起 %(n)s 个工作日内完成审核"),
}
DEADLINE_LABELS = {
    DeadlineKind.LAUNCH: gettext_lazy("上线后备案"),
    DeadlineKind.CHANGE: gettext_lazy("变更备案"),
    DeadlineKind.TERMINATION: gettext_lazy("申请注销"),
    DeadlineKind.REVIEW: gettext_lazy("网信部门审核"),
}


def filer_subject_url(subject: Reviewable) -> str:
    """The filer's page of a reviewed object (the e-mails' links and the 期限 panel's), as the model says."""
    return subject.review_filer_url()


def filer_deadlines(
    *, entity_id: int, obj: Reviewable | None = None, only: str = "", today=None
) -> list[dict]:
    """DL-06: the open deadlines on what the entity owns, or on `obj` alone (which must be the
    entity's), or on one registry kind (`only`, e.g. "product"): the filer's own (to file after
    launch, to file a change, to apply for cancellation) and the office's review deadline, nearest
    first, each with its working days left — provisional (预计) where the year's schedule is not
    entered (DL-05). Another entity's objects are never reached: every subject is selected through
    its entity."""
    from .models_deadlines import DEADLINE_WORKING_DAYS

    # One statement: the open deadlines of each kind's owned objects, united (UNION ALL) and read by id. An
    # OR of the kinds made PostgreSQL read every open deadline in the country against the entity's ids
    # (issue 17: 48.6 ms for a filer's dashboard beside a backlog of 50,000; united, each kind is an index
    # lookup per owned object, 2.6 ms).
    arms = []
    for k in kinds():
        if (obj is not None and not isinstance(obj, k.model)) or (only and k.key != only):
            continue
        owned = k.model._default_manager.filter(**{k.entity_lookup: entity_id})
        if obj is not None:
            owned = owned.filter(pk=obj.pk)
        arms.append(
            Deadline.objects.filter(
                met_at=None,
                content_type=ContentType.objects.get_for_model(k.model),
                object_id__in=owned.values("pk"),
            ).values("pk")
        )
    if not arms:
        return []
    deadlines = list(
        Deadline.objects.filter(pk__in=arms[0].union(*arms[1:], all=True))
        .select_related("content_type")
        .order_by(F("due_on").asc(nulls_last=True), "starts_on", "id")
    )
    rows = queue_items(deadlines=deadlines, today=today)
    for row in rows:
        kind = DeadlineKind(row["deadline"].kind)
        row["office"] = kind == DeadlineKind.REVIEW
        row["label"] = DEADLINE_LABELS[kind]
        row["rule"] = DEADLINE_RULES[kind] % {
            "start": row["deadline"].starts_on.isoformat(),
            "n": DEADLINE_WORKING_DAYS[kind],
        }
        row["url"] = filer_subject_url(row["obj"])
    return rows
