"""RPT-01 in the open data: report counts only — never what a reporter wrote, never a contact."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import ReportCategory, ReportOutcome
from .selectors import report_counts


def _by(name: str, keys: list[str]):
    return inline_serializer(name, {key: serializers.IntegerField() for key in keys})


class ReportCountsApi(APIView):
    """How many problem reports the cyberspace offices received, are handling and closed, by category
    (false_info 信息不实, number_misuse 编号被冒用, out_of_scope 超出备案范围, other 其他) and by outcome.
    For anyone."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_scope = "open_data"

    @extend_schema(
        responses=inline_serializer(
            "ReportCounts",
            {
                "received": serializers.IntegerField(),
                "open": serializers.IntegerField(),
                "closed": serializers.IntegerField(),
                "by_category": _by("ReportCountsByCategory", ReportCategory.values),
                "by_outcome": _by("ReportCountsByOutcome", ReportOutcome.values),
            },
        ),
    )
    def get(self, request):
        return Response(report_counts())
