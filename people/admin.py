"""Staff back office for people and organizations.

Confidential people are hidden from staff who lack ``people.view_confidential``
everywhere in the admin: change lists, change pages, autocomplete and inlines.
Citation inlines are added to these admins by ``cases.admin`` so that this app
does not depend on ``cases``.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Organization, OrganizationName, Person, PersonName, search_key, visible_levels


class NameSearchMixin:
    """Search by any recorded name variant, case-insensitively in every script.

    ``search_text`` already holds the case-folded name and variants, so the
    term is case-folded too and matched with a plain ``contains``.
    """

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_key(search_term))


class PersonNameInline(admin.TabularInline):
    model = PersonName
    extra = 1
    fields = ["name", "language", "note"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "person"
    extra = 0
    fields = ["organization", "role", "start", "end"]
    autocomplete_fields = ["organization"]


@admin.register(Person)
class PersonAdmin(NameSearchMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "group_size_display", "confidentiality", "updated"]
    list_filter = ["kind", "confidentiality"]
    search_fields = ["search_text__contains"]
    search_help_text = "Search by name or any recorded variant (any script)."
    fieldsets = [
        (None, {"fields": ["name", "kind", "description", "confidentiality"]}),
        (
            "Group",
            {
                "fields": ["group_size", "group_size_qualifier"],
                "description": "Only for a group of unidentified persons.",
            },
        ),
    ]
    inlines = [PersonNameInline, MembershipInline]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).filter(confidentiality__in=visible_levels(request.user))

    @admin.display(description="Group size")
    def group_size_display(self, person):
        return person.group_size_display


class OrganizationNameInline(admin.TabularInline):
    model = OrganizationName
    extra = 1
    fields = ["name", "language", "note"]


class OrganizationMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organization"
    extra = 0
    fields = ["person", "role", "start", "end"]
    autocomplete_fields = ["person"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(person__confidentiality__in=visible_levels(request.user))


@admin.register(Organization)
class OrganizationAdmin(NameSearchMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "country", "updated"]
    list_filter = ["kind", "country"]
    search_fields = ["search_text__contains"]
    search_help_text = "Search by name or any recorded variant."
    fields = ["name", "kind", "country", "description"]
    inlines = [OrganizationNameInline, OrganizationMembershipInline]


@admin.register(Membership)
class MembershipAdmin(NameSearchMixin, SimpleHistoryAdmin):
    list_display = ["person", "role", "organization", "start", "end"]
    list_select_related = ["person", "organization"]
    list_filter = ["organization__kind"]
    search_fields = ["person__search_text__contains", "organization__search_text__contains", "role"]
    autocomplete_fields = ["person", "organization"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(person__confidentiality__in=visible_levels(request.user))
