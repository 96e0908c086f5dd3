"""Login lockout (django-axes) for the API token login, and requests no view should see.

django-axes counts failed logins through Django's ``user_login_failed`` signal and its
``AxesStandaloneBackend`` refuses locked-out users; for the admin login that is all it
takes. A DRF token-login view needs two more things, provided by
:class:`AxesTokenLoginMixin`. :func:`axes_username` keeps what axes records of a user name
within its column, so an absurd user name is a failed login, not a server error.

:class:`RejectNulMiddleware` answers 400 to a request with a NUL character in its address,
query string or form data before any view runs.
"""

from django.contrib.auth.signals import user_logged_in
from django.db import connections
from django.http import HttpResponse, QueryDict
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.response import Response

from casetracker.problems import PROBLEM_CONTENT_TYPE, problem, problem_response

NUL = "\x00"
API_PREFIX = "/api/"
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# The longest user name django-axes can record (AccessAttempt.username and its logs).
AXES_USERNAME_MAX_LENGTH = 255


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
        detail = f"{get_lockout_message()} {_('Too many failed logins for this user from this address.')}"
        response = Response(
            problem(status.HTTP_429_TOO_MANY_REQUESTS, "locked_out", detail, instance=self.request.path),
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers=headers,
            content_type=PROBLEM_CONTENT_TYPE,
        )
        # handle_exception's caller finalizes this response like any other.
        return response


def axes_username(request, credentials=None) -> str | None:
    """The user name django-axes records and counts failures for (``AXES_USERNAME_CALLABLE``).

    What axes would take itself (the ``username`` of the credentials, else of the posted
    form), cut to the length of axes' column and without NUL characters: PostgreSQL
    refuses both, and a login attempt with a 300-character name was a server error instead
    of a failed login. No real user name is affected (Django allows 150 characters).
    """
    data = credentials or getattr(request, "data", request.POST)
    username = data.get("username")
    if not isinstance(username, str):
        return username
    return username.replace(NUL, "")[:AXES_USERNAME_MAX_LENGTH]


def nul_location(request) -> str | None:
    """Where the request holds a NUL character, in words ("the query parameter “q”"), or None."""
    if NUL in request.path:
        return str(_("the address"))
    for data, where in (
        (request.GET, _("the query parameter “%(name)s”")),
        (_form_data(request), _("the form field “%(name)s”")),
    ):
        for key, values in data.lists():
            if NUL in key or any(isinstance(value, str) and NUL in value for value in values):
                return where % {"name": key.replace(NUL, "%00")[:100]}
    return None


def _form_data(request) -> QueryDict:
    """The posted form fields (files aside) when Django parses the body as a form; otherwise none."""
    if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
        return request.POST
    return QueryDict()


class RejectNulMiddleware:
    """Answer 400 to a request with a NUL character (``%00``) in its address, query string or form data.

    No text the project stores may hold one (PostgreSQL refuses it: a NUL in an admin search,
    a list filter or an API filter reached the database as a server error), no form or filter
    needs one, and browsers never send one unless made to. Refusing it here, before any view,
    covers every page at once; the models refuse the other control characters
    (:class:`casetracker.base_models.CleanTextModel`). JSON bodies are the API's to check
    (DRF's text fields refuse NUL with a 400 naming the field).

    The answer is a problem document (``casetracker.problems``, code ``nul_character``) under ``/api/``
    and a short page elsewhere.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = nul_location(request)
        if where is not None:
            return self.refusal(request, where)
        return self.get_response(request)

    @staticmethod
    def refusal(request, where: str) -> HttpResponse:
        message = _(
            "The request contains a NUL character (%(code)s) in %(where)s, which nothing here accepts. "
            "Remove it and send the request again."
        ) % {"code": "%00", "where": where}
        if request.path.startswith(API_PREFIX):
            # Like every 400, it lists what is wrong (here the request as a whole: field null).
            errors = [{"field": None, "code": "nul_character", "message": str(message)}]
            return problem_response(request, status.HTTP_400_BAD_REQUEST, "nul_character", message, errors=errors)
        title = _("Bad request")
        page = format_html(
            '<!doctype html><html lang="en"><title>{}</title><h1>{}</h1><p>{}</p></html>', title, title, message
        )
        return HttpResponse(page, status=status.HTTP_400_BAD_REQUEST, content_type="text/html; charset=utf-8")
