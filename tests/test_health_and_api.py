"""/healthz, the API skeleton under /api/v1/ and its OpenAPI schema."""

import json

import pytest
from django.db import connection
from rest_framework.test import APIClient

from beian.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "detail": connection.vendor}
    assert body["broker"]["ok"] is True


def test_healthz_is_503_when_the_broker_is_down(client, monkeypatch):
    # Nothing listens on port 1: the broker is unreachable.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"]["ok"] is False and body["database"]["ok"] is True


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False


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
