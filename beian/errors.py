"""The portal's own 404 and 500 answers (SEC-05).

Pages get the portal's look in the reader's language; paths under /api/ get JSON. When the database cannot
be reached the answer is 503 with Retry-After, and the 500 page is drawn without touching the database: no
context processors (they read the session, the user and the unread count), only what the request itself
carries. handler500 also runs when a middleware failed before any view, so the same holds there.
"""

from __future__ import annotations

import sys

from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.views import defaults

from . import api_errors

RETRY_AFTER_SECONDS = 30
# If drawing the page itself fails, this is the whole answer: both languages, no template.
BARE_PAGE = (
    '<!DOCTYPE html><html lang="zh-Hans"><meta charset="utf-8"><title>服务暂时不可用</title>'
    '<p>服务暂时不可用，请稍后再试。<a href="/">返回首页</a></p>'
    '<p lang="en">The service is unavailable for a moment. Please try again later. <a href="/">Home</a></p>'
)


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def database_unreachable(exc: BaseException | None) -> bool:
    """Is this failure (or one it was raised from) the database refusing, dropping or timing out?"""
    kinds = (
        OperationalError,
        InterfaceError,
        connection.Database.OperationalError,
        connection.Database.InterfaceError,
    )
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kinds):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_errors.not_found()
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls handler500 inside its `except` block: the failure is the one being handled.
    unavailable = database_unreachable(sys.exc_info()[1])
    status = 503 if unavailable else 500
    # LocaleMiddleware may not have run (a middleware before it failed): ask the request again.
    with translation.override(translation.get_language_from_request(request)):
        if is_api(request):
            response = api_errors.server_error(unavailable=unavailable)
        else:
            response = _error_page(request, status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _error_page(request: HttpRequest, status: int) -> HttpResponse:
    try:
        # A plain dict and no request argument: no context processor runs, so nothing reads the database.
        html = loader.get_template("500.html").render({"request": request, "status": status})
    except Exception:  # noqa: BLE001 — an error page must answer whatever went wrong
        html = BARE_PAGE
    return HttpResponse(html, status=status)
