"""备案清单 (PUB-05): the filings approved in a period, in the CAC's columns, as a web page, CSV and PDF.

Two lists, as the CAC publishes them: every type with 算法类别; and 生成合成类 (type 01) on its own, with
角色 in place of 算法类别. A period is a month ("2026-11") or, because the CAC publishes in batches, a
whole year ("2026"): the filings whose first approval falls in it. A filing stays on the list of its
period after it is cancelled or revoked; 备注 says so.

Only PublicFiling is read: it holds nothing private (PUB-06). The CSV has exactly the published columns,
plus the filing's public id. The lists are official Chinese documents: they are written in Chinese
whatever the reader's language.
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
from django.db.models import Count, F, Max, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from algorithms.models import AlgorithmType, Role
from beian.input_fields import last_year
from filers.documents import _render as render_pdf
from review.numbers import number_display

from .models import ListExport, PublicFiling, PublicState

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
ID_COLUMN = "id"

_YEAR = re.compile(r"(\d{4})\s*年?")
_MONTH = re.compile(r"(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?")


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


def list_title(*, label: str, generative: bool) -> str:
    """ "2026年11月 算法备案清单", "2026年 生成合成类算法备案清单" — in the page's language (the PDF asks
    for it in Chinese, as the CAC titles its lists)."""
    period = _period_display(label)
    if generative:
        return str(_("%(period)s 生成合成类算法备案清单") % {"period": period})
    return str(_("%(period)s 算法备案清单") % {"period": period})


def _period_display(label: str) -> str:
    """ "2026年11月" as the language writes a month ("November 2026"), "2026年" as it writes a year."""
    from django.utils.formats import date_format

    m = re.fullmatch(r"(\d{4})年(?:(\d{1,2})月)?", label)
    if not m:
        return label
    year, month = m.groups()
    if month:
        return date_format(date(int(year), int(month), 1), "YEAR_MONTH_FORMAT")
    return str(_("%(year)s年") % {"year": year})


def list_filename(*, period: str, generative: bool, fmt: str) -> str:
    """The name a download is saved under: "2026年11月生成合成类算法备案清单.pdf"."""
    _start, _end, label = period_parse(period)
    return f"{label}{'生成合成类' if generative else ''}算法备案清单.{fmt}"


# --- Rows ------------------------------------------------------------------------------------------


def list_columns(*, generative: bool) -> tuple[tuple[str, str], ...]:
    """(key, header) of the published columns, in the CAC's order."""
    return GENERATIVE_COLUMNS if generative else COLUMNS


def list_queryset(*, period: str, generative: bool) -> QuerySet[PublicFiling]:
    """The period's filings in list order: by date of approval, then by number."""
    start, end, _label = period_parse(period)
    queryset = PublicFiling.objects.filter(approved_on__gte=start, approved_on__lte=end)
    if generative:
        queryset = queryset.filter(algo_type=AlgorithmType.GENERATION)
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
    """One dict per filing, keyed by the published columns in their order, then `id`; 序号 from `first`."""
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
    """The list of the period (PUB-05), ordered by date of approval then number; 序号 from 1."""
    return list(_iter_rows(period=period, generative=generative))


def list_count(*, period: str, generative: bool) -> int:
    return list_queryset(period=period, generative=generative).count()


def list_stamp(*, period: str, generative: bool) -> tuple[datetime | None, int]:
    """(the last change of any of the period's filings, how many there are): what the list's pages,
    downloads and open data are a function of, for their validators (issue 17). A filing leaving the
    list changes the count; one joining or changing, the time."""
    stamp = list_queryset(period=period, generative=generative).aggregate(
        changed=Max("changed_at"), count=Count("pk")
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
    Chinese column headers."""
    columns = list_columns(generative=generative)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    with translation.override("zh-hans"):
        headers = [str(header) for _key, header in columns]
    # `id`, the filing's public id (its page is /public/filing/<id>/), comes LAST so that the published
    # columns keep the CAC's order, and re-users can join lists of different periods, or a list with the
    # API, on a key that never changes (a number may be missing while it is being issued).
    writer.writerow([*headers, ID_COLUMN])
    for row in _rows_reporting(period=period, generative=generative, progress=progress, upto=99):
        writer.writerow([*(_csv_cell(row[key]) for key, _header in columns), row[ID_COLUMN]])
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
    _start, _end, label = period_parse(period)
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
