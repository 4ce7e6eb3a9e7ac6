"""STAT-01 for reviewers: their queue's load and overdue items by province, and the working days from
submission to decision (median and 90th percentile) by province and month — in the reviewer's scope only
(a province's reviewer sees that province; a national reviewer, all).

Read from the review deadlines (DL-04): an open one is an item waiting, its `due_on` says whether it is
overdue; a met one runs from submission (`starts_on`) to decision (`met_at`: approve, reject or 材料不齐).
The load is one GROUP BY over the open deadlines (the queue's own index). The working days are counted
per decision in Python on the portal's calendar over the last `DECISION_MONTHS` months, so the result is
cached for `CACHE_SECONDS` per scope."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from .calendar import UnknownYear, calendar_snapshot, working_days_between
from .models_deadlines import Deadline, DeadlineKind

DECISION_MONTHS = 12
CACHE_SECONDS = 600


@dataclass(frozen=True)
class Load:
    province: str  # two digits
    waiting: int
    overdue: int


@dataclass(frozen=True)
class DecisionTime:
    province: str
    month: str  # YYYY-MM of the decision
    decisions: int
    median: float
    p90: float


def _scoped(reviewer):
    deadlines = Deadline.objects.filter(kind=DeadlineKind.REVIEW)
    if not reviewer.is_national:
        deadlines = deadlines.filter(region_code__startswith=reviewer.province_code[:2])
    return deadlines.annotate(province=Substr("region_code", 1, 2))


def queue_load(*, reviewer, today: date | None = None) -> list[Load]:
    """Items waiting for review and those past their due date, by province."""
    today = today or timezone.localdate()
    rows = (
        _scoped(reviewer)
        .filter(met_at=None)
        .values("province")
        .annotate(waiting=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by("province")
    )
    return [Load(r["province"], r["waiting"], r["overdue"]) for r in rows]


def _percentile_90(values: list[int]) -> float:
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def decision_times(*, reviewer, today: date | None = None) -> list[DecisionTime]:
    """Working days from submission to decision, by province and month of decision, newest month first."""
    today = today or timezone.localdate()
    since = today.replace(day=1) - timedelta(days=31 * (DECISION_MONTHS - 1))
    scope = "all" if reviewer.is_national else reviewer.province_code[:2]
    key = f"review:stats:decisions:{scope}:{today}"

    def compute() -> list[DecisionTime]:
        groups: dict[tuple[str, str], list[int]] = {}
        met = _scoped(reviewer).filter(met_at__isnull=False, met_at__date__gte=since.replace(day=1))
        with calendar_snapshot():  # the calendar read once, not once per decision
            for province, starts_on, met_at in met.values_list("province", "starts_on", "met_at").iterator():
                decided = timezone.localtime(met_at).date()
                try:
                    days = working_days_between(starts_on, decided, provisional=True)
                except UnknownYear:
                    continue
                groups.setdefault((province, decided.isoformat()[:7]), []).append(max(days, 0))
        return sorted(
            (
                DecisionTime(p, m, len(v), float(statistics.median(v)), _percentile_90(v))
                for (p, m), v in groups.items()
            ),
            key=lambda d: (d.month, d.province),
            reverse=True,
        )

    return cache.get_or_set(key, compute, CACHE_SECONDS)
