"""/api/v1/register/, /api/v1/entity/…: the same services as the pages (ACC-01…03, ENT-01…05)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from beian.api_errors import IF_MATCH, conflict, expected_version, field_errors, stale, versioned
from beian.concurrency import StaleEdit
from beian.input_fields import IdApiField
from review.services import TransitionError

from .export import entity_export_file
from .forms import RegistrationForm
from .models import Attachment, AttachmentKind, Entity
from .services import (
    EntityIncomplete,
    EntityLocked,
    account_register,
    attachment_store,
    attachment_visible_to,
    entity_missing,
    entity_save,
    entity_submit,
)


class IsFiler(permissions.BasePermission):
    message = "只有备案主体的填报账号可以访问。"

    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_authenticated and request.user.is_filer and request.user.entity_id)


class OwnAttachmentField(serializers.PrimaryKeyRelatedField):
    """An upload of the filer's own entity, of the kind the field names. Another entity's upload and one
    that does not exist get the very same answer, so ids cannot be probed (SEC-05)."""

    default_error_messages = {
        "does_not_exist": _("附件不存在。"),
        "incorrect_type": _("附件不存在。"),
    }

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        super().__init__(pk_field=IdApiField(), **kwargs)

    def get_queryset(self):
        entity_id = self.context["request"].user.entity_id
        return Attachment.objects.filter(entity_id=entity_id, kind=self.kind)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            self.fail("does_not_exist")


class RegisterApi(APIView):
    """ACC-01/02: register an entity's one account; it is activated by the e-mailed link."""

    permission_classes = [permissions.AllowAny]
    throttle_scope = "register"

    class InputSerializer(serializers.Serializer):
        entity_name = serializers.CharField()
        uscc = serializers.CharField()
        address = serializers.CharField()
        legal_rep_name = serializers.CharField()
        username = serializers.CharField()
        password = serializers.CharField(write_only=True)
        email = serializers.EmailField()
        mobile = serializers.CharField()

    @extend_schema(
        request=InputSerializer, responses={201: OpenApiResponse(description="registered, inactive")}
    )
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        # The page's form holds the field rules; the API runs the same form.
        form = RegistrationForm({**data, "password1": data["password"], "password2": data["password"]})
        if not form.is_valid():
            errors = form.errors.get_json_data()
            if "password1" in errors:
                errors["password"] = errors.pop("password1")
            errors.pop("password2", None)
            raise ApiValidationError({k: [e["message"] for e in v] for k, v in errors.items()})
        clean = form.cleaned_data
        try:
            user = account_register(
                entity_name=clean["entity_name"],
                uscc=clean["uscc"],
                address=clean["address"],
                legal_rep_name=clean["legal_rep_name"],
                username=clean["username"],
                password=clean["password1"],
                email=clean["email"],
                mobile=clean["mobile"],
            )
        except ValidationError as exc:
            raise field_errors(exc) from exc
        return Response({"username": user.username, "active": user.is_active}, status=status.HTTP_201_CREATED)


class EntitySerializer(serializers.ModelSerializer):
    missing = serializers.SerializerMethodField()

    class Meta:
        model = Entity
        fields = [
            "id",
            "state",
            "uscc",
            *Entity.EDITABLE_FIELDS,
            *Entity.ATTACHMENT_FIELDS,
            "approved_revision",
            "pending_revision",
            "updated_at",
            "version",
            "missing",
        ]
        read_only_fields = [
            "id",
            "state",
            "uscc",
            "approved_revision",
            "pending_revision",
            "updated_at",
            "version",
        ]
        extra_kwargs = {name: {"required": False} for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Uploads of the filer's own entity only: another's is "does not exist", as a missing one is.
        for name in Entity.ATTACHMENT_FIELDS:
            self.fields[name] = OwnAttachmentField(name, required=False, allow_null=True)

    def get_missing(self, entity) -> list[str]:
        return [name for name, _label in entity_missing(entity=entity)]


class EntityApi(APIView):
    """主体信息 of the signed-in filer: read it, save the working copy without submitting."""

    permission_classes = [IsFiler]

    @extend_schema(responses=EntitySerializer)
    def get(self, request):
        entity = request.user.entity
        return versioned(Response(EntitySerializer(entity).data), entity)

    @extend_schema(
        request=EntitySerializer,
        parameters=[IF_MATCH],
        responses={200: EntitySerializer, 409: OpenApiResponse(description="locked, or edited since")},
    )
    def patch(self, request):
        entity = request.user.entity
        version = expected_version(request)
        serializer = EntitySerializer(entity, data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        attachments = {name: data.pop(name) for name in Entity.ATTACHMENT_FIELDS if name in data}
        try:
            entity_save(
                entity=entity, actor=request.user, data=data, attachments=attachments, version=version
            )
        except StaleEdit as exc:
            return stale(exc)
        except EntityLocked as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except ValidationError as exc:
            raise field_errors(exc) from exc
        return versioned(Response(EntitySerializer(entity).data), entity)


class EntitySubmitApi(APIView):
    """Submit 主体信息 for review (or a change of approved information); 400 lists what is missing."""

    permission_classes = [IsFiler]

    @extend_schema(
        request=None, responses={200: EntitySerializer, 400: OpenApiResponse(), 409: OpenApiResponse()}
    )
    def post(self, request):
        entity = request.user.entity
        try:
            entity_submit(entity=entity, actor=request.user, version=expected_version(request))
        except StaleEdit as exc:
            return stale(exc)
        except EntityIncomplete as exc:
            return Response(
                {"detail": str(exc), "missing": [{"field": f, "label": label} for f, label in exc.missing]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        except TransitionError as exc:
            return conflict(exc)
        return Response(EntitySerializer(entity).data)


class EntityExportApi(APIView):
    """导出我的数据: the signed-in filer's entity, products, filings (working copies, revisions, review
    history), notifications and uploads, as the same zip as the page's."""

    permission_classes = [IsFiler]

    def perform_content_negotiation(self, request, force=False):
        # A client asking for `Accept: application/zip` gets the zip (errors come as JSON), not a 406 from
        # renderers that know only JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiResponse(
                response=OpenApiTypes.BINARY,
                description="a zip: README.txt, data.json and attachments/ (the entity's own data only)",
            ),
            401: OpenApiResponse(description="not signed in"),
            403: OpenApiResponse(description="not a filer's account"),
        },
        summary="Download all of the entity's own data",
    )
    def get(self, request):
        handle, name = entity_export_file(entity=request.user.entity)
        response = FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")
        response["Cache-Control"] = "private, no-store"
        return response


class AttachmentUploadApi(APIView):
    """Upload a file (PDF, JPEG or PNG by content, 20 MB at most); attach it with PATCH /entity/."""

    permission_classes = [IsFiler]
    parser_classes = [MultiPartParser, FormParser]

    class AttachmentUpload(serializers.Serializer):
        kind = serializers.ChoiceField(choices=AttachmentKind.choices)
        file = serializers.FileField()

    @extend_schema(
        request=AttachmentUpload,
        responses={201: inline_serializer("AttachmentCreated", {"id": serializers.IntegerField()})},
    )
    def post(self, request):
        payload = self.AttachmentUpload(data=request.data)
        payload.is_valid(raise_exception=True)
        kind, uploaded = payload.validated_data["kind"], payload.validated_data["file"]
        try:
            attachment = attachment_store(
                entity=request.user.entity, kind=kind, uploaded=uploaded, actor=request.user
            )
        except ValidationError as exc:
            raise ApiValidationError({"file": exc.messages}) from exc
        return Response(
            {
                "id": attachment.pk,
                "kind": attachment.kind,
                "content_type": attachment.content_type,
                "size": attachment.size,
            },
            status=status.HTTP_201_CREATED,
        )


class AttachmentDownloadApi(APIView):
    """An upload, for the entity's own account and reviewers in scope only (404 for anyone else)."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(description="the file")})
    def get(self, request, pk: int):
        attachment = get_object_or_404(Attachment.objects.select_related("entity"), pk=pk)
        if not attachment_visible_to(attachment=attachment, user=request.user):
            raise Http404
        response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
        response["Cache-Control"] = "private, no-store"
        return response
