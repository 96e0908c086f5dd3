"""Errors as JSON that say what went wrong and what to do.

- a record others depend on → 409 with the dependants named (``casetracker.deletion``);
- a model ``ValidationError`` that escaped a serializer → 400 keyed by field;
- a database integrity error → 400, never a 500;
- a stale ``If-Match`` → 412.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from casetracker.deletion import DeletionRefused, describe_dependents


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


def exception_handler(exc, context):
    """DRF's handler, plus the project's own errors."""
    if isinstance(exc, (ProtectedError, RestrictedError)):
        view = context.get("view")
        instance = getattr(view, "_deleting", None)
        user = getattr(context.get("request"), "user", None)
        if instance is not None:
            exc = describe_dependents(instance, exc, user=user)
        else:
            exc = DeletionRefused(str(_("Other records depend on this one; delete or reassign them first.")), {})
    if isinstance(exc, DeletionRefused):
        set_rollback()
        body = {"detail": exc.message, "dependents": exc.dependents, "hidden_dependents": exc.hidden_count}
        return Response(body, status=status.HTTP_409_CONFLICT)
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
            }
        )
    return drf_exception_handler(exc, context)
