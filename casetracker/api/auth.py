"""``POST /api/v1/auth/token/``: exchange a username and password (and a two-factor code) for an API token."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, Throttled, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings

from casetracker.accounts.tokens import token_create
from casetracker.accounts.two_factor import two_factor_enabled, two_factor_needed, two_factor_verify
from casetracker.security import AxesTokenLoginMixin

from .schema import ERROR_DESCRIPTIONS
from .serializers import ProblemSerializer, ValidationProblemSerializer
from .throttling import LOGIN_THROTTLES


class TokenLoginSerializer(serializers.Serializer):
    """A user name and password, checked by Django's authentication backends (axes first)."""

    # Django's user names are at most 150 characters; anything longer is refused before any lookup.
    username = serializers.CharField(max_length=150, help_text=gettext_lazy("Your staff username."))
    password = serializers.CharField(
        max_length=4096,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text=gettext_lazy("Your password."),
    )
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text=gettext_lazy(
            "The code your authenticator app shows, or one of your recovery codes: required for accounts that "
            "use two-factor sign-in (every account that may see confidential records)."
        ),
    )

    def validate(self, attrs):
        user = authenticate(request=self.context["request"], username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                _("Unable to log in with that username and password."), code="authorization"
            )
        attrs["user"] = user
        return attrs


class ObtainTokenView(AxesTokenLoginMixin, GenericAPIView):
    """Give a staff member a new API token, valid for a few hours (``expiry``).

    Send it on later requests as ``Authorization: Token <token>``. It is shown only in this answer
    (the service keeps a hash); it stops working when it expires, when the password changes, or when
    an administrator revokes it.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = LOGIN_THROTTLES
    parser_classes = [JSONParser]
    serializer_class = TokenLoginSerializer

    def get_authenticate_header(self, request):
        # No authentication on this view, but a refused password is still a 401 that names the scheme.
        return "Token"

    def throttled(self, request, wait):
        raise Throttled(wait, detail=_("Too many sign-in attempts from this address or for this username."))

    @extend_schema(
        summary="Obtain an API token",
        tags=["auth"],
        request=TokenLoginSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse",
                {
                    "token": serializers.CharField(help_text=_("Send as 'Authorization: Token <token>'.")),
                    "expiry": serializers.DateTimeField(help_text=_("When the token stops working.")),
                },
            ),
            400: OpenApiResponse(ValidationProblemSerializer, description=_("A field is missing, empty or too long.")),
            401: OpenApiResponse(
                ProblemSerializer,
                description=(
                    _(
                        "The username and password do not match, or the account uses two-factor sign-in and `otp` is "
                        "missing or wrong."
                    )
                ),
            ),
            403: OpenApiResponse(
                ProblemSerializer,
                description=(
                    _(
                        "The account is not a staff account, or it must use two-factor sign-in and has no "
                        "authenticator app set up yet."
                    )
                ),
            ),
            429: OpenApiResponse(
                ProblemSerializer,
                description=(
                    _(
                        "Too many sign-in attempts from this address or for this username (admin logins count "
                        "too), or locked out after repeated failed logins for this username from this address; "
                        "try again after Retry-After seconds. "
                    )
                    + ERROR_DESCRIPTIONS["429"]
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
                raise AuthenticationFailed(_("Unable to log in with that username and password."))
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        if not user.is_staff:
            raise PermissionDenied(_("API tokens are for staff accounts only."))
        self.check_second_factor(user, serializer.validated_data.get("otp") or "")
        record, token = token_create(user=user)
        return Response({"token": token, "expiry": record.expiry})

    def check_second_factor(self, user, code: str) -> None:
        """Staff who must (or chose to) sign in with a second factor send its code in ``otp``."""
        if not two_factor_needed(user):
            return
        if not two_factor_enabled(user):
            raise PermissionDenied(
                _(
                    "This account can see confidential records, so it must sign in with a two-factor code, and no "
                    "authenticator app is set up for it. Set one up in the admin, or ask an administrator to run: "
                    "manage.py two_factor enrol %(username)s"
                )
                % {"username": user.get_username()}
            )
        if not code.strip():
            raise AuthenticationFailed(
                _("This account signs in with a two-factor code: send the code your authenticator app shows in otp."),
                code="otp_required",
            )
        if two_factor_verify(user=user, code=code) is None:
            # A wrong code after the right password is a failed login: it counts towards the lockout.
            user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=self.request)
            raise AuthenticationFailed(_("That two-factor code is not valid."), code="otp_invalid")
