"""Schema pieces the apps' APIs share (a shared building block: it imports no app)."""

from __future__ import annotations

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers


def paginated(name: str, item) -> serializers.Serializer:
    """The schema of a page of DRF's PageNumberPagination, as the list views answer: count, next,
    previous and the items (a bare list in the schema did not match what is sent)."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item,
        },
    )
