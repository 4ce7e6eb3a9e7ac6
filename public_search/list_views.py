"""备案清单 (PUB-05) pages: the list of a period or a batch on a page, and as CSV or PDF.

A list of at most LIST_SYNC_LIMIT rows is made during the request. A longer one (a whole year) is made
by a Celery task while the reader watches its progress on a page that refreshes itself. The lists are
public data: no login is needed."""

from __future__ import annotations

from datetime import timedelta

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET, require_http_methods

from beian.http_cache import DATA_MAX_AGE, etag_of, page_respond, public_cache, respond_conditionally
from review.outbox import publish_on_commit

from .forms import KIND_GENERATIVE, ListQueryForm
from .lists import (
    FIRST_YEAR,
    list_batches,
    list_columns,
    list_csv,
    list_filename,
    list_pdf,
    list_queryset,
    list_rows_of,
    list_stamp,
    list_title,
    period_label,
    period_normalise,
    period_year,
)
from .models import PublicFiling
from .models_lists import ListExport
from .tasks import list_export_task

LIST_SYNC_LIMIT = 2000  # rows made during the request; a longer list goes to the worker
# A PDF costs far more than a CSV: WeasyPrint lays out ~100 rows a second (500 rows ≈ 4.5 s of CPU,
# 2000 ≈ 18 s, measured), so a PDF is made during the request only up to this many rows.
PDF_SYNC_LIMIT = 500
PAGE_SIZE = 50
BATCHES_OFFERED = 60  # the newest batches of a list in the page's form; older ones by ?batch=YYYY-N
# An export still pending or running after this is presumed lost (the task's time limit is 30 minutes);
# a finished one is reused for a day unless a filing of its list changed since.
STALE_AFTER = timedelta(hours=1)
REUSE_FOR = timedelta(days=1)
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


def _default_period() -> str:
    """The month of the latest approval (the newest list), or this month."""
    latest = PublicFiling.objects.aggregate(latest=Max("approved_on"))["latest"]
    if latest is None or latest.year < FIRST_YEAR:
        latest = timezone.localdate()
    return f"{latest:%Y-%m}"


def _query(period: str, generative: bool) -> str:
    """The query string of a list: ?period=2026-11, or ?batch=2026-3 for a batch (key b2026-3)."""
    where = {"batch": period[1:]} if period.startswith("b") else {"period": period}
    return urlencode({**where, **({"kind": KIND_GENERATIVE} if generative else {})})


def _limit(fmt: str) -> int:
    return LIST_SYNC_LIMIT if fmt == "csv" else min(LIST_SYNC_LIMIT, PDF_SYNC_LIMIT)


def _background(count: int) -> str:
    """Which downloads the worker makes: "all", "pdf" or "" (the reader is told before clicking)."""
    if count > _limit("csv"):
        return "all"
    return "pdf" if count > _limit("pdf") else ""


@require_GET
def list_page(request):
    """The list of a period or a batch, 50 rows a page, with the forms to pick another and the downloads."""
    form = ListQueryForm(request.GET)
    valid = form.is_valid()
    generative = request.GET.get("kind") == KIND_GENERATIVE
    # The newest batches of the list, for the form: a batch published since changes the page.
    batches = list(list_batches(generative=generative)[:BATCHES_OFFERED])
    text = request.GET.get("period", "").strip() or _default_period()
    context = {
        "period_text": text,
        "batch_text": request.GET.get("batch", "").strip(),
        "batches": batches,
        "generative": generative,
        "kind_generative": KIND_GENERATIVE,
    }
    if not valid:  # SEC-05: said on the page, at the form, with what was typed kept
        context["error"] = " ".join(message for messages in form.errors.values() for message in messages)
        context["batch_error"] = "batch" in form.errors
        context["month_value"] = text
        return render(request, "public_search/lists.html", context, status=400)
    period = form.cleaned_data["period"] or period_normalise(text)
    changed, count = list_stamp(period=period, generative=generative)

    def build():
        label = period_label(period)
        year = period_year(period)
        is_batch = period.startswith("b")
        paginator = Paginator(list_queryset(period=period, generative=generative), PAGE_SIZE)
        paginator.count = count  # counted with the validator: not counted twice
        page = paginator.get_page(request.GET.get("page"))
        query = _query(period, generative)
        if is_batch:
            month_value = _default_period()
        else:  # A <input type="month"> takes YYYY-MM only: a year shows as its January; the title says 全年.
            month_value = period if len(period) == 7 else f"{period}-01"
        context.update(
            period=period,
            month_value=month_value,
            year=year,
            is_year=len(period) == 4,
            is_batch=is_batch,
            batch_value=period[1:] if is_batch else "",
            label=label,
            title=list_title(label=label, generative=generative),
            columns=list_columns(generative=generative),
            # Each cell's data-label by key: a loop over the columns in every cell cost 3,200 template
            # comparisons a page (issue 17: half the page's time).
            labels=dict(list_columns(generative=generative)),
            page=page,
            rows=list(list_rows_of(page.object_list, generative=generative, first=page.start_index())),
            query=query,
            year_query=_query(str(year), generative),
            # Batches are numbered per list: the other list is offered for the batch's year.
            other_kind_query=_query(str(year) if is_batch else period, not generative),
            background=_background(page.paginator.count),
        )
        return render(request, "public_search/lists.html", context)

    # Issue 17: a reader revalidating a page of a list that has not changed gets 304, nothing rendered.
    stamp = changed.isoformat() if changed else ""
    # Which downloads the worker makes follows from the count and the limits: the page says so.
    newest_batch = batches[0].pk if batches else 0
    parts = (period, generative, request.GET.get("page", ""), stamp, count, _background(count), newest_batch)
    return page_respond(request, build, "list", *parts)


def _attachment(content: bytes, *, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _export_reusable(*, period: str, generative: bool, fmt: str) -> ListExport | None:
    """An export of this list still being made, or made since its filings last changed; None if there
    is none. Reads only: a GET may ask it."""
    now = timezone.now()
    key = {"period": period, "generative": generative, "fmt": fmt}
    changed = list_queryset(period=period, generative=generative).aggregate(at=Max("changed_at"))["at"]
    for export in ListExport.objects.filter(**key, created_at__gte=now - REUSE_FOR).exclude(
        status=ListExport.Status.FAILED
    )[:5]:
        if export.status == ListExport.Status.DONE:
            if changed is None or export.created_at >= changed:
                return export
        elif export.created_at >= now - STALE_AFTER:
            return export
    return None


def _export_start(*, period: str, generative: bool, fmt: str) -> ListExport:
    """The reusable export of this list, else a new one with its task enqueued. So a reader who clicks
    twice, or many readers of the same year, start one task, not many."""
    export = _export_reusable(period=period, generative=generative, fmt=fmt)
    if export is not None:
        return export
    with transaction.atomic():
        export = ListExport.objects.create(period=period, generative=generative, fmt=fmt)
        # A lost message leaves the export pending: after STALE_AFTER the next request starts another.
        publish_on_commit(list_export_task, export.pk)
    return export


@require_http_methods(["GET", "HEAD", "POST"])
def list_download(request, fmt: str):
    """The list as CSV or PDF: directly when short, else through a ListExport made by the worker.

    A GET changes nothing: for a long list it leads to the export already made (or being made), or
    shows a page whose button POSTs here to start one (issue 14)."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    form = ListQueryForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid() or not form.cleaned_data["period"]:
        # The page says what is wrong with the period or the kind.
        return redirect(f"{reverse('lists:page')}?{form.data.urlencode()}")
    period, generative = form.cleaned_data["period"], form.generative
    filename = list_filename(period=period, generative=generative, fmt=fmt)
    changed, count = list_stamp(period=period, generative=generative)
    if count <= _limit(fmt):
        make = list_pdf if fmt == "pdf" else list_csv

        def build():
            return _attachment(make(period=period, generative=generative), fmt=fmt, filename=filename)

        # Issue 17: the same file while none of its filings changed: a 304 makes nothing.
        stamp = changed.isoformat() if changed else ""
        etag = etag_of("list-download", period, generative, fmt, stamp, count)
        response = respond_conditionally(request, build, etag=etag, last_modified=changed)
        return public_cache(response, DATA_MAX_AGE)
    # Issue 14: a GET changes nothing; only the page's 开始生成 (a POST) makes the export.
    if request.method == "POST":
        export = _export_start(period=period, generative=generative, fmt=fmt)
        return redirect("lists:export", pk=export.pk)
    export = _export_reusable(period=period, generative=generative, fmt=fmt)
    if export is not None:
        return redirect("lists:export", pk=export.pk)
    context = {
        "title": list_title(label=period_label(period), generative=generative),
        "fmt": fmt,
        "count": count,
        "period": period,
        "generative": generative,
        "kind_generative": KIND_GENERATIVE,
        "query": _query(period, generative),
    }
    response = render(request, "public_search/list_export_start.html", context)
    add_never_cache_headers(response)  # it holds the reader's CSRF token
    return response


@require_GET
def list_export_status(request, pk: int):
    """How far the worker is: a progress bar, the page refreshing itself every 2 s until done."""
    export = get_object_or_404(ListExport, pk=pk)
    context = {
        "export": export,
        "title": list_title(label=period_label(export.period), generative=export.generative),
        "filename": list_filename(period=export.period, generative=export.generative, fmt=export.fmt),
        "query": _query(export.period, export.generative),
        "kind_generative": KIND_GENERATIVE,
    }
    return render(request, "public_search/list_export.html", context)


@require_GET
def list_export_file(request, pk: int):
    """The file of a finished export; before it is finished, its progress page."""
    export = get_object_or_404(ListExport, pk=pk)
    if export.status != ListExport.Status.DONE or not export.file:
        return redirect("lists:export", pk=export.pk)
    response = FileResponse(export.file.open("rb"), content_type=CONTENT_TYPES[export.fmt])
    filename = list_filename(period=export.period, generative=export.generative, fmt=export.fmt)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
