"""Problem details (RFC 9457): the one shape of every API error.

Every error the API answers — DRF's own, the project's (409 refusals, unknown query
parameters, stale ``If-Match``), and those answered before a view runs (a NUL byte, a
database outage, a server error) — is ``application/problem+json``::

    {"type": "urn:casetracker:problem:validation_error", "title": "Bad request", "status": 400,
     "detail": "…what went wrong and what to do…", "code": "validation_error",
     "instance": "/api/v1/cases/",
     "errors": [{"field": "charges.0.article", "code": "required", "message": "…"}]}

``code`` is stable (clients switch on it); ``type`` is the same code as a URI; ``title``
is the status's short phrase and ``detail`` the sentence for a person, both translated.
``errors`` (validation errors only) names each bad field with a dotted path for nested
fields (``term.value``, ``names.1.name``); ``field`` is null for a problem with the request
as a whole. Some problems carry extension members of their own (RFC 9457 §3.2): a 409 has
``dependents`` and ``hidden_dependents``, an unknown query parameter ``unknown`` and
``allowed``. This module needs no DRF, so middleware can answer in the same shape.
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.defaults import page_not_found

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:casetracker:problem:"

#: the short phrase of each status a client may meet (RFC 9110 reason phrases, translated)
TITLES = {
    400: _("Bad request"),
    401: _("Not signed in"),
    403: _("Forbidden"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    409: _("Conflict"),
    412: _("Precondition failed"),
    413: _("Request too large"),
    415: _("Unsupported media type"),
    428: _("Precondition required"),
    429: _("Too many requests"),
    500: _("Server error"),
    503: _("Service unavailable"),
}


def problem_type(code: str) -> str:
    return f"{TYPE_PREFIX}{code}"


def problem(status: int, code: str, detail: str, *, instance: str | None = None, **extra) -> dict:
    """The problem document for ``status`` with the stable ``code`` and a ``detail`` for a person."""
    body = {
        "type": problem_type(code),
        "title": str(TITLES.get(status, _("Error"))),
        "status": status,
        "detail": str(detail),
        "code": code,
    }
    if instance is not None:
        body["instance"] = instance
    body.update(extra)
    return body


def problem_response(request, status: int, code: str, detail: str, **extra) -> HttpResponse:
    """A plain Django response carrying a problem document (for middleware and Django's handlers)."""
    body = problem(status, code, detail, instance=request.path, **extra)
    return HttpResponse(json.dumps(body, ensure_ascii=False).encode(), status=status, content_type=PROBLEM_CONTENT_TYPE)


def errors_by_field(body: dict) -> dict[str, list[str]]:
    """A 400 problem's ``errors`` as ``{"field": ["message", …]}``, whole-request ones under
    ``non_field_errors`` (for tests and simple clients)."""
    grouped: dict[str, list[str]] = {}
    for error in body.get("errors", []):
        grouped.setdefault(error["field"] or "non_field_errors", []).append(error["message"])
    return grouped


def handler404(request, exception=None, *args, **kwargs):
    """Django's ``handler404``: under ``/api/`` a problem document, elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return problem_response(
            request, 404, "not_found", _("No such address in the API. The schema at /api/schema/ lists them all.")
        )
    return page_not_found(request, exception, *args, **kwargs)
