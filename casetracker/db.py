"""Database helpers every app may use (no models here)."""

from collections.abc import Iterator, Sequence

from django.db import connection, connections, transaction
from django.db.models import F, OrderBy, Q, QuerySet
from django.db.models.lookups import In


def lock_row(model, pk: int) -> None:
    """Lock one row until the current transaction ends (PostgreSQL ``SELECT … FOR UPDATE``).

    Two writers that each check a record and then change it (a conditional ``If-Match`` write,
    "record this status change unless it is already recorded") call this first, so the second
    waits for the first to commit and then sees its change. SQLite has no row locks: a no-op
    ``UPDATE`` takes its database write lock instead, which serialises writers the same way.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_row() needs a transaction: call it inside transaction.atomic().")
    rows = model._base_manager.filter(pk=pk)
    if connection.features.has_select_for_update:
        list(rows.select_for_update().values_list("pk", flat=True))
    else:
        name = model._meta.pk.attname
        rows.update(**{name: F(name)})


class IntegerIn(In):
    """``__in`` on an integer column, leaving out numbers no such column can hold.

    Django answers ``exact``, ``gt``, ``lt`` … with an out-of-range number itself (nothing, or
    everything, matches); ``in`` hands it to the database, and SQLite refuses it
    (``OverflowError``): a 40-digit id in an admin form or an action's selection was a server
    error. No row can hold such a number, so leaving it out changes no result. Registered for
    every integer field (ids included) by :class:`casetracker.apps.CasetrackerConfig`.
    """

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            try:
                low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            except KeyError:  # not one of Django's integer types
                low = high = None
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def server_side_cursors(alias: str) -> bool:
    """Whether ``QuerySet.iterator()`` on ``alias`` streams from a server-side cursor (PostgreSQL,
    unless ``DISABLE_SERVER_SIDE_CURSORS`` is set for PgBouncer's transaction mode)."""
    connection = connections[alias]
    return connection.vendor != "postgresql" or not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")


def streamed_rows(queryset: QuerySet, fields: Sequence[str], *, chunk_size: int) -> Iterator[tuple]:
    """``queryset.values_list(*fields)`` in its order, with at most ``chunk_size`` rows in memory.

    A server-side cursor where there is one; otherwise (PgBouncer in transaction mode) one query
    per chunk, each resuming after the previous chunk's last row (:func:`keyset_rows`).
    """
    if server_side_cursors(queryset.db):
        return queryset.values_list(*fields).iterator(chunk_size=chunk_size)
    return keyset_rows(queryset, fields, chunk_size=chunk_size)


def _sort_keys(queryset: QuerySet) -> list[tuple[object, bool, bool]]:
    """``queryset``'s ordering as (expression, descending, NULLs sort after values) triples, ending
    with the primary key. NULLs go where the ordering puts them (``nulls_last``/``nulls_first``) or,
    unstated, where the database does (last ascending on PostgreSQL, first on SQLite)."""
    nulls_last_ascending = connections[queryset.db].vendor == "postgresql"
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    keys: list[tuple[object, bool, bool]] = []
    for item in ordering:
        if isinstance(item, str):
            descending = item.startswith("-")
            keys.append((F(item.lstrip("-")), descending, nulls_last_ascending != descending))
        elif isinstance(item, OrderBy):
            default = nulls_last_ascending != item.descending
            after = True if item.nulls_last else False if item.nulls_first else default
            keys.append((item.expression, item.descending, after))
        else:
            keys.append((item, False, nulls_last_ascending))
    keys.append((F("pk"), False, True))  # a unique last key: no row is skipped or repeated between chunks
    return keys


def keyset_rows(queryset: QuerySet, fields: Sequence[str], *, chunk_size: int) -> Iterator[tuple]:
    """``queryset.values_list(*fields)`` in its order, chunk by chunk, without a server-side cursor.

    Keyset pagination: each chunk is ``… WHERE (sort keys) > (the last row's) ORDER BY … LIMIT n``,
    so memory holds one chunk and no query depends on a cursor outliving its transaction.
    """
    keys = _sort_keys(queryset)
    names = [f"_keyset_{index}" for index in range(len(keys))]
    shaped = queryset.annotate(**{name: key[0] for name, key in zip(names, keys, strict=True)})
    order = []
    for name, (_, descending, nulls_after) in zip(names, keys, strict=True):
        placement = {"nulls_last": True} if nulls_after else {"nulls_first": True}
        order.append(F(name).desc(**placement) if descending else F(name).asc(**placement))
    shaped = shaped.order_by(*order).values_list(*fields, *names)
    width = len(fields)
    after = None
    while True:
        chunk = list((shaped if after is None else shaped.filter(after))[:chunk_size])
        for row in chunk:
            yield row[:width]
        if len(chunk) < chunk_size:
            return
        after = _after(names, keys, chunk[-1][width:])


def _after(names: list[str], keys: list[tuple[object, bool, bool]], values: Sequence) -> Q:
    """Rows whose sort keys come after ``values``: (k0 after v0) or (k0 = v0 and k1 after v1) or …"""
    result = Q(pk__in=[])
    equal = Q()
    for name, (_, desc, nulls_after), value in zip(names, keys, values, strict=True):
        if value is None:
            beyond = Q(pk__in=[]) if nulls_after else Q(**{f"{name}__isnull": False})
            same = Q(**{f"{name}__isnull": True})
        else:
            beyond = Q(**{f"{name}__{'lt' if desc else 'gt'}": value})
            if nulls_after:
                beyond |= Q(**{f"{name}__isnull": True})
            same = Q(**{name: value})
        result |= equal & beyond
        equal &= same
    return result


def prepare_repeated_statements(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: on PostgreSQL, prepare a statement once it has run
    ``DATABASE_PREPARE_THRESHOLD`` times on the connection (0: never), see
    :class:`casetracker.prepared.PreparingCursor`."""
    from django.conf import settings

    threshold = settings.DATABASE_PREPARE_THRESHOLD
    if connection.vendor != "postgresql" or not threshold:
        return
    from .prepared import PreparingCursor  # imports the PostgreSQL backend: only where it is used

    connection.connection.cursor_factory = PreparingCursor
    connection.connection.prepare_threshold = threshold
