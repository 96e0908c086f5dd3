"""Serializer fields for the project's own value types and for related records.

- :class:`ApproximateDateField`: ``"2012"``, ``"2012-02"``, ``"2012-02-14"`` in and out.
- :class:`QualifiedFigureField`: ``{"value": 90, "qualifier": "exact", "display": "7 years 6 months"}``,
  stored in two model columns.
- :class:`BriefRelatedField`: writes take an id; reads give ``{"id", "label", "url"}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, gettext_lazy
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.relations import MANY_RELATION_KWARGS

from casetracker.approximate_dates import ApproximateDate
from casetracker.choices import Qualifier, qualified
from casetracker.text import validate_clean_text
from casetracker.visibility import is_visible, restrict

# The API speaks ISO 8601 only (ASCII digits); the admin also accepts dates in words.
ISO_DATE = re.compile(
    r"^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
)
# Text with no NUL character: the schema's pattern for query text (a request carrying a NUL is a 400).
NO_NUL = "^[^\\u0000]*$"
ISO_DATE_MESSAGE = gettext_lazy("Enter a date as YYYY, YYYY-MM or YYYY-MM-DD, for example 2012, 2012-02 or 2012-02-14.")

# A placeholder id used once per view name to build detail URLs by string substitution
# (reverse() per row is the slowest part of rendering a large page).
_PLACEHOLDER = 987654321987
_URL_TEMPLATES: dict[str, tuple[str, str]] = {}


def detail_path(view_name: str, pk) -> str:
    """The path of a detail endpoint, without calling ``reverse()`` for every row."""
    template = _URL_TEMPLATES.get(view_name)
    if template is None:
        try:
            path = reverse(view_name, kwargs={"pk": _PLACEHOLDER})
        except NoReverseMatch as error:  # a programming error: say which route is missing
            raise NoReverseMatch(f"No API route named {view_name!r}; register its viewset in api/urls.py.") from error
        head, _, tail = path.partition(str(_PLACEHOLDER))
        template = _URL_TEMPLATES[view_name] = (head, tail)
    head, tail = template
    return f"{head}{pk}{tail}"


def absolute_url(request, path: str) -> str:
    """``path`` as an absolute URL for ``request``, or the bare path without a request."""
    if request is None:
        return path
    base = getattr(request, "_api_base_url", None)
    if base is None:
        base = request.build_absolute_uri("/").rstrip("/")
        request._api_base_url = base
    return f"{base}{path}"


class StrictCharField(serializers.CharField):
    """Text only: a number or a boolean where text is expected is a 400, not silently turned into text."""

    default_error_messages = {"not_text": gettext_lazy("Send text (a JSON string), not {kind}.")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The models' rule (casetracker.text), also for text no model validates (name variants).
        self.validators.append(validate_clean_text)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text", kind=type(data).__name__)
        return super().to_internal_value(data)


class StrictURLField(StrictCharField, serializers.URLField):
    pass


class StrictIntegerField(serializers.IntegerField):
    """A JSON number without a fraction: ``"5"``, ``5.5`` and ``true`` are 400s."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDecimalField(serializers.DecimalField):
    """A decimal written as a JSON string, as the schema says (``"150000.00"``)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ApproximateDateField(serializers.Field):
    """A date known to the year, month or day, as ISO 8601 reduced precision text."""

    default_error_messages = {"invalid": ISO_DATE_MESSAGE}

    def __init__(self, **kwargs):
        # Passed by ModelSerializer for the underlying text column; the value is checked by parsing.
        for key in ("max_length", "min_length", "allow_blank"):
            kwargs.pop(key, None)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.isoformat() if value is not None else None

    def to_internal_value(self, data):
        if not isinstance(data, str) or not ISO_DATE.match(data):
            self.fail("invalid")
        try:
            value = ApproximateDate.parse(data)
        except ValueError as error:
            raise serializers.ValidationError(str(error), code="invalid") from error
        if value is None:
            if not self.allow_null:
                self.fail("null")
            return None
        return value


class QualifiedFigureField(serializers.Field):
    """A number with how its source states it, kept in two model columns.

    Reads ``{"value": 90, "qualifier": "exact", "display": "…"}`` (``null``
    when unknown); writes ``{"value": 90, "qualifier": "up_to"}`` (``display``
    is ignored) or ``null`` to clear both columns.
    """

    default_error_messages = {
        # Braces doubled: DRF formats error messages with str.format().
        "not_an_object": gettext_lazy('Send an object such as {{"value": 16, "qualifier": "at_least"}}, or null.'),
    }

    def __init__(
        self,
        *,
        value_field: str,
        qualifier_field: str,
        display: Callable[[int | None, str], str] = qualified,
        default_qualifier: str = Qualifier.EXACT,
        **kwargs,
    ):
        kwargs["source"] = "*"
        super().__init__(**kwargs)
        self.value_field = value_field
        self.qualifier_field = qualifier_field
        self.display = display
        self.default_qualifier = default_qualifier
        # Which model fields this one field stands for (to name it in model validation errors).
        self.model_fields = (value_field, qualifier_field)

    def to_representation(self, instance):
        value = getattr(instance, self.value_field)
        if value is None:
            return None
        qualifier = getattr(instance, self.qualifier_field)
        return {"value": value, "qualifier": qualifier or None, "display": self.display(value, qualifier)}

    def validate_empty_values(self, data):
        # null means "unknown": clear both columns (source="*" would otherwise skip the field).
        if data is None and self.allow_null:
            return True, {self.value_field: None, self.qualifier_field: ""}
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_an_object")
        errors = {}
        if "value" not in data:
            errors["value"] = gettext("This field is required (null when the number is unknown).")
        value = data.get("value")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            errors["value"] = gettext("A whole number (or null when unknown).")
        elif value is not None and not 0 <= value <= 2**31 - 1:
            errors["value"] = gettext("A whole number from 0 to %(max)d.") % {"max": 2**31 - 1}
        qualifier = data.get("qualifier")
        if qualifier is None:
            qualifier = ""
        if not isinstance(qualifier, str) or (qualifier and qualifier not in Qualifier.values):
            errors["qualifier"] = gettext("One of: %(values)s.") % {"values": ", ".join(Qualifier.values)}
        unknown = set(data) - {"value", "qualifier", "display"}
        if unknown:
            errors.update(dict.fromkeys(sorted(unknown), gettext("Unknown key; send only value and qualifier.")))
        if errors:
            raise serializers.ValidationError(errors)
        if value is not None and not qualifier:
            qualifier = self.default_qualifier
        return {self.value_field: value, self.qualifier_field: qualifier if value is not None else ""}


def prefetched_attr(relation: str) -> str:
    """The attribute holding the records of the to-many ``relation`` prefetched as a plain list
    (``Prefetch(..., to_attr=prefetched_attr(relation))``), which :class:`VisibleManyRelatedField` reads."""
    return f"_prefetched_{relation}"


class VisibleManyRelatedField(serializers.ManyRelatedField):
    """A to-many relation that drops, in Python, any record the user may not see.

    Viewsets prefetch these relations with visible querysets already; this is
    the second lock on the door, so a forgotten ``Prefetch`` cannot leak a
    protected person.
    """

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)

    def get_attribute(self, instance):
        # A list prefetched by ``prefetch_briefs`` when there is one, without building a related manager.
        prefetched = instance.__dict__.get(prefetched_attr(self.source))
        if prefetched is not None:
            return prefetched
        return super().get_attribute(instance)

    def to_representation(self, iterable):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return [self.child_relation.to_representation(value) for value in iterable if is_visible(value, user)]


class BriefRelatedField(serializers.PrimaryKeyRelatedField):
    """A related record: written as its id, read as ``{"id", "label", "url"}``.

    Only records the requesting user may see can be chosen, so a write never
    reveals (or attaches to) a protected person or case.
    """

    def __init__(self, *, view_name: str, **kwargs):
        self.view_name = view_name
        super().__init__(**kwargs)

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return VisibleManyRelatedField(**list_kwargs)

    def use_pk_only_optimization(self):
        return False

    def run_validation(self, data=empty):
        # DRF reads "" as null for relations (an HTML form's empty choice); the API takes JSON, whose
        # schema says an id or null, so "" is the wrong type, not a way to clear the link.
        if data == "":
            self.fail("incorrect_type", data_type="str")
        return super().run_validation(data)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= data <= 2**63 - 1:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return restrict(queryset, getattr(request, "user", None))

    def to_representation(self, value):
        request = self.context.get("request")
        # An optional link to a record the user may not see (a sentence's trial in another, hidden
        # case) reads as no link at all, rather than giving that record's label away.
        if self.allow_null and not is_visible(value, getattr(request, "user", None)):
            return None
        return brief(value, self.view_name, request)


def brief(obj, view_name: str, request) -> dict:
    """``{"id", "label", "url"}`` for ``obj``: its label is ``str(obj)``, the record's one label."""
    return {
        "id": obj.pk,
        "label": str(obj),
        "url": absolute_url(request, detail_path(view_name, obj.pk)),
    }
