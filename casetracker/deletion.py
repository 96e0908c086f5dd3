"""Refuse to delete a record that others depend on, and say which ones.

Dependants the user may not see (:mod:`casetracker.visibility`) are counted,
never named: "and 2 records you cannot see".
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from casetracker.visibility import hidden_records_phrase, split_visible

#: dependants named per kind in a message; the rest are counted
SHOWN_PER_KIND = 5


class DeletionRefused(Exception):
    """A record could not be deleted because other records depend on it."""

    def __init__(self, message: str, dependents: dict[str, list[str]], hidden_count: int = 0):
        super().__init__(message)
        self.message = message
        self.dependents = dependents
        self.hidden_count = hidden_count


def describe_dependents(instance, error: ProtectedError | RestrictedError, *, user=None) -> DeletionRefused:
    """The refusal for ``error``, naming only the dependants ``user`` may see.

    ``user=None`` (a management command run by the operator) names them all.
    """
    objects = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
    shown, hidden_count = split_visible(objects, user) if user is not None else (list(objects), 0)
    dependents: dict[str, list[str]] = defaultdict(list)
    for obj in shown:
        dependents[str(obj._meta.verbose_name_plural)].append(str(obj))
    parts = []
    for label, names in dependents.items():
        listed = "; ".join(names[:SHOWN_PER_KIND])
        if len(names) > SHOWN_PER_KIND:
            listed += "; " + _("and %(count)d more") % {"count": len(names) - SHOWN_PER_KIND}
        parts.append(f"{len(names)} {label} ({listed})")
    if hidden_count:
        parts.append(hidden_records_phrase(hidden_count))
    message = _("Cannot delete %(kind)s “%(record)s”: %(dependants)s depend on it. Delete or reassign those first.") % {
        "kind": instance._meta.verbose_name,
        "record": instance,
        "dependants": ", ".join(parts),
    }
    if hidden_count and not shown:
        message += " " + _("Ask a colleague allowed to see confidential records to look at them.")
    return DeletionRefused(message, dict(dependents), hidden_count)


def record_delete(*, instance, user=None) -> None:
    """Delete ``instance`` whole, or raise :class:`DeletionRefused` and change nothing.

    The refusal names only the dependants ``user`` may see (all of them when ``user`` is None).
    """
    try:
        with transaction.atomic():
            instance.delete()
    except (ProtectedError, RestrictedError) as error:
        raise describe_dependents(instance, error, user=user) from error
