"""/api/v1/review/…: the reviewers' queue and moves; /api/v1/public/number-check/ for anyone (NUM-04)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from beian.api_errors import IF_MATCH, conflict, expected_version, stale
from beian.api_schema import paginated
from beian.concurrency import StaleEdit
from beian.input_fields import IdApiField

from .diff import revision_diff
from .forms import QUEUE_STATES, REASON_MAX, QueueFilterForm
from .registry import kind_of
from .selectors import (
    OutOfScope,
    filer_subject,
    queue_items,
    review_history,
    review_queue,
    review_subject,
    reviewers_for,
)
from .services import TransitionError, prerequisites_waiting, transition_perform, withdrawal_perform
from .transitions import Action


class IsReviewer(permissions.BasePermission):
    message = "只有审核人员可以访问。"

    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_authenticated and request.user.is_reviewer)


def _subject(request, key: str, pk: int):
    try:
        return review_subject(reviewer=request.user, key=key, pk=pk)
    except OutOfScope:
        raise Http404 from None


class QueueQuerySerializer(serializers.Serializer):
    """The queue's filters (REV-02), checked against the page's lists (review.forms); one that is not on
    offer is a 400 naming it (SEC-05)."""

    kind = serializers.CharField(required=False, default="", allow_blank=True, max_length=20)
    algo_type = serializers.CharField(required=False, default="", allow_blank=True, max_length=2)
    province = serializers.CharField(required=False, default="", allow_blank=True, max_length=6)
    state = serializers.ChoiceField(
        choices=[s.value for s in QUEUE_STATES], required=False, default="", allow_blank=True
    )
    page = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        form = QueueFilterForm({k: attrs[k] for k in ("kind", "algo_type", "province", "state")})
        if not form.is_valid():
            raise serializers.ValidationError({k: list(v) for k, v in form.errors.items()})
        return {**attrs, **form.cleaned_data}


class QueueApi(APIView):
    """REV-02: waiting items in the reviewer's scope, nearest deadline first."""

    permission_classes = [IsReviewer]

    @extend_schema(
        parameters=[
            QueueQuerySerializer,
            OpenApiParameter("mine", bool, required=False, description="only the items I claimed"),
        ],
        responses=paginated(
            "QueuePage",
            inline_serializer(
                "QueueItem",
                {
                    "kind": serializers.CharField(),
                    "id": serializers.IntegerField(),
                    "title": serializers.CharField(),
                    "state": serializers.CharField(),
                    "entity": serializers.CharField(),
                    "submitted_on": serializers.DateField(),
                    "due_on": serializers.DateField(allow_null=True),
                    "unknown_year": serializers.IntegerField(
                        allow_null=True,
                        help_text="DL-05: a year on the way whose State Council schedule is not entered",
                    ),
                    "provisional": serializers.BooleanField(
                        help_text="DL-05: due_on is estimated from the statutory holidays (预计)"
                    ),
                    "working_days_left": serializers.IntegerField(allow_null=True),
                    "claimed_by": serializers.CharField(allow_null=True),
                },
                many=True,
            ),
        ),
        operation_id="v1_review_queue_list",
    )
    def get(self, request):
        query = QueueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = {k: query.validated_data[k] for k in ("kind", "algo_type", "province", "state")}
        mine = request.query_params.get("mine") in ("1", "true")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            review_queue(reviewer=request.user, mine=mine, **params), request, view=self
        )
        rows = [
            {
                "kind": it["kind"].key,
                "id": it["obj"].pk,
                "title": str(it["obj"]),
                "state": it["obj"].state,
                "entity": it["entity"].record_name,
                "submitted_on": it["deadline"].starts_on,
                "due_on": it["deadline"].due_on,
                "unknown_year": it["deadline"].unknown_year,
                "provisional": it["deadline"].provisional,
                "working_days_left": it["left"],
                "claimed_by": it["obj"].claimed_by.get_username() if it["obj"].claimed_by_id else None,
            }
            for it in queue_items(deadlines=list(page))
        ]
        return paginator.get_paginated_response(rows)


class ItemApi(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(responses=OpenApiResponse(description="the item, its data, diff and history"))
    def get(self, request, key: str, pk: int):
        kind, obj = _subject(request, key, pk)
        shown = obj.pending_revision or obj.approved_revision
        diff = []
        if obj.approved_revision_id and obj.pending_revision_id:
            diff = [c.__dict__ for c in revision_diff(obj.approved_revision.data, obj.pending_revision.data)]
        return Response(
            {
                "kind": kind.key,
                "id": obj.pk,
                "title": str(obj),
                "state": obj.state,
                "number": getattr(obj, "number", None),
                "claimed_by": obj.claimed_by.get_username() if obj.claimed_by_id else None,
                "claimed_at": obj.claimed_at,
                # ENT-05: what must be approved before this item can be.
                "waiting": [
                    {"kind": kind_of(p).key, "id": p.pk, "title": str(p), "state": p.state}
                    for p in prerequisites_waiting(obj=obj)
                ],
                "data": shown.data if shown else obj.revision_data(),
                "diff": diff,
                "history": [
                    {
                        "action": e.action,
                        "from": e.from_state,
                        "to": e.to_state,
                        "reason": e.reason,
                        "actor": e.actor.username if e.actor else None,
                        "at": e.created_at,
                    }
                    for e in review_history(obj=obj)
                ],
            }
        )


@extend_schema_field(OpenApiTypes.INT)
class AssigneeField(serializers.PrimaryKeyRelatedField):
    """A reviewer id, among those whose scope covers the item (given in the serializer's context)."""

    def get_queryset(self):
        return self.context["assignees"]


class ActApi(APIView):
    """A reviewer move: claim, approve, reject, mark_incomplete, revoke, office_cancel, release, reassign
    (with `assignee`, a reviewer id). 400 for a malformed body, 409 when the move is refused."""

    permission_classes = [IsReviewer]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ReviewAct"

        action = serializers.ChoiceField(choices=Action.choices)
        reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX, default="")
        assignee = AssigneeField(
            required=False, allow_null=True, pk_field=IdApiField(), help_text="改派给（审核人员的 id）"
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            200: OpenApiResponse(),
            400: OpenApiResponse(description="the field named is wrong"),
            409: OpenApiResponse(description="refused, nothing changed"),
        },
    )
    def post(self, request, key: str, pk: int):
        _kind, obj = _subject(request, key, pk)
        serializer = self.InputSerializer(data=request.data, context={"assignees": reviewers_for(obj=obj)})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            event = transition_perform(
                obj=obj,
                action=data["action"],
                actor=request.user,
                reason=data["reason"],
                assignee=data.get("assignee"),
            )
        except TransitionError as exc:
            return conflict(exc)
        return Response({"id": obj.pk, "state": obj.state, "from": event.from_state, "to": event.to_state})


class IsFilerWithEntity(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_authenticated and request.user.is_filer and request.user.entity_id)


class WithdrawApi(APIView):
    """撤回 (issue 16): the filer takes back a submission (or a change) no reviewer has claimed yet, then
    edits and submits it again. 409 once claimed or decided, or for a page made before a move since."""

    permission_classes = [IsFilerWithEntity]

    @extend_schema(
        request=None,
        parameters=[IF_MATCH],
        responses={
            200: inline_serializer(
                "Withdrawn", {"id": serializers.IntegerField(), "state": serializers.CharField()}
            ),
            409: OpenApiResponse(description="refused, nothing changed"),
        },
        summary="撤回 a submission not yet claimed (issue 16)",
    )
    def post(self, request, key: str, pk: int | None = None):
        try:
            obj = filer_subject(
                filer=request.user, key=key, pk=pk if pk is not None else request.user.entity_id
            )
        except OutOfScope:
            raise Http404 from None
        try:
            withdrawal_perform(obj=obj, actor=request.user, version=expected_version(request))
        except StaleEdit as exc:
            return stale(exc)
        except TransitionError as exc:
            return conflict(exc)
        return Response({"id": obj.pk, "state": obj.state})
