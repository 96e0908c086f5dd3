"""Which records a user may see, for every model the API serves.

A record is hidden when any person or case it involves is above the user's
confidentiality levels (:func:`people.models.visible_levels`). This module
is the one place that knows, per model, which confidentiality columns decide
that; viewsets, related-record choices, nested lists and citations all ask it.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from casetracker.choices import Confidentiality
from people.models import visible_levels

_PERSON_AND_CASE = ("defendant__person__confidentiality", "defendant__case__confidentiality")

# model label -> the confidentiality columns that must all be visible.
VISIBILITY_PATHS: dict[str, tuple[str, ...]] = {
    "people.person": ("confidentiality",),
    "people.personname": ("person__confidentiality",),
    "people.membership": ("person__confidentiality",),
    "people.organization": (),
    "people.organizationname": (),
    "cases.case": ("confidentiality",),
    "cases.defendant": ("person__confidentiality", "case__confidentiality"),
    "cases.statuschange": _PERSON_AND_CASE,
    "cases.charge": _PERSON_AND_CASE,
    "cases.sentence": _PERSON_AND_CASE,
    "cases.trial": ("case__confidentiality",),
    "cases.source": (),
    "cases.place": (),
    "cases.placename": (),
    "cases.event": (),
    "cases.eventfigure": (),
    "cases.legalarticle": (),
}


def paths_for(model: type[Model]) -> tuple[str, ...]:
    label = model._meta.label_lower
    if label not in VISIBILITY_PATHS:
        raise KeyError(
            f"{label} has no entry in casetracker.api.visibility.VISIBILITY_PATHS; add one naming the "
            f"confidentiality columns that decide who may see it (an empty tuple if everyone may)."
        )
    return VISIBILITY_PATHS[label]


def restricts(user) -> bool:
    """True when ``user`` may not see every confidentiality level."""
    return len(visible_levels(user)) < len(Confidentiality.values)


def visible_queryset(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` narrowed to the records ``user`` may see."""
    if queryset is None:
        return None
    if queryset.model._meta.label_lower == "cases.citation":
        return queryset.filter(citation_visibility(user))
    paths = paths_for(queryset.model)
    if not paths or not restricts(user):
        return queryset
    levels = visible_levels(user)
    return queryset.filter(**{f"{path}__in": levels for path in paths})


def is_visible(obj: Model, user) -> bool:
    """The same rule as :func:`visible_queryset`, checked on a loaded object."""
    paths = paths_for(type(obj))
    if not paths or not restricts(user):
        return True
    levels = visible_levels(user)
    for path in paths:
        value = obj
        for attr in path.split("__"):
            value = getattr(value, attr)
        if value not in levels:
            return False
    return True


def _content_type_ids() -> dict[str, int]:
    # ContentType's manager caches these; no query after the first call.
    models = [apps.get_model(label) for label in VISIBILITY_PATHS]
    types = ContentType.objects.get_for_models(*models, for_concrete_models=False)
    return {model._meta.label_lower: content_type.id for model, content_type in types.items()}


def content_type_id(model: type[Model]) -> int:
    return _content_type_ids()[model._meta.label_lower]


def citation_visibility(user) -> Q:
    """Citations whose cited record ``user`` may see (citations of unknown kinds never are)."""
    condition = Q(pk__in=[])
    for label, paths in VISIBILITY_PATHS.items():
        type_id = _content_type_ids()[label]
        if paths and restricts(user):
            model = apps.get_model(label)
            visible_ids = visible_queryset(model._default_manager.all(), user).values("pk")
            condition |= Q(content_type_id=type_id, object_id__in=visible_ids)
        else:
            condition |= Q(content_type_id=type_id)
    return condition
