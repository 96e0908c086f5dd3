"""Throttles: anonymous API clients, and sign-in attempts per address and per user name.

Counts live in the shared cache (``CACHES["default"]``: the database, or Redis with
``CACHE_URL``), so every worker and instance sees the same counts. The client's address is
DRF's ``get_ident`` with ``NUM_PROXIES = TRUSTED_PROXY_COUNT`` (see settings), the same
address django-axes locks out.

DRF reads its rates once, at import; reading them per request lets tests and operators
change ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` without a restart of the test process.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle


class SettingsRateMixin:
    """Read the scope's rate from settings at request time; a missing or empty rate means no limit."""

    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)


@dataclass(frozen=True)
class RateLimit:
    """One throttle's quota as the IETF draft "RateLimit header fields for HTTP" states it
    (draft-ietf-httpapi-ratelimit-headers): ``RateLimit-Policy: "anon";q=120;w=60`` (a quota of
    120 requests per 60-second window) and ``RateLimit: "anon";r=117;t=42`` (117 left, 42 seconds
    until the window ends)."""

    scope: str
    quota: int
    window: int
    remaining: int
    reset: int

    def policy_header(self) -> str:
        return f'"{self.scope}";q={self.quota};w={self.window}'

    def header(self) -> str:
        return f'"{self.scope}";r={self.remaining};t={self.reset}'


class RateLimitHeadersMixin:
    """After counting a request, leave its quota on the request for the response headers
    (``casetracker.headers.ApiCacheHeadersMiddleware`` writes them)."""

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        history = getattr(self, "history", None)
        if self.rate is None or history is None:
            return allowed  # not counted: no limit, or not this throttle's client (signed in)
        now = self.timer()
        remaining = max(self.num_requests - len(history), 0) if allowed else 0
        oldest = history[-1] if history else now
        reset = max(int(self.duration - (now - oldest) + 0.999), 0)
        limit = RateLimit(self.scope, self.num_requests, int(self.duration), remaining, reset)
        # On the Django request, which the middleware sees (DRF's Request wraps it).
        getattr(request, "_request", request).rate_limit = limit
        return allowed


class AnonymousRateThrottle(RateLimitHeadersMixin, SettingsRateMixin, AnonRateThrottle):
    """Requests per period for clients that are not signed in (by client address)."""


class LoginAddressThrottle(SettingsRateMixin, SimpleRateThrottle):
    """Sign-in attempts per period from one client address (``LOGIN_RATE_PER_ADDRESS``).

    Stops one address from trying many user names (password spraying), which the lockout,
    keyed by user name and address together, does not see.
    """

    scope = "login-address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginUsernameThrottle(SettingsRateMixin, SimpleRateThrottle):
    """Sign-in attempts per period for one user name, from any address (``LOGIN_RATE_PER_USERNAME``).

    Caps guessing against one account from many addresses. The price: whoever spends that many
    attempts in the period also keeps the real user out until it ends, so the rate is generous.
    """

    scope = "login-username"

    def get_cache_key(self, request, view):
        username = login_username(request)
        if not username:
            return None
        # Hashed: any length or character is a valid cache key; case-folded so "Alice" counts as "alice".
        ident = hashlib.sha256(username.casefold().encode("utf-8", "surrogatepass")).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


LOGIN_THROTTLES = (LoginAddressThrottle, LoginUsernameThrottle)


def login_username(request) -> str:
    """The user name a sign-in request tries: JSON body (token login) or form field (admin)."""
    data = getattr(request, "data", None)
    if data is None:
        data = request.POST
    value = data.get("username") if hasattr(data, "get") else None
    return value if isinstance(value, str) else ""


def login_throttle_wait(request) -> float | None:
    """Check (and count) a sign-in attempt against every login throttle.

    ``None`` when it may go ahead, else the seconds until it may. For views outside DRF (the admin
    login); DRF views list ``LOGIN_THROTTLES`` in ``throttle_classes`` instead.
    """
    waits = []
    for throttle_class in LOGIN_THROTTLES:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait() or 0)
    return max(waits) if waits else None


def login_throttled_response(wait: float) -> HttpResponse:
    """The admin login's answer to too many attempts: a short page, 429 with ``Retry-After``."""
    seconds = max(int(wait + 0.999), 1)
    message = escape(_("Too many sign-in attempts. Try again in %(seconds)d seconds.") % {"seconds": seconds})
    response = HttpResponse(
        f"<!doctype html><title>{message}</title><h1>{message}</h1>",
        status=429,
        content_type="text/html; charset=utf-8",
    )
    response["Retry-After"] = str(seconds)
    return response
