"""``POST /api/v1/auth/token/``: exchange a username and password for an API token."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.settings import api_settings

from casetracker.security import AxesTokenLoginMixin

from .schema import ERROR_DESCRIPTIONS
from .serializers import ErrorSerializer, ValidationErrorSerializer


class ObtainTokenView(AxesTokenLoginMixin, ObtainAuthToken):
    """Give a staff member their API token (the same token on every call until an admin revokes it).

    Send it on later requests as ``Authorization: Token <token>``.
    """

    parser_classes = [JSONParser]

    @extend_schema(
        summary="Obtain an API token",
        tags=["auth"],
        request=inline_serializer(
            "TokenRequest",
            {
                "username": serializers.CharField(help_text="Your staff username."),
                "password": serializers.CharField(help_text="Your password.", style={"input_type": "password"}),
            },
        ),
        responses={
            200: inline_serializer(
                "TokenResponse",
                {"token": serializers.CharField(help_text="Send as 'Authorization: Token <token>'.")},
            ),
            400: OpenApiResponse(ValidationErrorSerializer, description="A field is missing or empty."),
            401: OpenApiResponse(ErrorSerializer, description="The username and password do not match."),
            429: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "Locked out after repeated failed logins for this username from this address (the admin "
                    "login counts too); try again after Retry-After seconds. " + ERROR_DESCRIPTIONS["429"]
                ),
            ),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            codes = serializer.errors.get(api_settings.NON_FIELD_ERRORS_KEY, [])
            if any(getattr(error, "code", None) == "authorization" for error in codes):
                # Wrong username or password: the credentials were refused, the request was well formed.
                raise AuthenticationFailed("Unable to log in with that username and password.")
            raise ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
