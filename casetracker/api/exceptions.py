"""Errors as problem details (RFC 9457, :mod:`casetracker.problems`) that say what went wrong and what to do.

- a record others depend on → 409 with the dependants named (``casetracker.deletion``);
- a model ``ValidationError`` that escaped a serializer → 400 keyed by field;
- a database integrity error → 400, never a 500;
- a stale ``If-Match`` → 412.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from casetracker.deletion import DeletionRefused, describe_dependents
from casetracker.problems import PROBLEM_CONTENT_TYPE, problem


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record changed since you read it. GET it again, re-apply your change and send its ETag.")
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = _(
        "This service requires conditional writes: GET the record, then send its ETag in an If-Match header "
        "with your PUT, PATCH or DELETE."
    )
    default_code = "precondition_required"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the record.")
    default_code = "conflict"


def flatten_errors(detail, path: str | None = None) -> list[dict]:
    """DRF's nested error detail as ``[{field, code, message}]``, fields as dotted paths (``term.value``,
    ``names.1.name``); ``non_field_errors`` and a bare list are ``field: null`` (the request as a whole)."""
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
            name = None if key in (api_settings.NON_FIELD_ERRORS_KEY, "detail") else str(key)
            errors += flatten_errors(value, name if path is None else (path if name is None else f"{path}.{name}"))
        return errors
    if isinstance(detail, list):
        if all(isinstance(item, (str, ErrorDetail)) for item in detail):
            return [item for value in detail for item in flatten_errors(value, path)]
        # A list serializer's errors: one entry per item, empty for the valid ones.
        errors = []
        for index, value in enumerate(detail):
            errors += flatten_errors(value, f"{path}.{index}" if path is not None else str(index))
        return errors
    return [{"field": path, "code": getattr(detail, "code", None) or "invalid", "message": str(detail)}]


def _validation_detail(errors: list[dict]) -> str:
    if len(errors) == 1:
        error = errors[0]
        if error["field"] is None:
            return error["message"]
        return _("%(field)s: %(message)s") % {"field": error["field"], "message": error["message"]}
    fields = sorted({error["field"] for error in errors if error["field"] is not None})
    return _("The request has %(count)d problems (%(fields)s); each is listed in errors.") % {
        "count": len(errors),
        "fields": ", ".join(fields) or _("the request as a whole"),
    }


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "validation_error"
    detail = exc.detail
    if isinstance(detail, dict):
        detail = detail.get("detail", "")
    return getattr(detail, "code", None) or exc.default_code


def problem_for(exc: exceptions.APIException, request) -> dict:
    """The problem document (``casetracker.problems``) for a DRF exception."""
    instance = request.path if request is not None else None
    code = _code(exc)
    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        return problem(exc.status_code, code, _validation_detail(errors), instance=instance, errors=errors)
    detail = exc.detail
    if isinstance(detail, dict):
        extra = {key: value for key, value in detail.items() if key != "detail"}
        detail = detail.get("detail", exc.default_detail)
    elif isinstance(detail, list):
        detail = " ".join(str(item) for item in detail)
    if exc.status_code == status.HTTP_400_BAD_REQUEST:
        # Every 400 lists what is wrong by field, so a client reads one shape.
        names = extra.get("unknown") or [None]
        extra["errors"] = [{"field": name, "code": code, "message": str(detail)} for name in names]
    return problem(exc.status_code, code, str(detail), instance=instance, **extra)


def exception_handler(exc, context):
    """DRF's handler, plus the project's own errors, every one answered as a problem document."""
    request = context.get("request")
    instance = request.path if request is not None else None
    if isinstance(exc, (ProtectedError, RestrictedError)):
        view = context.get("view")
        deleting = getattr(view, "_deleting", None)
        user = getattr(request, "user", None)
        if deleting is not None:
            exc = describe_dependents(deleting, exc, user=user)
        else:
            exc = DeletionRefused(str(_("Other records depend on this one; delete or reassign them first.")), [])
    if isinstance(exc, DeletionRefused):
        set_rollback()
        body = problem(
            status.HTTP_409_CONFLICT,
            "has_dependents",
            exc.message,
            instance=instance,
            dependents=exc.dependents,
            hidden_dependents=exc.hidden_count,
        )
        return Response(body, status=status.HTTP_409_CONFLICT, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                (api_settings.NON_FIELD_ERRORS_KEY if key == "__all__" else key): messages
                for key, messages in exc.message_dict.items()
            }
        else:
            detail = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, IntegrityError):
        exc = exceptions.ValidationError(
            {
                api_settings.NON_FIELD_ERRORS_KEY: [
                    gettext("The change conflicts with existing records: %(error)s") % {"error": exc}
                ]
            },
            code="conflict",
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    response.data = problem_for(exc, request)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
