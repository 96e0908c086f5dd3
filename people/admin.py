"""Staff back office for people and organizations.

Every admin and inline here is built on :mod:`casetracker.admin`, which applies
the project's one visibility rule: what a user may not see (a confidential
person, for staff without ``people.view_confidential``) is never shown on any
admin page. Persons and organizations show their citations
(:class:`sources.admin.CitationInline`).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from casetracker.admin import NameVariantInline, RecordAdmin, RestrictedTabularInline
from casetracker.api.filters import MAX_ID
from casetracker.base_models import choice_list_contains
from casetracker.visibility import restrict
from sources.admin import COMPACT_TEXT, CitationInline

from .choices import Right
from .models import Membership, Organization, OrganizationName, Person, PersonName, Recognition


class RightsListFilter(admin.SimpleListFilter):
    """Persons by a right they were exercising (one of the values of ``rights``)."""

    title = _("right exercised")
    parameter_name = "right"

    def lookups(self, request, model_admin):
        return Right.choices

    def queryset(self, request, queryset):
        if self.value() in Right.values:
            return queryset.filter(choice_list_contains("rights", self.value()))
        return queryset


class PersonNameInline(NameVariantInline):
    model = PersonName


class MembershipInline(RestrictedTabularInline):
    model = Membership
    fk_name = "person"
    extra = 0
    fields = ["organization", "role", "start", "end"]
    autocomplete_fields = ["organization"]


class RecognitionInline(RestrictedTabularInline):
    """Who recognises the person as a political prisoner (or …); a withdrawal is recorded on the row."""

    model = Recognition
    fk_name = "person"
    extra = 0
    fields = ["organization", "kind", "date", "grounds", "source", "excerpt", "withdrawn", "withdrawal_source"]
    autocomplete_fields = ["organization", "source", "withdrawal_source"]
    formfield_overrides = COMPACT_TEXT


class RecognisedByFilter(admin.SimpleListFilter):
    """Persons recognised (not withdrawn) by an organization; only recognitions the reader may see count."""

    title = _("recognised by")
    parameter_name = "recognised_by"

    def lookups(self, request, model_admin):
        used = restrict(Recognition.objects.current(), request.user).values("organization_id")
        return [(str(pk), name) for pk, name in Organization.objects.filter(pk__in=used).values_list("pk", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
            return queryset.none()  # no organization has such an id (and the database could not hold it)
        recognised = restrict(Recognition.objects.current().filter(organization_id=int(value)), request.user)
        return queryset.filter(pk__in=recognised.values("person_id"))


@admin.register(Person)
class PersonAdmin(RecordAdmin):
    list_display = ["name", "kind", "group_size_display", "confidentiality", "updated"]
    list_filter = ["kind", "occupation_category", "sex", RightsListFilter, RecognisedByFilter, "confidentiality"]
    search_fields = ["search_text__contains"]
    search_help_text = _("Search by name or any recorded variant (any script).")
    fieldsets = [
        (None, {"fields": ["name", "kind", "description", "confidentiality", "external_id"]}),
        (
            _("Group"),
            {
                "fields": ["group_size", "group_size_qualifier", "group_size_as_of"],
                "description": _("Only for a group of unidentified persons."),
            },
        ),
        (
            _("Profile"),
            {
                "fields": ["sex", "birth_date", "occupation_category", "occupation", "rights"],
                "description": _("Only for an individual, as the sources state it."),
            },
        ),
        (
            _("Special-category data"),
            {
                "fields": ["ethnicity", "religion"],
                "description": _("Shown only to staff allowed to see special-category data."),
            },
        ),
    ]
    inlines = [PersonNameInline, MembershipInline, RecognitionInline, CitationInline]
    list_per_page = 50

    @admin.display(description=_("Group size"))
    def group_size_display(self, person):
        return person.group_size_display


class OrganizationNameInline(NameVariantInline):
    model = OrganizationName


class OrganizationMembershipInline(RestrictedTabularInline):
    model = Membership
    fk_name = "organization"
    extra = 0
    fields = ["person", "role", "start", "end"]
    autocomplete_fields = ["person"]


@admin.register(Organization)
class OrganizationAdmin(RecordAdmin):
    list_display = ["name", "kind", "country", "updated"]
    list_filter = ["kind", "country"]
    search_fields = ["search_text__contains"]
    search_help_text = _("Search by name or any recorded variant.")
    fields = ["name", "kind", "country", "description", "external_id"]
    inlines = [OrganizationNameInline, OrganizationMembershipInline, CitationInline]


@admin.register(Membership)
class MembershipAdmin(RecordAdmin):
    list_display = ["person", "role", "organization", "start", "end"]
    list_select_related = ["person", "organization"]
    list_filter = ["organization__kind"]
    search_fields = ["person__search_text__contains", "organization__search_text__contains", "role"]
    autocomplete_fields = ["person", "organization"]


@admin.register(Recognition)
class RecognitionAdmin(RecordAdmin):
    list_display = ["person", "kind", "organization", "date", "withdrawn"]
    list_select_related = ["person", "organization"]
    list_filter = [
        "kind",
        ("organization", admin.RelatedOnlyFieldListFilter),
        ("withdrawn", admin.EmptyFieldListFilter),
    ]
    search_fields = ["person__search_text__contains", "organization__search_text__contains"]
    fields = [
        "person",
        "organization",
        "kind",
        "date",
        "grounds",
        "source",
        "excerpt",
        "withdrawn",
        "withdrawal_source",
        "withdrawal_excerpt",
        "external_id",
    ]
    autocomplete_fields = ["person", "organization", "source", "withdrawal_source"]
