"""Background work of the public side: the 备案清单 (PUB-05) too long to make during a request.

The task takes an id, is idempotent (a done export is left alone), acknowledges late, retries on I/O
errors with backoff, has time limits, and records its progress for the page the reader waits on."""

from __future__ import annotations

import logging
import time

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import DatabaseError
from django.utils import timezone

from .lists import list_count, list_csv, list_exports_prune, list_pdf
from .models_lists import ListExport

log = logging.getLogger(__name__)
MAX_RETRIES = 5


class _Progress:
    """Writes the percentage to the export, only when it grows and at most every half second."""

    def __init__(self, export_id: int) -> None:
        self.export_id = export_id
        self.last = -1
        self.last_at = 0.0

    def __call__(self, percent: int) -> None:
        percent = max(0, min(99, int(percent)))  # 100 is written with the file
        now = time.monotonic()
        if percent <= self.last or (now - self.last_at < 0.5 and percent - self.last < 10):
            return
        try:
            ListExport.objects.filter(pk=self.export_id).update(progress=percent)
        except DatabaseError:  # progress is only shown; losing one update is harmless
            log.warning("list export %s: progress not saved", self.export_id, exc_info=True)
            return
        self.last, self.last_at = percent, now


def _fail(export_id: int, error: str) -> None:
    ListExport.objects.filter(pk=export_id).update(
        status=ListExport.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


@shared_task(
    bind=True,
    acks_late=True,
    time_limit=1800,
    soft_time_limit=1740,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=MAX_RETRIES,
)
def list_export_task(self, export_id: int) -> str:
    """Make the list of `export_id` as CSV or PDF and store it with the default storage."""
    export = ListExport.objects.filter(pk=export_id).first()
    if export is None:
        return "missing"
    if export.status == ListExport.Status.DONE:
        return "done"  # idempotent: a redelivered or repeated task does nothing
    period, generative = export.period, export.generative
    ListExport.objects.filter(pk=export_id).update(
        status=ListExport.Status.RUNNING,
        progress=0,
        error="",
        total=list_count(period=period, generative=generative),
    )
    progress = _Progress(export_id)
    try:
        make = list_pdf if export.fmt == ListExport.Format.PDF else list_csv
        content = make(period=period, generative=generative, progress=progress)
        # An ASCII name in storage; the download is named in Chinese (Content-Disposition).
        name = f"list-{period}-{'generative' if generative else 'all'}-{export_id}.{export.fmt}"
        export.file.save(name, ContentFile(content), save=False)
    except OSError as exc:
        if self.request.retries >= MAX_RETRIES:
            _fail(export_id, f"{type(exc).__name__}: {exc}")
            return "failed"
        ListExport.objects.filter(pk=export_id).update(status=ListExport.Status.PENDING)
        raise  # autoretry_for: again, with backoff
    except SoftTimeLimitExceeded:
        _fail(export_id, "time limit exceeded")
        return "failed"
    except Exception as exc:  # the reader is told it failed; the log has the traceback
        log.exception("list export %s failed", export_id)
        _fail(export_id, f"{type(exc).__name__}: {exc}")
        return "failed"
    ListExport.objects.filter(pk=export_id).update(
        status=ListExport.Status.DONE, progress=100, file=export.file.name, finished_at=timezone.now()
    )
    return "done"


@shared_task(ignore_result=True)
def list_exports_prune_task() -> int:
    """Daily: old exported lists and their files go (they are made again on demand)."""
    return list_exports_prune()
