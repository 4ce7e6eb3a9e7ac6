from celery import shared_task
from django.core.cache import cache
from django.utils import timezone


@shared_task(name="beian.heartbeat", acks_late=True, time_limit=30, soft_time_limit=25, ignore_result=True)
def heartbeat() -> None:
    """Beat sends this every minute; the time the worker last ran it shows the pair is alive."""
    cache.set("beian:worker-heartbeat", timezone.now().isoformat(), timeout=None)


@shared_task(name="beian.rate_counters_prune", acks_late=True, time_limit=120, ignore_result=True)
def rate_counters_prune() -> int:
    """SEC-03: the database counters of ended windows (none are written when Redis counts)."""
    from .throttling import counters_prune

    return counters_prune()


@shared_task(name="beian.idempotency_keys_prune", acks_late=True, time_limit=120, ignore_result=True)
def idempotency_keys_prune() -> int:
    """REL-03: create keys older than a day."""
    from .concurrency import idempotency_keys_prune as prune

    return prune()
