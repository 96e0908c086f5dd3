"""``POST /api/v1/auth/token/``: exchange a username and password for an API token."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import JSONParser

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
            400: OpenApiResponse(
                ValidationErrorSerializer, description="Missing fields, or a username and password that do not match."
            ),
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
        return super().post(request, *args, **kwargs)
