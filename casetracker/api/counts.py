"""A list's ``count`` kept for a few seconds, forgotten as soon as anything is written.

Counting a first page's matches (up to ``API_EXACT_COUNT_LIMIT`` rows, read through the joins the
visibility rule needs) was the largest single statement of a list request. The same filter, for
the same reader, asked again within ``API_COUNT_CACHE_SECONDS`` (default 10; 0 switches this off)
answers from the shared cache (``CACHE_URL``), so every app server shares the counts.

What keeps a cached count honest:

- **The key is the count's own SQL**, values included, and the database alias. The visibility
  rule is part of that SQL (a reader who may see protected records has a different statement from
  one who may not), so a count is never shared between readers who see different records.
- **Any write forgets every count.** An execute wrapper installed on every database connection
  (:func:`install`) notices each statement that writes (``INSERT``, ``UPDATE``, ``DELETE`` and the
  like; whatever the ORM, a bulk ``update()``, a raw cursor or an import sends) and moves the shared
  *generation* (:data:`GENERATION_KEY`) on: when the transaction commits, or, for a statement run
  outside one, both before it runs and after (at the connection's next statement, the end of the
  request or its next count). A cached count remembers the generation it was counted under and is used
  only while that generation is current. Writes only the service itself makes while reading (the
  cache table, sessions, login lockouts) do not count as changes.
- **A writer sees their own writes**: inside a transaction that has written, counts are not read
  from the cache; a request pinned to the primary after a write (``casetracker.replica``) counts
  afresh rather than trusting a count a replica may have given a moment before.
"""

from __future__ import annotations

import hashlib
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections

from casetracker.replica import reads_primary, replica_alias

GENERATION_KEY = "casetracker:counts:generation"
_KEY_PREFIX = "casetracker:count:"

#: The first word of a statement that changes data or schema (anything else reads).
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|TRUNCATE|REPLACE|MERGE|COPY|ALTER|DROP|CREATE|WITH)\b", re.I)
#: The table a plain ``INSERT INTO``, ``UPDATE`` or ``DELETE FROM`` writes to.
_TABLE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.I)


def _ignored_tables() -> frozenset[str]:
    """Tables the service writes while serving reads, whose rows no count is taken over: the database
    cache (throttles, these counts), sessions and login lockouts."""
    tables = {"django_session"}
    for options in settings.CACHES.values():
        if options.get("BACKEND", "").endswith("DatabaseCache"):
            tables.add(options["LOCATION"])
    from django.apps import apps

    if apps.is_installed("axes"):
        tables.update(model._meta.db_table for model in apps.get_app_config("axes").get_models())
    return frozenset(tables)


_IGNORED: frozenset[str] | None = None


def writes_records(sql: str) -> bool:
    """Whether the statement ``sql`` may change what a count counts."""
    global _IGNORED
    if not _WRITES.match(sql):
        return False
    if _IGNORED is None:
        _IGNORED = _ignored_tables()
    table = _TABLE.match(sql)
    return table is None or table.group(1) not in _IGNORED


def forget_counts() -> None:
    """Every cached count is stale from now on (a new generation)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def holds_on_commit(connection, func) -> bool:
    """Whether ``connection``'s current transaction holds ``func`` to run when it commits: a mark of something
    the transaction did, which Django drops with the savepoint it was made in if that is rolled back."""
    return connection.in_atomic_block and any(held is func for _, held, _ in connection.run_on_commit)


def _pending(connection) -> bool:
    """Whether ``connection`` is in a transaction that has written records and not yet committed (it holds
    :func:`forget_counts` to run at commit)."""
    return holds_on_commit(connection, forget_counts)


_STALE = "casetracker_counts_stale"


def forget_if_written(connection) -> None:
    """Moves the generation on if ``connection`` wrote outside a transaction since it last did."""
    if getattr(connection, _STALE, False) and not connection.in_atomic_block:
        setattr(connection, _STALE, False)
        forget_counts()


def _wrapper_for(connection):
    # Nothing is written to the cache while a statement is in progress (SQLite cannot commit while
    # one is): the generation moves on before a statement, or after a commit.
    def forget_on_write(execute, sql, params, many, context):
        forget_if_written(connection)  # the previous statement wrote, outside a transaction
        if not (isinstance(sql, str) and writes_records(sql)):
            return execute(sql, params, many, context)
        if connection.in_atomic_block:
            if not _pending(connection):
                connection.on_commit(forget_counts)
            return execute(sql, params, many, context)
        # Autocommit: once before (the change may be visible as soon as it runs) and once after (a count
        # taken meanwhile saw the rows before it): at this connection's next statement, the end of the
        # request, or its next count.
        forget_counts()
        try:
            return execute(sql, params, many, context)
        finally:
            setattr(connection, _STALE, True)

    forget_on_write.casetracker_counts = True
    return forget_on_write


def install(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: watch the connection's statements for writes."""
    if not any(getattr(wrapper, "casetracker_counts", False) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(_wrapper_for(connection))


def forget_after_request(**kwargs) -> None:
    """``request_finished`` receiver: a write the request made outside a transaction, as last statement."""
    for connection in connections.all(initialized_only=True):
        forget_if_written(connection)


def _usable(alias: str) -> bool:
    if not settings.API_COUNT_CACHE_SECONDS:
        return False
    if replica_alias() and reads_primary():
        return False  # a writer's next requests count on the primary afresh
    return not _pending(connections[alias])


def cached_count(queryset, count):
    """``count()`` (a ``(count, count_is_exact)`` pair for ``queryset``), kept in the shared cache while
    nothing is written, for ``API_COUNT_CACHE_SECONDS``."""
    alias = queryset.db
    if not _usable(alias):
        return count()
    forget_if_written(connections[alias])
    try:
        sql, params = queryset.query.get_compiler(using=alias).as_sql()
    except EmptyResultSet:  # matches nothing by construction (an empty list of ids): nothing to count
        return count()
    key = _KEY_PREFIX + hashlib.sha256(repr((alias, sql, params)).encode()).hexdigest()
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        # No generation yet (a new or cleared cache): start one; this count is not kept.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        return count()
    kept = found.get(key)
    if kept is not None and kept[0] == generation:
        return kept[1], kept[2]
    counted, exact = count()
    cache.set(key, (generation, counted, exact), settings.API_COUNT_CACHE_SECONDS)
    return counted, exact
