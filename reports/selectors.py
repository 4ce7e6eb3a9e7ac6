"""RPT-01: what reviewers and reporters read of the reports."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Report, ReportEvent
from .services import ReportOutOfScope, report_code_normalise
from .transitions import OPEN_STATES, VISIBLE_STATES, ReportState


def report_scope(*, reviewer) -> QuerySet[Report]:
    """SEC-02: the reports a reviewer may see — those on filings of entities registered (on record) in
    their province; a national reviewer sees all, and alone sees reports on numbers the portal does not
    know. Reports still waiting for their reporter's e-mail confirmation are nobody's yet."""
    if not getattr(reviewer, "is_reviewer", False):
        return Report.objects.none()
    queryset = Report.objects.filter(state__in=VISIBLE_STATES)
    if not reviewer.is_national:
        queryset = queryset.filter(filing__entity__record_region_code__startswith=reviewer.province_code[:2])
    return queryset


def report_list(*, reviewer, state: str = "") -> QuerySet[Report]:
    """The reviewer's tab: open reports (oldest first) by default, or those of one state."""
    queryset = report_scope(reviewer=reviewer).select_related("filing", "taken_by")
    if state:
        return queryset.filter(state=state).order_by(
            "-closed_at" if state == ReportState.CLOSED else "received_at", "id"
        )
    return queryset.filter(state__in=OPEN_STATES).order_by("received_at", "id")


def report_open_count(*, reviewer) -> int:
    return report_scope(reviewer=reviewer).filter(state__in=OPEN_STATES).count()


def report_get(*, reviewer, pk: int) -> Report:
    """One report in the reviewer's scope, else ReportOutOfScope (the pages answer 404)."""
    report = (
        report_scope(reviewer=reviewer).select_related("filing__entity", "taken_by").filter(pk=pk).first()
    )
    if report is None:
        raise ReportOutOfScope(pk)
    return report


def report_history(*, report: Report) -> QuerySet[ReportEvent]:
    return report.events.select_related("actor")


def report_by_code(code: str) -> Report | None:
    """The report a reporter's code names (as typed), or None."""
    normalised = report_code_normalise(code)
    if not normalised:
        return None
    return Report.objects.filter(code=normalised).first()


def report_counts() -> dict:
    """RPT-01's open data: how many reports the office received, is handling and closed, by category and
    outcome — counts only, nothing any reporter wrote. Reports still waiting for their e-mail confirmation
    are not counted (they have reached nobody)."""
    from django.db.models import Count

    from .models import ReportCategory, ReportOutcome

    kept = Report.objects.filter(state__in=VISIBLE_STATES)
    by_state = dict(kept.values_list("state").annotate(n=Count("id")).order_by())
    by_category = dict(kept.values_list("category").annotate(n=Count("id")).order_by())
    by_outcome = dict(
        kept.filter(state=ReportState.CLOSED).values_list("outcome").annotate(n=Count("id")).order_by()
    )
    return {
        "received": sum(by_state.values()),
        "open": sum(by_state.get(s, 0) for s in OPEN_STATES),
        "closed": by_state.get(ReportState.CLOSED, 0),
        "by_category": {c: by_category.get(c, 0) for c in ReportCategory.values},
        "by_outcome": {o: by_outcome.get(o, 0) for o in ReportOutcome.values},
    }
