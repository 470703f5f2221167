"""The API's sign-in: a token for a username and password (attempts limited before any
password is hashed), and who a token or session belongs to."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookmyshow.accounts import token_for_credentials
from bookmyshow.api import ApiSerializer, StrictCharField, parse_body
from bookmyshow.api_docs import errors


class TokenInput(ApiSerializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=128, trim_whitespace=False)


class TokenOutput(ApiSerializer):
    token = serializers.CharField()


class MeOutput(ApiSerializer):
    userId = serializers.IntegerField(source="id")
    username = serializers.CharField()


class TokenApi(APIView):
    authentication_classes = []

    @extend_schema(
        request=TokenInput,
        auth=[],
        responses={200: TokenOutput, **errors(400, 401, 413, 415, 429, 503)},
    )
    def post(self, request: Request) -> Response:
        body = parse_body(TokenInput, request)
        token = token_for_credentials(request, username=body["username"], password=body["password"])
        return Response(TokenOutput({"token": token}).data)


class MeApi(APIView):
    """Who the token or session belongs to: a cheap way for a client to check its login."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeOutput, **errors(401)})
    def get(self, request: Request) -> Response:
        return Response(MeOutput(request.user).data)


urlpatterns = [
    path("auth/token", TokenApi.as_view(), name="auth-token"),
    path("auth/me", MeApi.as_view(), name="auth-me"),
]
