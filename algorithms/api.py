"""/api/v1/filings/…: filings and drafts over the same services as the wizard (ALG-01…11)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from beian.api_errors import conflict
from filers.api import IsFiler
from filers.models import Attachment
from review.selectors import filer_history
from review.services import TransitionError

from .models import Filing
from .services import (
    STEPS,
    FilingIncomplete,
    FilingLocked,
    filing_cancel,
    filing_create,
    filing_delete_draft,
    filing_drafts,
    filing_problems,
    filing_save_step,
    filing_snapshot,
    filing_submit,
)
from .views import FilingFilter


class FilingListItemSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="display_number", read_only=True)

    class Meta:
        model = Filing
        fields = [
            "id",
            "state",
            "name",
            "algo_type",
            "role",
            "number",
            "last_step",
            "last_saved_at",
            "submitted_at",
            "reviewed_at",
        ]


class FilingSerializer(FilingListItemSerializer):
    """A filing with its snapshot and what is missing before it can be submitted."""

    snapshot = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta(FilingListItemSerializer.Meta):
        fields = [
            *FilingListItemSerializer.Meta.fields,
            "terminated_on",
            "approved_revision",
            "pending_revision",
            "snapshot",
            "problems",
        ]

    def get_snapshot(self, filing) -> dict:
        return filing_snapshot(filing=filing)

    def get_problems(self, filing) -> list[dict]:
        return [
            {"step": p.step, "field": p.field, "message": p.message} for p in filing_problems(filing=filing)
        ]


class SaveStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=list(STEPS))
    basic = serializers.DictField(required=False)
    details = serializers.DictField(required=False)
    coverage = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()), required=False
    )
    self_assessment = serializers.PrimaryKeyRelatedField(queryset=Attachment.objects.none(), required=False)
    disclosure = serializers.PrimaryKeyRelatedField(queryset=Attachment.objects.none(), required=False)

    def __init__(self, *args, entity_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # SEC-06: an upload is named among the filing's entity's own only. Another entity's id then "does
        # not exist", as a missing one does, so ids cannot be probed; filing_save_step checks again.
        for name in ("self_assessment", "disclosure"):
            self.fields[name].queryset = Attachment.objects.filter(entity_id=entity_id)


def _own(request, pk) -> Filing:
    return get_object_or_404(Filing, pk=pk, entity_id=request.user.entity_id)


class FilingListApi(APIView):
    """备案信息 (ALG-09): submitted filings, filtered by state and type, sorted; POST: 新增备案."""

    permission_classes = [IsFiler]

    @extend_schema(responses=FilingListItemSerializer(many=True))
    def get(self, request):
        queryset = Filing.objects.filter(
            entity_id=request.user.entity_id, submitted_at__isnull=False
        ).order_by("-submitted_at", "-id")
        filterset = FilingFilter(request.query_params, queryset=queryset)
        if not filterset.is_valid():
            raise ApiValidationError(filterset.errors)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(filterset.qs, request, view=self)
        return paginator.get_paginated_response(FilingListItemSerializer(page, many=True).data)

    @extend_schema(request=None, responses={201: FilingSerializer})
    def post(self, request):
        filing = filing_create(entity=request.user.entity, actor=request.user)
        return Response(FilingSerializer(filing).data, status=status.HTTP_201_CREATED)


class DraftListApi(APIView):
    """草稿箱 (ALG-08)."""

    permission_classes = [IsFiler]

    @extend_schema(responses=FilingListItemSerializer(many=True))
    def get(self, request):
        return Response(FilingListItemSerializer(filing_drafts(entity=request.user.entity), many=True).data)


class FilingDetailApi(APIView):
    permission_classes = [IsFiler]

    @extend_schema(responses=FilingSerializer)
    def get(self, request, pk: int):
        filing = _own(request, pk)
        data = FilingSerializer(filing).data
        data["history"] = [
            {
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "reason": e.reason,
                "at": e.created_at,
            }
            for e in filer_history(obj=filing)
        ]
        return Response(data)

    @extend_schema(
        request=SaveStepSerializer,
        responses={200: FilingSerializer, 409: OpenApiResponse()},
        summary="保存至草稿箱: save a step as typed, valid or not (ALG-04)",
    )
    def patch(self, request, pk: int):
        filing = _own(request, pk)
        payload = SaveStepSerializer(data=request.data, entity_id=filing.entity_id)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        coverage = data.get("coverage")
        if coverage is not None:
            coverage = {k: coverage.get(k, []) for k in ("products", "paths", "functions")}
        attachments = {k: data[k] for k in ("self_assessment", "disclosure") if k in data}
        try:
            filing = filing_save_step(
                filing=filing,
                actor=request.user,
                step=data["step"],
                basic=data.get("basic"),
                details=data.get("details"),
                coverage=coverage,
                attachments=attachments,
            )
        except FilingLocked as exc:
            return conflict(exc)
        except ValidationError as exc:
            raise ApiValidationError(exc.message_dict) from exc
        return Response(FilingSerializer(filing).data)

    @extend_schema(responses={204: None, 409: OpenApiResponse()}, summary="Delete a never-submitted draft")
    def delete(self, request, pk: int):
        try:
            filing_delete_draft(filing=_own(request, pk), actor=request.user)
        except FilingLocked as exc:
            return conflict(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FilingSubmitApi(APIView):
    permission_classes = [IsFiler]

    @extend_schema(
        request=inline_serializer("FilingSubmit", {"commitment": serializers.BooleanField()}),
        responses={
            200: FilingSerializer,
            400: OpenApiResponse(description="what is missing"),
            409: OpenApiResponse(),
        },
        summary='Submit with {"commitment": true} (ALG-07)',
    )
    def post(self, request, pk: int):
        filing = _own(request, pk)
        try:
            filing = filing_submit(
                filing=filing, actor=request.user, commitment=request.data.get("commitment") is True
            )
        except FilingIncomplete as exc:
            return Response(
                {
                    "detail": str(exc),
                    "problems": [
                        {"step": p.step, "field": p.field, "message": p.message} for p in exc.problems
                    ],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        except TransitionError as exc:
            return conflict(exc)
        return Response(FilingSerializer(filing).data)


class FilingCancelApi(APIView):
    permission_classes = [IsFiler]

    @extend_schema(
        request=inline_serializer("FilingCancel", {"terminated_on": serializers.DateField()}),
        responses={200: FilingSerializer, 409: OpenApiResponse()},
        summary='注销 with {"terminated_on": "YYYY-MM-DD"} (ALG-10)',
    )
    def post(self, request, pk: int):
        filing = _own(request, pk)
        try:
            terminated_on = date.fromisoformat(str(request.data.get("terminated_on", "")))
        except ValueError as exc:
            raise ApiValidationError({"terminated_on": ["请填写服务终止日期（YYYY-MM-DD）。"]}) from exc
        try:
            filing = filing_cancel(filing=filing, actor=request.user, terminated_on=terminated_on)
        except ValidationError as exc:
            raise ApiValidationError(exc.message_dict) from exc
        except TransitionError as exc:
            return conflict(exc)
        return Response(FilingSerializer(filing).data)
