"""The REST API's root pieces under /api/v1/: who am I, and token issue. Each app adds its own."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class MeApi(APIView):
    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        role = serializers.CharField()
        province_code = serializers.CharField(allow_blank=True)
        entity_id = serializers.IntegerField(allow_null=True)

    @extend_schema(responses=OutputSerializer, summary="The signed-in account")
    def get(self, request):
        return Response(self.OutputSerializer(request.user).data)


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
