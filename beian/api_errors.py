"""How the API answers a refusal from a service, the same in every app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response


def field_errors(exc: ValidationError) -> ApiValidationError:
    """A service's ValidationError as a 400 with the errors at their fields."""
    return ApiValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


def conflict(exc: Exception) -> Response:
    """A refused move or a locked object: 409 with the message and its code (REV-01)."""
    return Response(
        {"detail": str(exc), "code": getattr(exc, "code", "conflict")}, status=status.HTTP_409_CONFLICT
    )
