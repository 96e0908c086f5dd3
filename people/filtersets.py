"""Filters for the ``people`` API lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from casetracker.api.filters import (
    ApproximateDateFromFilter,
    ApproximateDateToFilter,
    ChoicesFilter,
    ConfidentialityFilter,
    CountryFilter,
    IdFilter,
    SearchFilter,
    StableOrderingFilter,
    StrictBooleanFilter,
    VisibilityFilterSet,
)
from casetracker.base_models import choice_list_contains_any
from casetracker.visibility import restrict

from .choices import OccupationCategory, OrganizationKind, PersonKind, RecognitionKind, Right, Sex
from .models import Membership, Organization, Person, Recognition


class PersonFilterSet(VisibilityFilterSet):
    """Persons by name (any variant), kind and organization; ``cases`` adds case and event (``cases/api/people.py``)."""

    q = SearchFilter(
        field_name="search_text",
        help_text=_("Search the name and every recorded variant (any script, case-insensitive): 'kozlov', 'Козлов'."),
    )
    kind = ChoicesFilter(
        choices=PersonKind.choices, help_text=_("Individuals or groups; repeat the parameter for both.")
    )
    organization = IdFilter(
        method="filter_organization",
        model="people.Organization",
        help_text=_("Members of this organization (organization id)."),
    )
    sex = ChoicesFilter(choices=Sex.choices, help_text=_("Sex as the sources state it; repeat for several."))
    occupation_category = ChoicesFilter(
        choices=OccupationCategory.choices, help_text=_("Occupation category; repeat the parameter for several.")
    )
    right = django_filters.MultipleChoiceFilter(
        choices=Right.choices,
        method="filter_right",
        help_text=_("Persons who were exercising this right; repeat the parameter for any of several."),
    )
    recognised_by = IdFilter(
        method="filter_recognised_by",
        model="people.Organization",
        help_text=_("Persons this organization recognises (a recognition not withdrawn) (organization id)."),
    )
    recognised_as = ChoicesFilter(
        method="filter_recognised_as",
        choices=RecognitionKind.choices,
        help_text=_("Persons recognised (not withdrawn) by anyone as this (political_prisoner, conscience, …)."),
    )
    born_from = ApproximateDateFromFilter(field_name="birth_date", help_text=_("Born on or after (2012, 2012-02, …)."))
    born_to = ApproximateDateToFilter(field_name="birth_date", help_text=_("Born on or before (2012, 2012-02, …)."))
    confidentiality = ConfidentialityFilter()
    ordering = StableOrderingFilter(
        fields=(
            ("name", "name"),
            ("birth_date", "birth_date"),
            ("created", "created"),
            ("updated", "updated"),
            ("id", "id"),
        ),
        help_text=_("Sort by these fields, comma-separated; prefix '-' for descending."),
    )

    class Meta:
        model = Person
        fields = []

    def filter_right(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(choice_list_contains_any("rights", value))

    def filter_recognised_by(self, queryset, name, value):
        return queryset.filter(pk__in=recognised_persons(self, organization_id=value))

    def filter_recognised_as(self, queryset, name, value):
        return queryset.filter(pk__in=recognised_persons(self, kind__in=value)) if value else queryset

    # Subqueries rather than joins on to-many relations: no duplicate rows, no DISTINCT.
    def filter_organization(self, queryset, name, value):
        return queryset.filter(pk__in=Membership.objects.filter(organization_id=value).values("person_id"))


def recognised_persons(filterset, **conditions):
    """Ids of persons with a current (not withdrawn) recognition the filterset's user may see."""
    return filterset.visible(Recognition.objects.current().filter(**conditions)).values("person_id")


class RecognitionFilterSet(VisibilityFilterSet):
    """Recognitions by person, organization, kind, date and whether withdrawn."""

    person = IdFilter(field_name="person_id", help_text=_("Recognitions of this person (person id)."))
    organization = IdFilter(field_name="organization_id", help_text=_("Recognitions by this organization."))
    kind = ChoicesFilter(choices=RecognitionKind.choices, help_text=_("Kind of recognition; repeatable."))
    withdrawn = StrictBooleanFilter(
        field_name="withdrawn", lookup_expr="isnull", exclude=True, help_text=_("true: withdrawn ones; false: current.")
    )
    date_after = ApproximateDateFromFilter(field_name="date", help_text=_("Made on or after this date."))
    date_before = ApproximateDateToFilter(field_name="date", help_text=_("Made on or before this date."))
    confidentiality = ConfidentialityFilter()
    ordering = StableOrderingFilter(
        fields=(("date", "date"), ("person__name", "person"), ("organization__name", "organization"), ("id", "id")),
        help_text=_("Sort by these fields, comma-separated; prefix '-' for descending."),
    )

    class Meta:
        model = Recognition
        fields = []


class OrganizationFilterSet(VisibilityFilterSet):
    """Organizations by name (any variant), kind, country and member."""

    q = SearchFilter(
        field_name="search_text",
        help_text=_("Search the name and every recorded variant (any script, case-insensitive)."),
    )
    kind = ChoicesFilter(
        choices=OrganizationKind.choices, help_text=_("Organization kind; repeat the parameter for several.")
    )
    country = CountryFilter()
    person = IdFilter(
        method="filter_person", model="people.Person", help_text=_("Organizations this person belongs to (person id).")
    )
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("kind", "kind"), ("country", "country"), ("created", "created"), ("id", "id")),
        help_text=_("Sort by these fields, comma-separated; prefix '-' for descending."),
    )

    class Meta:
        model = Organization
        fields = []

    def filter_person(self, queryset, name, value):
        # Only through members the user may see: a hidden person's organizations stay hidden.
        members = restrict(Membership.objects.filter(person_id=value), self.user)
        return queryset.filter(pk__in=members.values("organization_id"))


class MembershipFilterSet(VisibilityFilterSet):
    """Memberships by person, organization and role."""

    person = IdFilter(field_name="person_id", help_text=_("Memberships of this person (person id)."))
    organization = IdFilter(
        field_name="organization_id", help_text=_("Members of this organization (organization id).")
    )
    role = django_filters.CharFilter(
        lookup_expr="icontains", max_length=200, help_text=_("Role contains this text (case-insensitive for ASCII).")
    )
    q = SearchFilter(
        field_name="person__search_text",
        help_text=_("Search the member's name and every recorded variant (any script, case-insensitive)."),
    )
    ordering = StableOrderingFilter(
        fields=(
            ("person__name", "person"),
            ("organization__name", "organization"),
            ("start", "start"),
            ("id", "id"),
        ),
        help_text=_("Sort by these fields, comma-separated; prefix '-' for descending."),
    )

    class Meta:
        model = Membership
        fields = []
