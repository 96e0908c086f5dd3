"""Filters for the ``cases`` API lists (and for sentence-summary exports).

Every filterset restricts its results to what the requesting user may see
(see :class:`casetracker.api.filters.VisibilityFilterSet`), so a filterset
used outside the API (an export, an admin action) cannot leak protected
people either.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casetracker.api.filters import (
    ApproximateDateFromFilter,
    ApproximateDateToFilter,
    ChoicesFilter,
    ConfidentialityFilter,
    CountFilter,
    CountryFilter,
    IdFilter,
    SearchFilter,
    StableOrderingFilter,
    VisibilityFilterSet,
    ordering_by,
    text_filter,
)
from casetracker.base_models import choice_list_contains_any, name_match, title_match
from people.choices import RecognitionKind, Right
from people.filtersets import recognised_persons
from people.models import Person

from .choices import (
    AllegationKind,
    CaseKind,
    ChargeOutcome,
    DefendantStatus,
    EventKind,
    FacilityKind,
    FigureMeasure,
    SentenceKind,
    SentenceStatus,
    TreatmentConcern,
)
from .models import (
    Allegation,
    Case,
    Charge,
    CustodyStay,
    Defendant,
    Event,
    EventFigure,
    Facility,
    LegalArticle,
    Place,
    Sentence,
    StatusChange,
    Trial,
)


class SentenceFilterSet(VisibilityFilterSet):
    """Sentences by case, defendant, person, kind, status, term, verdict date and charge."""

    case = IdFilter(field_name="defendant__case_id", help_text=_("Sentences in this case (case id)."))
    defendant = IdFilter(field_name="defendant_id", help_text=_("Sentences of this defendant (defendant id)."))
    person = IdFilter(field_name="defendant__person_id", help_text=_("Sentences of this person (person id)."))
    trial = IdFilter(field_name="trial_id", help_text=_("Sentences imposed at this trial (trial id)."))
    event = IdFilter(
        method="filter_event",
        model="cases.Event",
        help_text=_("Sentences in cases arising from this event (event id)."),
    )
    legal_article = IdFilter(
        method="filter_legal_article",
        model="cases.LegalArticle",
        help_text=_("Sentences of defendants charged under this legal article (legal article id)."),
    )
    court = IdFilter(field_name="trial__court_id", help_text=_("Sentences imposed by this court (organization id)."))
    facility = IdFilter(
        field_name="defendant__current_facility_id",
        help_text=_("Sentences of defendants held at this facility now (facility id)."),
    )
    region = IdFilter(
        method="filter_region",
        model="cases.Place",
        help_text=_("Sentences of defendants held now at a facility in this place or region (place id)."),
    )
    facility_kind = ChoicesFilter(
        field_name="defendant__current_facility__kind",
        choices=FacilityKind.choices,
        help_text=_("Sentences of defendants held now at a facility of this kind (penal_colony, …); repeatable."),
    )
    recognised_by = IdFilter(
        method="filter_recognised_by",
        model="people.Organization",
        help_text=_("Sentences of persons this organization recognises (not withdrawn) (organization id)."),
    )
    recognised_as = ChoicesFilter(
        method="filter_recognised_as",
        choices=RecognitionKind.choices,
        help_text=_("Sentences of persons recognised (not withdrawn) as this (political_prisoner, conscience, …)."),
    )
    right = django_filters.MultipleChoiceFilter(
        choices=Right.choices,
        method="filter_right",
        help_text=_("Sentences of persons who were exercising this right (assembly, labour, …); repeatable."),
    )
    kind = ChoicesFilter(
        choices=SentenceKind.choices, help_text=_("Sentence kind; repeat the parameter for several kinds.")
    )
    status = ChoicesFilter(
        choices=SentenceStatus.choices, help_text=_("Sentence status; repeat the parameter for several statuses.")
    )
    term_min = CountFilter(
        field_name="term_months", lookup_expr="gte", help_text=_("Terms of at least this many months.")
    )
    term_max = CountFilter(
        field_name="term_months", lookup_expr="lte", help_text=_("Terms of at most this many months.")
    )
    verdict_after = ApproximateDateFromFilter(
        field_name="trial__verdict_date",
        help_text=(
            _(
                "Verdicts that may fall on or after this date (YYYY, YYYY-MM or YYYY-MM-DD). "
                "Coarser dates that overlap match too: 2012-10 matches a verdict dated only '2012'."
            )
        ),
    )
    verdict_before = ApproximateDateToFilter(
        field_name="trial__verdict_date",
        help_text=_("Verdicts that may fall on or before this date (YYYY, YYYY-MM or YYYY-MM-DD), at any precision."),
    )
    expected_end_after = ApproximateDateFromFilter(
        field_name="expected_end",
        help_text=_("Sentences expected to end on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
    )
    expected_end_before = ApproximateDateToFilter(
        field_name="expected_end",
        help_text=_("Sentences expected to end on or before this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
    )
    confidentiality = ConfidentialityFilter()
    q = SearchFilter(
        field_name="defendant__person__search_text",
        help_text=_("Search the sentenced person's name and every recorded variant (any script, case-insensitive)."),
    )
    ordering = StableOrderingFilter(
        fields=(
            ("defendant__person__name", "person"),
            ("defendant__case__title", "case"),
            ("trial__verdict_date", "verdict_date"),
            ("term_months", "term_months"),
            ("start", "start"),
            ("expected_end", "expected_end"),
            ("kind", "kind"),
            ("status", "status"),
            ("id", "id"),
        ),
        help_text=_("Sort by these fields, comma-separated; prefix '-' for descending. Empty values sort last."),
    )

    class Meta:
        model = Sentence
        fields = []

    # Subqueries rather than joins on to-many relations: no duplicate rows, no DISTINCT.
    def filter_event(self, queryset, name, value):
        return queryset.filter(defendant__case__in=Case.events.through.objects.filter(event_id=value).values("case_id"))

    def filter_legal_article(self, queryset, name, value):
        return queryset.filter(defendant__in=Charge.objects.filter(article_id=value).values("defendant_id"))

    def filter_region(self, queryset, name, value):
        return queryset.filter(in_region("defendant__current_facility__", value))

    def filter_right(self, queryset, name, value):
        return queryset.filter(choice_list_contains_any("defendant__person__rights", value)) if value else queryset

    def filter_recognised_by(self, queryset, name, value):
        return queryset.filter(defendant__person_id__in=recognised_persons(self, organization_id=value))

    def filter_recognised_as(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(defendant__person_id__in=recognised_persons(self, kind__in=value))


class PlaceFilterSet(VisibilityFilterSet):
    """Places by name (any spelling), country, kind and region."""

    q = SearchFilter(
        field_name="search_text",
        help_text=_("Search the name and every recorded spelling (q=Aktau finds Aqtau; any script, any case)."),
    )
    country = CountryFilter()
    kind = text_filter("City, village, region, country …", field_name="kind")
    region = IdFilter(field_name="region_id", help_text=_("Places within this region (place id)."))
    ordering = ordering_by(("name", "name"), ("country", "country"), ("id", "id"))

    class Meta:
        model = Place
        fields = []


def in_region(prefix: str, region_id) -> Q:
    """Facilities (at ``prefix``) in the place ``region_id`` or in a place within it (two levels deep)."""
    return (
        Q(**{f"{prefix}place_id": region_id})
        | Q(**{f"{prefix}place__region_id": region_id})
        | Q(**{f"{prefix}place__region__region_id": region_id})
    )


class FacilityFilterSet(VisibilityFilterSet):
    """Places of detention by name (any variant), kind, place and region."""

    q = SearchFilter(
        field_name="search_text",
        help_text=_("Search the name and every recorded variant (any script, case-insensitive)."),
    )
    kind = ChoicesFilter(choices=FacilityKind.choices, help_text=_("Facility kind; repeat the parameter for several."))
    place = IdFilter(field_name="place_id", help_text=_("Facilities at this place (place id)."))
    region = IdFilter(
        method="filter_region", model="cases.Place", help_text=_("Facilities in this place or region (place id).")
    )
    ordering = ordering_by(("name", "name"), ("kind", "kind"), ("id", "id"))

    class Meta:
        model = Facility
        fields = []

    def filter_region(self, queryset, name, value):
        return queryset.filter(in_region("", value))


class CustodyStayFilterSet(VisibilityFilterSet):
    """Custody stays by defendant, person, case, facility, region, source and dates."""

    defendant = IdFilter(field_name="defendant_id", help_text=_("Stays of this defendant (defendant id)."))
    person = IdFilter(field_name="defendant__person_id", help_text=_("Stays of this person (person id)."))
    case = IdFilter(field_name="defendant__case_id", help_text=_("Stays of defendants in this case (case id)."))
    facility = IdFilter(field_name="facility_id", help_text=_("Stays at this facility (facility id)."))
    region = IdFilter(
        method="filter_region", model="cases.Place", help_text=_("Stays at facilities in this place or region.")
    )
    source = IdFilter(field_name="source_id", help_text=_("Stays reported by this source (source id)."))
    start_after = ApproximateDateFromFilter(field_name="start", help_text=_("Began on or after this date."))
    start_before = ApproximateDateToFilter(field_name="start", help_text=_("Began on or before this date."))
    confidentiality = ConfidentialityFilter()
    ordering = ordering_by(
        ("start", "start"),
        ("end", "end"),
        ("known_as_of", "known_as_of"),
        ("defendant__person__name", "person"),
        ("id", "id"),
    )

    class Meta:
        model = CustodyStay
        fields = []

    def filter_region(self, queryset, name, value):
        return queryset.filter(in_region("facility__", value))


class EventFilterSet(VisibilityFilterSet):
    """Events by kind, place, date, participant and case."""

    q = text_filter(_("Title contains this text, or the place's name or spelling matches it."), method="filter_q")
    kind = ChoicesFilter(choices=EventKind.choices, help_text=_("Event kind; repeatable."))
    place = IdFilter(field_name="place_id", help_text=_("Events at this place (place id)."))
    person = IdFilter(
        method="filter_person", model="people.Person", help_text=_("Events this person took part in (person id).")
    )
    organization = IdFilter(
        method="filter_organization", model="people.Organization", help_text=_("Events involving this organization.")
    )
    case = IdFilter(method="filter_case", model="cases.Case", help_text=_("Events this case arises from (case id)."))
    start_after = ApproximateDateFromFilter(field_name="start", help_text=_("Began on or after this date."))
    start_before = ApproximateDateToFilter(field_name="start", help_text=_("Began on or before this date."))
    ordering = ordering_by(("start", "start"), ("title", "title"), ("id", "id"))

    class Meta:
        model = Event
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(title_match(value) | (name_match(value, "place__") or Q(pk__in=[])))

    def filter_person(self, queryset, name, value):
        persons = self.visible(Person.objects.filter(pk=value))
        return queryset.filter(pk__in=Event.persons.through.objects.filter(person__in=persons).values("event_id"))

    def filter_organization(self, queryset, name, value):
        links = Event.organizations.through.objects.filter(organization_id=value)
        return queryset.filter(pk__in=links.values("event_id"))

    def filter_case(self, queryset, name, value):
        cases = self.visible(Case.objects.filter(pk=value))
        return queryset.filter(pk__in=Case.events.through.objects.filter(case__in=cases).values("event_id"))


class EventFigureFilterSet(VisibilityFilterSet):
    """Figures by event, measure and source."""

    event = IdFilter(field_name="event_id", help_text=_("Figures for this event (event id)."))
    measure = ChoicesFilter(choices=FigureMeasure.choices, help_text=_("What is counted."))
    source = IdFilter(field_name="source_id", help_text=_("Figures claimed by this source (source id)."))
    ordering = ordering_by(("event", "event"), ("value", "value"), ("id", "id"))

    class Meta:
        model = EventFigure
        fields = []


class CaseFilterSet(VisibilityFilterSet):
    """Cases by kind, event, organization, defendant, legal article, date and confidentiality."""

    q = text_filter(_("Title contains this text, or a defendant's name or variant matches it."), method="filter_q")
    kind = ChoicesFilter(choices=CaseKind.choices, help_text=_("Case kind; repeatable."))
    event = IdFilter(
        method="filter_event", model="cases.Event", help_text=_("Cases arising from this event (event id).")
    )
    organization = IdFilter(
        method="filter_organization", model="people.Organization", help_text=_("Cases targeting this organization.")
    )
    person = IdFilter(
        method="filter_person",
        model="people.Person",
        help_text=_("Cases in which this person is a defendant (person id)."),
    )
    legal_article = IdFilter(
        method="filter_legal_article",
        model="cases.LegalArticle",
        help_text=_("Cases with a charge under this article."),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=DefendantStatus.choices,
        method="filter_status",
        help_text=_("Cases with a defendant (that you may see) currently in this status; repeatable."),
    )
    country = CountryFilter(help_text=_("ISO 3166-1 alpha-2 code of the prosecuting state, e.g. KZ."))
    opened_after = ApproximateDateFromFilter(field_name="opened", help_text=_("Opened on or after this date."))
    opened_before = ApproximateDateToFilter(field_name="opened", help_text=_("Opened on or before this date."))
    confidentiality = ConfidentialityFilter()
    ordering = ordering_by(("title", "title"), ("opened", "opened"), ("created", "created"), ("id", "id"))

    class Meta:
        model = Case
        fields = []

    def _defendants(self, **conditions):
        return self.visible(Defendant.objects.filter(**conditions)).values("case_id")

    def _defendants_matching(self, condition: Q):
        return self.visible(Defendant.objects.filter(condition)).values("case_id")

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            title_match(value) | Q(pk__in=self._defendants_matching(name_match(value, "person__") or Q(pk__in=[])))
        )

    def filter_event(self, queryset, name, value):
        return queryset.filter(pk__in=Case.events.through.objects.filter(event_id=value).values("case_id"))

    def filter_organization(self, queryset, name, value):
        return queryset.filter(
            pk__in=Case.organizations.through.objects.filter(organization_id=value).values("case_id")
        )

    def filter_person(self, queryset, name, value):
        return queryset.filter(pk__in=self._defendants(person_id=value))

    def filter_legal_article(self, queryset, name, value):
        return queryset.filter(pk__in=self._defendants(charges__article_id=value))

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=self._defendants(status__in=value))


class DefendantFilterSet(VisibilityFilterSet):
    """Defendants by case, person, status, event, legal article and dates."""

    q = SearchFilter(
        field_name="person__search_text",
        help_text=_("Search the defendant's name and every recorded variant (any script, case-insensitive)."),
    )
    case = IdFilter(field_name="case_id", help_text=_("Defendants in this case (case id)."))
    person = IdFilter(field_name="person_id", help_text=_("This person's cases (person id)."))
    event = IdFilter(
        method="filter_event",
        model="cases.Event",
        help_text=_("Defendants in cases arising from this event (event id)."),
    )
    legal_article = IdFilter(
        method="filter_legal_article", model="cases.LegalArticle", help_text=_("Defendants charged under this article.")
    )
    status = ChoicesFilter(choices=DefendantStatus.choices, help_text=_("Current status; repeatable."))
    facility = IdFilter(
        field_name="current_facility_id", help_text=_("Defendants held at this facility now (facility id).")
    )
    region = IdFilter(
        method="filter_region",
        model="cases.Place",
        help_text=_("Defendants held now at a facility in this place or region (place id)."),
    )
    recognised_by = IdFilter(
        method="filter_recognised_by",
        model="people.Organization",
        help_text=_("Defendants this organization recognises (not withdrawn) (organization id)."),
    )
    concern = ChoicesFilter(
        method="filter_concern",
        choices=TreatmentConcern.choices,
        help_text=_("Defendants about whom a treatment concern of this kind is recorded (health, …); repeatable."),
    )
    facility_kind = ChoicesFilter(
        field_name="current_facility__kind",
        choices=FacilityKind.choices,
        help_text=_("Defendants held now at a facility of this kind (penal_colony, prison, …); repeatable."),
    )
    arrested_after = ApproximateDateFromFilter(field_name="arrested", help_text=_("Arrested on or after this date."))
    arrested_before = ApproximateDateToFilter(field_name="arrested", help_text=_("Arrested on or before this date."))
    status_after = ApproximateDateFromFilter(
        field_name="status_date", help_text=_("Current status dated on or after this date.")
    )
    status_before = ApproximateDateToFilter(
        field_name="status_date", help_text=_("Current status dated on or before this date.")
    )
    confidentiality = ConfidentialityFilter()
    ordering = ordering_by(
        ("person__name", "person"),
        ("case__title", "case"),
        ("arrested", "arrested"),
        ("status", "status"),
        ("status_date", "status_date"),
        ("id", "id"),
    )

    class Meta:
        model = Defendant
        fields = []

    def filter_event(self, queryset, name, value):
        return queryset.filter(case__in=Case.events.through.objects.filter(event_id=value).values("case_id"))

    def filter_legal_article(self, queryset, name, value):
        return queryset.filter(pk__in=Charge.objects.filter(article_id=value).values("defendant_id"))

    def filter_region(self, queryset, name, value):
        return queryset.filter(in_region("current_facility__", value))

    def filter_recognised_by(self, queryset, name, value):
        return queryset.filter(person_id__in=recognised_persons(self, organization_id=value))

    def filter_concern(self, queryset, name, value):
        if not value:
            return queryset
        concerns = self.visible(Allegation.objects.filter(concern__in=value))
        return queryset.filter(person_id__in=concerns.values("concerns_person_id"))


class StatusChangeFilterSet(VisibilityFilterSet):
    """Status changes by defendant, case, person, status, date and source."""

    defendant = IdFilter(field_name="defendant_id", help_text=_("Changes of this defendant (defendant id)."))
    case = IdFilter(field_name="defendant__case_id", help_text=_("Changes of defendants in this case (case id)."))
    person = IdFilter(field_name="defendant__person_id", help_text=_("Changes of this person (person id)."))
    status = ChoicesFilter(choices=DefendantStatus.choices, help_text=_("New status; repeatable."))
    source = IdFilter(field_name="source_id", help_text=_("Changes reported by this source (source id)."))
    date_after = ApproximateDateFromFilter(
        field_name="date",
        help_text=_("Took effect on or after this date (any precision); undated changes never match."),
    )
    date_before = ApproximateDateToFilter(
        field_name="date",
        help_text=_("Took effect on or before this date (any precision); undated changes never match."),
    )
    known_as_of_after = ApproximateDateFromFilter(
        field_name="known_as_of", help_text=_("Known as of this date or later (the report's date; any precision).")
    )
    known_as_of_before = ApproximateDateToFilter(
        field_name="known_as_of", help_text=_("Known as of this date or earlier (the report's date; any precision).")
    )
    confidentiality = ConfidentialityFilter()
    ordering = ordering_by(
        ("date", "date"),
        ("known_as_of", "known_as_of"),
        ("defendant__person__name", "person"),
        ("created", "created"),
        ("id", "id"),
    )

    class Meta:
        model = StatusChange
        fields = []


class LegalArticleFilterSet(VisibilityFilterSet):
    """Legal articles by country, code and text."""

    q = text_filter("Code, article or title contains this text.", method="filter_q")
    country = CountryFilter()
    code = text_filter(_("Code name contains, e.g. 'Criminal'."), field_name="code", lookup_expr="icontains")
    ordering = ordering_by(("country", "country"), ("code", "code"), ("article", "article"), ("id", "id"))

    class Meta:
        model = LegalArticle
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(article__icontains=value) | Q(title__icontains=value))


class ChargeFilterSet(VisibilityFilterSet):
    """Charges by defendant, case, person, legal article and outcome."""

    q = SearchFilter(
        field_name="defendant__person__search_text",
        help_text=_("Search the charged person's name and every recorded variant."),
    )
    defendant = IdFilter(field_name="defendant_id", help_text=_("Charges against this defendant (defendant id)."))
    case = IdFilter(field_name="defendant__case_id", help_text=_("Charges in this case (case id)."))
    person = IdFilter(field_name="defendant__person_id", help_text=_("Charges against this person (person id)."))
    legal_article = IdFilter(field_name="article_id", help_text=_("Charges under this legal article."))
    outcome = ChoicesFilter(choices=ChargeOutcome.choices, help_text=_("Outcome; repeatable."))
    confidentiality = ConfidentialityFilter()
    ordering = ordering_by(("defendant__person__name", "person"), ("outcome", "outcome"), ("id", "id"))

    class Meta:
        model = Charge
        fields = []


class TrialFilterSet(VisibilityFilterSet):
    """Trials by case, court, place, defendant and dates."""

    case = IdFilter(field_name="case_id", help_text=_("Trials in this case (case id)."))
    court = IdFilter(field_name="court_id", help_text=_("Trials before this court (organization id)."))
    place = IdFilter(field_name="place_id", help_text=_("Trials held at this place (place id)."))
    person = IdFilter(
        method="filter_person", model="people.Person", help_text=_("Trials in cases where this person is a defendant.")
    )
    start_after = ApproximateDateFromFilter(field_name="start", help_text=_("Began on or after this date."))
    start_before = ApproximateDateToFilter(field_name="start", help_text=_("Began on or before this date."))
    verdict_after = ApproximateDateFromFilter(field_name="verdict_date", help_text=_("Verdict on or after this date."))
    verdict_before = ApproximateDateToFilter(field_name="verdict_date", help_text=_("Verdict on or before this date."))
    confidentiality = ConfidentialityFilter()
    ordering = ordering_by(("start", "start"), ("verdict_date", "verdict_date"), ("case__title", "case"), ("id", "id"))

    class Meta:
        model = Trial
        fields = []

    def filter_person(self, queryset, name, value):
        defendants = self.visible(Defendant.objects.filter(person_id=value))
        return queryset.filter(case__in=defendants.values("case_id"))


class AllegationFilterSet(VisibilityFilterSet):
    """Allegations by kind, by who makes them, against whom, about which event, and by source."""

    q = text_filter(
        "The claim, the response, or who makes it or whom it is against (described or named) contains this text.",
        method="filter_q",
    )
    kind = ChoicesFilter(choices=AllegationKind.choices, help_text=_("What the claim is about; repeatable."))
    alleged_by_person = IdFilter(
        field_name="alleged_by_person_id", help_text=_("Claims made by this person (person id).")
    )
    alleged_by_organization = IdFilter(
        field_name="alleged_by_organization_id", help_text=_("Claims made by this organization (organization id).")
    )
    against_person = IdFilter(
        field_name="against_person_id", help_text=_("Claims made against this person (person id).")
    )
    against_organization = IdFilter(
        field_name="against_organization_id", help_text=_("Claims made against this organization (organization id).")
    )
    person = IdFilter(
        method="filter_person",
        model="people.Person",
        help_text=_("Claims made by or against this person (person id)."),
    )
    organization = IdFilter(
        method="filter_organization",
        model="people.Organization",
        help_text=_("Claims made by or against this organization (organization id)."),
    )
    event = IdFilter(field_name="event_id", help_text=_("Claims about this event (event id)."))
    concern = ChoicesFilter(
        choices=TreatmentConcern.choices,
        help_text=_("Concerns about treatment in custody of this kind (health, ill_treatment, …); repeatable."),
    )
    concerns_person = IdFilter(
        field_name="concerns_person_id", help_text=_("Treatment concerns about this person in custody (person id).")
    )
    source = IdFilter(
        method="filter_source",
        model="sources.Source",
        help_text=_("Claims or responses reported by this source (source id)."),
    )
    made_after = ApproximateDateFromFilter(
        field_name="made", help_text=_("Made on or after this date (any precision).")
    )
    made_before = ApproximateDateToFilter(
        field_name="made", help_text=_("Made on or before this date (any precision).")
    )
    concern_after = ApproximateDateFromFilter(
        field_name="concern_date", help_text=_("Concerns dated on or after this.")
    )
    concern_before = ApproximateDateToFilter(
        field_name="concern_date", help_text=_("Concerns dated on or before this.")
    )
    ordering = ordering_by(("made", "made"), ("kind", "kind"), ("created", "created"), ("id", "id"))

    class Meta:
        model = Allegation
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(claim__icontains=value)
            | Q(response__icontains=value)
            | Q(alleged_by_description__icontains=value)
            | Q(against_description__icontains=value)
            | (name_match(value, "alleged_by_organization__") or Q(pk__in=[]))
            | (name_match(value, "against_organization__") or Q(pk__in=[]))
            | (name_match(value, "alleged_by_person__") or Q(pk__in=[]))
            | (name_match(value, "against_person__") or Q(pk__in=[]))
        )

    def filter_person(self, queryset, name, value):
        return queryset.filter(Q(alleged_by_person_id=value) | Q(against_person_id=value))

    def filter_organization(self, queryset, name, value):
        return queryset.filter(Q(alleged_by_organization_id=value) | Q(against_organization_id=value))

    def filter_source(self, queryset, name, value):
        return queryset.filter(Q(source_id=value) | Q(response_source_id=value))
