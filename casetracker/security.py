"""Login lockout (django-axes) for the API token login.

django-axes counts failed logins through Django's ``user_login_failed`` signal and its
``AxesStandaloneBackend`` refuses locked-out users; for the admin login that is all it
takes. A DRF token-login view needs two more things, provided by
:class:`AxesTokenLoginMixin`.
"""

from django.contrib.auth.signals import user_logged_in
from django.db import connections
from rest_framework import status
from rest_framework.response import Response


def _keep_request_transaction() -> None:
    """Undo DRF's rollback of the per-request transaction (``ATOMIC_REQUESTS``).

    DRF marks that transaction for rollback whenever a view raises an API exception, such
    as the ``ValidationError`` a wrong password produces; the rollback would also erase
    axes' record of the failed attempt, so failures would never add up to a lockout.
    """
    for connection in connections.all(initialized_only=True):
        if connection.settings_dict.get("ATOMIC_REQUESTS") and connection.in_atomic_block:
            connection.set_rollback(False)


class AxesTokenLoginMixin:
    """Make failed logins on a DRF token-login view count towards the axes lockout.

    Put it first among the bases of the view (``class TokenLoginView(AxesTokenLoginMixin,
    ObtainAuthToken)``). After ``AXES_FAILURE_LIMIT`` failures for one user name from one
    address the view answers 429 with a JSON ``detail`` and a ``Retry-After`` header, also
    when the password is then right, until the cool-off ends. A successful token login
    sends ``user_logged_in`` like any login, which resets the count.

    Keeping the request's transaction after a failed login is safe because a token login
    writes nothing until the credentials check out.
    """

    def get_serializer(self, *args, **kwargs):
        self._login_serializer = super().get_serializer(*args, **kwargs)
        return self._login_serializer

    def finalize_response(self, request, response, *args, **kwargs):
        serializer = getattr(self, "_login_serializer", None)
        # POST only: OPTIONS also builds the serializer (to describe it) but logs nobody in.
        if serializer is not None and response.status_code == 200 and request.method == "POST":
            # A token login is a login: tell axes (a success resets the failure count, with
            # AXES_RESET_ON_SUCCESS) and Django (last_login is updated).
            user = serializer.validated_data["user"]
            user_logged_in.send(sender=type(user), request=request, user=user)
        return super().finalize_response(request, response, *args, **kwargs)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        _keep_request_transaction()
        if getattr(self.request, "axes_locked_out", False):
            return self.lockout_response()
        return response

    def lockout_response(self) -> Response:
        from axes.helpers import get_cool_off, get_lockout_message

        cool_off = get_cool_off(self.request)
        headers = {"Retry-After": str(int(cool_off.total_seconds()))} if cool_off else {}
        response = Response(
            {"detail": f"{get_lockout_message()} Too many failed logins for this user from this address."},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers=headers,
        )
        # handle_exception's caller finalizes this response like any other.
        return response
