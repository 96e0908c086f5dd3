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

from .base_models import NameSearchable, NameVariant, search_text_for
from .translit import folded_lines


def refresh_search_text(owner) -> None:
    """Recompute ``owner.search_text`` after its name variants changed."""
    type(owner).objects.filter(pk=owner.pk).update(**owner.search_columns())


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


def search_keys_rebuild(*, batch_size: int = 2_000, progress=None) -> int:
    """Recompute ``search_text`` and ``search_folded`` of every name- and title-searchable record; returns how
    many rows changed. For bulk writes that sent no signals, and after the folding rules
    (:mod:`casetracker.translit`) change. ``progress(label, done)`` is called after each batch."""
    from .base_models import TitleSearchable

    changed = 0
    for model in apps.get_models():
        if issubclass(model, NameSearchable):
            records = model._base_manager.prefetch_related("names")
            columns = ["search_text", "search_folded"]
        elif issubclass(model, TitleSearchable):
            records = model._base_manager.all()
            columns = ["search_folded"]
        else:
            continue
        batch = []
        for done, record in enumerate(records.order_by("pk").iterator(chunk_size=batch_size), start=1):
            if issubclass(model, NameSearchable):
                names = [record.name, *(variant.name for variant in record.names.all())]
                wanted = {"search_text": search_text_for(names), "search_folded": folded_lines(names)}
            else:
                wanted = {"search_folded": folded_lines([record.title])}
            if any(getattr(record, column) != value for column, value in wanted.items()):
                for column, value in wanted.items():
                    setattr(record, column, value)
                batch.append(record)
            if len(batch) >= batch_size:
                model._base_manager.bulk_update(batch, columns)
                changed += len(batch)
                batch = []
            if progress and done % batch_size == 0:
                progress(model._meta.verbose_name_plural, done)
        model._base_manager.bulk_update(batch, columns)
        changed += len(batch)
    return changed


# -- migrations --------------------------------------------------------------------------------------------


def backfill_folded_migration(*tables: tuple[str, str, str]):
    """A ``RunPython`` pair that fills ``search_folded`` of existing rows and, on PostgreSQL, indexes it.

    ``tables`` are ``(app_label, model_name, index_name)``. The forward function reads each record's
    title, or its name and variants (``names``), through the migration's historical models, 2,000 rows
    at a time.
    The trigram index (pg_trgm's ``gin_trgm_ops``) serves ``search_folded LIKE '%…%'`` on PostgreSQL;
    SQLite has none and scans (see docs/search.md).
    """

    def forward(apps, schema_editor):
        for app_label, model_name, index_name in tables:
            model = apps.get_model(app_label, model_name)
            batch = []
            titled = any(field.name == "title" for field in model._meta.fields)
            records = model.objects.order_by("pk") if titled else model.objects.prefetch_related("names")
            for record in records.order_by("pk").iterator(chunk_size=2_000):
                names = [record.title] if titled else [record.name, *(n.name for n in record.names.all())]
                record.search_folded = folded_lines(names)
                batch.append(record)
                if len(batch) >= 2_000:
                    model.objects.bulk_update(batch, ["search_folded"])
                    batch = []
            model.objects.bulk_update(batch, ["search_folded"])
            if schema_editor.connection.vendor == "postgresql":
                table = schema_editor.quote_name(model._meta.db_table)
                schema_editor.execute(
                    f"CREATE INDEX IF NOT EXISTS {index_name} ON {table} USING gin (search_folded gin_trgm_ops)"
                )

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for _app_label, _model_name, index_name in tables:
                schema_editor.execute(f"DROP INDEX IF EXISTS {index_name}")

    return forward, backward
