"""HTTP validators and cache headers for what the public reads (issue 17).

Each public page, badge, QR code, list and open-data answer states its validator (an ETag, with a
Last-Modified where one date says it all) from a cheap query, before anything is built; a reader who
already holds that version gets 304 with an empty body, and nothing is rendered.

Who may keep a copy:
- badges, QR codes, list downloads and open data hold nothing but public data and no cookie: `public`,
  so that a shared cache in front of us (or the embedding site's) answers most impressions;
- the HTML pages carry the reader's CSRF token (the language switch is a POST form) and speak the reader's
  language: `private`, a short max-age, `Vary: Accept-Language, Cookie`, and the token's secret and the
  language in the ETag, so that a copy made for one cookie or language is never revalidated for another;
- a signed-in reader's page also shows their name and unread messages, which no validator here covers:
  no ETag, `private, no-cache`. The same when a message (from the messages framework) waits to be shown.

An HTML page's ETag is weak (the masked CSRF token differs between two renders of the same version) and
also covers the release (the templates and translations in use), so that a deployment is seen at the next
revalidation rather than when the data next changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

# How long a copy may be used before it is revalidated: a state change shows within these many seconds.
IMAGE_MAX_AGE = 300  # badges: embedded on providers' pages, each impression a request to us
QR_MAX_AGE = 86400  # a QR code encodes the page's address only, which never changes (PUB-03)
DATA_MAX_AGE = 60  # open data and list downloads
PAGE_MAX_AGE = 60  # HTML pages, in the reader's browser only


@cache
def release() -> str:
    """A digest of the templates and compiled translations in use: part of every HTML page's ETag."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for pattern in ("templates/**/*.html", "*/templates/**/*.html", "locale/*/LC_MESSAGES/*.mo"):
        for path in sorted(base.glob(pattern)):
            if ".venv" not in path.parts:
                digest.update(path.relative_to(base).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _digest(parts: Iterable[object]) -> str:
    text = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def etag_of(*parts: object) -> str:
    """A strong ETag over `parts` (for bodies that are the same bytes whenever the parts are)."""
    return f'"{_digest(parts)}"'


def reader_is_private(request: HttpRequest) -> bool:
    """A signed-in reader, or one with a message waiting: the page holds what no validator covers."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    return len(get_messages(request)) > 0


def page_etag(request: HttpRequest, *parts: object) -> str:
    """A weak ETag of an HTML page for an anonymous reader: the data's `parts`, the language, the host,
    the release and the reader's CSRF secret (the page embeds a token made from it)."""
    csrf = request.META.get("CSRF_COOKIE", "")
    return f'W/"{_digest((*parts, translation.get_language(), request.get_host(), release(), csrf))}"'


def _stamp(response: HttpResponseBase, etag: str | None, last_modified: datetime | None) -> None:
    if etag and not response.has_header("ETag"):
        response.headers["ETag"] = etag
    if last_modified is not None and not response.has_header("Last-Modified"):
        response.headers["Last-Modified"] = http_date(last_modified.timestamp())


def respond_conditionally(
    request: HttpRequest,
    build: Callable[[], HttpResponseBase],
    *,
    etag: str | None,
    last_modified: datetime | None = None,
) -> HttpResponseBase:
    """304 (or 412 for a failed If-Match) when the reader's copy is current, else `build()`; either way
    the validators on the response. `build` is not called for a 304."""
    # Last-Modified has a resolution of a second: a change within the same second must still count.
    if last_modified is not None:
        last_modified = last_modified.replace(microsecond=0)
    timestamp = last_modified.timestamp() if last_modified is not None else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        response = build()
    if 200 <= response.status_code < 300 or response.status_code == 304:
        _stamp(response, etag, last_modified)
    return response


def page_respond(
    request: HttpRequest, build: Callable[[], HttpResponseBase], *parts: object
) -> HttpResponseBase:
    """An HTML public page: conditional for an anonymous reader, never `public`, varying by language."""
    if reader_is_private(request):
        response = build()
        patch_cache_control(response, private=True, no_cache=True)
    else:
        before = page_etag(request, *parts)
        rendered = []

        def build_and_note() -> HttpResponseBase:
            rendered.append(True)
            return build()

        response = respond_conditionally(request, build_and_note, etag=before)
        if rendered and response.status_code == 200:
            # The render may have made the reader a CSRF secret (set as a cookie on the way out): the
            # ETag is the one the reader's next request, carrying that cookie, will compute.
            response.headers["ETag"] = page_etag(request, *parts)
        patch_cache_control(response, private=True, max_age=PAGE_MAX_AGE)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def public_cache(response: HttpResponseBase, max_age: int) -> HttpResponseBase:
    """Let shared caches keep a successful answer (or a 304) that holds public data only."""
    if 200 <= response.status_code < 300 or response.status_code == 304:
        patch_cache_control(response, public=True, max_age=max_age)
    return response


def private_document(request: HttpRequest, content: bytes, *, content_type: str, filename: str):
    """A document made for the signed-in reader (a pre-filled PDF template): its ETag is its content's
    digest, so downloading it again is a 304; only the reader's browser keeps it, and revalidates it."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    def build() -> HttpResponse:
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response

    etag = etag_of("document", hashlib.sha256(content).hexdigest())
    response = respond_conditionally(request, build, etag=etag)
    patch_cache_control(response, private=True, no_cache=True)
    return response
