"""The REST API's root pieces under /api/v1/: who am I, and token issue. Each app adds its own."""

from drf_spectacular.utils import extend_schema
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
