"""Filter building blocks shared by every app's ``filtersets.py``.

Each filter here documents itself in the OpenAPI schema (type, bounds,
description) so a client that only knows ``/api/schema/`` can use it.
"""

from __future__ import annotations

import calendar

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import extend_schema_field

from casetracker.approximate_dates import ApproximateDateFormField, prefixes
from casetracker.base_models import name_match, name_match_rank
from casetracker.choices import Confidentiality
from casetracker.visibility import at_level, is_governed, path_is_hidden, restrict, restricts

from .fields import ISO_DATE, ISO_DATE_MESSAGE

# The largest id a 64-bit primary key can hold; larger numbers are a 400, not a database error.
MAX_ID = 2**63 - 1
# Bounds for counts such as a term in months (a PositiveIntegerField holds at most 2**31 - 1).
MAX_COUNT = 2**31 - 1

DATE_SCHEMA = {
    "type": "string",
    "pattern": ISO_DATE.pattern,
    "example": "2012-02",
}


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class CountField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_COUNT)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    """The id of a related record. An id that matches nothing gives an empty list, not an error.

    The record the id names is worked out from ``field_name`` (``defendant__case_id`` → a case),
    or given as ``model="cases.Case"`` for a filter with a ``method``; ``model=None`` says the id
    names no record of its own (a generic ``object_id``). :class:`VisibilityFilterSet` answers an
    empty list when the user may not see that record, so a filter can never confirm that a
    hidden record exists or what it is linked to.
    """

    field_class = IdField
    # A string, not object(): filtersets deep-copy their filters, and a copied sentinel is another object.
    _INFER = "<from field_name>"

    def __init__(self, *args, model=_INFER, **kwargs):
        self.referenced = model
        super().__init__(*args, **kwargs)

    def referenced_model(self, queried_model) -> type[models.Model] | None:
        """The model whose record the id names, or None (see the class docstring)."""
        if self.referenced is None:
            return None
        if self.referenced != IdFilter._INFER:
            from django.apps import apps

            return apps.get_model(self.referenced)
        if self.method is not None:
            raise ImproperlyConfigured(
                f"IdFilter {self.field_name!r} on {queried_model.__name__} has a method: say which record its id "
                f"names with model='app_label.Model' (or model=None if it names none)."
            )
        model, parts = queried_model, self.field_name.removesuffix("_id").split("__")
        for part in parts:
            field = model._meta.get_field(part)
            if not field.is_relation:
                return None
            model = field.related_model
        return model


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_COUNT})
class CountFilter(django_filters.Filter):
    """A whole number compared with ``lookup_expr`` (``gte``/``lte``)."""

    field_class = CountField


class IsoApproximateDateFormField(ApproximateDateFormField):
    """``2012``, ``2012-02`` or ``2012-02-14`` only: query parameters are ISO 8601.

    A day past the end of its month (``2012-02-30``) means the month's last day:
    a bound "up to the 30th of February" is a bound at the end of February.
    """

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip()
        if not ISO_DATE.match(text):
            raise ValidationError(ISO_DATE_MESSAGE, code="invalid")
        if len(text) == 10:
            year, month, day = (int(part) for part in text.split("-"))
            day = min(day, calendar.monthrange(year, month)[1])
            text = f"{year:04d}-{month:02d}-{day:02d}"
        return super().to_python(text)


class ApproximateDateFilterBase(django_filters.Filter):
    """Accepts ``2012``, ``2012-02`` or ``2012-02-14``."""

    field_class = IsoApproximateDateFormField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The form field's own help text would replace ours in the schema.
        self.extra.setdefault("help_text", "")


@extend_schema_field(DATE_SCHEMA)
class ApproximateDateFromFilter(ApproximateDateFilterBase):
    """Records whose date may fall on or after the given date, at any precision.

    ``2012-10`` matches ``2012-10-08``, ``2012-11`` and also the coarser
    ``2012``, since a date known only as "2012" may be in October or later.
    """

    def filter(self, qs, value):
        if not value:
            return qs
        name = self.field_name
        condition = Q(**{f"{name}__gte": value.isoformat()})
        coarser = prefixes(value)
        if coarser:
            condition |= Q(**{f"{name}__in": coarser})
        return qs.filter(condition)


@extend_schema_field(DATE_SCHEMA)
class ApproximateDateToFilter(ApproximateDateFilterBase):
    """Records whose date may fall on or before the given date, at any precision.

    ``2012-10`` matches ``2012-10-08``, ``2012-09`` and ``2012`` (text order
    puts coarser dates first, and finer dates within the month start with it).
    """

    def filter(self, qs, value):
        if not value:
            return qs
        name = self.field_name
        text = value.isoformat()
        condition = Q(**{f"{name}__lte": text}) | Q(**{f"{name}__startswith": text})
        return qs.filter(condition)


@extend_schema_field({"type": "string", "pattern": "^[A-Za-z]{2}$", "example": "KZ"})
class CountryFilter(django_filters.CharFilter):
    """An ISO 3166-1 alpha-2 country code, in either case."""

    field_class = forms.RegexField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("regex", r"^[A-Za-z]{2}$")
        kwargs.setdefault("help_text", "ISO 3166-1 alpha-2 country code, e.g. KZ.")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, value.upper() if value else value)


@extend_schema_field({"type": "string", "minLength": 1, "maxLength": 200})
class SearchFilter(django_filters.CharFilter):
    """Case-insensitive search in a name and all its recorded variants, across scripts and spellings.

    ``field_name`` is the path to a ``search_text`` column kept by the model (beside it
    ``search_folded``: :func:`casetracker.base_models.name_match`). Best matches first.
    """

    field_class = forms.CharField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        prefix = self.field_name.removesuffix("search_text")
        condition = name_match(value or "", prefix)
        if condition is None:
            return qs
        matches = qs.filter(condition)
        if matches.query.order_by or not matches.query.default_ordering:
            return matches  # the request's ordering (or the view's) replaces the ranking
        # Best matches first (a name exactly, then its start, then within it, then only across scripts or
        # spellings), each group in the default order.
        ordered = sort_matches_in_database(matches)
        ranking = [name_match_rank(value, prefix).asc()]
        return ordered.order_by(*ranking, *(ordered.query.order_by or matches.model._meta.ordering or ["pk"]))


def sort_matches_in_database(qs):
    """The same default order, written so that the database sorts the matches instead of walking an index.

    Search matches cluster in name order ("zhanar" matches names that sort last), but the planner
    assumes they are spread evenly: with an index on the ordering column it walks the index from the
    start, testing every row until it has a page (40 ms at 100,000 persons instead of 2 ms). Ordering
    by ``name || ''`` (same values, same collation, same order) leaves it only the trigram index and a
    sort of the matches. Only for models ordered by their own text columns, and only when the request
    gave no ``ordering`` (which replaces this).
    """
    if qs.query.order_by or not qs.query.default_ordering:
        return qs
    opts = qs.model._meta
    ordering = list(opts.ordering or [])
    if not ordering or not all(isinstance(item, str) for item in ordering):
        return qs
    expressions = []
    for item in ordering:
        name = item.lstrip("-")
        try:
            field = opts.get_field("id" if name == "pk" else name)
        except FieldDoesNotExist:
            return qs
        if field.is_relation:
            return qs
        expression = F(name)
        if not expressions and isinstance(field, (models.CharField, models.TextField)):
            expression = Concat(F(name), Value(""), output_field=field.__class__())
        expressions.append(expression.desc() if item.startswith("-") else expression.asc())
    return qs.order_by(*expressions)


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """One or more values of a column of the record itself (``?kind=a&kind=b``).

    django-filter's ``MultipleChoiceFilter`` adds ``DISTINCT`` in case the column is across a
    to-many join. Here it never is, and ``DISTINCT`` made PostgreSQL compare and sort every
    matching row (all columns) before taking a page: 100,000 sentences, 300 ms per page.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class ConfidentialityFilter(django_filters.ChoiceFilter):
    """Staff only: records at one confidentiality level.

    A record's level is worked out by the project's one rule
    (:func:`casetracker.visibility.at_level`): the most protected of its own
    level and those of the people, cases and sources it involves. Anonymous
    and non-staff clients get 403: they only ever see public records.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", Confidentiality.choices)
        kwargs.setdefault(
            "help_text",
            "Staff only (403 otherwise): records at this confidentiality level. A record is as confidential "
            "as the most confidential person, case or source it involves.",
        )
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        request = getattr(self.parent, "request", None)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            raise PermissionDenied(gettext("Only signed-in staff may filter by confidentiality; remove the parameter."))
        return qs.filter(at_level(qs.model, value))


class RepeatedOrCommaSeparated(forms.Select):
    """``ordering=a,-b`` and ``ordering=a&ordering=-b`` (what generated clients send for an array) alike:
    every value given, in order, as one comma-separated list (django-filter's CSV widget splits it)."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            values = data.getlist(name)
            return ",".join(values) if values else None
        return super().value_from_datadict(data, files, name)


class StableOrderingFilter(django_filters.OrderingFilter):
    """``ordering=a,-b`` or ``ordering=a&ordering=-b``: empty values last on every database, then the id,
    so pages never overlap."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", RepeatedOrCommaSeparated)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        expressions = []
        for param in value:
            field = self.get_ordering_value(param)
            if field.startswith("-"):
                expressions.append(F(field[1:]).desc(nulls_last=True))
            else:
                expressions.append(F(field).asc(nulls_last=True))
        return qs.order_by(*expressions, "pk")


def _values(data, name) -> list:
    if hasattr(data, "getlist"):
        return data.getlist(name)
    value = data[name]
    return list(value) if isinstance(value, (list, tuple)) else [value]


def given_filters(filters: dict, data) -> dict:
    """The ``filters`` (name → filter) whose parameter ``data`` holds: ``name`` itself, or ``name_…`` for a
    filter whose widget reads several parameters (a range's ``_min``/``_max``)."""
    keys = list(data.keys())
    return {
        name: query_filter
        for name, query_filter in filters.items()
        if name in data or any(key.startswith(name + "_") for key in keys)
    }


class VisibilityFilterSet(django_filters.FilterSet):
    """A filterset that never returns records the requesting user may not see.

    Which records those are is decided per model by
    :mod:`casetracker.visibility`. Without a request the filterset behaves
    as for an anonymous client: public records only.
    """

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not kwargs.get("prefix"):
            # Only the filters the query names: django-filter deep-copies every declared filter and builds a
            # form field for each on every request (a third of a small list page's Python), while a filter
            # that is not given filters nothing. An instance attribute, read by django-filter's __init__.
            self.base_filters = given_filters(type(self).base_filters, data)
        super().__init__(data, *args, **kwargs)
        # The field-level rule (casetracker.visibility.FIELD_RULES): no filtering by a field the user may not see.
        model = self._meta.model
        for name, filter_ in list(self.filters.items()):
            if filter_.field_name and path_is_hidden(model, filter_.field_name, self.user):
                del self.filters[name]

    @property
    def user(self):
        return getattr(self.request, "user", None)

    def is_valid(self):
        valid = super().is_valid()
        # "?q=" is a mistake more often than a wish for everything: say so rather than ignore it.
        for name in self.filters:
            if name in self.data and "" in _values(self.data, name) and name in self.form.fields:
                self.form.add_error(name, gettext("Give a value, or leave the parameter out."))
                valid = False
        return valid

    def visible(self, queryset):
        """``queryset`` narrowed to what the user may see: for subqueries on related records."""
        return restrict(queryset, self.user)

    def names_hidden_record(self) -> bool:
        """True when an id filter names a record the user may not see (then nothing matches)."""
        if not restricts(self.user):
            return False
        for name, id_filter in self.filters.items():
            value = self.form.cleaned_data.get(name)
            if not isinstance(id_filter, IdFilter) or value in (None, "", []):
                continue
            model = id_filter.referenced_model(self.queryset.model)
            if model is None or not is_governed(model):
                continue
            if not self.visible(model._default_manager.filter(pk=value)).exists():
                return True
        return False

    def filter_queryset(self, queryset):
        if self.names_hidden_record():
            return queryset.none()
        return super().filter_queryset(self.visible(queryset))


def ordering_by(*fields):
    return StableOrderingFilter(
        fields=fields,
        help_text=gettext_lazy(
            "Sort by these fields, in order: repeat the parameter (`ordering=a&ordering=-b`) or comma-separate "
            "them (`ordering=a,-b`); prefix '-' for descending. Empty values last."
        ),
    )


def text_filter(help_text: str, **kwargs):
    return django_filters.CharFilter(max_length=200, help_text=help_text, **kwargs)


class StrictBooleanField(forms.NullBooleanField):
    """``true``/``false`` (or ``1``/``0``) only: anything else is a 400 naming the parameter, not ignored."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError(gettext("Send true or false."), code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField
