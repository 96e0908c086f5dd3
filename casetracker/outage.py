"""Graceful answers while the database is away.

Without this, every request during an outage ended in Django's HTML "Server Error (500)"
and a full traceback in the log (27 MB in ten seconds under load). Now:

- API clients get JSON ``503`` with ``Retry-After``; admin and other pages a short HTML
  ``503``; ``/healthz`` answers ``503`` (``casetracker.health``);
- the log gets ONE line when the database stops answering and one when it is back
  (per process), not one traceback per request (:class:`QuietOutageFilter`).

The service recovers by itself: Django reconnects on the next request once the
database answers again.
"""

from __future__ import annotations

import logging
import sys
import threading
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.defaults import server_error

from casetracker.problems import problem_response

logger = logging.getLogger("casetracker.outage")

#: seconds a client is asked to wait before trying again
RETRY_AFTER_SECONDS = 10

_lock = threading.Lock()
_down_since: float | None = None


def is_outage(error: BaseException | None) -> bool:
    """True for the errors a database that went away raises (connection refused, lost, closed)."""
    return isinstance(error, (OperationalError, InterfaceError))


def note_failure(error: BaseException) -> None:
    """Record that the database did not answer; log it only if it was answering until now."""
    global _down_since
    with _lock:
        if _down_since is not None:
            return
        _down_since = time.monotonic()
    logger.error(
        "The database is unavailable (%s: %s). Requests get 503 until it answers again; "
        "further failures are not logged. Check that the database server is running and reachable.",
        type(error).__name__,
        str(error).strip().splitlines()[0] if str(error).strip() else "",
    )


def note_success() -> None:
    """Record that the database answered; log the recovery once."""
    global _down_since
    if _down_since is None:  # the usual case: no lock, nothing to do
        return
    with _lock:
        if _down_since is None:
            return
        seconds = time.monotonic() - _down_since
        _down_since = None
    logger.warning("The database answers again after %.0f s of outage.", seconds)


def is_down() -> bool:
    return _down_since is not None


def outage_response(request):
    """JSON for the API, a short page for everything else; both 503 with ``Retry-After``."""
    message = _("The database is unavailable for a moment. Try again in a few seconds.")
    if request.path.startswith("/api/") or request.path.startswith("/healthz"):
        response = problem_response(request, 503, "database_unavailable", message)
    else:
        title = _("Service unavailable")
        body = f'<!doctype html><html lang="en"><title>{title}</title><h1>{title}</h1><p>{message}</p></html>'
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """Turn a database outage during a view into a 503 (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 500:
            note_success()
        return response

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        note_failure(exception)
        return outage_response(request)


def handler500(request, *args, **kwargs):
    """Django's ``handler500``: an outage outside a view (a middleware's query) is a 503 too."""
    error = sys.exc_info()[1]
    if is_outage(error):
        note_failure(error)
        return outage_response(request)
    if request.path.startswith("/api/"):
        return problem_response(request, 500, "server_error", _("Server error. It has been logged; try again later."))
    return server_error(request, *args, **kwargs)


class QuietOutageFilter(logging.Filter):
    """Drop the per-request tracebacks of an outage from ``django.request``; :func:`note_failure` logs it once."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if is_outage(exc):
            return False
        # Django logs every 5xx answer ("Service Unavailable: /api/…"): the outage's own 503s are known.
        return not (getattr(record, "status_code", None) == 503 and is_down())
