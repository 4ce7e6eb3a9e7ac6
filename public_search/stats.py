"""STAT-01: public statistics kept as counters (StatCount), one cell per (chart, period, key).

Each published filing counts once in the month of its first approval by type (`approved`, whatever its
state now), and, by its current public state, either among the filings in force by province and by
应用领域 (`province`, `domain`) or in the month it was cancelled or revoked (`ended`). `_public_write`
calls `stat_apply` with what the filing counted in before and after, in the same transaction, so the
counters never drift from PublicFiling; `stat_rebuild` recomputes them from PublicFiling (GROUP BY) for a
repair or a migration. Reading the statistics is then a read of a few hundred rows whatever the number of
filings (docs/decisions/0003-statistics-as-counters.md, with the measurements).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F

from .models import PublicFiling, PublicState, StatChart, StatCount

Cell = tuple[str, str, str]  # (chart, period, key)
FIELDS = ("approved_on", "algo_type", "province_code", "domain", "state", "history")


def ended_month(history: list[dict], state: str) -> str:
    """The month ("YYYY-MM") of the last cancellation or revocation in a public history."""
    for item in reversed(history or []):
        if item.get("event") == state:
            return str(item.get("date", ""))[:7]
    return ""


def stat_cells(
    *, approved_on, algo_type: str, province_code: str, domain: str, state: str, history
) -> list[Cell]:
    """The cells one published filing counts in."""
    cells = [(StatChart.APPROVED.value, approved_on.isoformat()[:7], algo_type)]
    if state == PublicState.APPROVED:
        cells += [(StatChart.PROVINCE.value, "", province_code), (StatChart.DOMAIN.value, "", domain)]
    else:
        cells.append((StatChart.ENDED.value, ended_month(history, state), state))
    return cells


def stat_cells_of(filing_id: int) -> list[Cell]:
    """What a filing counts in now (nothing when it is not published): read before it is rewritten."""
    row = PublicFiling.objects.filter(pk=filing_id).values(*FIELDS).first()
    return stat_cells(**row) if row else []


@transaction.atomic
def stat_apply(before: Iterable[Cell], after: Iterable[Cell]) -> None:
    """STAT-01: move a filing's counts from the cells it counted in to those it counts in now. A cell is
    created at 0 when missing (ignore_conflicts: two approvals racing both find it) and then incremented
    in the database (F), so concurrent transitions never lose a count."""
    delta = Counter(after)
    delta.subtract(Counter(before))
    changed = {cell: n for cell, n in delta.items() if n}
    if not changed:
        return
    StatCount.objects.bulk_create(
        [StatCount(chart=c, period=p, key=k, n=0) for (c, p, k), n in changed.items() if n > 0],
        ignore_conflicts=True,
    )
    for (chart, period, key), n in changed.items():
        StatCount.objects.filter(chart=chart, period=period, key=key).update(n=F("n") + n)


def stat_rebuild(public_filing=PublicFiling, stat_count=StatCount) -> None:
    """Recompute every counter from PublicFiling with GROUP BY (a repair; the data migration's too, with
    its historical models)."""
    counts: Counter[Cell] = Counter()
    by_month = (
        public_filing.objects.values_list("approved_on", "algo_type").annotate(n=Count("pk")).order_by()
    )
    for approved_on, algo_type, n in by_month:
        counts[(StatChart.APPROVED.value, approved_on.isoformat()[:7], algo_type)] += n
    in_force = public_filing.objects.filter(state=PublicState.APPROVED)
    for field, chart in (("province_code", StatChart.PROVINCE), ("domain", StatChart.DOMAIN)):
        for key, n in in_force.values_list(field).annotate(n=Count("pk")).order_by():
            counts[(chart.value, "", key)] += n
    ended = public_filing.objects.exclude(state=PublicState.APPROVED).values_list("state", "history")
    for state, history in ended.iterator():  # cancelled and revoked filings only: few
        counts[(StatChart.ENDED.value, ended_month(history, state), state)] += 1
    with transaction.atomic():
        stat_count.objects.all().delete()
        stat_count.objects.bulk_create(
            stat_count(chart=c, period=p, key=k, n=n) for (c, p, k), n in counts.items() if n
        )


def stat_counts() -> dict[str, list[tuple[str, str, int]]]:
    """Every non-zero counter by chart, as (period, key, n) in order: the one query of the statistics page."""
    charts: dict[str, list[tuple[str, str, int]]] = {chart: [] for chart in StatChart.values}
    rows = StatCount.objects.filter(n__gt=0).order_by("chart", "period", "key")
    for chart, period, key, n in rows.values_list("chart", "period", "key", "n"):
        charts[chart].append((period, key, n))
    return charts
