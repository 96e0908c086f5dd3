"""``/healthz``: is this instance able to serve? Used by docker-compose and load balancers.

Answered by a middleware placed first in ``MIDDLEWARE`` rather than by a URL route, so
that a probe on plain ``http://127.0.0.1:8000/healthz`` works in production: it runs
before host validation (``ALLOWED_HOSTS`` need not list the container's address), the
HTTPS redirect and the per-request transaction. It reveals nothing but whether the
database answered.
"""

import logging
import time

from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse

from casetracker.outage import note_failure, note_success

logger = logging.getLogger(__name__)

HEALTH_PATHS = frozenset({"/healthz", "/healthz/"})


def database_health(*, alias: str = "default") -> tuple[bool, str]:
    """Run a trivial query on the database; return whether it answered and a short reason."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    except DatabaseError as error:
        # Logged once per outage (casetracker.outage), not once per probe; nothing to the client.
        note_failure(error)
        return False, f"unavailable ({type(error).__name__})"
    note_success()
    if row is None or row[0] != 1:
        return False, "unexpected answer"
    return True, "ok"


def healthz(request: HttpRequest) -> JsonResponse:
    """200 ``{"status": "ok", ...}`` when the database answers, 503 otherwise."""
    started = time.perf_counter()
    ok, database = database_health()
    body = {
        "status": "ok" if ok else "unavailable",
        "database": database,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    response = JsonResponse(body, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answer ``GET``/``HEAD /healthz`` directly; pass every other request on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.path in HEALTH_PATHS and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)
