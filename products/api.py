"""/api/v1/products/…: products with nested paths and functions, over the same services as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from beian.api_errors import (
    IDEMPOTENCY_KEY,
    IF_MATCH,
    conflict,
    expected_version,
    field_errors,
    idempotency_key,
    stale,
    versioned,
)
from beian.concurrency import StaleEdit, idempotent_create
from filers.api import IsFiler, OwnAttachmentField
from review.services import TransitionError

from .models import Audience, Function, FunctionPath, Product, ServiceForm, ServiceStatus
from .selectors import product_tree
from .services import (
    FUNCTION_FIELDS,
    PRODUCT_FIELDS,
    ProductInUse,
    ProductLocked,
    function_create,
    function_delete,
    function_update,
    path_create,
    path_delete,
    path_update,
    product_create,
    product_delete,
    product_submit,
    product_update,
)


class FunctionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Function
        fields = ["id", *FUNCTION_FIELDS, "version"]
        read_only_fields = ["id", "version"]


class PathSerializer(serializers.ModelSerializer):
    steps = serializers.ListField(child=serializers.CharField(allow_blank=True), allow_empty=True)
    functions = FunctionSerializer(many=True, read_only=True)

    class Meta:
        model = FunctionPath
        fields = ["id", "steps", "functions", "version"]
        read_only_fields = ["id", "version"]


class ProductSerializer(serializers.ModelSerializer):
    service_forms = serializers.ListField(child=serializers.ChoiceField(choices=ServiceForm.choices))
    service_status = serializers.ChoiceField(choices=ServiceStatus.choices, required=False)
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    paths = PathSerializer(many=True, read_only=True)
    # A website's screenshot and site map: ids of the entity's own uploads (POST /api/entity/attachments/).
    site_screenshot = OwnAttachmentField("site_screenshot", required=False, allow_null=True)
    site_map = OwnAttachmentField("site_map", required=False, allow_null=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "state",
            *PRODUCT_FIELDS,
            "approved_revision",
            "pending_revision",
            "paths",
            "version",
        ]
        read_only_fields = ["id", "state", "approved_revision", "pending_revision", "paths", "version"]
        # The service checks the URLs (one message for the page and the API).
        extra_kwargs = {"url": {"validators": []}, "download_url": {"validators": []}}


class ProductListApi(APIView):
    permission_classes = [IsFiler]

    @extend_schema(
        responses=ProductSerializer(many=True), summary="The entity's products → paths → functions"
    )
    def get(self, request):
        return Response(ProductSerializer(product_tree(entity=request.user.entity), many=True).data)

    @extend_schema(
        request=ProductSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: ProductSerializer},
        summary="Add a product (PRD-02)",
    )
    def post(self, request):
        payload = ProductSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        try:
            product = idempotent_create(
                actor=request.user,
                key=idempotency_key(request),
                scope="product",
                create=lambda: product_create(
                    entity=request.user.entity, actor=request.user, data=payload.validated_data
                ),
            )
        except ValidationError as exc:
            raise field_errors(exc) from exc
        return Response(ProductSerializer(product).data, status=status.HTTP_201_CREATED)


class ProductDetailApi(APIView):
    permission_classes = [IsFiler]

    def _product(self, request, pk):
        return get_object_or_404(Product, pk=pk, entity_id=request.user.entity_id)

    @extend_schema(responses=ProductSerializer)
    def get(self, request, pk: int):
        product = self._product(request, pk)
        return versioned(Response(ProductSerializer(product).data), product)

    @extend_schema(
        request=ProductSerializer,
        parameters=[IF_MATCH],
        responses={200: ProductSerializer, 409: OpenApiResponse()},
    )
    def patch(self, request, pk: int):
        product = self._product(request, pk)
        version = expected_version(request)
        payload = ProductSerializer(product, data=request.data, partial=True, context={"request": request})
        payload.is_valid(raise_exception=True)
        try:
            product = product_update(
                product=product, actor=request.user, data=payload.validated_data, version=version
            )
        except StaleEdit as exc:
            return stale(exc)
        except ValidationError as exc:
            raise field_errors(exc) from exc
        except ProductLocked as exc:
            return conflict(exc)
        return versioned(Response(ProductSerializer(product).data), product)

    @extend_schema(parameters=[IF_MATCH], responses={204: None, 409: OpenApiResponse()})
    def delete(self, request, pk: int):
        try:
            product_delete(
                product=self._product(request, pk), actor=request.user, version=expected_version(request)
            )
        except StaleEdit as exc:
            return stale(exc)
        except (ProductInUse, ProductLocked) as exc:
            return conflict(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProductSubmitApi(APIView):
    permission_classes = [IsFiler]

    @extend_schema(
        request=None,
        parameters=[IF_MATCH],
        responses={200: ProductSerializer, 400: OpenApiResponse(), 409: OpenApiResponse()},
    )
    def post(self, request, pk: int):
        product = get_object_or_404(Product, pk=pk, entity_id=request.user.entity_id)
        try:
            product_submit(product=product, actor=request.user, version=expected_version(request))
        except StaleEdit as exc:
            return stale(exc)
        except ValidationError as exc:
            raise field_errors(exc) from exc
        except TransitionError as exc:
            return conflict(exc)
        return Response(ProductSerializer(product).data)


class PathCreateApi(APIView):
    permission_classes = [IsFiler]

    @extend_schema(
        request=PathSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: PathSerializer},
        summary="Add a path (PRD-03)",
    )
    def post(self, request, pk: int):
        product = get_object_or_404(Product, pk=pk, entity_id=request.user.entity_id)
        payload = PathSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            path = idempotent_create(
                actor=request.user,
                key=idempotency_key(request),
                scope="path",
                create=lambda: path_create(
                    product=product, actor=request.user, steps=payload.validated_data["steps"]
                ),
            )
        except ValidationError as exc:
            raise field_errors(exc) from exc
        except ProductLocked as exc:
            return conflict(exc)
        return Response(PathSerializer(path).data, status=status.HTTP_201_CREATED)


class PathDetailApi(APIView):
    permission_classes = [IsFiler]

    def _path(self, request, pk):
        return get_object_or_404(FunctionPath, pk=pk, product__entity_id=request.user.entity_id)

    @extend_schema(
        request=PathSerializer, parameters=[IF_MATCH], responses={200: PathSerializer, 409: OpenApiResponse()}
    )
    def patch(self, request, pk: int):
        path = self._path(request, pk)
        version = expected_version(request)
        payload = PathSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            path = path_update(
                path=path, actor=request.user, steps=payload.validated_data["steps"], version=version
            )
        except StaleEdit as exc:
            return stale(exc)
        except ValidationError as exc:
            raise field_errors(exc) from exc
        except ProductLocked as exc:
            return conflict(exc)
        return versioned(Response(PathSerializer(path).data), path)

    @extend_schema(parameters=[IF_MATCH], responses={204: None, 409: OpenApiResponse()})
    def delete(self, request, pk: int):
        try:
            path_delete(path=self._path(request, pk), actor=request.user, version=expected_version(request))
        except StaleEdit as exc:
            return stale(exc)
        except (ProductInUse, ProductLocked) as exc:
            return conflict(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FunctionCreateApi(APIView):
    permission_classes = [IsFiler]

    @extend_schema(
        request=FunctionSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: FunctionSerializer},
        summary="Add a function (PRD-04)",
    )
    def post(self, request, pk: int):
        path = get_object_or_404(FunctionPath, pk=pk, product__entity_id=request.user.entity_id)
        payload = FunctionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            function = idempotent_create(
                actor=request.user,
                key=idempotency_key(request),
                scope="function",
                create=lambda: function_create(path=path, actor=request.user, data=payload.validated_data),
            )
        except ValidationError as exc:
            raise field_errors(exc) from exc
        except ProductLocked as exc:
            return conflict(exc)
        return Response(FunctionSerializer(function).data, status=status.HTTP_201_CREATED)


class FunctionDetailApi(APIView):
    permission_classes = [IsFiler]

    def _function(self, request, pk):
        return get_object_or_404(
            Function.objects.select_related("path"), pk=pk, path__product__entity_id=request.user.entity_id
        )

    @extend_schema(
        request=FunctionSerializer,
        parameters=[IF_MATCH],
        responses={200: FunctionSerializer, 409: OpenApiResponse()},
    )
    def patch(self, request, pk: int):
        function = self._function(request, pk)
        version = expected_version(request)
        payload = FunctionSerializer(function, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        try:
            function = function_update(
                function=function, actor=request.user, data=payload.validated_data, version=version
            )
        except StaleEdit as exc:
            return stale(exc)
        except ValidationError as exc:
            raise field_errors(exc) from exc
        except ProductLocked as exc:
            return conflict(exc)
        return versioned(Response(FunctionSerializer(function).data), function)

    @extend_schema(parameters=[IF_MATCH], responses={204: None, 409: OpenApiResponse()})
    def delete(self, request, pk: int):
        try:
            function_delete(
                function=self._function(request, pk), actor=request.user, version=expected_version(request)
            )
        except StaleEdit as exc:
            return stale(exc)
        except (ProductInUse, ProductLocked) as exc:
            return conflict(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)
