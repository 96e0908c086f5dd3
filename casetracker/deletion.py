"""Refuse to delete a record that others depend on, and say which ones."""

from collections import defaultdict

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError


class DeletionRefused(Exception):
    """A record could not be deleted because other records depend on it."""

    def __init__(self, message: str, dependents: dict[str, list[str]]):
        super().__init__(message)
        self.message = message
        self.dependents = dependents


def describe_dependents(instance, error: ProtectedError | RestrictedError) -> DeletionRefused:
    objects = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
    dependents: dict[str, list[str]] = defaultdict(list)
    for obj in objects:
        dependents[str(obj._meta.verbose_name_plural)].append(str(obj))
    parts = []
    for label, names in dependents.items():
        shown = "; ".join(names[:5]) + (f"; and {len(names) - 5} more" if len(names) > 5 else "")
        parts.append(f"{len(names)} {label} ({shown})")
    message = (
        f"Cannot delete {instance._meta.verbose_name} “{instance}”: "
        f"{', '.join(parts)} depend on it. Delete or reassign those first."
    )
    return DeletionRefused(message, dict(dependents))


def record_delete(*, instance) -> None:
    """Delete ``instance`` whole, or raise :class:`DeletionRefused` and change nothing."""
    try:
        with transaction.atomic():
            instance.delete()
    except (ProtectedError, RestrictedError) as error:
        raise describe_dependents(instance, error) from error
