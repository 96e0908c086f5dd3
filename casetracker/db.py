"""Database helpers every app may use (no models here)."""

from django.db import connection, transaction
from django.db.models import F


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
