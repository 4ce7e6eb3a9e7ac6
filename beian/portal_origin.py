"""Links in e-mails point at the address the portal actually serves (issue 16).

An e-mail that becomes owed while a request is served (a registration, a submission, a reviewer's
decision) links to that request's origin, `request.build_absolute_uri` — the scheme and host the person
reached the portal at, which Django has checked against ALLOWED_HOSTS. Only an e-mail owed outside any
request (reminders from beat, the sweep) falls back to settings.PORTAL_BASE_URL, which `make run` sets
from the address it serves (scripts/run.sh). The origin is captured when the e-mail is owed and carried
in the outbox item's arguments, since the e-mail itself is sent later by a worker.
"""

from __future__ import annotations

import contextvars

from django.conf import settings
from django.core.exceptions import DisallowedHost

_request: contextvars.ContextVar = contextvars.ContextVar("portal_request", default=None)


class PortalOriginMiddleware:
    """Remember the request being served, for `request_origin`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def request_origin() -> str | None:
    """'scheme://host[:port]' of the request being served; None outside a request or for a host that
    ALLOWED_HOSTS refuses."""
    request = _request.get()
    if request is None:
        return None
    try:
        return request.build_absolute_uri("/").rstrip("/")
    except DisallowedHost:
        return None


def portal_link(path: str, origin: str | None = None) -> str:
    """An absolute link to `path`: on `origin` when one was captured, else on PORTAL_BASE_URL."""
    return (origin or settings.PORTAL_BASE_URL).rstrip("/") + path
