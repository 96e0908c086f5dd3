"""Response headers that keep what a signed-in user read out of shared caches.

An API answer depends on who asks (an anonymous client sees public records only),
so every ``/api/`` response says so (``Vary: Authorization, Cookie``), and one given
to a signed-in user or a token is ``Cache-Control: private, no-store``: no proxy or
shared browser cache may keep a page that can hold restricted or confidential records.
The Content-Security-Policy itself comes from django-csp (``CONTENT_SECURITY_POLICY``).
A throttled route also says how much of its quota is left (``RateLimit``, ``RateLimit-Policy``).
"""

from django.utils.cache import patch_cache_control, patch_vary_headers

API_PREFIX = "/api/"


class ApiCacheHeadersMiddleware:
    """Add ``Vary`` to every API response and ``Cache-Control: private`` to authenticated ones."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            patch_vary_headers(response, ("Authorization", "Cookie"))
            # DRF puts the user it authenticated (token or session) on the underlying request.
            user = getattr(request, "user", None)
            if "HTTP_AUTHORIZATION" in request.META or (user is not None and user.is_authenticated):
                patch_cache_control(response, private=True, no_store=True)
            # The throttle that counted this request (casetracker.api.throttling) left its numbers here.
            rate_limit = getattr(request, "rate_limit", None)
            if rate_limit is not None:
                response["RateLimit-Policy"] = rate_limit.policy_header()
                response["RateLimit"] = rate_limit.header()
        return response
