"""Open data (PUB-02, PUB-03): a read-only public API with pagination, per-client rate limiting (SEC-03) and a
`modified_since` cursor so re-users can sync. IDs are the filings' ids, stable in every export."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import PublicFiling
from .pagination import COUNT_CAP, CappedPaginator
from .services import public_changes, public_search


class PublicFilingSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField(source="display_number")
    digits = serializers.CharField(source="number", allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = PublicFiling
        fields = [
            "id",
            "number",
            "digits",
            "name",
            "algo_type",
            "role",
            "entity_name",
            "province_code",
            "products",
            "main_use",
            "state",
            "approved_on",
            "changed_at",
            "remark",
            "url",
        ]

    def get_url(self, record) -> str:
        from django.urls import reverse

        request = self.context.get("request")
        path = reverse("public_search:filing", args=[record.pk])
        return request.build_absolute_uri(path) if request else path


class PublicFilingDetailSerializer(PublicFilingSerializer):
    class Meta(PublicFilingSerializer.Meta):
        fields = [*PublicFilingSerializer.Meta.fields, "disclosure", "history"]


class PublicPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class SearchPagination(PublicPagination):
    """Search results counted up to COUNT_CAP, as on the search page; `count_capped` says there are more
    (to take every filing, use `modified_since` or the published lists)."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        return _page_response(self.page.paginator, self.get_next_link(), self.get_previous_link(), data)


def _page_response(paginator: CappedPaginator, next_link, previous_link, results) -> Response:
    """A page of filings as PublicFilingPage describes it, its count capped as on the search page."""
    return Response(
        {
            "count": paginator.shown_count,
            "count_capped": paginator.capped,
            "next": next_link,
            "previous": previous_link,
            "results": results,
        }
    )


PublicFilingPage = inline_serializer(
    name="PublicFilingPage",
    fields={
        "count": serializers.IntegerField(
            help_text=f"匹配的（同步时：其后尚有的）备案数，最多计 {COUNT_CAP}"
        ),
        "count_capped": serializers.BooleanField(
            help_text=f"超过 {COUNT_CAP} 条时为 true（此时 count 为 {COUNT_CAP}）"
        ),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": PublicFilingSerializer(many=True),
    },
)


class PublicFilingListApi(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_scope = "open_data"

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="主体名称（部分）或备案编号"),
            OpenApiParameter("type", str),
            OpenApiParameter("role", str),
            OpenApiParameter("province", str),
            OpenApiParameter("state", str),
            OpenApiParameter("year", str),
            OpenApiParameter(
                "modified_since",
                str,
                description="ISO 8601: filings changed at or after this moment, oldest change first. Follow "
                "`next` to go on: it carries the last row's change time and id (a keyset cursor, as fast "
                "on the last page as on the first); keep the last `changed_at` and `id` to resume later.",
            ),
            OpenApiParameter(
                "after_id", int, description="with modified_since: after this id at that moment"
            ),
            OpenApiParameter("page_size", int, description="1–500, 50 by default"),
        ],
        responses=PublicFilingPage,
        operation_id="v1_public_filings_list",
    )
    def get(self, request):
        p = request.query_params
        since = p.get("modified_since")
        if since:
            return self._sync(request, since)
        queryset = public_search(
            q=p.get("q", ""),
            algo_type=p.get("type", ""),
            role=p.get("role", ""),
            province=p.get("province", ""),
            state=p.get("state", ""),
            year=p.get("year", ""),
            sort=p.get("sort", "relevance"),
        )
        paginator = SearchPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(
            PublicFilingSerializer(page, many=True, context={"request": request}).data
        )

    def _sync(self, request, since: str) -> Response:
        """PUB-02 open data: a page of filings changed since a moment, the next page by keyset."""
        p = request.query_params
        moment = parse_datetime(since)
        if moment is None:
            raise ValidationError({"modified_since": ["应为ISO 8601时间，如2026-11-01T00:00:00+08:00。"]})
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        after_id = p.get("after_id")
        if after_id is not None and not after_id.isdigit():
            raise ValidationError({"after_id": ["应为备案的 id（非负整数）。"]})
        size = PublicPagination().get_page_size(request)
        changes = public_changes(since=moment, after_id=int(after_id) if after_id else None)
        rows = list(changes[: size + 1])
        next_link = None
        if len(rows) > size:
            rows, last = rows[:size], rows[size - 1]
            query = {"modified_since": last.changed_at.isoformat(), "after_id": last.pk}
            if "page_size" in p:
                query["page_size"] = size
            next_link = request.build_absolute_uri(f"{request.path}?{urlencode(query)}")
        # The count of what is left from this point on, capped like a search's.
        return _page_response(
            CappedPaginator(changes, size),
            next_link,
            None,
            PublicFilingSerializer(rows, many=True, context={"request": request}).data,
        )


class PublicFilingDetailApi(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_scope = "open_data"

    @extend_schema(responses=PublicFilingDetailSerializer)
    def get(self, request, pk: int):
        record = get_object_or_404(PublicFiling, pk=pk)
        return Response(PublicFilingDetailSerializer(record, context={"request": request}).data)


class PublicListApi(APIView):
    """PUB-05 as open data: the published list of a period (YYYY-MM or YYYY), the 生成合成类 list with
    kind=generative. Rows carry the filing's stable `id`, the same as in the CSV and the public pages."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_scope = "open_data"

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, required=True),
            OpenApiParameter("kind", str, enum=["all", "generative"]),
        ],
        responses=inline_serializer(
            "PublicListRow",
            {
                "seq": serializers.IntegerField(),
                "name": serializers.CharField(),
                "algo_type": serializers.CharField(required=False),
                "role": serializers.CharField(required=False),
                "entity_name": serializers.CharField(),
                "products": serializers.CharField(),
                "main_use": serializers.CharField(),
                "number": serializers.CharField(),
                "remark": serializers.CharField(),
                "id": serializers.IntegerField(),
            },
            many=True,
        ),
    )
    def get(self, request):
        from .lists import list_queryset, list_rows_of, period_parse

        period = request.query_params.get("period", "")
        generative = request.query_params.get("kind") == "generative"
        try:
            period_parse(period)
        except ValueError as exc:
            raise ValidationError({"period": [str(exc)]}) from exc
        paginator = PublicPagination()
        page = paginator.paginate_queryset(
            list_queryset(period=period, generative=generative), request, view=self
        )
        first = (paginator.page.number - 1) * paginator.get_page_size(request) + 1
        return paginator.get_paginated_response(list(list_rows_of(page, generative=generative, first=first)))
