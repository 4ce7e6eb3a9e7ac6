"""The REST API's root pieces under /api/v1/: who am I, and API tokens (SEC-04). Each app adds its own."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.auth import TokenAuthentication
from knox.models import get_token_model
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .tokens import tokens_revoke_all


class MeApi(APIView):
    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        role = serializers.CharField()
        province_code = serializers.CharField(allow_blank=True)
        entity_id = serializers.IntegerField(allow_null=True)

    @extend_schema(responses=OutputSerializer, summary="The signed-in account")
    def get(self, request):
        return Response(self.OutputSerializer(request.user).data)


class TokenObtainApi(APIView):
    """SEC-04: a token for username + password, sent as `Authorization: Token <token>`. It expires after
    API_TOKEN_IDLE_MINUTES without use and API_TOKEN_MAX_HOURS after issue however much it is used, and
    dies at logout and at a password change. Failures count towards the login lockout (ACC-04) and the
    per-address login limit (SEC-03)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField(write_only=True, trim_whitespace=False)

        class Meta:
            ref_name = "TokenRequest"  # the schema's component name; "Input" is RegisterApi's

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        expiry = serializers.DateTimeField(help_text="when the token expires unless used before then")

        class Meta:
            ref_name = "Token"

    @extend_schema(
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="wrong username or password, or an inactive account"),
            403: OpenApiResponse(description="locked out after repeated failures (ACC-04)"),
            429: OpenApiResponse(description="too many attempts from this address (SEC-03)"),
        },
        summary="Issue an API token",
    )
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        from filers.services import account_awaiting_activation

        if account_awaiting_activation(request=request, **payload.validated_data):
            # ACC-01: not a failure for the lockout; the page's message, with its code.
            return Response(
                {"detail": _("账号尚未激活，请先点击激活邮件中的链接。"), "code": "awaiting_activation"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        user = authenticate(request=request, **payload.validated_data)
        if getattr(request, "axes_locked_out", False):
            return Response(
                {"detail": _("连续多次登录失败，该账号的登录已暂时锁定，请稍后再试。"), "code": "locked_out"},
                status=status.HTTP_403_FORBIDDEN,
            )
        if user is None:
            return Response(
                {"detail": _("用户名或密码不正确。"), "code": "invalid_credentials"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        instance, token = get_token_model().objects.create(user=user)
        # As a page login does: last_login, and axes clears the account's failures (AXES_RESET_ON_SUCCESS).
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response(self.OutputSerializer({"token": token, "expiry": instance.expiry}).data)


class TokenLogoutApi(APIView):
    """SEC-04: this token stops working; the account's other tokens and sessions stay."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, summary="Revoke this API token")
    def post(self, request):
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenLogoutAllApi(APIView):
    """SEC-04: every API token of the account stops working."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, summary="Revoke all of the account's API tokens")
    def post(self, request):
        tokens_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
