"""Which models a citation may point at: the one list, filled by the apps that own the models.

Each app registers its citable models in its own ``models.py``, right after
defining them (``register_citable(Person, name="person")``), so the list is
complete once Django has loaded the models, before any admin, serializer or
query asks for it. This module knows no app: ``sources`` sits below ``people``
and ``cases``.

Everything that needs the list reads it here: the visibility rule (a citation
of a model that cannot be cited is never shown), the API (``target_type``
names, the citation's target brief and its prefetch), the citation filters,
and the admin (every citable model's admin has the citation inline).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model


@dataclass(frozen=True)
class Citable:
    """A model whose records citations may support, and what the API calls them."""

    model: type[Model]
    #: the API's name for the kind of record (``target_type``), e.g. ``"event-figure"``
    name: str
    #: relations the record's label (its ``__str__``) reads, joined when citations' targets are fetched
    #: (no query per row)
    joins: tuple[str, ...] = ()

    @property
    def view_name(self) -> str:
        """The API's detail route of the model."""
        return f"api:{self.model._meta.model_name}-detail"


_BY_MODEL: dict[type[Model], Citable] = {}
_BY_NAME: dict[str, Citable] = {}

#: The API names of the citable kinds of record, in registration order (the OpenAPI enum reads it).
CITABLE_NAMES: list[str] = []


def register_citable(model: type[Model], *, name: str, joins: tuple[str, ...] = ()) -> type[Model]:
    """Say that records of ``model`` can be cited, and what the API calls them."""
    if model in _BY_MODEL or name in _BY_NAME:
        existing = _BY_MODEL.get(model) or _BY_NAME[name]
        if existing == Citable(model, name, tuple(joins)):
            return model  # a models module imported twice registers the same thing twice
        raise ValueError(f"{model._meta.label} or the name {name!r} is already registered as citable ({existing}).")
    entry = Citable(model, name, tuple(joins))
    _BY_MODEL[model] = entry
    _BY_NAME[name] = entry
    CITABLE_NAMES.append(name)
    return model


def citable_models() -> list[type[Model]]:
    """The models a citation may point at, in registration order."""
    return list(_BY_MODEL)


def citables() -> list[Citable]:
    return list(_BY_MODEL.values())


def citable_for(model: type[Model]) -> Citable | None:
    """The registration of ``model`` (a historical model answers for its tracked model), or ``None``."""
    return _BY_MODEL.get(getattr(model, "instance_type", model))


def citable_named(name: str) -> Citable:
    return _BY_NAME[name]


def is_citable(model: type[Model]) -> bool:
    return citable_for(model) is not None


def targets_prefetch(lookup: str = "content_object"):
    """Citations' cited records, one query per kind on the page, each joining what its label reads.

    The API's citation list and the admin's change list both use it, so neither makes a
    query per row for a label (a defendant's ``__str__`` reads its person and case).
    """
    from django.contrib.contenttypes.prefetch import GenericPrefetch

    return GenericPrefetch(lookup, [entry.model.objects.select_related(*entry.joins) for entry in citables()])
