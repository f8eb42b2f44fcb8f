from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class CurrentUserApi(APIView):
    """The signed-in user: who they are and which roles they hold."""

    @extend_schema_serializer(component_name="CurrentUser")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        email = serializers.EmailField()
        full_name = serializers.CharField()
        phone = serializers.CharField(allow_null=True)
        roles = serializers.ListField(child=serializers.CharField(), source="role_names")
        language = serializers.CharField()

    @extend_schema(responses=OutputSerializer, operation_id="current_user")
    def get(self, request):
        user = request.user
        user.language = request.LANGUAGE_CODE
        return Response(self.OutputSerializer(user).data)
