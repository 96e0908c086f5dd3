"""Reads from a read replica, writes to the primary, and a writer reads their own writes.

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database alias and
:class:`ReplicaRouter` sends every read (list and detail pages, search, exports) there and
every write to ``default`` (the primary). Migrations run on the primary only.

A replica lags the primary by a moment, so a user who has just written must not read the
replica straight away: :class:`ReadYourWritesMiddleware` sends every request with an unsafe
method (POST, PUT, PATCH, DELETE: its reads and writes in one transaction) to the primary, and
afterwards pins the writer to the primary for ``REPLICA_PIN_SECONDS`` (default 10): a
short-lived cookie for browsers (a cookie rather than a session flag, because the session is
itself read from the database the flag would choose), and a key in the shared cache for the
signed-in user, which API token clients (that may keep no cookies) are checked against when
their token is (:func:`pin_if_user_wrote`). A token just issued by the primary is looked up
there again if the replica does not have it yet.

Without a replica nothing changes: the router answers ``None`` and Django uses ``default``.
"""

from __future__ import annotations

import contextvars

from django.conf import settings
from django.core.cache import cache

PRIMARY = "default"
PIN_COOKIE = "ct_primary"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Read from the primary always: throttle counts (the database cache) and login lockouts must be current.
PRIMARY_ONLY_APPS = frozenset({"django_cache", "axes"})

#: True while the current request must read the primary (set by the middleware, or :func:`use_primary`).
_pinned = contextvars.ContextVar("casetracker_read_primary", default=False)


def _user_key(user_id) -> str:
    return f"casetracker:read-primary:{user_id}"


def reads_primary() -> bool:
    """Whether reads in this request go to the primary."""
    return replica_alias() is None or _pinned.get()


def pin_if_user_wrote(user) -> None:
    """Pins the rest of this request to the primary if ``user`` wrote a moment ago (any client)."""
    if replica_alias() is None or _pinned.get() or not getattr(user, "pk", None):
        return
    if cache.get(_user_key(user.pk)):
        _pinned.set(True)


def replica_alias() -> str | None:
    """The alias reads go to, or None when no replica is configured."""
    return getattr(settings, "DATABASE_REPLICA_ALIAS", None)


class use_primary:  # noqa: N801 (used like a function: ``with use_primary():``)
    """Within the block, reads go to the primary (e.g. a command that reads what it just wrote)."""

    def __enter__(self):
        self._token = _pinned.set(True)
        return self

    def __exit__(self, *exc):
        _pinned.reset(self._token)


class ReplicaRouter:
    """Reads to the replica (unless the request is pinned to the primary), writes to the primary."""

    def db_for_read(self, model, **hints):
        alias = replica_alias()
        if alias is None or _pinned.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        return alias

    def db_for_write(self, model, **hints):
        return PRIMARY if replica_alias() else None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: a record read from one may be linked to the other's.
        return True if replica_alias() else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica copies the primary's schema; migrations run on the primary only.
        if replica_alias() and db == replica_alias():
            return False
        return None


class ReadYourWritesMiddleware:
    """Pins a request to the primary when it writes, or when the client wrote a moment ago."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if replica_alias() is None:
            return self.get_response(request)
        writes = request.method in UNSAFE_METHODS
        token = _pinned.set(writes or PIN_COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if writes:
            # Whatever the outcome: a failed write may still have written (a session, a lockout count).
            user = getattr(request, "user", None)
            if getattr(user, "is_authenticated", False):
                cache.set(_user_key(user.pk), 1, settings.REPLICA_PIN_SECONDS)
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
