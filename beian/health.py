"""/healthz: is the database reachable, is the broker reachable (JSON; 503 when one is down).

Anyone can ask, so the answer says only "ok" or "down" for each (SEC-05): no host, port, vendor,
transport or exception text. What went wrong is logged here at WARNING for the operators.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "broker": _broker}


def _state(name: str, probe: Callable[[], None]) -> str:
    try:
        probe()
    except Exception:  # noqa: BLE001 — any failure means "down"; the log says which
        logger.warning("healthz: the %s is down", name, exc_info=True)
        return "down"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    checks = {name: _state(name, probe) for name, probe in CHECKS.items()}
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", "checks": checks}, status=200 if healthy else 503
    )
