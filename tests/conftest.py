"""Suite-wide fixtures. The suite runs on SQLite by default and on PostgreSQL and
Redis when DATABASE_URL / REDIS_URL are set (.ci/run sets them)."""

from __future__ import annotations

import logging
import os

import pytest
from django.db import connection

from beian.celery import app as celery_app

from .factories import EntityFactory, FilerFactory, ReviewerFactory


def _server(name: str) -> str:
    return os.environ.get(name, "")


requires_postgres = pytest.mark.skipif(
    not _server("DATABASE_URL"), reason="needs PostgreSQL: set DATABASE_URL (.ci/run does)"
)
requires_redis = pytest.mark.skipif(
    not _server("REDIS_URL"), reason="needs Redis: set REDIS_URL (.ci/run does)"
)


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process unless a test starts a real worker (tests/test_worker.py)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Password hashing is not what these tests measure.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def quiet_request_log():
    """Thousands of 4xx answers, each logged by django.request, would bury the report; 5xx answers are
    counted and listed by the tests themselves."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.fixture
def unthrottled(monkeypatch):
    """The open-data API's per-IP limit (120/min) would answer 429 to a fuzzer or a table of bad values
    long before it had tried them all: lift it for the test."""
    from public_search.api import PublicThrottle

    monkeypatch.setattr(PublicThrottle, "THROTTLE_RATES", {**PublicThrottle.THROTTLE_RATES, "public": None})


@pytest.fixture
def entity(db):
    return EntityFactory()


@pytest.fixture
def filer(db):
    return FilerFactory()


@pytest.fixture
def reviewer(db):
    return ReviewerFactory()


def pytest_report_header(config):
    db = "PostgreSQL (DATABASE_URL)" if _server("DATABASE_URL") else "SQLite (embedded default)"
    broker = "Redis (REDIS_URL)" if _server("REDIS_URL") else "kombu filesystem transport (embedded default)"
    return [f"beian database: {db}", f"beian broker: {broker}"]


@pytest.fixture
def db_vendor(db) -> str:
    return connection.vendor
