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
from sources.admin import CitationInline

from .models import Membership, Organization, OrganizationName, Person, PersonName


class PersonNameInline(NameVariantInline):
    model = PersonName


class MembershipInline(RestrictedTabularInline):
    model = Membership
    fk_name = "person"
    extra = 0
    fields = ["organization", "role", "start", "end"]
    autocomplete_fields = ["organization"]


@admin.register(Person)
class PersonAdmin(RecordAdmin):
    list_display = ["name", "kind", "group_size_display", "confidentiality", "updated"]
    list_filter = ["kind", "confidentiality"]
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
    ]
    inlines = [PersonNameInline, MembershipInline, CitationInline]
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
