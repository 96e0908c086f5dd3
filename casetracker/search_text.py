"""Keep every name-searchable record's ``search_text`` in step with its name variants: one module, every app.

Each :class:`~casetracker.base_models.NameSearchable` model (a person, an organization,
a place) rebuilds its search text in ``save()``; its :class:`~casetracker.base_models.NameVariant`
rows (``names``) change it too. The receivers below are connected once, from
``CasetrackerConfig.ready``, for every such model Django knows — so no app repeats them,
and a new name-searchable model needs nothing here. Fixtures are loaded with ``raw=True``,
which bypasses ``save()``; the owner receiver rebuilds the search text in that case, so
seed data is searchable as soon as it is loaded.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from .base_models import NameSearchable, NameVariant


def refresh_search_text(owner) -> None:
    """Recompute ``owner.search_text`` after its name variants changed."""
    type(owner).objects.filter(pk=owner.pk).update(search_text=owner.rebuild_search_text())


def _owner_loaded(sender, instance, raw=False, **kwargs):
    if raw:
        refresh_search_text(instance)


def _name_changed(sender, instance, **kwargs):
    owner = getattr(instance, _owner_field(sender))
    refresh_search_text(owner)


def _owner_field(variant_model) -> str:
    """The variant's foreign key to its name-searchable owner (the one whose reverse name is ``names``)."""
    for field in variant_model._meta.concrete_fields:
        if field.many_to_one and issubclass(field.related_model, NameSearchable):
            return field.name
    raise LookupError(f"{variant_model.__name__} has no foreign key to a name-searchable record.")


def connect() -> None:
    """Connect the receivers for every concrete name-searchable and name-variant model (idempotent)."""
    for model in apps.get_models():
        label = model._meta.label
        if issubclass(model, NameSearchable):
            post_save.connect(_owner_loaded, sender=model, dispatch_uid=f"search-text-owner-{label}")
        elif issubclass(model, NameVariant):
            _owner_field(model)  # fail at start-up, not on the first save
            for signal in (post_save, post_delete):
                signal.connect(_name_changed, sender=model, dispatch_uid=f"search-text-names-{label}")
