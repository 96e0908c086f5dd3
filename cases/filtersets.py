"""Filters for the ``cases`` API lists (and for sentence-summary exports).

Every filterset restricts its results to what the requesting user may see
(see :class:`casetracker.api.filters.VisibilityFilterSet`), so a filterset
used outside the API (an export, an admin action) cannot leak protected
people either.
"""

import django_filters

from casetracker.api.filters import (
    ApproximateDateFromFilter,
    ApproximateDateToFilter,
    ConfidentialityFilter,
    CountFilter,
    IdFilter,
    SearchFilter,
    StableOrderingFilter,
    VisibilityFilterSet,
)

from .choices import SentenceKind, SentenceStatus
from .models import Case, Charge, Sentence


class SentenceFilterSet(VisibilityFilterSet):
    """Sentences by case, defendant, person, kind, status, term, verdict date and charge."""

    visibility_paths = ("defendant__person__confidentiality", "defendant__case__confidentiality")

    case = IdFilter(field_name="defendant__case_id", help_text="Sentences in this case (case id).")
    defendant = IdFilter(field_name="defendant_id", help_text="Sentences of this defendant (defendant id).")
    person = IdFilter(field_name="defendant__person_id", help_text="Sentences of this person (person id).")
    trial = IdFilter(field_name="trial_id", help_text="Sentences imposed at this trial (trial id).")
    event = IdFilter(
        method="filter_event", help_text="Sentences in cases arising from this event (event id)."
    )
    legal_article = IdFilter(
        method="filter_legal_article",
        help_text="Sentences of defendants charged under this legal article (legal article id).",
    )
    court = IdFilter(field_name="trial__court_id", help_text="Sentences imposed by this court (organization id).")
    kind = django_filters.MultipleChoiceFilter(
        choices=SentenceKind.choices, help_text="Sentence kind; repeat the parameter for several kinds."
    )
    status = django_filters.MultipleChoiceFilter(
        choices=SentenceStatus.choices, help_text="Sentence status; repeat the parameter for several statuses."
    )
    term_min = CountFilter(
        field_name="term_months", lookup_expr="gte", help_text="Terms of at least this many months."
    )
    term_max = CountFilter(
        field_name="term_months", lookup_expr="lte", help_text="Terms of at most this many months."
    )
    verdict_after = ApproximateDateFromFilter(
        field_name="trial__verdict_date",
        help_text=(
            "Verdicts that may fall on or after this date (YYYY, YYYY-MM or YYYY-MM-DD). "
            "Coarser dates that overlap match too: 2012-10 matches a verdict dated only '2012'."
        ),
    )
    verdict_before = ApproximateDateToFilter(
        field_name="trial__verdict_date",
        help_text="Verdicts that may fall on or before this date (YYYY, YYYY-MM or YYYY-MM-DD), at any precision.",
    )
    expected_end_after = ApproximateDateFromFilter(
        field_name="expected_end",
        help_text="Sentences expected to end on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).",
    )
    expected_end_before = ApproximateDateToFilter(
        field_name="expected_end",
        help_text="Sentences expected to end on or before this date (YYYY, YYYY-MM or YYYY-MM-DD).",
    )
    confidentiality = ConfidentialityFilter(
        paths=["defendant__person__confidentiality", "defendant__case__confidentiality"]
    )
    q = SearchFilter(
        field_name="defendant__person__search_text",
        help_text="Search the sentenced person's name and every recorded variant (any script, case-insensitive).",
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
        help_text="Sort by these fields, comma-separated; prefix '-' for descending. Empty values sort last.",
    )

    class Meta:
        model = Sentence
        fields = []

    # Subqueries rather than joins on to-many relations: no duplicate rows, no DISTINCT.
    def filter_event(self, queryset, name, value):
        return queryset.filter(defendant__case__in=Case.events.through.objects.filter(event_id=value).values("case_id"))

    def filter_legal_article(self, queryset, name, value):
        return queryset.filter(defendant__in=Charge.objects.filter(article_id=value).values("defendant_id"))
