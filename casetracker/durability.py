"""Records are committed durably; the service's own bookkeeping does not wait for the disk.

PostgreSQL's ``COMMIT`` waits until the transaction's log is flushed to disk (``synchronous_commit``).
A request that only reads records still writes: its throttle count, in the shared cache's table
(``CACHE_URL=db://…``, the default), inside the request's transaction. So every ``GET`` waited for a
disk flush at its end, for a row nobody would miss: losing the last fraction of a second of throttle
counts in a server crash costs nothing, losing a record would. Hence:

- the cache's writes (:mod:`casetracker.accounts.cache_backend`) ask PostgreSQL not to wait for the
  flush, for their own transaction only (:data:`NO_WAIT`, ``set_config(…, true)`` is ``SET LOCAL``),
  and mark the transaction (:func:`mark_no_wait`), unless it has already written a record
  (:func:`may_skip_the_wait`);
- any statement that writes a record in a marked transaction (anything but the cache, sessions and
  login lockouts: :func:`casetracker.api.counts.writes_records`) first asks for the flush again
  (:data:`WAIT`), through an execute wrapper on every PostgreSQL connection (:func:`install`). A
  transaction that writes a record waits for the disk, whatever bookkeeping came before it.

Both settings are the transaction's own: they end with it, and a savepoint rolled back takes its
setting away with it, as Django takes away the on-commit marks made inside it. Outside PostgreSQL
(SQLite, the embedded default) nothing changes.
"""

from __future__ import annotations

from casetracker.api.counts import holds_on_commit, writes_records

#: for the current transaction only: its commit need not wait for the log to reach the disk
NO_WAIT = "set_config('synchronous_commit', 'off', true)"
#: for the current transaction only: its commit waits for the disk again (the setting the session began with)
WAIT = "SET LOCAL synchronous_commit TO DEFAULT"


def _no_wait() -> None:
    """On-commit mark: this transaction asked not to wait for the disk (it runs as a no-op at commit)."""


def _wrote_records() -> None:
    """On-commit mark: this transaction has written a record, so it waits for the disk."""


def may_skip_the_wait(connection) -> bool:
    """Whether a cache write on ``connection`` may ask not to wait for the disk: not when its transaction has
    already written a record (that record's commit must wait)."""
    return not holds_on_commit(connection, _wrote_records)


def mark_no_wait(connection) -> None:
    """Note that the current transaction of ``connection`` has just run :data:`NO_WAIT`."""
    if connection.in_atomic_block and not holds_on_commit(connection, _no_wait):
        connection.on_commit(_no_wait)


def _wrapper_for(connection):
    def records_wait_for_the_disk(execute, sql, params, many, context):
        if (
            connection.in_atomic_block
            and isinstance(sql, str)
            and not holds_on_commit(connection, _wrote_records)
            and writes_records(sql)
        ):
            connection.on_commit(_wrote_records)
            if holds_on_commit(connection, _no_wait):
                execute(WAIT, None, False, context)
        return execute(sql, params, many, context)

    records_wait_for_the_disk.casetracker_durability = True
    return records_wait_for_the_disk


def install(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: on PostgreSQL, watch the connection's statements for writes to records."""
    if connection.vendor != "postgresql":
        return
    if not any(getattr(wrapper, "casetracker_durability", False) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(_wrapper_for(connection))
