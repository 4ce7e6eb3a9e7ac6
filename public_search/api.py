"""Open data (PUB-02, PUB-03): a read-only public API with pagination, per-client rate limiting (SEC-03) and a
`modified_since` cursor so re-users can sync. IDs are the filings' ids, stable in every export."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.shortcuts import get_object_or_404
from django.utils.cache import patch_vary_headers
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from beian.http_cache import DATA_MAX_AGE, etag_of, public_cache, respond_conditionally
from review.numbers import NUMBER_MAX_LENGTH

from .forms import KIND_GENERATIVE, PublicFilingQuerySerializer, PublicListQuerySerializer
from .models import PublicFiling
from .pagination import COUNT_CAP, CappedPaginator
from .services import QueryResults, number_check, public_changes, public_search


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
        parameters=[PublicFilingQuerySerializer],
        responses=PublicFilingPage,
        operation_id="v1_public_filings_list",
    )
    def get(self, request):
        query = PublicFilingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if params["modified_since"] is not None:
            return self._sync(request, params["modified_since"], params["after_id"])
        # A search is not given validators: its answer depends on the whole table, which no cheap
        # query summarises; a re-user keeping a copy syncs with modified_since instead.
        results = public_search(
            q=params["q"],
            algo_type=params["type"],
            role=params["role"],
            province=params["province"],
            state=params["state"],
            year=params["year"],
            sort=params["sort"],
        )
        paginator = SearchPagination()
        page = paginator.paginate_queryset(results, request, view=self)
        return paginator.get_paginated_response(
            PublicFilingSerializer(page, many=True, context={"request": request}).data
        )

    def _sync(self, request, since: datetime, after_id: int | None):
        """PUB-02 open data: a page of filings changed since a moment, the next page by keyset.

        Its validator (issue 17) is the page's ids and their last changes, and the capped count of what
        follows: exactly what the answer is made of. A 304 saves the serialising."""
        size = PublicPagination().get_page_size(request)
        changes = public_changes(since=since, after_id=after_id)
        paginator = CappedPaginator(QueryResults(changes), size)
        found = list(changes.defer("grams")[: size + 1])
        count = paginator.shown_count  # counted once: the validator's and the answer's

        def build() -> Response:
            rows = found
            next_link = None
            if len(rows) > size:
                rows, last = rows[:size], rows[size - 1]
                query = {"modified_since": last.changed_at.isoformat(), "after_id": last.pk}
                if "page_size" in request.query_params:
                    query["page_size"] = size
                next_link = request.build_absolute_uri(f"{request.path}?{urlencode(query)}")
            # The count of what is left from this point on, capped like a search's.
            return _page_response(
                paginator,
                next_link,
                None,
                PublicFilingSerializer(rows, many=True, context={"request": request}).data,
            )

        parts = [(row.pk, row.changed_at.isoformat()) for row in found]
        etag = etag_of("api-changes", request.get_full_path(), request.get_host(), parts, count)
        return open_data_respond(request, build, etag=etag)


def open_data_respond(request, build, *, etag: str, last_modified=None):
    """Open data as JSON: conditional and kept by shared caches (issue 17). The browsable API's HTML
    page (?format=api) is neither: it is made for a person trying the API in a browser."""
    if request.accepted_renderer.format != "json":
        return build()
    response = respond_conditionally(request, build, etag=etag, last_modified=last_modified)
    patch_vary_headers(response, ("Accept",))
    return public_cache(response, DATA_MAX_AGE)


class PublicFilingDetailApi(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_scope = "open_data"

    @extend_schema(responses=PublicFilingDetailSerializer)
    def get(self, request, pk: int):
        record = get_object_or_404(PublicFiling.objects.defer("grams"), pk=pk)

        def build() -> Response:
            return Response(PublicFilingDetailSerializer(record, context={"request": request}).data)

        changed = record.changed_at.isoformat()
        etag = etag_of("api-filing", record.pk, changed, record.state, request.get_host())
        return open_data_respond(request, build, etag=etag, last_modified=record.changed_at)


class PublicListApi(APIView):
    """PUB-05 as open data: a published list of a period (YYYY-MM or YYYY) or of a batch (batch=YYYY-N);
    境内互联网信息服务算法备案清单 by default, 境内深度合成服务算法备案清单 (生成合成类 only) with
    kind=generative. Rows carry the filing's stable `id`, as the public pages do (the CSV keeps to the
    CAC's columns and has none)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_scope = "open_data"

    @extend_schema(
        parameters=[PublicListQuerySerializer],
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
        from .lists import list_queryset, list_rows_of, list_stamp

        query = PublicListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = query.validated_data["period"]
        generative = query.validated_data["kind"] == KIND_GENERATIVE
        changed, count = list_stamp(period=period, generative=generative)

        def build() -> Response:
            paginator = PublicPagination()
            page = paginator.paginate_queryset(
                list_queryset(period=period, generative=generative), request, view=self
            )
            first = (paginator.page.number - 1) * paginator.get_page_size(request) + 1
            rows = list(list_rows_of(page, generative=generative, first=first))
            return paginator.get_paginated_response(rows)

        stamp = changed.isoformat() if changed else ""
        etag = etag_of("api-list", request.get_full_path(), request.get_host(), stamp, count)
        return open_data_respond(request, build, etag=etag, last_modified=changed)


class NumberQuerySerializer(serializers.Serializer):
    number = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=NUMBER_MAX_LENGTH,
        help_text="with or without 网信算备/号, spaces allowed",
    )


class NumberCheckApi(APIView):
    """NUM-04: is this a well-formed filing number, does it exist, and in what state? For anyone."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_scope = "number_check"

    @extend_schema(
        parameters=[NumberQuerySerializer],
        responses=inline_serializer(
            "NumberCheck",
            {
                "number": serializers.CharField(allow_null=True),
                "well_formed": serializers.BooleanField(),
                "exists": serializers.BooleanField(),
                "state": serializers.CharField(allow_null=True),
                "url": serializers.CharField(allow_null=True),
            },
        ),
    )
    def get(self, request):
        query = NumberQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(number_check(query.validated_data["number"], request=request))
