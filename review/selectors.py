from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, QuerySet

from .models import Deadline, DeadlineKind, Reviewable, ReviewEvent
from .registry import kind_for, kinds
from .transitions import State

WAITING = (State.SUBMITTED, State.UNDER_REVIEW, State.MODIFIED, State.RE_REVIEW)


def review_history(*, obj: Reviewable) -> QuerySet[ReviewEvent]:
    """The transitions of `obj`, oldest first (REV-01)."""
    return ReviewEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor")


def review_queue(
    *, reviewer, kind: str = "", algo_type: str = "", province: str = "", state: str = ""
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
        subjects = k.model._default_manager.all()
        if state:
            subjects = subjects.filter(state=state)
        if algo_type:
            if not hasattr(k.model, "algo_type"):
                continue
            subjects = subjects.filter(algo_type=algo_type)
        by_kind |= Q(
            content_type=ContentType.objects.get_for_model(k.model), object_id__in=subjects.values("pk")
        )
    if not by_kind:
        return queryset.none()
    # Due dates first (nearest first); deadlines in a year the calendar does not know come last, flagged.
    return queryset.filter(by_kind).order_by(F("due_on").asc(nulls_last=True), "starts_on", "id")
