"""/api/v1/filings/…: filings and drafts over the same services as the wizard (ALG-01…11)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from beian.api_errors import (
    IDEMPOTENCY_KEY,
    IF_MATCH,
    conflict,
    expected_version,
    idempotency_key,
    stale,
    versioned,
)
from beian.api_schema import paginated
from beian.concurrency import StaleEdit, idempotent_create
from beian.input_fields import DayApiField, IdApiField
from filers.api import IsFiler, OwnAttachmentField
from review.selectors import filer_history
from review.services import TransitionError
from review.transitions import State

from . import declarations
from .models import AlgorithmType, Filing
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
            "version",
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


def _text(limit: int, label) -> serializers.CharField:
    """Free text of a draft (ALG-04): any string or null, valid or not yet, up to the declared limit (a
    longer one is refused at its field, never cut: ALG-13); a list or an object is a 400."""
    return serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        trim_whitespace=False,
        max_length=limit,
        label=label,
    )


def _camel(*parts: str) -> str:
    return "".join(p.title().replace("_", "") for p in parts)


def step_input(step: int) -> serializers.Serializer:
    """A step's input, built from the filing form's declaration (nested as Filing.data nests it)."""
    store = declarations.FORM[step].store
    tree: dict = {}
    for f in declarations.step_fields(step):
        node = tree
        for key in f.keys[:-1]:
            node = node.setdefault(key, {})
        if f.widget == "rows":
            row = type(
                f"{_camel(*f.keys)}Row",
                (serializers.Serializer,),
                {c.name: _text(c.limit, c.label) for c in f.columns},
            )
            node[f.keys[-1]] = serializers.ListField(
                child=row(), required=False, max_length=100, label=f.label
            )
        else:
            node[f.keys[-1]] = _text(f.limit, f.label)

    def build(name: str, fields: dict) -> serializers.Serializer:
        attrs = {
            key: build(name + _camel(key), value) if isinstance(value, dict) else value
            for key, value in fields.items()
        }
        return type(f"{name}Input", (serializers.Serializer,), attrs)(required=False)

    return build(_camel(store), tree)


class CoverageInput(serializers.Serializer):
    """Step ③'s check boxes (ALG-05): ids of the entity's products, paths and functions."""

    products = serializers.ListField(child=IdApiField(), required=False, default=list, max_length=10_000)
    paths = serializers.ListField(child=IdApiField(), required=False, default=list, max_length=10_000)
    functions = serializers.ListField(child=IdApiField(), required=False, default=list, max_length=10_000)


class SaveStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=list(STEPS))
    coverage = CoverageInput(required=False)
    self_assessment = OwnAttachmentField("self_assessment", required=False)
    disclosure = OwnAttachmentField("disclosure", required=False)

    def get_fields(self):
        """Steps ① and ② as declared now (algorithms.declarations), beside the fixed fields."""
        fields = super().get_fields()
        for number, step in declarations.FORM.items():
            fields[step.store] = step_input(number)
        return fields


class SubmitInput(serializers.Serializer):
    commitment = serializers.BooleanField(required=False, default=False)


class CancelInput(serializers.Serializer):
    terminated_on = DayApiField()


def _own(request, pk) -> Filing:
    return get_object_or_404(Filing, pk=pk, entity_id=request.user.entity_id)


class FilingListApi(APIView):
    """备案信息 (ALG-09): submitted filings, filtered by state and type, sorted; POST: 新增备案."""

    permission_classes = [IsFiler]

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=[value for value, _label in State.choices]),
            OpenApiParameter("algo_type", str, enum=[value for value, _label in AlgorithmType.choices]),
            OpenApiParameter(
                "order", str, enum=["submitted_at", "-submitted_at", "reviewed_at", "-reviewed_at"]
            ),
            OpenApiParameter("page", int),
        ],
        responses=paginated("FilingPage", FilingListItemSerializer(many=True)),
        operation_id="v1_filings_list",
    )
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

    @extend_schema(request=None, parameters=[IDEMPOTENCY_KEY], responses={201: FilingSerializer})
    def post(self, request):
        filing = idempotent_create(
            actor=request.user,
            key=idempotency_key(request),
            scope="filing",
            create=lambda: filing_create(entity=request.user.entity, actor=request.user),
        )
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
        return versioned(Response(data), filing)

    @extend_schema(
        request=SaveStepSerializer,
        parameters=[IF_MATCH],
        responses={200: FilingSerializer, 409: OpenApiResponse(description="locked, or saved since")},
        summary="保存至草稿箱: save a step as typed, valid or not (ALG-04)",
    )
    def patch(self, request, pk: int):
        filing = _own(request, pk)
        version = expected_version(request)
        payload = SaveStepSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        coverage = dict(data["coverage"]) if "coverage" in data else None
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
                version=version,
            )
        except StaleEdit as exc:
            return stale(exc)
        except FilingLocked as exc:
            return conflict(exc)
        except ValidationError as exc:
            raise ApiValidationError(exc.message_dict) from exc
        return versioned(Response(FilingSerializer(filing).data), filing)

    @extend_schema(
        parameters=[IF_MATCH],
        responses={204: None, 409: OpenApiResponse()},
        summary="Delete a never-submitted draft",
    )
    def delete(self, request, pk: int):
        try:
            filing_delete_draft(
                filing=_own(request, pk), actor=request.user, version=expected_version(request)
            )
        except StaleEdit as exc:
            return stale(exc)
        except FilingLocked as exc:
            return conflict(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FilingSubmitApi(APIView):
    permission_classes = [IsFiler]

    @extend_schema(
        request=SubmitInput,
        parameters=[IF_MATCH],
        responses={
            200: FilingSerializer,
            400: OpenApiResponse(description="what is missing"),
            409: OpenApiResponse(),
        },
        summary='Submit with {"commitment": true} (ALG-07)',
    )
    def post(self, request, pk: int):
        filing = _own(request, pk)
        payload = SubmitInput(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            filing = filing_submit(
                filing=filing,
                actor=request.user,
                commitment=payload.validated_data["commitment"],
                version=expected_version(request),
            )
        except StaleEdit as exc:
            return stale(exc)
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
        request=CancelInput,
        parameters=[IF_MATCH],
        responses={200: FilingSerializer, 409: OpenApiResponse()},
        summary='注销 with {"terminated_on": "YYYY-MM-DD"} (ALG-10)',
    )
    def post(self, request, pk: int):
        filing = _own(request, pk)
        payload = CancelInput(data=request.data)
        payload.is_valid(raise_exception=True)
        terminated_on = payload.validated_data["terminated_on"]
        try:
            filing = filing_cancel(
                filing=filing,
                actor=request.user,
                terminated_on=terminated_on,
                version=expected_version(request),
            )
        except StaleEdit as exc:
            return stale(exc)
        except ValidationError as exc:
            raise ApiValidationError(exc.message_dict) from exc
        except TransitionError as exc:
            return conflict(exc)
        return Response(FilingSerializer(filing).data)
