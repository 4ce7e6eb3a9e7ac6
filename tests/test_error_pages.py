"""SEC-05: the portal's own 404 and 500 pages in both languages, JSON errors under /api/, and 503 with
Retry-After when the database cannot be reached — also when a middleware fails before any view, and
never Django's bare "Server Error (500)" nor a word of what failed."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connections
from django.db.utils import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db

# What a real refused connection says: none of it may reach the reader.
REFUSED = (
    'connection to server at "db.internal" (10.9.8.7), port 5432 failed: Connection refused\n'
    "\tIs the server running on that host and accepting TCP/IP connections?"
)
SECRETS = ("db.internal", "10.9.8.7", "5432", "Connection refused", "OperationalError", "Traceback")
BARE = "Server Error (500)"


class ReadsTheUserMiddleware:
    """Reads request.user before the view, as a per-user rate limit would: the session and the user come
    from the database here, in a middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user.is_authenticated  # noqa: B018 — loading the user is the point
        return self.get_response(request)


@pytest.fixture
def browser_client():
    """A client that gets the response a browser would, instead of the exception re-raised."""
    return Client(raise_request_exception=False)


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def database_down():
    """Every new query fails as when the server is gone (Django's cursor() asks ensure_connection first)."""
    return mock.patch.object(
        connections["default"], "ensure_connection", side_effect=OperationalError(REFUSED)
    )


def assert_tells_nothing(response) -> None:
    body = response.content.decode()
    assert BARE not in body
    for secret in SECRETS:
        assert secret not in body, secret


# --- 500 -------------------------------------------------------------------------------------------


def test_sec_05_a_failing_view_gets_our_500_page_in_chinese(browser_client):
    with mock.patch("public_search.views.type_counts", side_effect=RuntimeError(REFUSED)):
        response = browser_client.get("/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "<h1>系统出现错误</h1>" in html
    assert "互联网信息服务算法备案系统" in html  # the portal's header
    assert 'href="/"' in html and "返回首页" in html
    assert "Retry-After" not in response
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert_tells_nothing(response)


def test_sec_05_a_failing_view_gets_our_500_page_in_english(browser_client):
    with mock.patch("public_search.views.type_counts", side_effect=RuntimeError(REFUSED)):
        response = english(browser_client).get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Something went wrong</h1>" in html
    assert "Back to the home page" in html
    assert "系统出现错误" not in html
    assert_tells_nothing(response)


def test_sec_05_an_api_failure_answers_json_500(browser_client):
    with mock.patch("public_search.api.public_search", side_effect=RuntimeError(REFUSED)):
        response = browser_client.get("/api/v1/public/filings/?q=星河")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "服务器内部错误，请稍后再试。"}
    assert_tells_nothing(response)


# --- 404 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/no-such-page/", "/public/filing/987654321/"])
def test_sec_05_a_missing_page_gets_our_404_page(browser_client, path):
    """An unknown address, and an object that does not exist (get_object_or_404)."""
    response = browser_client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>页面不存在</h1>" in html
    assert 'href="/"' in html and "返回首页" in html
    assert 'id="lang-select"' in html  # a full page: the reader can switch language
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "Not Found" not in html


def test_sec_05_the_404_page_speaks_english(browser_client):
    html = english(browser_client).get("/no-such-page/").content.decode()
    assert "<h1>Page not found</h1>" in html and "Back to the home page" in html
    assert "页面不存在" not in html


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v2/", "/api/v1/public/filings/x/"])
def test_sec_05_an_unknown_api_path_answers_json_404(browser_client, path):
    response = browser_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}
    assert english(browser_client).get(path).json() == {"detail": "Not found."}


# --- The database is unreachable -----------------------------------------------------------------


def test_sec_05_database_down_api_answers_json_503(browser_client):
    with database_down():
        response = browser_client.get("/api/v1/public/filings/?q=星河")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "服务暂时不可用，请稍后再试。"}
    assert int(response["Retry-After"]) > 0
    assert_tells_nothing(response)

    with database_down():
        response = english(browser_client).get("/api/v1/public/filings/?q=x")
    assert response.json() == {"detail": "The service is temporarily unavailable. Please try again later."}


def test_sec_05_database_down_page_answers_our_page_with_503(browser_client):
    with database_down():
        response = browser_client.get("/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<h1>服务暂时不可用</h1>" in html and "返回首页" in html
    assert int(response["Retry-After"]) > 0
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert_tells_nothing(response)

    with database_down():
        response = english(browser_client).get("/")
    assert response.status_code == 503
    assert "<h1>Service temporarily unavailable</h1>" in response.content.decode()


def test_sec_05_database_down_in_a_middleware_before_the_view(settings, filer):
    """The session and the user are read by a middleware, before any view: the page still gets our 503
    page and the API its JSON, drawn without a query (every query would fail)."""
    auth = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: auth + 1],
        f"{__name__}.ReadsTheUserMiddleware",
        *settings.MIDDLEWARE[auth + 1 :],
    ]
    client = Client(raise_request_exception=False)
    client.force_login(filer)
    with database_down():
        page = client.get("/account/")
        api = client.get("/api/v1/me/")
    assert page.status_code == 503
    assert "<h1>服务暂时不可用</h1>" in page.content.decode()
    assert api.status_code == 503
    assert api.json() == {"detail": "服务暂时不可用，请稍后再试。"}
    for response in (page, api):
        assert int(response["Retry-After"]) > 0
        assert_tells_nothing(response)
    # The reader's session survives the outage.
    assert client.get("/account/").status_code == 200


def test_sec_05_the_500_page_is_drawn_without_the_database(browser_client, django_assert_num_queries):
    """No context processor runs for the 500 page: drawing it makes no query at all."""
    from beian.errors import server_error

    request = browser_client.get("/").wsgi_request
    with django_assert_num_queries(0):
        try:
            raise OperationalError(REFUSED)
        except OperationalError:
            response = server_error(request)
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()
