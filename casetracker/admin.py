"""The admin side of the one visibility rule (:mod:`casetracker.visibility`).

Every ``ModelAdmin`` of ``people`` and ``cases`` is a :class:`RecordAdmin`
(or uses :class:`RestrictedAdminMixin`), and every inline uses
:class:`RestrictedInlineMixin` (:class:`RestrictedTabularInline`,
:class:`RestrictedStackedInline`, :class:`RestrictedGenericTabularInline`).
For a user who may not see every level they make sure that what the user may
not see is never shown, on any admin page:

- change lists, search, actions and autocomplete start from the restricted
  queryset (:meth:`RestrictedAdminMixin.get_queryset`);
- list filters offer only visible records, and a hidden value selects nothing
  (relational and "all values" filters are swapped for restricted ones);
- every foreign-key and many-to-many form field offers only visible records
  (selects, autocomplete, raw ids, ``?person=<id>`` prefills); a link the user
  cannot see is kept when the form is saved, never shown;
- read-only pages (the Viewer role) show no hidden link either;
- a hidden record's change, delete and history pages answer 404, as a missing
  one does; history lists only the versions the user may see, and changes that
  mention hidden records do not name them;
- delete confirmations and refused inline deletions count hidden records
  ("2 records you cannot see") instead of naming them;
- making a record less protected needs the permission to publish
  (:func:`casetracker.visibility.check_level_change`), in every admin form;
- saving a record at a level the user cannot see leads back to the change list,
  with a message that does not name it.

This module imports no models, so both apps can use it.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.filters import (
    AllValuesFieldListFilter,
    FieldListFilter,
    RelatedFieldListFilter,
    RelatedOnlyFieldListFilter,
)
from django.contrib.admin.utils import NestedObjects, get_fields_from_path, quote, reverse_field_path, unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple, ForeignKeyRawIdWidget
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import router
from django.db.models import Model, Q, prefetch_related_objects
from django.http import Http404, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from casetracker.approximate_dates import ApproximateDate, ApproximateDateField
from casetracker.base_models import name_match, name_match_rank, repeated_name_error, search_key, title_match
from casetracker.visibility import (
    LEVEL_BEFORE_CREATION,
    LEVEL_FIELD,
    can_publish,
    check_level_change,
    hidden,
    hidden_fields,
    hidden_records_phrase,
    is_governed,
    is_visible,
    level_rank,
    restrict,
    restricts,
    rule_for,
    split_visible,
    visible_prefetch,
)

#: How a link to a record the reader may not see is written, where one must be mentioned at all.
HIDDEN_RECORD = _("a record you cannot see")
HIDDEN_LINK_HELP = _("Linked to a record you cannot see. The link is kept as it is when you save.")


def _governed_for(model, user) -> bool:
    """True when some records of ``model`` may be hidden from ``user`` (so they must be checked)."""
    if model is None or not is_governed(model) or not restricts(user):
        return False
    everything = model._default_manager.all()
    return restrict(everything, user) is not everything  # building a queryset runs no query


# -- list filters ---------------------------------------------------------------------------------------


def _visible_limit(field, user, extra: Q | None = None) -> Q | None:
    """A ``limit_choices_to`` for ``field``'s related model: its visible records (and ``extra``)."""
    model = field.related_model
    limit = extra
    if _governed_for(model, user):
        mine = Q(pk__in=restrict(model._default_manager.all(), user).values("pk"))
        limit = mine if limit is None else limit & mine
    own = getattr(field, "get_limit_choices_to", lambda: getattr(field, "limit_choices_to", None))()
    if own:
        own = own if isinstance(own, Q) else Q(**own)
        limit = own if limit is None else limit & own
    return limit


class RestrictedRelatedFilterMixin:
    """Choices from visible records only; filtering by a hidden record selects nothing, like a missing one."""

    def queryset(self, request, queryset):
        if self.lookup_val and _governed_for(self.field.related_model, request.user):
            offered = {str(pk) for pk, _label in self.lookup_choices}
            if not {str(value) for value in self.lookup_val} <= offered:
                return queryset.none()
        return super().queryset(request, queryset)


class RestrictedRelatedFieldListFilter(RestrictedRelatedFilterMixin, RelatedFieldListFilter):
    """Django's related-field filter, offering only the related records the user may see."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        limit = _visible_limit(field, request.user)
        return field.get_choices(include_blank=False, limit_choices_to=limit, ordering=ordering)


class RestrictedRelatedOnlyFieldListFilter(RestrictedRelatedFilterMixin, RelatedOnlyFieldListFilter):
    """Django's "related only" filter (records used by the listed rows), visible records only."""

    def field_choices(self, field, request, model_admin):
        used = model_admin.get_queryset(request).distinct().values_list(f"{self.field_path}__pk", flat=True)
        ordering = self.field_admin_ordering(field, request, model_admin)
        limit = _visible_limit(field, request.user, Q(pk__in=used))
        return field.get_choices(include_blank=False, limit_choices_to=limit, ordering=ordering)


class RestrictedAllValuesFieldListFilter(AllValuesFieldListFilter):
    """Django's "all values" filter; values of a related model come from its visible records only.

    (Django reads a related model's values from its default manager, every record included.)
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        parent_model, _reverse_path = reverse_field_path(model, field_path)
        if parent_model != model and _governed_for(parent_model, request.user):
            queryset = restrict(parent_model._default_manager.all(), request.user)
            self.lookup_choices = queryset.distinct().order_by(field.name).values_list(field.name, flat=True)


#: Django's filter class -> the restricted one used in its place.
RESTRICTED_FILTERS = {
    RelatedFieldListFilter: RestrictedRelatedFieldListFilter,
    RelatedOnlyFieldListFilter: RestrictedRelatedOnlyFieldListFilter,
    AllValuesFieldListFilter: RestrictedAllValuesFieldListFilter,
}
_UNRESTRICTED_FILTERS = (RelatedFieldListFilter, AllValuesFieldListFilter)


def _default_filter_class(field):
    """The filter class Django would pick for ``field`` (the first registered test that matches)."""
    for test, filter_class in FieldListFilter._field_list_filters:
        if test(field):
            return filter_class
    return None


def restricted_list_filter(model, spec):
    """``spec`` (an entry of ``list_filter``) with Django's relational and value filters made restricted."""
    if isinstance(spec, str):
        field = get_fields_from_path(model, spec)[-1]
        restricted = RESTRICTED_FILTERS.get(_default_filter_class(field))
        return (spec, restricted) if restricted else spec
    if isinstance(spec, (list, tuple)) and len(spec) == 2 and isinstance(spec[1], type):
        path, filter_class = spec
        if filter_class in RESTRICTED_FILTERS:
            return (path, RESTRICTED_FILTERS[filter_class])
        restricted_bases = tuple(RESTRICTED_FILTERS.values())
        if issubclass(filter_class, _UNRESTRICTED_FILTERS) and not issubclass(filter_class, restricted_bases):
            raise ImproperlyConfigured(
                f"{filter_class.__name__} (list filter {path!r} of {model.__name__}) would offer records the user "
                f"may not see: base it on one of {', '.join(c.__name__ for c in restricted_bases)} (casetracker.admin)."
            )
    return spec


# -- widgets ----------------------------------------------------------------------------------------------


class HiddenRecordWidget(forms.Widget):
    """Stands in for a link to a record the user may not see: says so, shows nothing of it, posts nothing."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html('<div class="readonly">{}</div>', capfirst(HIDDEN_RECORD))

    def value_from_datadict(self, data, files, name):
        return None


class RestrictedForeignKeyRawIdWidget(ForeignKeyRawIdWidget):
    """A raw-id input that shows the name of the linked record only when the user may see it."""

    def __init__(self, rel, admin_site, attrs=None, using=None, *, user):
        super().__init__(rel, admin_site, attrs, using)
        self.user = user

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            seen = restrict(self.rel.model._default_manager.using(self.db), self.user).filter(**{key: value}).exists()
        except (ValueError, TypeError, ValidationError):
            seen = False
        return super().label_and_url_for_value(value) if seen else ("", "")


class PostedBackAutocompleteMixin:
    """Django's autocomplete widget, also for a form posted back with a value no record can have.

    Redrawing a form with errors looks the posted values up; Django's widget passes them to the
    database as they came, so ``abc`` (or a 40-digit number) for a link was a server error
    instead of the field's "Select a valid choice". Such values are left out of the lookup.
    """

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        key = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        return super().optgroups(name, [item for item in value if _can_be_key(key, item)], attr)


def _can_be_key(field, value) -> bool:
    try:
        prepared = field.get_prep_value(field.to_python(value))
    except (ValueError, TypeError, ValidationError):
        return False
    return not isinstance(prepared, int) or -(2**63) <= prepared < 2**63


class PostedBackAutocompleteSelect(PostedBackAutocompleteMixin, AutocompleteSelect):
    pass


class PostedBackAutocompleteSelectMultiple(PostedBackAutocompleteMixin, AutocompleteSelectMultiple):
    pass


# -- forms --------------------------------------------------------------------------------------------------


class RestrictedFormMixin:
    """What every admin form does for :attr:`visibility_user` (set by :func:`restricted_form`).

    - A link the user may not see is not shown: a foreign key to a hidden record
      becomes a disabled field that says so and keeps the link on save; hidden
      many-to-many links are left out of the field and added back when saving.
      A prefill (``?person=<id>``) naming a hidden record is ignored.
    - Making a record less protected needs the permission to publish; users
      without it start new records at the restricted level.
    """

    visibility_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: field name -> keys of linked records the user may not see, kept on save
        self.hidden_links: dict[str, list] = {}
        adding = self.instance._state.adding
        model = self._meta.model
        # A record the user may see has visible targets on the links that protect it: no need to ask.
        protecting = set(rule_for(model).through) if is_governed(model) and not adding else set()
        for name, field in self.fields.items():
            if field.disabled or name in protecting or not isinstance(field, forms.ModelChoiceField):
                continue
            if not _governed_for(field.queryset.model, self.visibility_user):
                continue
            if isinstance(field, forms.ModelMultipleChoiceField):
                self._hide_many(name, field, adding)
            else:
                self._hide_one(name, field, adding)
        self._start_at_an_unpublished_level(adding)

    @staticmethod
    def _key(field, value):
        if isinstance(value, Model):
            return getattr(value, field.to_field_name) if field.to_field_name else value.pk
        return value

    @staticmethod
    def _visible_keys(field, keys) -> set[str]:
        if not keys:
            return set()
        key = field.to_field_name or "pk"
        try:
            found = field.queryset.filter(**{f"{key}__in": keys}).values_list(key, flat=True)
            return {str(k) for k in found}
        except (ValueError, TypeError, ValidationError):
            return set()

    def _hide_one(self, name, field, adding):
        value = self.initial.get(name)
        if value in (None, "", [], ()):
            return
        key = self._key(field, value)
        if str(key) in self._visible_keys(field, [key]):
            return
        if adding:
            # A prefill naming a record the user may not see: ignore it, as if it named nothing.
            del self.initial[name]
            return
        # The record links to something the user may not see: keep the link, show nothing of it.
        field.queryset = field.queryset.model._default_manager.filter(**{field.to_field_name or "pk": key})
        field.disabled = True
        field.widget = HiddenRecordWidget()
        field.help_text = HIDDEN_LINK_HELP

    def _hide_many(self, name, field, adding):
        current = self.initial.get(name) or []
        if isinstance(current, (str, int)):
            current = [current]
        keys = [self._key(field, value) for value in current]
        visible = self._visible_keys(field, keys)
        self.initial[name] = [value for value, key in zip(current, keys, strict=True) if str(key) in visible]
        hidden_keys = [key for key in keys if str(key) not in visible]
        if hidden_keys and not adding:
            self.hidden_links[name] = hidden_keys

    def _start_at_an_unpublished_level(self, adding):
        """A user who may not publish starts a new record at the level they may create it at."""
        model = self._meta.model
        if not adding or LEVEL_FIELD not in self.fields or can_publish(self.visibility_user):
            return
        if not is_governed(model) or not rule_for(model).level:
            return
        level = self.get_initial_for_field(self.fields[LEVEL_FIELD], LEVEL_FIELD) or LEVEL_BEFORE_CREATION
        if level_rank(level) < level_rank(LEVEL_BEFORE_CREATION):
            self.initial[LEVEL_FIELD] = LEVEL_BEFORE_CREATION

    def clean(self):
        cleaned_data = super().clean()
        field = self.fields.get(LEVEL_FIELD)
        level = (self.cleaned_data or {}).get(LEVEL_FIELD)
        if field is not None and not field.disabled and level and is_governed(self._meta.model):
            try:
                check_level_change(self.visibility_user, self.instance, new=level)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned_data

    def _save_m2m(self):
        # The user chose among the links they can see; the ones they cannot see stay.
        for name, keys in self.hidden_links.items():
            if name in self.cleaned_data:
                self.cleaned_data[name] = [*self.cleaned_data[name], *keys]
        super()._save_m2m()


class RestrictedInlineFormMixin(RestrictedFormMixin):
    """An inline row's form: also, a refused deletion counts the hidden records that protect the row."""

    def hand_clean_DELETE(self):  # noqa: N802  (Django's name)
        parent = getattr(super(), "hand_clean_DELETE", None)
        if parent is None:
            return
        try:
            parent()
        except ValidationError as error:
            if error.code != "deleting_protected" or not restricts(self.visibility_user):
                raise
            raise self._protected_error() from None

    def _protected_error(self) -> ValidationError:
        collector = NestedObjects(using=router.db_for_write(self._meta.model))
        collector.collect([self.instance])
        shown, hidden_count = split_visible(collector.protected, self.visibility_user)
        # Django's own wording (and translations) for the refusal, with hidden records counted.
        names = [
            gettext("%(class_name)s %(instance)s") % {"class_name": p._meta.verbose_name, "instance": p} for p in shown
        ]
        if hidden_count:
            names.append(hidden_records_phrase(hidden_count))
        return ValidationError(
            gettext(
                "Deleting %(class_name)s %(instance)s would require deleting the following protected related "
                "objects: %(related_objects)s"
            ),
            code="deleting_protected",
            params={
                "class_name": self._meta.model._meta.verbose_name,
                "instance": self.instance,
                "related_objects": get_text_list(names, gettext("and")),
            },
        )


def restricted_form(form_class, user, *, inline: bool = False):
    """``form_class`` doing what :class:`RestrictedFormMixin` says, for ``user``."""
    mixin = RestrictedInlineFormMixin if inline else RestrictedFormMixin
    if issubclass(form_class, RestrictedFormMixin):
        return type(form_class.__name__, (form_class,), {"visibility_user": user})
    return type(form_class.__name__, (mixin, form_class), {"visibility_user": user})


# -- read-only pages ------------------------------------------------------------------------------------------


def forget_hidden_links(objects, user) -> None:
    """Make the links of ``objects`` to hidden records read as empty, for read-only display only.

    A read-only field (the Viewer role sees every field read-only) shows the
    related record's name: a hidden foreign key is made to read as ``None`` and a
    many-to-many field lists only visible records. Never save these objects.
    """
    if not restricts(user):
        return
    by_model: dict[type[Model], list[Model]] = defaultdict(list)
    for obj in objects:
        if obj is not None and obj.pk is not None:
            by_model[type(obj)].append(obj)
    for model, objs in by_model.items():
        for field in model._meta.concrete_fields:
            if not (field.many_to_one or field.one_to_one) or not _governed_for(field.related_model, user):
                continue
            values = {getattr(obj, field.attname) for obj in objs} - {None}
            if not values:
                continue
            target = field.target_field.attname
            queryset = field.related_model._default_manager.filter(**{f"{target}__in": values})
            visible = set(restrict(queryset, user).values_list(target, flat=True))
            for obj in objs:
                if getattr(obj, field.attname) not in (None, *visible):
                    field.set_cached_value(obj, None)
        for field in model._meta.many_to_many:
            if not _governed_for(field.related_model, user):
                continue
            for obj in objs:
                getattr(obj, "_prefetched_objects_cache", {}).pop(field.name, None)
            everything = field.related_model._default_manager.all()
            prefetch_related_objects(objs, visible_prefetch(field.name, everything, user))


# -- delete confirmations ---------------------------------------------------------------------------------------


def _hidden_keys(objects_by_model: dict, user) -> set[tuple[type[Model], object]]:
    """``(model, pk)`` of the collected objects ``user`` may not see.

    A row of an automatic many-to-many table (an event's participant) is hidden
    when either record it links is.
    """
    keys = set()
    for model, objs in objects_by_model.items():
        pks = [obj.pk for obj in objs]
        if is_governed(model):
            concealed = hidden(model._base_manager.filter(pk__in=pks), user).values_list("pk", flat=True)
            keys |= {(model, pk) for pk in concealed}
        elif model._meta.auto_created:
            for field in model._meta.concrete_fields:
                if not field.many_to_one or not is_governed(field.related_model):
                    continue
                targets = {getattr(obj, field.attname) for obj in objs}
                concealed = set(
                    hidden(field.related_model._base_manager.filter(pk__in=targets), user).values_list("pk", flat=True)
                )
                keys |= {(model, obj.pk) for obj in objs if getattr(obj, field.attname) in concealed}
    return keys


def deleted_objects_for(objs, request, admin_site):
    """Django's ``get_deleted_objects`` that names only what the user may see and counts the rest.

    Returns ``(to_delete, model_count, perms_needed, protected)`` as the admin's
    delete confirmation page and the "delete selected" action expect.
    """
    user = request.user
    try:
        first = objs[0]
    except IndexError:
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
    collector.collect(objs)

    everything = defaultdict(set)
    for model, found in collector.model_objs.items():
        everything[model] |= found
    for obj in collector.protected:
        everything[type(obj)].add(obj)
    hidden_keys = _hidden_keys(everything, user)
    concealed: set[tuple[type[Model], object]] = set()

    perms_needed = set()
    for model, found in collector.model_objs.items():
        if admin_site.is_registered(model):
            model_admin = admin_site.get_model_admin(model)
            if any(not model_admin.has_delete_permission(request, obj) for obj in found):
                perms_needed.add(model._meta.verbose_name)

    def describe(obj):
        opts = obj._meta
        if admin_site.is_registered(type(obj)):
            try:
                url = reverse(f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
            except NoReverseMatch:
                pass
            else:
                return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)
        return f"{capfirst(opts.verbose_name)}: {obj}"

    def conceal(items):
        for item in items:
            if isinstance(item, list):
                conceal(item)
            else:
                concealed.add((type(item), item.pk))

    def shown(items):
        """The nested list with hidden records, and everything under them, left out."""
        result = []
        for index, item in enumerate(items):
            if isinstance(item, list):
                continue
            children = items[index + 1] if index + 1 < len(items) and isinstance(items[index + 1], list) else None
            if (type(item), item.pk) in hidden_keys:
                conceal([item, *(children or [])])
                continue
            result.append(describe(item))
            if children:
                below = shown(children)
                if below:
                    result.append(below)
        return result

    to_delete = shown(collector.nested())

    protected, hidden_protected = [], 0
    for obj in collector.protected:
        if (type(obj), obj.pk) in hidden_keys:
            hidden_protected += 1
        else:
            protected.append(describe(obj))
    if hidden_protected:
        protected.append(hidden_records_phrase(hidden_protected))

    model_count, hidden_count = {}, 0
    for model, found in collector.model_objs.items():
        count = sum(1 for obj in found if (model, obj.pk) not in concealed)
        hidden_count += len(found) - count
        if count:
            model_count[model._meta.verbose_name_plural] = count
    if hidden_count:
        to_delete.append(hidden_records_phrase(hidden_count))
        model_count[_("records you cannot see")] = hidden_count
    return to_delete, model_count, perms_needed, protected


# -- history ----------------------------------------------------------------------------------------------------


class RestrictedHistoryContextHelper(HistoricalRecordContextHelper):
    """Writes the changes between two versions without naming records the user may not see."""

    def __init__(self, model, historical_record, *, user, **kwargs):
        super().__init__(model, historical_record, **kwargs)
        self.user = user

    def context_for_delta_changes(self, delta):
        # A change of a field the user may not see (casetracker.visibility.FIELD_RULES) is not listed.
        hide = hidden_fields(self.model, self.user)
        if hide:
            delta = dataclasses.replace(
                delta,
                changes=[change for change in delta.changes if change.field not in hide],
                changed_fields=[name for name in delta.changed_fields if name not in hide],
            )
        return super().context_for_delta_changes(delta)

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, list):
            shown = [item for item in value if not isinstance(item, Model) or is_visible(item, self.user)]
            if len(shown) < len(value):
                shown.append(hidden_records_phrase(len(value) - len(shown)))
            return shown
        if isinstance(value, Model) and not is_visible(value, self.user):
            return str(HIDDEN_RECORD)
        return value


# -- the admin mixins -----------------------------------------------------------------------------------------


def _mentions(spec, names: frozenset[str]) -> bool:
    """True when a ``list_display``/``list_filter``/``search_fields`` entry reads one of ``names``."""
    if isinstance(spec, (list, tuple)):
        spec = spec[0] if spec else ""
    if not isinstance(spec, str):
        return getattr(spec, "parameter_name", None) in names
    return spec.lstrip("^=@-").split("__")[0] in names


class HiddenFieldsMixin:
    """The field-level rule (:data:`casetracker.visibility.FIELD_RULES`) on admin pages and inlines.

    A field the user may not see (a person's ethnicity, for staff without
    ``people.view_special_category``) is left out of forms (add, change, read-only, history
    versions), lists, list filters, sorting and search, as if the model did not have it.
    """

    def hidden_fields(self, request) -> frozenset[str]:
        # No request (a check inspecting the admin's configuration): as for an anonymous reader, all hidden.
        return hidden_fields(self.model, getattr(request, "user", None))

    def get_fields(self, request, obj=None):
        hide = self.hidden_fields(request)
        return [name for name in super().get_fields(request, obj) if name not in hide]

    def get_fieldsets(self, request, obj=None):
        hide = self.hidden_fields(request)
        fieldsets = super().get_fieldsets(request, obj)
        if not hide:
            return fieldsets
        shown = []
        for title, options in fieldsets:
            fields = [
                [name for name in line if name not in hide] if isinstance(line, (list, tuple)) else line
                for line in options.get("fields", ())
                if line not in hide
            ]
            fields = [line for line in fields if line]
            if fields:
                shown.append((title, {**options, "fields": fields}))
        return shown

    def get_exclude(self, request, obj=None):
        hide = self.hidden_fields(request)
        exclude = super().get_exclude(request, obj)
        return [*(exclude or ()), *sorted(hide)] if hide else exclude

    def get_readonly_fields(self, request, obj=None):
        hide = self.hidden_fields(request)
        return [name for name in super().get_readonly_fields(request, obj) if name not in hide]


class RestrictedFieldsMixin(HiddenFieldsMixin):
    """Foreign-key and many-to-many form fields offer only the records the user may see."""

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        model = db_field.remote_field.model
        if not _governed_for(model, request.user):
            return queryset
        if queryset is None:
            queryset = model._default_manager.using(db).all()
        return restrict(queryset, request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if (
            "widget" not in kwargs
            and db_field.name in self.raw_id_fields
            and db_field.name not in self.get_autocomplete_fields(request)
        ):
            kwargs["widget"] = RestrictedForeignKeyRawIdWidget(
                db_field.remote_field, self.admin_site, using=kwargs.get("using"), user=request.user
            )
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PostedBackAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PostedBackAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RestrictedAdminMixin(RestrictedFieldsMixin):
    """For a ``ModelAdmin`` or ``SimpleHistoryAdmin``: show a user only what they may see (module docstring)."""

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user)

    def get_list_filter(self, request):
        hide = self.hidden_fields(request)
        specs = [spec for spec in super().get_list_filter(request) if not _mentions(spec, hide)]
        return [restricted_list_filter(self.model, spec) for spec in specs]

    def get_list_display(self, request):
        hide = self.hidden_fields(request)
        return [spec for spec in super().get_list_display(request) if not _mentions(spec, hide)]

    def get_search_fields(self, request):
        hide = self.hidden_fields(request)
        return [spec for spec in super().get_search_fields(request) if not _mentions(spec, hide)]

    def get_sortable_by(self, request):
        hide = self.hidden_fields(request)
        return [spec for spec in super().get_sortable_by(request) if not _mentions(spec, hide)]

    def get_form(self, request, obj=None, change=False, **kwargs):
        return restricted_form(super().get_form(request, obj, change=change, **kwargs), request.user)

    def get_changelist_form(self, request, **kwargs):
        return restricted_form(super().get_changelist_form(request, **kwargs), request.user)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects with a message for a record outside get_queryset(); a hidden record and a
        # missing one must look alike, and like the API: 404.
        raise Http404(gettext("No such record."))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        displayed = [obj]
        for inline_admin_formset in context.get("inline_admin_formsets", ()):
            displayed.extend(form.instance for form in inline_admin_formset.formset.initial_forms)
        forget_hidden_links(displayed, request.user)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # -- after saving ------------------------------------------------------------------------------------

    def response_add(self, request, obj, post_url_continue=None):
        if not is_visible(obj, request.user):
            return self.response_saved_out_of_sight(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if not is_visible(obj, request.user):
            return self.response_saved_out_of_sight(request, obj)
        return super().response_change(request, obj)

    def response_saved_out_of_sight(self, request, obj):
        """The user saved a record at a level they may not see: back to the list, without naming it."""
        self.message_user(
            request,
            gettext(
                "The %(kind)s was saved. Its confidentiality level is one you may not see, so it is no longer "
                "shown to you."
            )
            % {"kind": obj._meta.verbose_name},
            messages.SUCCESS,
        )
        if self.has_view_or_change_permission(request):
            name = f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
            url = reverse(name, current_app=self.admin_site.name)
        else:
            url = reverse("admin:index", current_app=self.admin_site.name)
        return HttpResponseRedirect(url)

    # -- deleting --------------------------------------------------------------------------------------------

    def get_deleted_objects(self, objs, request):
        if not restricts(request.user):
            return super().get_deleted_objects(objs, request)
        return deleted_objects_for(objs, request, self.admin_site)

    # -- history (django-simple-history) -------------------------------------------------------------------

    def _history_manager(self):
        attribute = getattr(self.model._meta, "simple_history_manager_attribute", None)
        return getattr(self.model, attribute, None) if attribute else None

    def history_subject_or_404(self, request, object_id) -> None:
        """404 unless the user may see the record whose history is asked for.

        A record that exists but is hidden is 404 (django-simple-history would
        fall back to its history); a deleted record's history is shown only if
        its last version is one the user may see.
        """
        pk_name = self.opts.pk.attname
        try:
            if self.get_queryset(request).filter(**{pk_name: object_id}).exists():
                return
            exists = self.model._base_manager.filter(**{pk_name: object_id}).exists()
        except (ValueError, TypeError, ValidationError):
            raise Http404(gettext("No such record.")) from None
        history = self._history_manager()
        if exists or history is None:
            raise Http404(gettext("No such record."))
        latest = history.filter(**{pk_name: object_id}).order_by("-history_date", "-history_id").first()
        if latest is None or not restrict(history.filter(history_id=latest.history_id), request.user).exists():
            raise Http404(gettext("No such record."))

    def history_view(self, request, object_id, extra_context=None):
        self.history_subject_or_404(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # A version stored at a level the user may not see (a name later changed to protect someone) is not listed.
        return restrict(super().get_history_queryset(request, history_manager, pk_name, object_id), request.user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        object_id = unquote(object_id)
        self.history_subject_or_404(request, object_id)
        history = self._history_manager()
        try:
            version = history.filter(**{self.opts.pk.attname: object_id, "history_id": version_id})
            seen = restrict(version, request.user).exists()
        except (ValueError, TypeError, ValidationError):
            seen = False
        if not seen:
            raise Http404(gettext("No such version."))
        if request.method == "POST" and not self.has_change_permission(request, self.get_object(request, object_id)):
            # django-simple-history saves a posted version form for anyone who may view it.
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return RestrictedHistoryContextHelper(self.model, historical_record, user=request.user)


class RestrictedInlineMixin(RestrictedFieldsMixin):
    """For inlines (tabular, stacked, generic): rows, choices and forms follow the visibility rule."""

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = restricted_form(formset.form, request.user, inline=True)
        return formset


class CrossScriptSearchMixin:
    """Admin search that finds names and titles across scripts and spellings, as the API's ``q`` does.

    A search field ``<path>search_text__contains`` (a name and its variants, case-folded) is
    searched with the term case-folded, and also through its ``search_folded`` key
    (:func:`casetracker.base_models.name_match`): "Козлов" finds Vladimir Kozlov, "Jana Ozen" finds
    Жаңаөзен. A ``title`` search field of a record with a folded title does the same
    (:func:`casetracker.base_models.title_match`). Django's own word-by-word search still runs;
    the folded matches are added to it, all from the restricted queryset. Name matches are ranked as
    in the API (exact, start, within, across scripts) unless a column is clicked to sort by.
    """

    def _name_prefixes(self, request) -> list[str]:
        names = "search_text__contains"
        return [field.removesuffix(names) for field in self.get_search_fields(request) if field.endswith(names)]

    def get_ordering(self, request):
        """While searching by name, the best matches first (as the API ranks them), then the usual order."""
        ordering = list(super().get_ordering(request) or ())
        term = request.GET.get(SEARCH_VAR, "")
        prefixes = self._name_prefixes(request)
        if not prefixes or not search_key(term):
            return ordering
        return [name_match_rank(term, prefixes[0]).asc(), *(ordering or ["-pk"])]

    def get_search_results(self, request, queryset, search_term):
        fields = self.get_search_fields(request)
        prefixes = self._name_prefixes(request)
        titled = "title" in fields and any(field.name == "search_folded" for field in self.model._meta.fields)
        if not prefixes and not titled:
            return super().get_search_results(request, queryset, search_term)
        results, may_have_duplicates = super().get_search_results(request, queryset, search_key(search_term))
        if not search_key(search_term):
            return results, may_have_duplicates
        folded = Q(pk__in=[])
        for prefix in prefixes:
            folded |= name_match(search_term, prefix)
        if titled:
            folded |= title_match(search_term)
        return results | queryset.filter(folded), may_have_duplicates


def approximate_date_column(model, name: str):
    """A change-list column showing an approximate date in the reader's language ("февраль 2012"), sorted
    by the stored ISO text (:meth:`casetracker.approximate_dates.ApproximateDate.display`)."""
    field = model._meta.get_field(name)

    def column(obj):
        value = getattr(obj, name)
        return value.display() if isinstance(value, ApproximateDate) else value

    column.__name__ = name  # keeps the column's CSS class, field-<name>
    column.short_description = capfirst(field.verbose_name)
    column.admin_order_field = name
    return column


class ReadersDatesMixin:
    """Change lists show approximate dates in the reader's language; forms keep them as ISO text (which,
    like "февраль 2012" or "ақпан 2012", may be typed)."""

    def get_list_display(self, request):
        shown = []
        for item in super().get_list_display(request):
            if isinstance(item, str) and _is_approximate_date(self.model, item):
                item = approximate_date_column(self.model, item)
            shown.append(item)
        return shown


def _is_approximate_date(model, name: str) -> bool:
    from django.core.exceptions import FieldDoesNotExist

    try:
        return isinstance(model._meta.get_field(name), ApproximateDateField)
    except FieldDoesNotExist:
        return False


class RecordAdmin(ReadersDatesMixin, CrossScriptSearchMixin, RestrictedAdminMixin, SimpleHistoryAdmin):
    """The base of every admin of a case record: the visibility rule, search across scripts, a kept history."""


class RestrictedTabularInline(RestrictedInlineMixin, admin.TabularInline):
    """A tabular inline following the visibility rule."""


class RestrictedStackedInline(RestrictedInlineMixin, admin.StackedInline):
    """A stacked inline following the visibility rule."""


class NameVariantFormSet(forms.BaseInlineFormSet):
    """A record's name variants: refuses two that differ only in case or spacing, as the API does."""

    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data["name"]
            for form in self.forms
            if form.cleaned_data.get("name") and not (self.can_delete and self._should_delete_form(form))
        ]
        error = repeated_name_error(kept)
        if error:
            raise ValidationError(error)


class NameVariantInline(RestrictedTabularInline):
    """The inline of a record's other names (``PersonName``, ``OrganizationName``, ``PlaceName``)."""

    formset = NameVariantFormSet
    extra = 1
    fields = ["name", "language", "note"]


class RestrictedGenericTabularInline(RestrictedInlineMixin, GenericTabularInline):
    """A generic tabular inline (citations) following the visibility rule."""
