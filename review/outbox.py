"""REL-01/REL-02: the transactional outbox.

A change writes what it owes with `outbox_add` inside its own transaction. Once it commits, the item is
handed to the broker; if that fails (the broker is down), the failure is logged, never raised to the person
who made the change, and the sweep does the item later. An item is done by `outbox_deliver`, which locks
its row, runs its handler and marks it done in one transaction, so however many workers and sweeps race,
each item's work is committed once. A handler that fails is retried later with a growing delay; it never
stops the sweep for the other items.

Handlers are registered by name (`register`) by the apps that own the work, in AppConfig.ready(), so the
review core runs them without importing the apps above it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import OutboxItem

log = logging.getLogger(__name__)

HANDLERS: dict[str, Callable[..., object]] = {}
# Repairs the sweep runs: each returns what it repaired (e.g. numbers of approved filings without one).
REPAIRS: dict[str, Callable[[], int]] = {}
# A failed item waits 1, 2, 4 … minutes before it is tried again, at most a day.
RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(days=1)
# The sweep leaves fresh items to the worker that was sent them.
SWEEP_GRACE = timedelta(seconds=30)


def register(name: str, handler: Callable[..., object]) -> None:
    HANDLERS[name] = handler


def register_repair(name: str, repair: Callable[[], int]) -> None:
    REPAIRS[name] = repair


def repairs_run() -> dict[str, int | None]:
    """Run every registered repair; one that fails is logged (None in the result) and the others run."""
    results: dict[str, int | None] = {}
    for name, repair in REPAIRS.items():
        try:
            results[name] = repair()
        except Exception:  # noqa: BLE001 — one failing repair must not stop the sweep
            log.exception("sweep: repair %s failed", name)
            results[name] = None
    return results


def outbox_add(*, key: str, handler: str, **args) -> OutboxItem:
    """Owe `handler(**args)` once, in the caller's transaction; the same `key` again owes nothing more."""
    if handler not in HANDLERS:
        raise LookupError(f"no outbox handler named {handler!r}")
    item, created = OutboxItem.objects.get_or_create(key=key, defaults={"handler": handler, "args": args})
    if created:
        transaction.on_commit(lambda: outbox_publish(item.pk))
    return item


def publish_on_commit(task, *args) -> None:
    """Send `task(*args)` once the transaction commits, for work that repairs itself when lost (it is
    asked for again): a broker that is down is logged, never raised to the user (REL-01)."""

    def send() -> None:
        try:
            task.apply_async(args, retry=False)
        except Exception:  # noqa: BLE001
            log.warning("task %s%r not handed to the broker", task.name, args, exc_info=True)

    transaction.on_commit(send)


def outbox_publish(item_id: int) -> bool:
    """Hand an item to the broker; a broker that is down is logged and left to the sweep, never raised."""
    from .tasks import outbox_deliver_task

    try:
        outbox_deliver_task.apply_async((item_id,), retry=False)
    except Exception:  # noqa: BLE001 — whatever the broker's failure, the change is committed and kept
        log.warning("outbox item %s not handed to the broker; the sweep will do it", item_id, exc_info=True)
        return False
    return True


DONE, SKIPPED, FAILED = "done", "skipped", "failed"


def outbox_deliver(item_id: int) -> str:
    """Do one item, if it is still owed and nobody else is doing it: DONE when this call did it, SKIPPED
    when it was done already or is being done, FAILED when its handler raised.

    The handler's work and the done mark commit together; a failing handler rolls its work back, and
    the failure is recorded on the item with the time of the next try."""
    try:
        with transaction.atomic():
            item = (
                OutboxItem.objects.select_for_update(skip_locked=True)
                .filter(pk=item_id, done_at=None)
                .first()
            )
            if item is None:
                return SKIPPED  # done already, or being done by another worker right now
            HANDLERS[item.handler](**item.args)
            item.done_at = timezone.now()
            item.attempts += 1
            item.save(update_fields=["done_at", "attempts"])
            return DONE
    except Exception as exc:  # noqa: BLE001 — recorded on the item and retried; one item never stops others
        log.exception("outbox item %s failed", item_id)
        _failed(item_id, exc)
        return FAILED


def _failed(item_id: int, exc: Exception) -> None:
    item = OutboxItem.objects.filter(pk=item_id).first()
    if item is None:
        return
    delay = min(RETRY_BASE * (2 ** min(item.attempts, 20)), RETRY_MAX)
    OutboxItem.objects.filter(pk=item_id).update(
        attempts=item.attempts + 1,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        available_at=timezone.now() + delay,
    )


def outbox_sweep(*, limit: int = 5000) -> dict:
    """Do what is still owed: items the broker never got, or a dead worker left. Each in its own
    transaction; a failure is recorded and the sweep goes on."""
    now = timezone.now()
    pending = list(
        OutboxItem.objects.filter(done_at=None, available_at__lte=now, created_at__lte=now - SWEEP_GRACE)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    outcomes = [outbox_deliver(pk) for pk in pending]
    return {outcome: outcomes.count(outcome) for outcome in (DONE, SKIPPED, FAILED)}
