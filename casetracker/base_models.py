"""Abstract building blocks shared by the ``sources``, ``people`` and ``cases`` apps.

This module defines no tables: the project package is not an app.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casetracker.choices import Confidentiality, Qualifier
from casetracker.text import control_character_error, is_text_field
from casetracker.translit import folded_lines, query_keys
from casetracker.visibility import RestrictedQuerySet

#: per model, the columns whose descriptor converts an assigned value (see ``CleanTextModel.from_db``)
_ASSIGNED_THROUGH_DESCRIPTOR: dict[type, frozenset[str]] = {}


def _assigned_through_descriptor(model) -> frozenset[str]:
    """The attnames of ``model``'s concrete fields whose class attribute does more on assignment than storing
    the value: all but Django's plain column descriptor (which has no ``__set__``) and the foreign key's
    (which, on a new instance with nothing cached, only stores it)."""
    assigned = set()
    for field in model._meta.concrete_fields:
        setter = getattr(type(getattr(model, field.attname, None)), "__set__", None)
        if setter is not None and setter is not ForeignKeyDeferredAttribute.__set__:
            assigned.add(field.attname)
    return frozenset(assigned)


class CleanTextModel(models.Model):
    """A record whose text holds no control characters (see :mod:`casetracker.text`).

    ``clean_fields()`` (so ``full_clean()``: the API's serializers, the admin's forms, the
    services and commands) refuses them in every ``CharField`` and ``TextField``, with the
    error on the field. Every model of ``people`` and ``cases`` derives from it; being
    abstract and fieldless, it changes no table and needs no migration.
    """

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        """A record loaded from a row, as Django's ``from_db`` builds it, without ``Model.__init__``.

        ``__init__`` walks every concrete field to set each loaded column through ``setattr`` and sends
        ``pre_init``/``post_init``; for a list page of a hundred rows with their related records, several
        hundred instances, that was the largest single cost in Python. Here the loaded columns go straight
        into the instance's ``__dict__`` (a column not loaded is absent, as Django defers it), except those
        whose descriptor converts what is assigned (approximate dates, files), which are still set through it.
        When a receiver listens to ``pre_init`` or ``post_init`` for the model, Django's own path is taken.
        """
        if pre_init.has_listeners(cls) or post_init.has_listeners(cls):
            return super().from_db(db, field_names, values)
        assigned = _ASSIGNED_THROUGH_DESCRIPTOR.get(cls)
        if assigned is None:
            assigned = _ASSIGNED_THROUGH_DESCRIPTOR[cls] = _assigned_through_descriptor(cls)
        new = cls.__new__(cls)
        state = new._state = ModelState()
        state.adding = False
        state.db = db
        row = new.__dict__
        for name, value in zip(field_names, values, strict=True):
            if name in assigned:
                setattr(new, name, value)
            else:
                row[name] = value
        return new

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if field.name in errors or (exclude and field.name in exclude) or not is_text_field(field):
                continue
            error = control_character_error(getattr(self, field.attname))
            if error is not None:
                errors[field.name] = [error]
        if errors:
            raise ValidationError(errors)


class TrackedHistoricalRecords(HistoricalRecords):
    """django-simple-history declared once on :class:`TrackedModel` and inherited by every model.

    One ``HistoricalRecords(inherit=True)`` builds the historical model of each subclass, so its
    options are per subclass, read from the model: ``history_excluded_fields`` (columns not kept in
    the history, e.g. the derived ``search_text``), ``history_m2m_fields`` (many-to-many fields
    whose changes are kept) and ``history_table`` (the historical table's name, for a model that
    moved between apps and kept its tables).
    """

    def __init__(self, **kwargs):
        super().__init__(inherit=True, m2m_fields_model_field_name="history_m2m_fields", **kwargs)

    def finalize(self, sender, **kwargs):
        # The same instance serves every subclass: take this one's exclusions before its history model is built.
        self.excluded_fields = list(getattr(sender, "history_excluded_fields", ()))
        super().finalize(sender, **kwargs)

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        if getattr(model, "history_table", None):
            options["db_table"] = model.history_table
        return options

    def fields_included(self, model):
        # Called with each model (or instance) when a version is saved, long after finalize().
        excluded = getattr(model, "history_excluded_fields", ())
        return [field for field in model._meta.fields if field.name not in excluded]


class TrackedModel(CleanTextModel):
    """A record that knows when it was created and last changed, and keeps every version of itself.

    Every model of ``sources``, ``people`` and ``cases`` derives from it (directly or through
    :class:`NameSearchable` or :class:`NameVariant`), so ``created``, ``updated`` and the history
    (who changed what, when: "History" on each admin page) are declared here once.
    """

    created = models.DateTimeField(
        auto_now_add=True, help_text=_("When the record was created."), verbose_name=_("created")
    )
    updated = models.DateTimeField(
        auto_now=True, help_text=_("When the record was last changed."), verbose_name=_("updated")
    )
    history = TrackedHistoricalRecords()

    #: Columns the history does not keep (see :class:`TrackedHistoricalRecords`).
    history_excluded_fields: tuple[str, ...] = ()
    #: Many-to-many fields whose changes the history keeps.
    history_m2m_fields: tuple[str, ...] = ()
    #: The historical table's name where it is not simple-history's default ``<app>_historical<model>``.
    history_table: str | None = None

    class Meta:
        abstract = True


class NameVariant(TrackedModel):
    """Another way a name is written: a transliteration, translation or script."""

    name = models.CharField(
        max_length=300,
        help_text=_("The name exactly as a source writes it, e.g. 'Nazarbayev' or 'Назарбаев'."),
        verbose_name=_("name"),
    )
    language = models.CharField(
        max_length=35,
        blank=True,
        help_text=_("Language or script as a BCP 47 tag where known, e.g. 'en', 'ru', 'kk-Cyrl'."),
        verbose_name=_("language"),
    )
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("Where this spelling is used, e.g. 'Spelling used by source 003'."),
        verbose_name=_("note"),
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.language})" if self.language else self.name


def qualified_figure_errors(value, qualifier, value_field: str, qualifier_field: str) -> dict:
    """Errors for a number and its qualifier that do not belong together."""
    errors = {}
    if value is not None and value < 0:
        errors[value_field] = gettext("A figure cannot be negative.")
    if value is not None and not qualifier:
        errors[qualifier_field] = gettext("Say how the figure was stated (%(qualifiers)s).") % {
            "qualifiers": ", ".join(str(label) for label in Qualifier.labels)
        }
    if value is None and qualifier and qualifier != Qualifier.EXACT:
        errors[value_field] = gettext("A qualifier needs a number to qualify.")
    return errors


# The rule for every ISO country code: Model.clean() runs it (admin, API, commands alike), and the API's
# serializers attach the same validator so that the OpenAPI schema states the pattern.
validate_country_code = RegexValidator(
    r"^[A-Z]{2}$", gettext_lazy("Use an ISO 3166-1 alpha-2 code in capitals, e.g. 'KZ'.")
)


def country_code_errors(value: str, field: str = "country") -> dict:
    """An error for a country that is not an ISO 3166-1 alpha-2 code in capitals (blank is left to the field)."""
    if value:
        try:
            validate_country_code(value)
        except ValidationError as error:
            return {field: error.messages}
    return {}


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def confidentiality_field(help_text: str | None = None):
    return models.CharField(
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.PUBLIC,
        db_index=True,
        help_text=help_text
        or (
            "Public records are shown to everyone; restricted ones to signed-in staff; "
            "confidential ones only to staff allowed to see confidential people. "
            "Making a record less protected needs the permission to publish."
        ),
    )


def external_id_field():
    """The NGO's own identifier for a record, so a spreadsheet imported again updates it (``imports``)."""
    return models.CharField(
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text=_(
            "Your own identifier for this record (a spreadsheet's row id, a register number). Optional and "
            "unique: an import with this identifier updates this record instead of adding another."
        ),
    )


def synthetic_field():
    return models.BooleanField(
        default=False,
        db_index=True,
        editable=False,
        help_text=(
            gettext(
                "Made by the synthetic data generator for load testing; never a real record. "
                "Removed with 'manage.py seed_synthetic --delete'."
            )
        ),
    )


def search_key(text: str) -> str:
    """The normalised form names are searched in (case-folded, single-spaced)."""
    return " ".join(text.casefold().split())


def repeated_name_error(names) -> str | None:
    """The error for the first name that repeats an earlier one, or None. The one rule for a record's names.

    Two variants that differ only in case or spacing are the same name for search
    (:func:`search_key`), so a record cannot list both; the API's ``names`` list and the
    admin's name inlines refuse them with this message.
    """
    seen = set()
    for name in names:
        key = search_key(name)
        if key in seen:
            return gettext("The name %(name)r is listed twice.") % {"name": name}
        seen.add(key)
    return None


def search_text_for(names) -> str:
    """A record's search text: each distinct normalised name on its own line."""
    return "\n".join(dict.fromkeys(search_key(name) for name in names))


def name_match(text: str, prefix: str = "") -> Q | None:
    """The condition "a name or variant contains ``text``", as typed or folded across scripts and spellings.

    ``prefix`` is the path to the record holding ``search_text`` and ``search_folded``
    (``"person__"``); ``None`` when ``text`` holds nothing to search for.
    """
    key = search_key(text)
    if not key:
        return None
    condition = Q(**{f"{prefix}search_text__contains": key})
    for folded in query_keys(text):
        condition |= Q(**{f"{prefix}search_folded__contains": folded})
    return condition


def name_match_rank(text: str, prefix: str = ""):
    """How well a record matched :func:`name_match`: 0 a name exactly, 1 a name's start, 2 within a name as
    typed, 3 only folded across scripts or spellings (to order by, best first)."""
    key = search_key(text)
    column = f"{prefix}search_text"
    exact = (
        Q(**{column: key})
        | Q(**{f"{column}__startswith": f"{key}\n"})
        | Q(**{f"{column}__endswith": f"\n{key}"})
        | Q(**{f"{column}__contains": f"\n{key}\n"})
    )
    prefix_match = Q(**{f"{column}__startswith": key}) | Q(**{f"{column}__contains": f"\n{key}"})
    return Case(
        When(exact, then=Value(0)),
        When(prefix_match, then=Value(1)),
        When(Q(**{f"{column}__contains": key}), then=Value(2)),
        default=Value(3),
        output_field=models.IntegerField(),
    )


class NameSearchQuerySet(RestrictedQuerySet):
    def search(self, text: str):
        """Records whose name or any recorded variant contains ``text`` (any case, any script, any common
        spelling: Козлов finds Kozlov, Jana Ozen finds Жаңаөзен), best matches first."""
        condition = name_match(text)
        if condition is None:
            return self
        ordering = [*(self.query.order_by or self.model._meta.ordering or ()), "pk"]
        return self.filter(condition).alias(match_rank=name_match_rank(text)).order_by("match_rank", *ordering)


class NameSearchable(TrackedModel):
    """A record found by its name or any of its variants (``self.names``).

    ``search_text`` holds them all case-folded, so search is a plain
    ``contains`` that behaves alike on SQLite and PostgreSQL (where a trigram
    index serves it). ``save()`` rebuilds it; the variants' signals refresh it.
    """

    search_text = models.TextField(
        blank=True,
        editable=False,
        help_text=_("The name and all its variants, normalised for search. Maintained automatically."),
        verbose_name=_("search text"),
    )
    search_folded = models.TextField(
        blank=True,
        editable=False,
        help_text=_(
            "The name and all its variants folded to one key across scripts and spellings (Козлов and Kozlov "
            "alike), for search. Maintained automatically."
        ),
    )

    # Derived from the names, which the history keeps: no need to keep them twice.
    history_excluded_fields = ("search_text", "search_folded")

    class Meta:
        abstract = True

    def all_names(self) -> list[str]:
        """The record's name and every recorded variant."""
        variants = self.names.values_list("name", flat=True) if self.pk else []
        return [self.name, *variants]

    def rebuild_search_text(self) -> str:
        return search_text_for(self.all_names())

    def search_columns(self) -> dict[str, str]:
        """``search_text`` and ``search_folded`` as they should be (one query for the variants)."""
        names = self.all_names()
        return {"search_text": search_text_for(names), "search_folded": folded_lines(names)}

    def save(self, *args, **kwargs):
        for column, value in self.search_columns().items():
            setattr(self, column, value)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_text", "search_folded"}
        super().save(*args, **kwargs)


class TitleSearchable(TrackedModel):
    """A record found by its title across scripts and spellings (a case, an event): ``search_folded`` holds
    the title folded by :mod:`casetracker.translit`, rebuilt in ``save()``; the title itself is searched as
    typed (``title__icontains``). :func:`title_match` is the condition."""

    search_folded = models.TextField(
        blank=True,
        editable=False,
        help_text=_("The title folded to one key across scripts and spellings, for search. Maintained automatically."),
    )

    history_excluded_fields = ("search_folded",)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.search_folded = folded_lines([self.title])
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_folded"}
        super().save(*args, **kwargs)


def title_match(text: str, prefix: str = "") -> Q:
    """The condition "the title contains ``text``", as typed or folded across scripts and spellings."""
    condition = Q(**{f"{prefix}title__icontains": text})
    for folded in query_keys(text):
        condition |= Q(**{f"{prefix}search_folded__contains": folded})
    return condition


class ChoiceListField(models.JSONField):
    """Several values from a fixed list of choices, stored as a JSON list (works on SQLite and PostgreSQL).

    Kept sorted and without repeats; every value must be one of ``choices``. The admin shows
    check boxes; filters match one value with :func:`choice_list_contains`, which works on both
    engines (JSON ``contains`` does not exist on SQLite).
    """

    def __init__(self, *args, choices=None, **kwargs):
        self.list_choices = list(choices or [])
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices"] = self.list_choices
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = {str(key) for key, _label in self.list_choices}
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError(gettext("Give a list of values."), code="invalid")
        unknown = [item for item in value if item not in allowed]
        if unknown:
            raise ValidationError(
                gettext("Not a valid choice: %(values)s. Choose from: %(choices)s.")
                % {"values": ", ".join(unknown), "choices": ", ".join(sorted(allowed))},
                code="invalid_choice",
            )

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            value = sorted(set(value))
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        from django import forms

        return forms.TypedMultipleChoiceField(
            choices=self.list_choices,
            required=not self.blank,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
            **{key: value for key, value in kwargs.items() if key in ("initial", "disabled")},
        )

    def labels(self, value) -> list[str]:
        """The values' labels, in the order of the choices."""
        labels = dict(self.list_choices)
        return [str(labels.get(item, item)) for item in value or []]


def choice_list_contains(field_name: str, value: str) -> models.Q:
    """Records whose :class:`ChoiceListField` ``field_name`` holds ``value`` (the quoted JSON string is matched)."""
    return models.Q(**{f"{field_name}__icontains": f'"{value}"'})


def choice_list_contains_any(field_name: str, values) -> models.Q:
    """Records whose :class:`ChoiceListField` ``field_name`` holds any of ``values`` (none: no record)."""
    condition = models.Q(pk__in=[])
    for value in values:
        condition |= choice_list_contains(field_name, value)
    return condition
