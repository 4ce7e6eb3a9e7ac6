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
