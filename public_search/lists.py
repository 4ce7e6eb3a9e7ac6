"""备案清单 (PUB-05): the filings approved in a period, in the CAC's columns, as a web page, CSV and PDF.

Two lists, as the CAC publishes them: 境内互联网信息服务算法备案清单, every type but 生成合成类, with
算法类别; and 境内深度合成服务算法备案清单, 生成合成类 (type 01) only, with 角色 in place of 算法类别. A
filing is on one of them, never both.

A list is of a period or of a batch. A period is a month ("2026-11") or a year ("2026"): the filings
whose first approval falls in it. A batch (第N批, key "b2026-3") is what an administrator published
together (list_batch_publish): the approvals not yet in an earlier batch of that list. A filing stays on
its lists after it is cancelled or revoked; 备注 says so.

Only PublicFiling is read: it holds nothing private (PUB-06). The CSV has exactly the CAC's columns. The
lists are official Chinese documents: they are written in Chinese whatever the reader's language.
"""

from __future__ import annotations

import calendar
import csv
import io
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from algorithms.models import AlgorithmType, Role
from beian.input_fields import last_year
from filers.documents import _render as render_pdf
from review.numbers import number_display

from .models import ListExport, PublicFiling, PublicState
from .models_lists import ListBatch, ListBatchEntry, ListKind

# Called with a percentage, 0–99, while a long list is being made (tasks.list_export_task).
Progress = Callable[[int], None]

# 《互联网信息服务算法推荐管理规定》 is in force from 2022-03-01: no filing was approved before.
FIRST_YEAR = 2022
CHUNK = 500  # rows read from the database at a time

COLUMNS: tuple[tuple[str, str], ...] = (
    ("seq", _("序号")),
    ("name", _("算法名称")),
    ("algo_type", _("算法类别")),
    ("entity_name", _("主体名称")),
    ("products", _("应用产品")),
    ("main_use", _("主要用途")),
    ("number", _("备案编号")),
    ("remark", _("备注")),
)
# 生成合成类: the same list with 角色 (服务提供者 / 服务技术支持者) in place of 算法类别.
GENERATIVE_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    ("role", _("角色")) if key == "algo_type" else (key, label) for key, label in COLUMNS
)
ID_COLUMN = "id"  # in the page's rows and the open data, for links and joins; never in the CSV

_YEAR = re.compile(r"(\d{4})\s*年?")
_MONTH = re.compile(r"(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?")
# A batch as a reader writes it ("2026-3", "2026年第3批"), and as the lists key it ("b2026-3").
_BATCH = re.compile(r"(\d{4})\s*(?:-|/|年\s*第?)\s*(\d{1,4})\s*批?")
_BATCH_KEY = re.compile(r"b(\d{4})-(\d{1,4})")


# --- Periods -------------------------------------------------------------------------------------


def period_parse(text: str) -> tuple[date, date, str]:
    """("2026-11" → 2026-11-01, 2026-11-30, "2026年11月"); ("2026" → the whole year, "2026年").

    Also takes "2026年11月" and "2026/11". Raises ValueError with a message for the reader."""
    text = (text or "").strip()
    if not text:
        raise ValueError("请选择期间：某月（如 2026-11）或全年（如 2026）。")
    if match := _YEAR.fullmatch(text):
        year, month = int(match[1]), None
    elif match := _MONTH.fullmatch(text):
        year, month = int(match[1]), int(match[2])
    else:
        raise ValueError(f"无法识别期间“{text[:20]}”：请写成 2026-11（某月）或 2026（全年）。")
    if year < FIRST_YEAR:
        raise ValueError(f"算法备案自{FIRST_YEAR}年3月1日起办理，期间不能早于{FIRST_YEAR}年。")
    if year > last_year():
        raise ValueError(f"期间不能晚于{last_year()}年。")
    if month is None:
        return date(year, 1, 1), date(year, 12, 31), f"{year}年"
    if not 1 <= month <= 12:
        raise ValueError(f"月份“{month}”无效：应为 1 至 12。")
    last = calendar.monthrange(year, month)[1]
    return date(year, month, 1), date(year, month, last), f"{year}年{month}月"


def period_normalise(text: str) -> str:
    """The canonical key of a period, "2026-11" or "2026" (raises ValueError as period_parse)."""
    start, end, _label = period_parse(text)
    return f"{start:%Y}" if start.month != end.month else f"{start:%Y-%m}"


def batch_parse(text: str) -> tuple[int, int]:
    """("2026-3" or "2026年第3批" → (2026, 3)). Raises ValueError with a message for the reader."""
    text = (text or "").strip()
    match = _BATCH.fullmatch(text)
    if not match or int(match[2]) < 1:
        raise ValueError(_("无法识别批次“%(text)s”：请写成 2026-3（2026年第3批）。") % {"text": text[:20]})
    return int(match[1]), int(match[2])


def batch_key(year: int, number: int) -> str:
    """The key of a batch where the lists take a period: "b2026-3"."""
    return f"b{year}-{number}"


def _batch_of_key(period: str) -> tuple[int, int] | None:
    match = _BATCH_KEY.fullmatch(period)
    return (int(match[1]), int(match[2])) if match else None


def period_label(period: str) -> str:
    """ "2026年11月", "2026年" or "2026年第3批": how the CAC names the list's period or batch."""
    if batch := _batch_of_key(period):
        return f"{batch[0]}年第{batch[1]}批"
    return period_parse(period)[2]


def period_year(period: str) -> int:
    """The year of a period or batch key."""
    if batch := _batch_of_key(period):
        return batch[0]
    return period_parse(period)[0].year


def list_kind(*, generative: bool) -> ListKind:
    return ListKind.DEEP_SYNTHESIS if generative else ListKind.INTERNET


def list_title(*, label: str, generative: bool) -> str:
    """ "境内互联网信息服务算法备案清单（2026年11月）", "境内深度合成服务算法备案清单（2026年第3批）" — the
    CAC's titles, in the page's language (the PDF and the file name ask for them in Chinese)."""
    return str(
        _("%(list)s（%(period)s）")
        % {"list": list_kind(generative=generative).label, "period": _period_display(label)}
    )


def _period_display(label: str) -> str:
    """ "2026年11月" as the language writes a month ("November 2026"), "2026年" as it writes a year,
    "2026年第3批" as it writes a batch."""
    from django.utils.formats import date_format

    if m := re.fullmatch(r"(\d{4})年第(\d+)批", label):
        return str(_("%(year)s年第%(number)s批") % {"year": m[1], "number": m[2]})
    m = re.fullmatch(r"(\d{4})年(?:(\d{1,2})月)?", label)
    if not m:
        return label
    year, month = m.groups()
    if month:
        return date_format(date(int(year), int(month), 1), "YEAR_MONTH_FORMAT")
    return str(_("%(year)s年") % {"year": year})


def list_filename(*, period: str, generative: bool, fmt: str) -> str:
    """The name a download is saved under, the CAC's title in Chinese:
    "境内深度合成服务算法备案清单（2026年11月）.pdf"."""
    with translation.override("zh-hans"):
        title = list_title(label=period_label(period), generative=generative)
    return f"{title}.{fmt}"


# --- Rows ------------------------------------------------------------------------------------------


def list_columns(*, generative: bool) -> tuple[tuple[str, str], ...]:
    """(key, header) of the published columns, in the CAC's order."""
    return GENERATIVE_COLUMNS if generative else COLUMNS


def _of_kind(queryset: QuerySet[PublicFiling], *, generative: bool) -> QuerySet[PublicFiling]:
    """生成合成类 on the 深度合成 list only; every other type on the 互联网信息服务 list only."""
    if generative:
        return queryset.filter(algo_type=AlgorithmType.GENERATION)
    return queryset.exclude(algo_type=AlgorithmType.GENERATION)


def list_queryset(*, period: str, generative: bool) -> QuerySet[PublicFiling]:
    """The filings of the period or batch, in list order: by date of approval, then by number."""
    if batch := _batch_of_key(period):
        year, number = batch
        queryset = PublicFiling.objects.filter(
            batch_entry__batch__kind=list_kind(generative=generative),
            batch_entry__batch__year=year,
            batch_entry__batch__number=number,
        )
    else:
        start, end, _label = period_parse(period)
        queryset = PublicFiling.objects.filter(approved_on__gte=start, approved_on__lte=end)
    queryset = _of_kind(queryset, generative=generative)
    return queryset.order_by("approved_on", F("number").asc(nulls_last=True), "filing_id").only(
        "filing_id",
        "number",
        "name",
        "algo_type",
        "role",
        "entity_name",
        "products",
        "main_use",
        "state",
        "remark",
    )


def _remark(record: PublicFiling) -> str:
    """备注 as public_refresh wrote it; a cancelled or revoked filing always says so."""
    gone = {PublicState.CANCELLED: "已注销", PublicState.REVOKED: "已撤销"}.get(record.state)
    if gone and gone not in record.remark:
        return gone
    return record.remark


def list_rows_of(records: Iterable[PublicFiling], *, generative: bool, first: int = 1) -> Iterator[dict]:
    """One dict per filing, keyed by the published columns in their order, then `id` (for the page's links
    and the open data; the CSV leaves it out); 序号 from `first`."""
    with translation.override("zh-hans"):
        types = {code: str(label) for code, label in AlgorithmType.choices}
        roles = {code: str(label) for code, label in Role.choices}
    for seq, record in enumerate(records, first):
        row = {"seq": seq, "name": record.name}
        if generative:
            row["role"] = roles.get(record.role, record.role)
        else:
            row["algo_type"] = types.get(record.algo_type, record.algo_type)
        row["entity_name"] = record.entity_name
        row["products"] = record.products  # already 产品名（APP、网站）、… or "--"
        row["main_use"] = record.main_use
        row["number"] = number_display(record.number) if record.number else ""
        row["remark"] = _remark(record)
        row[ID_COLUMN] = record.pk
        yield row


def _iter_rows(*, period: str, generative: bool) -> Iterator[dict]:
    records = list_queryset(period=period, generative=generative).iterator(chunk_size=CHUNK)
    return list_rows_of(records, generative=generative)


def list_rows(*, period: str, generative: bool) -> list[dict]:
    """The list of the period or batch (PUB-05), ordered by date of approval then number; 序号 from 1."""
    return list(_iter_rows(period=period, generative=generative))


def list_count(*, period: str, generative: bool) -> int:
    return list_queryset(period=period, generative=generative).count()


def list_stamp(*, period: str, generative: bool) -> tuple[datetime | None, int]:
    """(the last change of any of the period's filings, how many there are): what the list's pages,
    downloads and open data are a function of, for their validators (issue 17). A filing leaving the
    list changes the count; one joining or changing, the time."""
    # COUNT(*), not COUNT(filing_id): with public_filing_list_stamp the stamp is read off the index alone.
    stamp = list_queryset(period=period, generative=generative).aggregate(
        changed=Max("changed_at"), count=Count("*")
    )
    return stamp["changed"], stamp["count"]


def _rows_reporting(*, period: str, generative: bool, progress: Progress | None, upto: int) -> Iterator[dict]:
    """The rows, calling progress(0…upto) after each chunk."""
    total = list_count(period=period, generative=generative) if progress else 0
    for index, row in enumerate(_iter_rows(period=period, generative=generative), 1):
        yield row
        if progress and (index % CHUNK == 0 or index == total):
            progress(upto * index // max(total, 1))


# --- CSV -------------------------------------------------------------------------------------------

# A cell starting with one of these is a formula to Excel (CSV injection): it is written with a
# leading apostrophe. "--", the CAC's 应用产品 of a technical supporter, is not a formula and is kept.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START) and value != "--":
        return "'" + value
    return value


def list_csv(*, period: str, generative: bool, progress: Progress | None = None) -> bytes:
    """The list as CSV: UTF-8 with a BOM (so that Excel reads it as UTF-8), CRLF line ends, the CAC's
    columns with their Chinese headers and nothing else (no `id`: the CAC's lists have none)."""
    columns = list_columns(generative=generative)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    with translation.override("zh-hans"):
        headers = [str(header) for _key, header in columns]
    writer.writerow(headers)
    for row in _rows_reporting(period=period, generative=generative, progress=progress, upto=99):
        writer.writerow([_csv_cell(row[key]) for key, _header in columns])
    return buffer.getvalue().encode("utf-8-sig")


# --- PDF -------------------------------------------------------------------------------------------

# WeasyPrint reports each page it lays out to the "weasyprint.progress" logger. A long list spends
# nearly all its time there, so that is where its progress comes from. The handler passes a record to
# the callback of the thread that is rendering (threading.local), so concurrent renders never mix.
_progress_local = threading.local()
_progress_lock = threading.Lock()
_progress_installed = False


class _ProgressHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        callback = getattr(_progress_local, "callback", None)
        if callback is not None:
            callback(record)


@contextmanager
def _weasyprint_progress(callback: Callable[[logging.LogRecord], None]):
    global _progress_installed
    with _progress_lock:
        if not _progress_installed:
            logger = logging.getLogger("weasyprint.progress")
            logger.addHandler(_ProgressHandler())
            logger.setLevel(logging.INFO)
            logger.propagate = False  # the settings keep weasyprint's INFO out of the log: so do we
            _progress_installed = True
    _progress_local.callback = callback
    try:
        yield
    finally:
        _progress_local.callback = None


ROWS_PER_PAGE = 11  # measured on typical rows (landscape A4, 9pt): only to estimate the progress


def list_pdf(*, period: str, generative: bool, progress: Progress | None = None) -> bytes:
    """The list as a landscape A4 PDF: title, the table with its header row on every page, page numbers;
    the Noto CJK fonts embedded and subset."""
    label = period_label(period)
    rows = list(_rows_reporting(period=period, generative=generative, progress=progress, upto=5))
    with translation.override("zh-hans"):
        columns = [(key, str(header)) for key, header in list_columns(generative=generative)]
        title = list_title(label=label, generative=generative)
    context = {
        "title": title,
        "columns": columns,
        "rows": rows,
        "generative": generative,
        "generated_on": timezone.localdate(),
        "e": {"name": str(settings.PORTAL_NAME)},  # the PDF's author (base_pdf.html)
    }
    if progress is None:
        return render_pdf("public_search/pdf/list.html", context)

    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))

    def on_record(record: logging.LogRecord) -> None:
        message = str(record.msg)
        if message.startswith("Step 5 - Creating layout - Page") and record.args:
            progress(5 + min(85, 85 * int(record.args[0]) // pages))
        elif message.startswith("Step 6"):  # laid out; the PDF is being written
            progress(92)

    with _weasyprint_progress(on_record):
        return render_pdf("public_search/pdf/list.html", context)


EXPORT_KEEP_DAYS = 7  # a finished export is reused for a day; its link keeps working for a week


def list_exports_prune() -> int:
    """Delete exports (and their files) made more than EXPORT_KEEP_DAYS ago, finished or left
    unfinished (a lost task). Returns how many were deleted."""
    cutoff = timezone.now() - timedelta(days=EXPORT_KEEP_DAYS)
    deleted = 0
    for export in ListExport.objects.filter(created_at__lt=cutoff).iterator():
        if export.file:
            export.file.delete(save=False)
        export.delete()
        deleted += 1
    return deleted


# --- Batches (第N批) --------------------------------------------------------------------------------


class ListBatchEmpty(Exception):
    """Nothing was approved since the last batch of that list: no batch is made."""


def list_batch_pending(*, kind: str) -> QuerySet[PublicFiling]:
    """The filings of the list that no batch has published yet: the next batch's."""
    queryset = PublicFiling.objects.filter(batch_entry__isnull=True)
    return _of_kind(queryset, generative=kind == ListKind.DEEP_SYNTHESIS)


@transaction.atomic
def list_batch_publish(*, kind: str, actor) -> ListBatch:
    """PUB-05: publish the next batch of a list, 第N批 of this year, numbered per year and list: every
    filing of the list approved and not yet in a batch. Raises ListBatchEmpty when there is none.

    Two clicks make one batch: the newest batch of the list is locked first, so a second publication
    waits for the first and then finds nothing left to publish. The first batch of a list has no row to
    lock; there the unique (kind, year, number) and the unique filing of an entry refuse the second."""
    kind = ListKind(kind)
    ListBatch.objects.select_for_update().filter(kind=kind).order_by("-published_at").first()
    now = timezone.now()
    year = timezone.localdate(now).year
    ids = list(
        list_batch_pending(kind=kind).order_by("approved_on", "filing_id").values_list("pk", flat=True)
    )
    if not ids:
        raise ListBatchEmpty(kind)
    last = ListBatch.objects.filter(kind=kind, year=year).aggregate(number=Max("number"))["number"]
    batch = ListBatch.objects.create(
        kind=kind, year=year, number=(last or 0) + 1, published_at=now, published_by=actor
    )
    ListBatchEntry.objects.bulk_create(
        (ListBatchEntry(batch=batch, filing_id=pk) for pk in ids), batch_size=CHUNK
    )
    return batch


def list_batches(*, generative: bool) -> QuerySet[ListBatch]:
    """The published batches of a list, newest first."""
    return ListBatch.objects.filter(kind=list_kind(generative=generative)).order_by("-year", "-number")
