"""How API requests authenticate: staff tokens (django-rest-knox) and the admin's session.

A module of its own, imported by DRF's settings, so it must not import views or serializers.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed

from casetracker.accounts.two_factor import two_factor_needed
from casetracker.replica import pin_if_user_wrote, reads_primary, use_primary


class StaffTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <token>``: a knox token (hashed, expiring) of an active staff member.

    A token whose user has since lost staff status stops working at once, like one whose user was
    deactivated (both also revoke the user's tokens when saved: casetracker.accounts.tokens).
    """

    def authenticate_credentials(self, token):
        try:
            return super().authenticate_credentials(token)
        except AuthenticationFailed:
            if reads_primary():
                raise
        # A token issued a moment ago may not have reached the read replica yet: ask the primary.
        with use_primary():
            return super().authenticate_credentials(token)

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        if not user.is_staff:
            raise AuthenticationFailed(_("API tokens are for staff accounts only."))
        # A client that wrote a moment ago reads its own writes (casetracker.replica).
        pin_if_user_wrote(user)
        return user, auth_token


class StaffTokenScheme(OpenApiAuthenticationExtension):
    """The token scheme in the OpenAPI document: an ``Authorization`` header with the ``Token`` prefix."""

    target_class = StaffTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )


class TwoFactorSessionAuthentication(SessionAuthentication):
    """The admin's session, as DRF's ``SessionAuthentication`` (with its CSRF check), but only a session
    that signed in with a two-factor code when the user needs one; otherwise the request is anonymous."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        pin_if_user_wrote(user)
        verified = getattr(user, "is_verified", None)
        if two_factor_needed(user) and not (verified and verified()):
            return None
        return result


class TwoFactorSessionScheme(OpenApiAuthenticationExtension):
    """The session scheme in the OpenAPI document, as drf-spectacular describes Django's."""

    target_class = TwoFactorSessionAuthentication
    name = "cookieAuth"
    priority = -1

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
