"""The database cache that holds throttle counts (``CACHE_URL=db://TABLE``, the default)."""

import base64
import pickle
import random
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

from casetracker import durability


class SharedDatabaseCache(DatabaseCache):
    """Django's database cache, with a ``set`` that suits counters every request writes.

    Django's ``set`` counts the whole table, reads the row, then updates or inserts it, and once
    the table holds more than ``MAX_ENTRIES`` (300) rows deletes a third of them *whatever their
    expiry*: on a busy site that would wipe live throttle counts, and anyone able to create many
    keys (many addresses or user names) could reset their own. Here ``set`` is one upsert, and
    only expired rows are ever deleted (now and then, by a ``set``).
    """

    #: About one ``set`` in this many also deletes the expired rows (0: never; the test suite's setting,
    #: so that a request's query count does not depend on chance).
    PURGE_EVERY = 200

    def __init__(self, table, params):
        # Django's own culling (still used by add() and touch()) must never reach live rows.
        params = {**params, "OPTIONS": {"MAX_ENTRIES": 10**12, **params.get("OPTIONS", {})}}
        super().__init__(table, params)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = expires.replace(microsecond=0)
        value = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, cache_key, column, expiry = quote(self._table), quote("cache_key"), quote("value"), quote("expires")
        # INSERT … ON CONFLICT DO UPDATE: PostgreSQL and SQLite (3.24+) alike.
        values = "VALUES (%s, %s, %s)"
        no_wait = connection.vendor == "postgresql" and durability.may_skip_the_wait(connection)
        if no_wait:
            # The commit need not wait for the disk for a cache row (casetracker.durability), in the same
            # statement: no round trip more.
            values = f"SELECT %s, %s, %s FROM (SELECT {durability.NO_WAIT}) AS no_wait"
        statement = (
            f"INSERT INTO {table} ({cache_key}, {column}, {expiry}) {values} "
            f"ON CONFLICT ({cache_key}) DO UPDATE SET {column} = EXCLUDED.{column}, {expiry} = EXCLUDED.{expiry}"
        )
        try:
            # A savepoint: a failed write must not abort the request's transaction.
            with transaction.atomic(using=db), connection.cursor() as cursor:
                cursor.execute(statement, [key, value, connection.ops.adapt_datetimefield_value(expires)])
                if no_wait:
                    durability.mark_no_wait(connection)
                if self.PURGE_EVERY and random.randrange(self.PURGE_EVERY) == 0:
                    cursor.execute(
                        f"DELETE FROM {table} WHERE {expiry} < %s",
                        [connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))],
                    )
        except DatabaseError:
            # As Django's database cache: a cache that cannot be written is not an error for the request.
            return
