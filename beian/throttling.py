"""SEC-03: one rate-limit policy for the whole portal, used by the pages (`rate_limited`) and the API
(`PolicyThrottle`).

Who is counted: `client_address`, the real client's address. REMOTE_ADDR, unless `TRUSTED_PROXIES`
says how many reverse proxies stand in front of the portal; then the address the outermost of them saw,
the N-th entry from the right of X-Forwarded-For. Entries left of it were written by the client and are
never read. django-axes uses the same function (AXES_CLIENT_IP_CALLABLE), so a forged header dodges
neither a rate limit nor the login lockout. IPv6 clients are counted by their /64, the block one
subscriber gets, so that rotating through one's own addresses does not reset the count.

How they are counted: a fixed window. A hit adds one to the counter of (action, client, window) and is
refused once the counter passes the limit; Retry-After is the time to the window's end. The increment
is atomic, so concurrent requests admit exactly the limit: on Redis (REDIS_URL) a Lua script INCRs and
sets the expiry in one step, so no key lives without a TTL; embedded, an upsert on `beian.RateCounter`
(INSERT … ON CONFLICT DO UPDATE … RETURNING, SQLite ≥ 3.35 and PostgreSQL), pruned by beat. A fixed
window lets a client spend one window's limit at its end and the next at the start of the next: at
most twice the limit over one window's length, which the limits below allow for.

Limits are the settings' RATE_LIMITS, "N/unit" with unit s, min, h or d, optionally with a count
("5/15min"); a limit of "0" or "" turns an action's limit off. If Redis is unreachable the request is
let through and the error logged: a Redis outage must not take the public site down, and axes still
locks accounts per user.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)

UNITS = {"s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")

# The clock of the windows; tests move it.
clock = time.time


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int  # seconds


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window ends


def rate_parse(text: str) -> Rate | None:
    """'60/min' → Rate(60, 60); '5/15min' → Rate(5, 900); '' or '0' → None (no limit)."""
    if not text or text.strip() in ("0", "none", "off"):
        return None
    match = RATE_RE.match(text.lower())
    if not match or match.group(3) not in UNITS:
        raise ValueError(f"rate {text!r}: expected N/unit, e.g. 60/min, 5/15min, 1000/d")
    count, multiple, unit = match.groups()
    return Rate(limit=int(count), window=int(multiple or 1) * UNITS[unit])


def rate_for(action: str) -> Rate | None:
    return rate_parse(settings.RATE_LIMITS.get(action, ""))


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    """SEC-03: the real client's address. With TRUSTED_PROXIES = N > 0, the N-th entry from the right
    of X-Forwarded-For (the address the outermost trusted proxy saw); REMOTE_ADDR when the header has
    fewer entries or that entry is not an IP address. Also axes's AXES_CLIENT_IP_CALLABLE."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXIES
    if proxies > 0:
        entries = [e for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
        if len(entries) >= proxies:
            seen = _address(entries[-proxies])
            if seen is not None:
                return seen
            logger.warning("X-Forwarded-For entry %r is not an address; using REMOTE_ADDR", entries[-proxies])
    return _address(remote) or remote


def client_key(request) -> str:
    """What a limit counts: the address, an IPv6 one by its /64."""
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


# --- counters -------------------------------------------------------------------------------------

# INCR and the expiry in one step: a key never exists without a TTL, even if the process dies between.
_REDIS_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""


@functools.cache
def _redis_script(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).register_script(_REDIS_HIT)


def redis_incr(key: str, ttl: int) -> int:
    return int(_redis_script(settings.REDIS_URL)(keys=[key], args=[ttl]))


def database_incr(key: str, expires_at: int) -> int:
    """One atomic statement: concurrent hits on one key each get their own count."""
    from .models import RateCounter

    q = connection.ops.quote_name
    table, key_col, count, expires = (
        q(RateCounter._meta.db_table),
        q("key"),
        q("count"),
        q("expires_at"),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_col}, {count}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT ({key_col}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}",
            [key, expires_at],
        )
        return int(cursor.fetchone()[0])


def counters_prune() -> int:
    """Delete the database counters of windows that have ended (beat runs it)."""
    from .models import RateCounter

    deleted, _ = RateCounter.objects.filter(expires_at__lt=int(clock())).delete()
    return deleted


def hit(action: str, who: str, rate: Rate | None = None) -> Decision:
    """Count one request of `who` for `action` and say whether it is within the limit."""
    rate = rate or rate_for(action)
    if rate is None:
        return Decision(allowed=True, count=0, limit=0, retry_after=0)
    now = clock()
    window = int(now // rate.window)
    ends = (window + 1) * rate.window
    retry_after = max(1, math.ceil(ends - now))
    key = f"{settings.RATE_LIMIT_KEY_PREFIX}:{action}:{who}:{rate.window}:{window}"
    if settings.RATE_LIMIT_STORE == "redis":
        from redis.exceptions import RedisError

        try:
            count = redis_incr(key, ttl=retry_after + 1)
        except RedisError:  # an outage lets the request through (see the module's docstring)
            logger.exception("rate-limit store unreachable; %s not limited", action)
            return Decision(allowed=True, count=0, limit=rate.limit, retry_after=0)
    else:
        # Errors propagate: without its database the portal cannot answer anyway.
        count = database_incr(key, expires_at=int(ends) + 1)
    return Decision(allowed=count <= rate.limit, count=count, limit=rate.limit, retry_after=retry_after)


def request_hit(request, action: str) -> Decision:
    return hit(action, client_key(request))


# --- pages and API --------------------------------------------------------------------------------


def throttled_response(request, decision: Decision):
    """Our 429 page, saying when to try again, with Retry-After."""
    response = render(
        request,
        "429.html",
        {"retry_after": decision.retry_after, "retry_minutes": math.ceil(decision.retry_after / 60)},
        status=429,
    )
    response["Retry-After"] = str(decision.retry_after)
    return response


def rate_limited(action: str, methods: tuple[str, ...] | None = None):
    """A page's limit: requests of `methods` (all when None) beyond the action's rate answer 429."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if methods is None or request.method in methods:
                decision = request_hit(request, action)
                if not decision.allowed:
                    return throttled_response(request, decision)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class PolicyThrottle(BaseThrottle):
    """The API's limit: a view with `throttle_scope = "<action>"` is counted under that action, the same
    counter as the pages'; DRF answers 429 JSON with Retry-After. Views without a scope pass."""

    def allow_request(self, request, view) -> bool:
        action = getattr(view, "throttle_scope", None)
        if not action:
            return True
        self.decision = request_hit(request, action)
        return self.decision.allowed

    def wait(self) -> float | None:
        return self.decision.retry_after

    def get_ident(self, request) -> str:
        return client_key(request)
