"""Throttling of anonymous clients, with the rate read from settings at request time.

DRF reads its rates once, at import; reading them per request lets tests and
operators change ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]`` (env
``API_ANON_THROTTLE_RATE``) without a restart of the test process.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    """Requests per period for clients that are not signed in (by IP address)."""

    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)
