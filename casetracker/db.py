"""Database helpers every app may use (no models here)."""

from django.db import connection, transaction
from django.db.models import F
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
