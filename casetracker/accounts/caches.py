"""``CACHE_URL`` → Django's ``CACHES["default"]``: the cache every worker and instance shares.

Throttle counts live in this cache, so it must be shared: a per-process cache (Django's default,
local memory) lets each gunicorn worker count on its own, multiplying every limit by the number
of workers. By default the cache is a table in the database (``db://casetracker_cache``, created
by every ``migrate``; ``cache_backend.SharedDatabaseCache``); ``redis://`` or ``rediss://`` URLs use
Django's built-in Redis cache. Imported by settings, so it imports nothing of Django's database layer.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

DEFAULT_CACHE_URL = "db://casetracker_cache"

_REDIS_SCHEMES = {"redis", "rediss"}


def cache_from_url(url: str) -> dict:
    """The ``CACHES`` entry for ``url``, or an ``ImproperlyConfigured`` naming what to set.

    - ``db://TABLE``: Django's database cache in ``TABLE`` of the default database;
    - ``redis://[:password@]host[:port][/db]``, ``rediss://…`` (TLS): Django's Redis cache;
    - ``locmem://``: this process only (a single-process development server; never with gunicorn).
    """
    url = url.strip() or DEFAULT_CACHE_URL
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    entry: dict = {"KEY_PREFIX": "casetracker"}
    if scheme == "db":
        table = (parts.netloc + parts.path).strip("/")
        if not table.replace("_", "").isalnum():
            raise ImproperlyConfigured(f"CACHE_URL={url!r}: name a table, e.g. {DEFAULT_CACHE_URL}.")
        entry.update(BACKEND="casetracker.accounts.cache_backend.SharedDatabaseCache", LOCATION=table)
    elif scheme in _REDIS_SCHEMES:
        if not parts.hostname:
            raise ImproperlyConfigured("CACHE_URL: name the Redis host, e.g. redis://127.0.0.1:6379/0.")
        entry.update(BACKEND="django.core.cache.backends.redis.RedisCache", LOCATION=url)
    elif scheme == "locmem":
        entry.update(BACKEND="django.core.cache.backends.locmem.LocMemCache", LOCATION="casetracker")
    else:
        raise ImproperlyConfigured(
            # Only the scheme is repeated: the rest of the URL may hold a password.
            f"CACHE_URL={scheme}://… is not a cache this service knows; use {DEFAULT_CACHE_URL} (the database, "
            "the default) or redis://host:6379/0."
        )
    return entry
