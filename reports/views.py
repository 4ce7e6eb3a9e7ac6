"""RPT-01: the report pages — the public's form (from a filing's public page and from the number check),
the confirmation link, the reporter's code page, and the reviewers' tab, detail and moves. Thin: the
services decide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from algorithms.models import Filing
from beian.regions import region_name
from beian.throttling import rate_limited
from filers.uploads import MAX_UPLOAD_BYTES, TOO_LARGE
from public_search.models import PublicFiling
from review.registry import queue_tabs
from review.views import reviewer_required

from .forms import FilingReportForm, NumberReportForm, ReportActForm, ReportLookupForm
from .models import (
    DESCRIPTION_MAX,
    FILER_MESSAGE_MAX,
    NOTE_MAX,
    PUBLIC_OUTCOME_MAX,
    SEEN_URL_MAX,
    SEEN_WHERE_MAX,
    ReportOutcome,
    ReportSource,
)
from .selectors import report_by_code, report_get, report_history, report_list
from .services import (
    ReportError,
    ReportOutOfScope,
    report_confirm,
    report_create,
    report_for_token,
    report_move,
)
from .transitions import Actor, ReportAction, ReportState, report_actions_from

SUBMITTED_SESSION_KEY = "reports:submitted"


def _errors_to_form(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _submitted(request, report) -> object:
    """Show the code once: kept in the session for the next page, which takes it out."""
    request.session[SUBMITTED_SESSION_KEY] = {
        "code": report.code if report is not None else "",
        "unconfirmed": report is not None and report.state == ReportState.UNCONFIRMED,
    }
    return redirect("reports:submitted")


@require_http_methods(["GET", "POST"])
@rate_limited("report", methods=("POST",))
def report_filing(request, pk: int):
    """报告问题 on a filing's public page: category, description, optional e-mail (confirmed by a link)."""
    record = get_object_or_404(PublicFiling.objects.only("pk", "name", "number", "entity_name"), pk=pk)
    form = FilingReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = report_create(
                source=ReportSource.FILING_PAGE,
                category=data["category"],
                description=data["description"],
                email=data["email"],
                filing=Filing.objects.filter(pk=record.pk).first(),
                honeypot=data["website"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return _submitted(request, report)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "record": record, "description_max": DESCRIPTION_MAX}
    return render(request, "reports/report_filing.html", context, status=status)


@require_http_methods(["GET", "POST"])
@rate_limited("report", methods=("POST",))
def report_number(request):
    """您在哪里看到这个编号？ — from the number check, for a number not found, revoked or cancelled: filed as
    a 编号被冒用 report (the app or site, a URL, an optional screenshot)."""
    if request.method == "POST":
        form = NumberReportForm(request.POST, request.FILES)
    else:
        form = NumberReportForm(initial={"number": request.GET.get("number", "")[:60]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = report_create(
                source=ReportSource.NUMBER_CHECK,
                category="",
                number_text=data["number"],
                seen_where=data["seen_where"],
                seen_url=data["seen_url"],
                description=data["description"],
                screenshot=data["screenshot"],
                email=data["email"],
                honeypot=data["website"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return _submitted(request, report)
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "limits": {"seen_where": SEEN_WHERE_MAX, "seen_url": SEEN_URL_MAX, "description": DESCRIPTION_MAX},
        # ALG-13: a file over the limit is refused at the field as soon as it is chosen (upload_limit.js).
        "max_bytes": MAX_UPLOAD_BYTES,
        "too_large": str(TOO_LARGE) % {"field": _("截图"), "size": "{size}"},
    }
    return render(request, "reports/report_number.html", context, status=status)


@require_GET
def report_submitted(request):
    """The code, shown once after a submission (and in the confirmation e-mail)."""
    shown = request.session.pop(SUBMITTED_SESSION_KEY, None)
    if shown is None:
        return redirect("reports:lookup")
    return render(request, "reports/submitted.html", shown)


@require_http_methods(["GET", "POST"])
def report_confirm_page(request, token: str):
    """The link in the confirmation e-mail: a page with one button (a mail scanner's GET confirms nothing)."""
    try:
        report = report_for_token(token)
    except ReportError as exc:
        return render(request, "reports/confirm.html", {"error": str(exc)}, status=404)
    if request.method == "POST":
        report = report_confirm(token=token)
        return render(request, "reports/confirm.html", {"report": report, "confirmed": True})
    done = report.state != ReportState.UNCONFIRMED
    return render(request, "reports/confirm.html", {"report": report, "confirmed": done, "token": token})


@require_GET
@rate_limited("report_status")
def report_lookup(request):
    """查询处理进度: a box for the code."""
    form = ReportLookupForm(request.GET or None)
    if request.GET and form.is_valid():
        report = report_by_code(form.cleaned_data["code"])
        if report is not None:
            return redirect("reports:status", code=report.code)
        form.add_error("code", _("未找到该查询码对应的问题报告，请核对后重新输入。"))
    status = 400 if request.GET and form.errors else 200
    return render(request, "reports/lookup.html", {"form": form}, status=status)


@require_GET
@rate_limited("report_status")
def report_status(request, code: str):
    """The reporter's page: the state and the public outcome only — nothing they wrote, no contact."""
    report = report_by_code(code)
    if report is None:
        raise Http404
    response = render(request, "reports/status.html", {"report": report})
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- the reviewers' side --------------------------------------------------------------------------

STATE_FILTERS = {
    "": None,
    "new": ReportState.NEW,
    "in_progress": ReportState.IN_PROGRESS,
    "closed": ReportState.CLOSED,
}


@reviewer_required
@require_GET
def report_queue(request):
    """The 问题报告 tab of the reviewers' queue: the reports in their scope, open ones oldest first."""
    state, state_error, status = request.GET.get("state", ""), "", 200
    if state not in STATE_FILTERS:  # SEC-05: a filter the page does not offer, said at its field
        state, state_error, status = "", _("状态：请选择列表中的状态。"), 400
    page = Paginator(report_list(reviewer=request.user, state=state), 25).get_page(request.GET.get("page"))
    tabs = [{"tab": t, "count": t.count(request.user)} for t in queue_tabs()]
    context = {
        "page": page,
        "items": page.object_list,
        "state": state,
        "state_error": state_error,
        "tabs": tabs,
        "current_tab": "reports",
        "query": f"state={state}" if state else "",
        "states": [(k, ReportState(v).label) for k, v in STATE_FILTERS.items() if v],
    }
    return render(request, "reports/queue.html", context, status=status)


def _report(request, pk: int):
    try:
        return report_get(reviewer=request.user, pk=pk)
    except ReportOutOfScope:
        raise Http404 from None


def _detail_context(request, report, form=None) -> dict:
    moves = report_actions_from(report.state, Actor.REVIEWER)
    if report.taken_by_id not in (None, request.user.pk) and not request.user.is_supervisor:
        moves = [m for m in moves if not m.taker_only]
    return {
        "report": report,
        "history": report_history(report=report),
        "moves": moves,
        "form": form,
        "outcomes": ReportOutcome.choices,
        "region": region_name(report.region_code()) if report.region_code() else _("国家网信办（未知编号）"),
        "limits": {
            "public_outcome": PUBLIC_OUTCOME_MAX,
            "filer_message": FILER_MESSAGE_MAX,
            "note": NOTE_MAX,
        },
    }


@reviewer_required
@require_GET
def report_detail(request, pk: int):
    report = _report(request, pk)
    return render(request, "reports/detail.html", _detail_context(request, report))


@reviewer_required
@require_POST
def report_act(request, pk: int):
    """受理, 退回待处理 or 办结; a move the table refuses changes nothing and says why."""
    report = _report(request, pk)
    form = ReportActForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report_move(
                report=report,
                action=data["action"],
                actor=request.user,
                outcome=data["outcome"],
                public_outcome=data["public_outcome"],
                filer_message=data["filer_message"],
                note=data["note"],
            )
        except ReportOutOfScope:
            raise Http404 from None
        except ReportError as exc:
            messages.error(request, str(exc))
            return redirect("reports:detail", pk=report.pk)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已%(action)s。") % {"action": ReportAction(data["action"]).label})
            return redirect("reports:detail", pk=report.pk)
    report.refresh_from_db()
    return render(request, "reports/detail.html", _detail_context(request, report, form), status=400)


@reviewer_required
@require_GET
def report_screenshot(request, pk: int):
    """The reporter's screenshot, to reviewers in scope only; never public."""
    report = _report(request, pk)
    if not report.screenshot:
        raise Http404
    response = FileResponse(report.screenshot.open("rb"), content_type=report.screenshot_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
