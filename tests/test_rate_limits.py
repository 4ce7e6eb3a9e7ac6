"""SEC-03: rate limits key on the real client address, cover every costly public action, and count
atomically (beian.throttling)."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from beian import throttling
from beian.models import RateCounter

from .conftest import requires_postgres, requires_redis
from .factories import FilerFactory

pytestmark = pytest.mark.django_db

# The windows' clock stands still at the start of an hour, so a test's requests never straddle two
# windows and Retry-After is predictable.
FROZEN = 1_900_000_800.0  # a whole hour in Unix time


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch):
    monkeypatch.setattr(throttling, "clock", lambda: FROZEN)


def _tight(settings, action: str, rate: str = "2/h") -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, action: rate}


# --- the client address --------------------------------------------------------------------------


def test_sec_03_a_forged_x_forwarded_for_does_not_reset_the_limit(settings):
    """With TRUSTED_PROXIES=0 (the default) the header is never read: a new X-Forwarded-For per
    request is the same client, limited after its 2 requests, on the API and on a page."""
    assert settings.TRUSTED_PROXIES == 0
    _tight(settings, "open_data")
    _tight(settings, "search")
    api, page = APIClient(), Client()
    codes = [
        api.get("/api/v1/public/filings/", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
        for i in range(3)
    ]
    assert codes == [200, 200, 429]
    pages = [page.get("/search/", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(3)]
    assert pages == [200, 200, 429]


def test_sec_03_behind_one_proxy_the_right_most_entry_is_the_key(settings):
    """TRUSTED_PROXIES=1: the proxy appends the address it saw; what the client wrote to its left is
    ignored, so changing it does not help, while another real client has its own count."""
    settings.TRUSTED_PROXIES = 1
    _tight(settings, "open_data")
    api = APIClient(REMOTE_ADDR="10.0.0.2")  # the proxy

    def get(xff: str) -> int:
        return api.get("/api/v1/public/filings/", HTTP_X_FORWARDED_FOR=xff).status_code

    assert [get(f"{i}.{i}.{i}.{i}, 203.0.113.7") for i in range(1, 4)] == [200, 200, 429]
    assert get("203.0.113.7") == 429  # the same client without a spoofed entry
    assert get("1.1.1.1, 203.0.113.8") == 200  # another client behind the same proxy


@pytest.mark.parametrize(
    ("proxies", "xff", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.2"),
        (1, "", "10.0.0.2"),  # no header: the proxy's address, not a blank key
        (1, "192.0.2.1, 203.0.113.7", "203.0.113.7"),
        (2, "192.0.2.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),  # the outer proxy's view
        (2, "203.0.113.7", "10.0.0.2"),  # fewer entries than proxies
        (1, "192.0.2.1, not-an-address", "10.0.0.2"),  # a malformed entry is not trusted
        (1, "192.0.2.1,2001:db8::1", "2001:db8::1"),
    ],
)
def test_sec_03_client_address_trusts_only_the_configured_proxies(settings, rf, proxies, xff, expected):
    settings.TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=xff)
    assert throttling.client_address(request) == expected


def test_sec_03_an_ipv6_client_is_counted_by_its_64(rf):
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert throttling.client_key(one) == throttling.client_key(other) == "2001:db8:1:2::/64"
    assert throttling.client_key(rf.get("/", REMOTE_ADDR="::ffff:192.0.2.1")) == "192.0.2.1"


def test_sec_03_the_login_lockout_counts_the_same_address(settings):
    """axes asks beian.throttling.client_address: behind one proxy, failures lock the real client out
    however it rewrites the left of the header, and do not lock out another client of the proxy."""
    settings.TRUSTED_PROXIES = 1
    user = FilerFactory()
    attacker = Client(REMOTE_ADDR="10.0.0.2")
    for i in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(
            reverse("filers:login"),
            {"username": user.username, "password": "wrong-password"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.66",
        )
    locked = attacker.post(
        reverse("filers:login"),
        {"username": user.username, "password": "Beian#2026pass"},
        HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.66",
    )
    assert locked.status_code == 429 and "登录已暂时锁定" in locked.content.decode()
    owner = Client(REMOTE_ADDR="10.0.0.2")
    response = owner.post(
        reverse("filers:login"),
        {"username": user.username, "password": "Beian#2026pass"},
        HTTP_X_FORWARDED_FOR="198.51.100.5",
    )
    assert response.status_code == 302 and owner.session["_auth_user_id"] == str(user.pk)


# --- every limited route -------------------------------------------------------------------------

# (action, method, path, data, is_api); a fresh username per request keeps axes's lockout out of it.
ROUTES = [
    ("register", "post", "/account/register/", {"username": "x"}, False),
    ("register", "post", "/api/v1/register/", {"username": "x"}, True),
    ("login", "post", "/account/login/", {"username": "u{i}", "password": "p"}, False),
    ("login", "post", "/admin/login/", {"username": "u{i}", "password": "p"}, False),
    ("login", "post", "/api/v1/auth/token/", {"username": "u{i}", "password": "p"}, True),
    ("password_reset", "post", "/account/password-reset/", {"email": "a@example.cn"}, False),
    ("activation_resend", "post", "/account/activate/resend/", {"login": "u{i}"}, False),
    ("number_check", "get", "/number-check/", {"number": "网信算备110108823483902220017号"}, False),
    ("number_check", "get", "/api/v1/public/number-check/", {"number": "1"}, True),
    ("search", "get", "/search/", {"q": "星河"}, False),
    ("open_data", "get", "/api/v1/public/filings/", {"q": "星河"}, True),
    ("open_data", "get", "/api/v1/public/filings/1/", {}, True),
    ("open_data", "get", "/api/v1/public/lists/", {"period": "2026-11"}, True),
]


@pytest.mark.parametrize(("action", "method", "path", "data", "is_api"), ROUTES, ids=[r[2] for r in ROUTES])
def test_sec_03_every_limited_route_answers_429_past_its_limit(settings, action, method, path, data, is_api):
    _tight(settings, action)
    client = APIClient() if is_api else Client()

    def send(i: int):
        payload = {k: v.format(i=i) for k, v in data.items()}
        return getattr(client, method)(path, payload)

    first = [send(i).status_code for i in range(2)]
    assert 429 not in first
    refused = send(2)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"  # to the end of the hour's window
    if is_api:
        assert refused["Content-Type"] == "application/json"
        assert "detail" in refused.json()
    else:
        page = refused.content.decode()
        assert "请求过于频繁" in page and "请在 60 分钟后重试" in page


def test_sec_03_the_429_page_speaks_english_and_counts_seconds_near_the_end(settings, monkeypatch):
    _tight(settings, "search", "1/min")
    monkeypatch.setattr(throttling, "clock", lambda: FROZEN + 15)
    client = Client()
    client.cookies.load({"django_language": "en"})
    client.get("/search/")
    refused = client.get("/search/")
    assert refused.status_code == 429 and refused["Retry-After"] == "45"
    assert "Please try again in 45 seconds" in refused.content.decode()


def test_sec_03_a_page_and_its_api_share_one_count(settings):
    """The number check counts the same, whether asked on the page or through the API."""
    _tight(settings, "number_check")
    assert Client().get("/number-check/", {"number": "1"}).status_code == 200
    assert APIClient().get("/api/v1/public/number-check/", {"number": "1"}).status_code == 200
    assert Client().get("/number-check/", {"number": "1"}).status_code == 429
    assert APIClient().get("/api/v1/public/number-check/", {"number": "1"}).status_code == 429


def test_sec_03_a_login_page_get_is_not_counted(settings):
    """Only attempts count: reading the login form many times leaves the attempts untouched."""
    _tight(settings, "login")
    client = Client()
    assert {client.get("/account/login/").status_code for _ in range(5)} == {200}
    assert client.post("/account/login/", {"username": "a", "password": "b"}).status_code == 200


def test_sec_03_a_new_window_starts_a_new_count(settings, monkeypatch):
    _tight(settings, "search", "1/min")
    client = Client()
    assert [client.get("/search/").status_code for _ in range(2)] == [200, 429]
    monkeypatch.setattr(throttling, "clock", lambda: FROZEN + 60)
    assert client.get("/search/").status_code == 200


def test_sec_03_rates_are_read_from_their_notation():
    assert throttling.rate_parse("60/min") == throttling.Rate(60, 60)
    assert throttling.rate_parse("5/15min") == throttling.Rate(5, 900)
    assert throttling.rate_parse("1000/d") == throttling.Rate(1000, 86400)
    assert throttling.rate_parse("0") is None and throttling.rate_parse("") is None
    with pytest.raises(ValueError, match="N/unit"):
        throttling.rate_parse("60 per minute")


# --- the counters --------------------------------------------------------------------------------


def test_sec_03_the_database_counter_counts_each_hit_exactly_once(settings):
    """The embedded counter: one upsert per hit, so the n-th hit reads n; exactly the limit is
    admitted; its row expires with its window and the prune removes only ended windows."""
    settings.RATE_LIMIT_STORE = "database"
    rate = throttling.Rate(limit=5, window=3600)
    decisions = [throttling.hit("search", "192.0.2.1", rate) for _ in range(8)]
    assert [d.count for d in decisions] == list(range(1, 9))
    assert sum(d.allowed for d in decisions) == 5
    (row,) = RateCounter.objects.filter(key__contains=":search:192.0.2.1:")
    assert row.count == 8 and row.expires_at == FROZEN + 3600 + 1
    RateCounter.objects.create(key="ended", count=3, expires_at=int(FROZEN) - 1)
    assert throttling.counters_prune() == 1
    assert RateCounter.objects.filter(pk=row.pk).exists()


def _hammer(settings, threads: int, hits_each: int, limit: int) -> list[throttling.Decision]:
    """`threads` threads released at once, each hitting one key `hits_each` times."""
    rate = throttling.Rate(limit=limit, window=3600)
    who = f"192.0.2.{uuid.uuid4().int % 250}"
    barrier = threading.Barrier(threads)
    decisions: list[throttling.Decision] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait()
            mine = [throttling.hit("open_data", who, rate) for _ in range(hits_each)]
            with lock:
                decisions.extend(mine)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    return decisions


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_sec_03_the_database_counter_admits_exactly_the_limit_under_concurrency(settings):
    settings.RATE_LIMIT_STORE = "database"
    decisions = _hammer(settings, threads=16, hits_each=5, limit=30)
    assert sorted(d.count for d in decisions) == list(range(1, 81))  # no two hits read the same count
    assert sum(d.allowed for d in decisions) == 30


@requires_redis
def test_sec_03_the_redis_counter_admits_exactly_the_limit_under_concurrency(settings):
    settings.RATE_LIMIT_STORE = "redis"
    decisions = _hammer(settings, threads=16, hits_each=5, limit=30)
    assert sorted(d.count for d in decisions) == list(range(1, 81))
    assert sum(d.allowed for d in decisions) == 30


@requires_redis
def test_sec_03_a_redis_counter_never_lives_without_a_ttl(settings):
    import redis

    settings.RATE_LIMIT_STORE = "redis"
    throttling.hit("search", "192.0.2.9", throttling.Rate(limit=5, window=3600))
    client = redis.Redis.from_url(settings.REDIS_URL)
    (key,) = client.keys(f"{settings.RATE_LIMIT_KEY_PREFIX}:search:192.0.2.9:*")
    assert 0 < client.ttl(key) <= 3601
    # A key left without a TTL (an older writer, a manual SET) gets one at its next hit.
    client.persist(key)
    throttling.hit("search", "192.0.2.9", throttling.Rate(limit=5, window=3600))
    assert 0 < client.ttl(key) <= 3601


def test_sec_03_an_unreachable_redis_lets_requests_through(settings, caplog):
    settings.RATE_LIMIT_STORE = "redis"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    decision = throttling.hit("search", "192.0.2.1", throttling.Rate(limit=1, window=60))
    assert decision.allowed
    assert "rate-limit store unreachable" in caplog.text
