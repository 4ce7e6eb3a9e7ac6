"""/healthz, the API skeleton under /api/v1/ and its OpenAPI schema."""

import json
import logging
from unittest import mock

import pytest
from django.db import connection, connections
from django.db.utils import OperationalError
from rest_framework.test import APIClient

from beian.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_healthz_is_503_when_the_broker_is_down(client, monkeypatch):
    # Nothing listens on port 1: the broker is unreachable.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "checks": {"database": "ok", "broker": "down"}}


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "checks": {"database": "down", "broker": "ok"}}


# SEC-05: anyone can ask /healthz, so it names no host, port, vendor, transport or error; the log does.
REFUSED = (
    'connection to server at "db.internal" (10.9.8.7), port 5432 failed: Connection refused\n'
    "\tIs the server running on that host and accepting TCP/IP connections?"
)
BROKER_URL = "redis://127.0.0.1:59999/0"  # nothing listens there


def _tells_nothing(body: str) -> None:
    words = ["db.internal", "10.9.8.7", "5432", "Connection refused", "127.0.0.1", "59999", "Error"]
    words += [
        connection.vendor,
        connection.settings_dict["HOST"] or "localhost",
        "redis",
        "kombu",
        "filesystem",
        "beianfs",
    ]
    for word in words:
        assert word.lower() not in body.lower(), word


def test_sec_05_healthz_shows_no_detail_when_all_is_well(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    _tells_nothing(response.content.decode())


def test_sec_05_healthz_database_down_says_down_and_logs_why(client, caplog):
    with mock.patch.object(
        connections["default"], "ensure_connection", side_effect=OperationalError(REFUSED)
    ):
        with caplog.at_level(logging.WARNING, logger="beian.health"):
            response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "checks": {"database": "down", "broker": "ok"}}
    _tells_nothing(response.content.decode())
    (record,) = [r for r in caplog.records if r.name == "beian.health"]
    assert record.levelno == logging.WARNING and "db.internal" in caplog.text


def test_sec_05_healthz_broker_down_says_down_and_logs_why(client, monkeypatch, caplog):
    monkeypatch.setattr(celery_app.conf, "broker_url", BROKER_URL)
    with caplog.at_level(logging.WARNING, logger="beian.health"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "checks": {"database": "ok", "broker": "down"}}
    _tells_nothing(response.content.decode())
    (record,) = [r for r in caplog.records if r.name == "beian.health"]
    assert record.levelno == logging.WARNING and record.exc_info is not None


def test_openapi_schema_and_its_browsable_page(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    document = json.loads(schema.content)
    assert document["openapi"].startswith("3.")
    assert "/api/v1/me/" in document["paths"]

    page = client.get("/api/schema/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    # Served by the portal itself: no CDN.
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_api_accepts_session_and_token_authentication(filer):
    api = APIClient()
    assert api.get("/api/v1/me/").status_code in (401, 403)

    token = api.post("/api/v1/auth/token/", {"username": filer.username, "password": "Beian#2026pass"}).json()
    assert set(token) == {"token", "expiry"}
    api.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    me = api.get("/api/v1/me/").json()
    assert me == {
        "username": filer.username,
        "role": "filer",
        "province_code": "",
        "entity_id": filer.entity_id,
    }

    session = APIClient()
    session.force_login(filer)
    assert session.get("/api/v1/me/").json()["username"] == filer.username
