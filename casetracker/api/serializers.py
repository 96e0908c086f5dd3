"""The base serializer every resource uses, and the shapes shared by all of them.

:class:`RecordSerializer` runs the model's own validation (``full_clean()``:
field checks, ``clean()``, unique constraints) before anything is written, so
a rule broken through the API comes back as a 400 naming the field, exactly as
it would in the admin, never as a 500.
"""

from __future__ import annotations

import copy
from datetime import datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from django.db.models.query_utils import DeferredAttribute
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject, RelatedField
from rest_framework.settings import api_settings

from casetracker.approximate_dates import ApproximateDateField as ApproximateDateModelField
from casetracker.base_models import repeated_name_error
from casetracker.visibility import LEVEL_FIELD, hidden_fields, is_governed, is_visible, level_change_error, rule_for

from .fields import (
    ApproximateDateField,
    BriefRelatedField,
    StrictCharField,
    StrictDecimalField,
    StrictIntegerField,
    StrictURLField,
    absolute_url,
    detail_path,
)


def model_help(model, field_name: str):
    """The model field's ``help_text``, for a serializer field that reads the model field but is not built
    from it by ``ModelSerializer`` (a nested read-only shape, a service's input): one text, kept in the model."""
    return model._meta.get_field(field_name).help_text


class BriefSerializer(serializers.Serializer):
    """A related record: enough to show it and to follow it."""

    id = serializers.IntegerField(help_text=_("The record's id."))
    label = serializers.CharField(help_text=_("A human-readable name for the record."))
    url = serializers.URLField(help_text=_("The record's API address."))


class QualifiedFigureSerializer(serializers.Serializer):
    """A number as its source states it: "at least 16", "up to 12 years"."""

    value = serializers.IntegerField(
        allow_null=True, min_value=0, max_value=2**31 - 1, help_text=_("The number, or null when unknown.")
    )
    qualifier = serializers.ChoiceField(
        choices=["exact", "at_least", "more_than", "up_to", "fewer_than", "about"],
        allow_null=True,
        required=False,
        help_text=_("How the source states the number. Defaults to 'exact' when a value is given."),
    )
    display = serializers.CharField(read_only=True, help_text=_("The figure in words, e.g. 'at least 16'."))


class SelfUrlField(serializers.Field):
    """The record's own API address."""

    def __init__(self, view_name: str, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        kwargs.setdefault("help_text", "This record's API address.")
        self.view_name = view_name
        super().__init__(**kwargs)

    def to_representation(self, instance):
        return absolute_url(self.context.get("request"), detail_path(self.view_name, instance.pk))


extend_schema_field({"type": "string", "format": "uri", "readOnly": True})(SelfUrlField)


class ProblemSerializer(serializers.Serializer):
    """A problem document (RFC 9457, ``application/problem+json``): what went wrong and what to do."""

    type = serializers.CharField(help_text=_("The problem type as a URI: `urn:casetracker:problem:` and the code."))
    title = serializers.CharField(help_text=_("The HTTP status in a few words, in the requested language."))
    status = serializers.IntegerField(help_text=_("The HTTP status code."))
    detail = serializers.CharField(help_text=_("What went wrong and what to do about it, for a person."))
    code = serializers.CharField(
        help_text=_("What went wrong, for a program: stable, e.g. `not_found`, `validation_error`, `throttled`.")
    )
    instance = serializers.CharField(help_text=_("The path of the request that went wrong."))


class FieldErrorSerializer(serializers.Serializer):
    """One thing wrong with one field of the request."""

    field = serializers.CharField(
        allow_null=True,
        help_text=_(
            "The field or query parameter, as a dotted path for nested fields (`term.value`, `names.1.name`); "
            "null for a problem with the request as a whole."
        ),
    )
    code = serializers.CharField(help_text=_("What is wrong, for a program: e.g. `required`, `invalid`, `max_length`."))
    message = serializers.CharField(help_text=_("What is wrong and what to send instead, for a person."))


class ValidationProblemSerializer(ProblemSerializer):
    """A 400: each bad field or query parameter, and what is wrong with it."""

    errors = FieldErrorSerializer(many=True, help_text=_("Each problem, by field."))


class DependentSerializer(serializers.Serializer):
    """A record that depends on the one being deleted."""

    kind = serializers.CharField(help_text=_("The kind of record, `app.model` (e.g. `cases.defendant`)."))
    id = serializers.IntegerField(help_text=_("Its id."))
    label = serializers.CharField(help_text=_("Its label."))


class ConflictProblemSerializer(ProblemSerializer):
    """A 409: the record is needed by others and was not deleted."""

    dependents = DependentSerializer(many=True, help_text=_("The records that depend on this one that you may see."))
    hidden_dependents = serializers.IntegerField(help_text=_("How many more depend on it that you may not see."))


class UnknownParameterProblemSerializer(ValidationProblemSerializer):
    """A 400 naming each bad field or query parameter; for query parameters the operation does not take
    (code `unknown_query_parameter`), also those and the ones it takes."""

    sometimes_absent = ("unknown", "allowed")

    unknown = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("The query parameters not taken here.")
    )
    allowed = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("The query parameters taken here.")
    )


class NameVariantSerializer(serializers.Serializer):
    """Another way a name is written (transliteration, translation, script)."""

    name = StrictCharField(max_length=300, help_text=_("The name exactly as a source writes it."))
    language = StrictCharField(
        max_length=35, required=False, allow_blank=True, default="", help_text=_("BCP 47 tag, e.g. 'ru', 'kk-Cyrl'.")
    )
    note = StrictCharField(
        max_length=300, required=False, allow_blank=True, default="", help_text=_("Where this spelling is used.")
    )

    def validate(self, attrs):
        # A PATCH of the record is partial, but each name in the list it sends is whole.
        if "name" not in attrs:
            raise serializers.ValidationError({"name": [gettext("This field is required.")]})
        attrs.setdefault("language", "")
        attrs.setdefault("note", "")
        return attrs


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice the model may leave blank ("not stated"): read and written as ``null``, so clients see one
    nullable enum rather than an enum plus a stray ``""`` (which generated clients cannot type). ``""`` is
    still accepted on writes; either is stored as the model's blank value."""

    def __init__(self, **kwargs):
        self.blank_as_null = kwargs.get("allow_blank", False)
        if self.blank_as_null:
            kwargs["allow_null"] = True
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if self.blank_as_null and data is None:
            return (True, "")
        return super().validate_empty_values(data)

    def to_representation(self, value):
        if self.blank_as_null and value in ("", None):
            return None
        return super().to_representation(value)


#: value types DRF's own ``to_representation`` returns unchanged, by the DRF field class that does so
_KEPT_AS_IS = {
    serializers.CharField: (str,),
    serializers.ChoiceField: (str,),
    serializers.IntegerField: (int,),
    serializers.BooleanField: (bool,),
}


def _reads_loaded_column(descriptor) -> bool:
    """Whether reading the attribute is reading the loaded row: Django's descriptor of a concrete column (or a
    subclass that changes only how a value is assigned, such as the approximate dates')."""
    return isinstance(descriptor, DeferredAttribute) and type(descriptor).__get__ is DeferredAttribute.__get__


def representation_plan(serializer, model) -> list[tuple]:
    """For each readable field of ``serializer``: ``(name, column, types kept as they are, field)``;
    ``column`` is the key of the loaded row that holds the value (``None``: read it through DRF)."""
    plan = []
    for field in serializer._readable_fields:
        column, keep = None, ()
        source = field.source_attrs
        if (
            len(source) == 1
            and type(field).get_attribute is serializers.Field.get_attribute
            and _reads_loaded_column(getattr(model, source[0], None))
        ):
            model_field = model._meta.get_field(source[0])
            if model_field.concrete and not model_field.is_relation and model_field.attname == source[0]:
                column = source[0]
                for drf_class, types in _KEPT_AS_IS.items():
                    if type(field).to_representation is drf_class.to_representation:
                        keep = types
                if _iso_datetime(field):
                    keep = ISO_DATETIME
        elif isinstance(field, BriefRelatedField):
            column = _loaded_relation_path(field, model)
        plan.append((field.field_name, column, keep, field))
    return plan


class LoadedRelations(tuple):
    """The plan's mark for a brief read through forward relations already loaded with the record (their
    cache names, in order): ``("defendant", "person")`` for a sentence's person."""


def _loaded_relation_path(field, model) -> LoadedRelations | None:
    """For a brief whose source is a chain of forward foreign keys read through Django's own descriptors and
    DRF's own ``get_attribute`` (``defendant.person``): the names the loaded records are cached under."""
    if type(field).get_attribute is not RelatedField.get_attribute or field.use_pk_only_optimization():
        return None
    names = []
    for attr in field.source_attrs:
        descriptor = getattr(model, attr, None)
        if not (
            isinstance(descriptor, ForwardManyToOneDescriptor)
            and type(descriptor).__get__ is ForwardManyToOneDescriptor.__get__
        ):
            return None
        names.append(descriptor.field.cache_name)
        model = descriptor.field.related_model
    return LoadedRelations(names) if names else None


#: the plan's mark for a date and time DRF writes in ISO 8601 in the current time zone (see ``to_representation``)
ISO_DATETIME = ("iso-datetime",)


def _iso_datetime(field) -> bool:
    """Whether ``field`` is DRF's own ``DateTimeField`` writing ISO 8601 in the current time zone."""
    drf = serializers.DateTimeField
    return (
        settings.USE_TZ
        and type(field).to_representation is drf.to_representation
        and type(field).enforce_timezone is drf.enforce_timezone
        and type(field).default_timezone is drf.default_timezone
        and not hasattr(field, "timezone")
        and str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601
    )


_NOT_LOADED = object()

#: each serializer class's fields as ``ModelSerializer.get_fields`` builds them, unbound (see ``get_fields``)
_BUILT_FIELDS: dict[type, dict] = {}


class RecordSerializer(serializers.ModelSerializer):
    """Base for every resource serializer.

    - model validation (``full_clean``) on every write, errors named after the API fields;
    - to-many relations written as lists of ids, keeping links the writer cannot see;
    - name variants (``names``) written as a whole list that replaces the old one;
    - a database integrity error becomes a 400, never a 500.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.URLField: StrictURLField,
        models.IntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.DecimalField: StrictDecimalField,
        ApproximateDateModelField: ApproximateDateField,
    }
    serializer_related_field = BriefRelatedField
    serializer_choice_field = BlankAsNullChoiceField

    #: the related name of the model's name variants, when it has a writable ``names`` list
    names_relation: str | None = None

    def get_fields(self):
        # DRF builds a model serializer's fields anew for every serializer, looking the model's fields up and
        # working out each one's arguments (about 2 ms for a sentence, on every request). They depend only on
        # the class (its Meta and declared fields), so they are built once per class and each serializer gets
        # its own copy, as DRF itself copies declared fields (``Field.__deepcopy__`` makes each one afresh
        # from the arguments it was made with).
        built = _BUILT_FIELDS.get(type(self))
        if built is None:
            built = _BUILT_FIELDS[type(self)] = super().get_fields()
        fields = copy.deepcopy(built)
        # The field-level rule (casetracker.visibility.FIELD_RULES): a field the reader may not see is neither
        # shown nor accepted, as if the model did not have it.
        user = getattr(self.context.get("request"), "user", None)
        for name in hidden_fields(self.Meta.model, user):
            fields.pop(name, None)
        return fields

    # -- reading ------------------------------------------------------------

    def to_representation(self, instance):
        """DRF's representation, with the plain model columns read straight from the row.

        DRF reads every field through ``Field.get_attribute`` (a walk over the source path that checks
        for mappings and callables) and ``to_representation``; for a list page that is most of the
        serialising time. A field whose value is a concrete column of the row (the model's own
        descriptor, read through DRF's own ``get_attribute``) is read from the loaded row, and a value
        already of the type DRF would return (a ``str`` for a text field) is kept as it is. Every other
        field (links, briefs, nested shapes, computed values, a column not loaded) goes through DRF
        unchanged, so the representation is identical; ``test_api_fast_representation`` compares them.
        """
        if not isinstance(instance, models.Model):
            return super().to_representation(instance)
        plan = self.__dict__.get("_representation_plan")
        if plan is None:
            plan = self._representation_plan = representation_plan(self, type(instance))
        row = instance.__dict__
        representation = {}
        zone = None
        for name, column, keep, field in plan:
            if type(column) is LoadedRelations:
                # A brief of a record loaded with this one (select_related): DRF's walk over the source path
                # (checks for mappings and callables at every step), without the walk.
                related = instance
                for cache_name in column:
                    if related is None:  # an empty link part way (DRF then skips the field): DRF's path
                        related = _NOT_LOADED
                        break
                    related = related._state.fields_cache.get(cache_name, _NOT_LOADED)
                    if related is _NOT_LOADED:
                        break
                if related is not _NOT_LOADED:
                    representation[name] = None if related is None else field.to_representation(related)
                    continue
            elif column is not None and column in row:
                value = row[column]
                if value is None:
                    representation[name] = None
                elif type(value) in keep:
                    representation[name] = value
                elif keep is ISO_DATETIME and type(value) is datetime and value.tzinfo is not None:
                    # DRF's own steps, with the current time zone looked up once per record, not per field.
                    if zone is None:
                        zone = timezone.get_current_timezone()
                    try:
                        text = value.astimezone(zone).isoformat()
                    except OverflowError:
                        text = field.to_representation(value)  # DRF's own error
                    representation[name] = text[:-6] + "Z" if text.endswith("+00:00") else text
                else:
                    representation[name] = field.to_representation(value)
                continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            representation[name] = None if check_for_none is None else field.to_representation(attribute)
        return representation

    def build_relational_field(self, field_name, relation_info):
        field_class, field_kwargs = super().build_relational_field(field_name, relation_info)
        if issubclass(field_class, BriefRelatedField):
            model = relation_info.related_model
            field_kwargs["view_name"] = f"api:{model._meta.model_name}-detail"
        return field_class, field_kwargs

    def get_validators(self):
        # Uniqueness is checked by the model's full_clean(), with the model's own messages.
        return []

    # -- validation ---------------------------------------------------------

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        m2m = {field.name for field in model._meta.many_to_many}
        instance = self._working_copy()
        for name, value in attrs.items():
            if name not in m2m and name != "names":
                setattr(instance, name, value)
        exclude = [name for name in self._fields_set_by_server() if name not in attrs]
        try:
            instance.full_clean(exclude=exclude)
        except DjangoValidationError as error:
            raise serializers.ValidationError(self.errors_for_fields(error)) from error
        self._check_level(instance)
        if "names" in attrs:
            self._check_unique_names(attrs["names"])
        return attrs

    def _check_level(self, instance) -> None:
        """Making a record less protected needs the permission to publish (:mod:`casetracker.visibility`)."""
        model = self.Meta.model
        if not is_governed(model) or not rule_for(model).level:
            return
        request = self.context.get("request")
        user = getattr(request, "user", None)
        old = getattr(self.instance, LEVEL_FIELD) if self.instance is not None else None
        message = level_change_error(user, old=old, new=getattr(instance, LEVEL_FIELD))
        if message:
            raise serializers.ValidationError(self.errors_for_fields(DjangoValidationError({LEVEL_FIELD: message})))

    def _fields_set_by_server(self) -> list[str]:
        """Model fields the client cannot write (their values come from the server)."""
        writable = set()
        for field in self.fields.values():
            if field.read_only:
                continue
            writable.update(getattr(field, "model_fields", ()) or [field.source])
        return [f.name for f in self.Meta.model._meta.concrete_fields if f.name not in writable and f.editable]

    def _working_copy(self):
        """A fresh instance to validate on, so a rejected write leaves ``self.instance`` untouched."""
        model = self.Meta.model
        if self.instance is None:
            return model()
        copy = model(**{field.attname: getattr(self.instance, field.attname) for field in model._meta.concrete_fields})
        copy._state.adding = False
        copy._state.db = self.instance._state.db
        return copy

    def _check_unique_names(self, names):
        error = repeated_name_error(entry["name"] for entry in names)
        if error:
            raise serializers.ValidationError({"names": error})

    def errors_for_fields(self, error: DjangoValidationError) -> dict:
        """A Django ``ValidationError`` keyed by the API's field names."""
        by_model_field = {}
        for name, field in self.fields.items():
            for model_field in getattr(field, "model_fields", None) or [field.source]:
                by_model_field.setdefault(model_field, name)
        if not hasattr(error, "error_dict"):
            return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
        detail: dict[str, list[str]] = {}
        for key, messages in error.message_dict.items():
            target = api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else by_model_field.get(key, key)
            detail.setdefault(target, []).extend(messages)
        return detail

    # -- writing ------------------------------------------------------------

    def create(self, validated_data):
        return self._save(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, instance, validated_data):
        model = self.Meta.model
        m2m_names = {field.name for field in model._meta.many_to_many}
        many = {name: validated_data.pop(name) for name in list(validated_data) if name in m2m_names}
        names = validated_data.pop("names", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        try:
            with transaction.atomic():
                self.save_instance(instance)
                for name, values in many.items():
                    self._set_visible_part(instance, name, values)
                if names is not None:
                    self._replace_names(instance, names)
        except IntegrityError as error:
            raise serializers.ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY: [
                        gettext("The record conflicts with existing data: %(error)s") % {"error": error}
                    ]
                }
            ) from error
        return instance

    def save_instance(self, instance):
        """Hook: how the instance is written (services override it)."""
        instance.save()

    def _set_visible_part(self, instance, name, values):
        """Set a to-many relation, keeping the links the writer may not see (and did not send)."""
        manager = getattr(instance, name)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        hidden = [obj for obj in manager.all() if not is_visible(obj, user)] if instance.pk else []
        manager.set([*values, *hidden])

    def _replace_names(self, instance, names):
        relation = getattr(instance, self.names_relation)
        relation.all().delete()
        for entry in names:
            relation.create(**entry)
        instance.refresh_from_db(fields=["search_text"])
