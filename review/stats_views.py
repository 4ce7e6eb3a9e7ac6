"""STAT-01, the reviewers' statistics page: their queue's load, overdue items and working days to decision,
scoped to the reviewer's province (review.stats)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from beian.regions import regions

from .stats import DECISION_MONTHS, decision_times, queue_load
from .views import reviewer_required


def _province_name(code: str) -> str:
    region = regions().get(f"{code}0000")
    return region.name if region else code


@reviewer_required
@require_GET
def review_stats(request):
    load = queue_load(reviewer=request.user)
    times = decision_times(reviewer=request.user)
    return render(
        request,
        "review/stats.html",
        {
            "load": [(row, _province_name(row.province)) for row in load],
            "totals": (sum(r.waiting for r in load), sum(r.overdue for r in load)),
            "times": [(row, _province_name(row.province)) for row in times],
            "months": DECISION_MONTHS,
        },
    )
