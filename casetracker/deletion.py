"""Refuse to delete a record that others depend on, and say which ones.

Two kinds of dependants:

- records that point at it with ``PROTECT`` (a defendant's case): deleting is
  refused, always, until they are deleted or moved;
- what Django would silently remove along with it — links (an event's cases
  and participants), citations, figures: deleting is refused too unless the
  caller says so explicitly (``cascade=True``); then each link is removed
  through its relation first, so the history of every record on the other
  side records the change, and each removed citation or figure keeps its own
  history entry. A record's own name variants go with it without asking.

Dependants the user may not see (:mod:`casetracker.visibility`) are counted,
never named: "and 2 records you cannot see".
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from casetracker.base_models import NameVariant
from casetracker.visibility import hidden_records_phrase, split_visible

#: dependants named per kind in a message; the rest are counted
SHOWN_PER_KIND = 5


class DeletionRefused(Exception):
    """A record could not be deleted because other records depend on it."""

    def __init__(self, message: str, dependents: list[dict], hidden_count: int = 0):
        super().__init__(message)
        self.message = message
        #: the dependants the user may see, each ``{"kind": "app_label.model", "id": …, "label": …}``
        self.dependents = dependents
        self.hidden_count = hidden_count


def describe_dependents(instance, error: ProtectedError | RestrictedError, *, user=None) -> DeletionRefused:
    """The refusal for ``error``, naming only the dependants ``user`` may see.

    ``user=None`` (a management command run by the operator) names them all.
    """
    objects = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
    return _refusal(instance, objects, user=user, ending=_("Delete or reassign those first."))


def _refusal(instance, objects, *, user, ending: str, verb: str | None = None) -> DeletionRefused:
    shown, hidden_count = split_visible(objects, user) if user is not None else (list(objects), 0)
    dependents: dict[str, list[str]] = defaultdict(list)
    records = []
    for obj in shown:
        dependents[str(obj._meta.verbose_name_plural)].append(str(obj))
        records.append({"kind": obj._meta.label_lower, "id": obj.pk, "label": str(obj)})
    parts = []
    for label, names in dependents.items():
        listed = "; ".join(names[:SHOWN_PER_KIND])
        if len(names) > SHOWN_PER_KIND:
            listed += "; " + _("and %(count)d more") % {"count": len(names) - SHOWN_PER_KIND}
        parts.append(f"{len(names)} {label} ({listed})")
    if hidden_count:
        parts.append(hidden_records_phrase(hidden_count))
    message = _("Cannot delete %(kind)s “%(record)s”: %(dependants)s %(verb)s. %(ending)s") % {
        "kind": instance._meta.verbose_name,
        "record": instance,
        "dependants": ", ".join(parts),
        "verb": verb or _("depend on it"),
        "ending": ending,
    }
    if hidden_count and not shown:
        message += " " + _("Ask a colleague allowed to see confidential records to look at them.")
    return DeletionRefused(message, records, hidden_count)


@dataclass
class Cascade:
    """What deleting a record would remove along with it, besides its own name variants."""

    #: (the M2M field, the record on the other side) for each link
    links: list[tuple] = field(default_factory=list)
    #: records deleted with it (citations, figures …)
    records: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.links or self.records)

    def affected(self) -> list:
        """Every record named in a refusal: the linked records, then those removed."""
        return [other for _field, other in self.links] + self.records


def deletion_cascade(instance) -> Cascade:
    """What :meth:`Model.delete` would remove with ``instance`` (raises ``ProtectedError`` first if anything
    protects it)."""
    collector = Collector(using=router.db_for_write(type(instance), instance=instance))
    collector.collect([instance])
    cascade = Cascade()
    for model, objects in collector.data.items():
        if model is type(instance) or issubclass(model, NameVariant):
            continue
        cascade.records.extend(objects)
    for relation in _many_to_many(type(instance)):
        for other in getattr(instance, relation.accessor).all():
            cascade.links.append((relation, other))
    return cascade


@dataclass(frozen=True)
class _Relation:
    accessor: str  # the manager on the instance
    remote_accessor: str  # the manager on the other record, or "" when the instance declares the field
    declared_here: bool


def _many_to_many(model) -> list[_Relation]:
    relations = []
    for m2m in model._meta.many_to_many:
        relations.append(_Relation(m2m.name, "", True))
    for rel in model._meta.related_objects:
        if rel.many_to_many:
            relations.append(_Relation(rel.get_accessor_name(), rel.field.name, False))
    return relations


def _unlink(instance, cascade: Cascade) -> None:
    """Remove each link through its relation, so ``m2m_changed`` records it in the histories that track it."""
    for relation, other in cascade.links:
        if relation.declared_here:
            getattr(instance, relation.accessor).remove(other)
        else:
            getattr(other, relation.remote_accessor).remove(instance)


def record_delete(*, instance, user=None, cascade: bool = False) -> None:
    """Delete ``instance`` whole, or raise :class:`DeletionRefused` and change nothing.

    Refused when records protect it, and — unless ``cascade`` — when links,
    citations or figures would go with it. The refusal names only the
    dependants ``user`` may see (all of them when ``user`` is None).
    """
    # A fresh copy: the caller's may hold prefetched relations narrowed to what its user may see.
    instance = type(instance)._base_manager.get(pk=instance.pk)
    try:
        with transaction.atomic():
            removed = deletion_cascade(instance)
            if removed and not cascade:
                raise _refusal(
                    instance,
                    removed.affected(),
                    user=user,
                    verb=_("would be removed or unlinked with it"),
                    ending=_(
                        "Unlink or delete those first, or confirm that they go too (cascade=true in the API); "
                        "each removal is kept in the history."
                    ),
                )
            _unlink(instance, removed)
            instance.delete()
    except (ProtectedError, RestrictedError) as error:
        raise describe_dependents(instance, error, user=user) from error
