"""How the API answers a refusal from a service, the same in every app, and what it answers when no route
matches or the request failed (beian/errors.py calls the last two)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

# As DRF renders JSON: Chinese as characters, not \u escapes.
JSON_TEXT = {"ensure_ascii": False}


def field_errors(exc: ValidationError) -> ApiValidationError:
    """A service's ValidationError as a 400 with the errors at their fields."""
    return ApiValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


def conflict(exc: Exception) -> Response:
    """A refused move or a locked object: 409 with the message and its code (REV-01)."""
    return Response(
        {"detail": str(exc), "code": getattr(exc, "code", "conflict")}, status=status.HTTP_409_CONFLICT
    )


def not_found() -> JsonResponse:
    """A path under /api/ that no route matches: DRF's own 404 body, in the reader's language."""
    return JsonResponse({"detail": str(NotFound.default_detail)}, status=404, json_dumps_params=JSON_TEXT)


def server_error(*, unavailable: bool) -> JsonResponse:
    """An API request that failed: 503 when the database is unreachable, else 500; no detail (SEC-05)."""
    if unavailable:
        return JsonResponse(
            {"detail": _("服务暂时不可用，请稍后再试。")}, status=503, json_dumps_params=JSON_TEXT
        )
    return JsonResponse(
        {"detail": _("服务器内部错误，请稍后再试。")}, status=500, json_dumps_params=JSON_TEXT
    )


# --- REL-03: versions and ETags -------------------------------------------------------------------


def expected_version(request) -> int | None:
    """The version an API edit was made from: `If-Match: "<version>"`, else a `version` in the body;
    None when the client says neither (the edit then goes through unchecked). 400 when malformed."""
    from .concurrency import version_parse

    raw = request.headers.get("If-Match")
    if raw is None and isinstance(request.data, dict):
        raw = request.data.get("version")
    if raw is None or raw == "*":
        return None
    try:
        return version_parse(raw)
    except ValueError:
        raise ApiValidationError({"version": [_("版本号应为正整数（取自 ETag 或 version）。")]}) from None


def versioned(response: Response, obj) -> Response:
    """The object's version as the response's ETag, for a later If-Match."""
    response["ETag"] = f'"{obj.version}"'
    return response


def stale(exc) -> Response:
    """A save made from an older version: 409 with what is saved now where it differs (REL-03)."""
    return Response(exc.as_api(), status=status.HTTP_409_CONFLICT)


def _if_match_parameter():
    from drf_spectacular.utils import OpenApiParameter

    return OpenApiParameter(
        "If-Match",
        str,
        location=OpenApiParameter.HEADER,
        required=False,
        description='The ETag (version) the edit was made from, e.g. "7"; an older one gets 409.',
    )


IF_MATCH = _if_match_parameter()


def idempotency_key(request) -> str | None:
    """REL-03: the client's `Idempotency-Key` for a create: the same key twice makes one object."""
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key:
        return None
    if len(key) > 64 or not key.isascii() or not key.isprintable():
        raise ApiValidationError({"Idempotency-Key": [_("幂等键应为不超过64个字符的ASCII文本。")]})
    return key


def _idempotency_parameter():
    from drf_spectacular.utils import OpenApiParameter

    return OpenApiParameter(
        "Idempotency-Key",
        str,
        location=OpenApiParameter.HEADER,
        required=False,
        description="Any unique text: the same create sent twice with it makes one object (the first).",
    )


IDEMPOTENCY_KEY = _idempotency_parameter()
