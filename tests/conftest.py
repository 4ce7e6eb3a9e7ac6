"""Suite-wide fixtures. The suite runs on SQLite by default and on PostgreSQL and
Redis when DATABASE_URL / REDIS_URL are set (.ci/run sets them)."""

from __future__ import annotations

import logging
import os
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

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


@pytest.fixture(autouse=True)
def _rate_limits(settings):
    """SEC-03: the suite is not throttled by accident. Every action's limit is far above what a test
    sends (the counting code still runs), and each test counts under a key prefix of its own, so that
    neither earlier tests nor parallel workers sharing one Redis add to its counts. A test of a limit
    sets it tight: settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "3/h"}."""
    settings.RATE_LIMITS = {action: "1000000/min" for action in settings.RATE_LIMITS}
    settings.RATE_LIMIT_KEY_PREFIX = f"beian:rl:test:{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request in English leaves English active in the test's
    thread (LocaleMiddleware activates and never deactivates), and a later test that reads a lazy label
    would read it in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
