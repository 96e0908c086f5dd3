"""Reads that carry business rules: the sentence summaries advocates export.

Who sees what (protected people):

- anonymous clients, and signed-in users who are not staff, get only the
  sentences whose person AND case they may see (public ones): the rows of
  anyone else are left out entirely, as everywhere else in the API;
- staff get every sentence; those whose person or case is above their level
  (confidential, without ``people.view_confidential``) are kept but masked
  as "Protected person" by :func:`cases.summaries.sentence_summary_row`, so
  that counts stay true. Filters that pick rows by name or id (``q``,
  ``person``, ``defendant``) only ever match what the user may see, so
  they cannot confirm that a protected person is in a case;
- staff holding ``people.view_confidential`` see everything in the clear.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
from collections.abc import Iterator, Mapping
from itertools import islice
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Count, F, Max, Min, Q, QuerySet, Sum, Value, When, Window
from django.db.models import Case as DbCase
from django.db.models.functions import RowNumber
from django.utils import timezone
from django_filters import FilterSet

from casetracker.api.filters import StableOrderingFilter
from casetracker.choices import Qualifier
from casetracker.db import streamed_rows
from casetracker.visibility import condition, restricts, visible_levels
from people.choices import PersonKind

from .choices import SentenceKind, SentenceStatus
from .filtersets import SentenceFilterSet
from .models import Case, Sentence, term_in_words
from .summaries import (
    MASKED,
    PROTECTED_CASE,
    PROTECTED_PERSON,
    SUMMARY_VALUES,
    attach_summary_extras,
    sentence_summary_row,
    summary_sentences,
)

# Rows fetched per database round trip: enough to amortise the per-chunk
# prefetch queries, small enough to keep memory flat on a 100,000-row export.
CHUNK_SIZE = 2000

# Filters that pick a sentence by who the person is: never matched against masked rows.
IDENTIFYING_FILTERS = ("q", "person", "defendant")

SENTENCE_FIELDS = (
    "id",
    "defendant_id",
    "trial_id",
    "kind",
    "term_months",
    "term_qualifier",
    "fine_amount",
    "fine_currency",
    "start",
    "expected_end",
    "actual_release",
    "status",
    "status_as_of",
    "defendant__id",
    "defendant__person_id",
    "defendant__case_id",
    "defendant__person__id",
    "defendant__person__name",
    "defendant__person__kind",
    "defendant__person__group_size",
    "defendant__person__group_size_qualifier",
    "defendant__person__group_size_as_of",
    "defendant__person__confidentiality",
    "defendant__case__id",
    "defendant__case__title",
    "defendant__case__confidentiality",
    "trial__id",
    "trial__court_id",
    "trial__place_id",
    "trial__verdict_date",
    "trial__court__id",
    "trial__court__name",
    "trial__place__id",
    "trial__place__name",
    "defendant__current_facility_id",
    "defendant__custody_since",
    "defendant__custody_as_of",
    "defendant__current_facility__id",
    "defendant__current_facility__name",
)


def is_masking_reader(user) -> bool:
    """Staff see every sentence, masked where above their level; anyone else sees only what is visible."""
    return user is not None and user.is_authenticated and user.is_staff


# Sort keys that put a masked row where its mask would sort, so that its place in the
# list cannot hint at the hidden name ("between Kozlov and Sapargali").
SORT_KEYS = {"person": "summary_person_key", "case": "summary_case_key"}


def _ordering_fields() -> list[tuple[str, str]]:
    inherited = SentenceFilterSet.base_filters["ordering"]
    return [(SORT_KEYS.get(param, field), param) for param, field in inherited.param_map.items()]


class SentenceSummaryFilterSet(SentenceFilterSet):
    """The sentence list's filters, with the summaries' visibility rule (see module docstring).

    Staff keep the rows above their level (masked later) instead of losing
    them; identifying filters still match only what the user may see, and
    ordering by person or case sorts a masked row by its mask.
    """

    ordering = StableOrderingFilter(
        fields=_ordering_fields(), help_text=SentenceFilterSet.base_filters["ordering"].extra.get("help_text")
    )

    def filter_queryset(self, queryset):
        user = self.user
        if self.names_hidden_record():
            return with_sort_keys(queryset.none(), levels=visible_levels(user))
        picks_by_identity = any(self.form.cleaned_data.get(name) not in (None, "", []) for name in IDENTIFYING_FILTERS)
        restricted = not is_masking_reader(user) or (picks_by_identity and restricts(user))
        if restricted:
            queryset = self.visible(queryset)
        queryset = with_sort_keys(queryset, levels=visible_levels(user), all_visible=restricted)
        # Skip VisibilityFilterSet's rule (it drops rows); apply every declared filter.
        return FilterSet.filter_queryset(self, queryset)


def _shown(visible):
    """A boolean expression: true where ``visible`` (a :func:`casetracker.visibility.condition`) holds."""
    if visible is None:
        return Value(True, output_field=BooleanField())
    return DbCase(When(visible, then=Value(True)), default=Value(False), output_field=BooleanField())


def with_sort_keys(queryset: QuerySet, *, levels: list[str], all_visible: bool = False) -> QuerySet:
    """Mark the sentences a reader at ``levels`` may not see (``summary_masked``, the project's one rule)
    and alias the person and case names as that reader sees them (masks included).

    ``all_visible``: ``queryset`` holds only sentences the reader may see (it was restricted by the same
    rule), so nothing is masked and the keys are the names themselves: the database then walks the case
    title index and stops after a page, where a masked key made it join and sort every sentence (at
    100,000 sentences, 6 ms instead of 410 ms for a first page).
    """
    visible = None if all_visible else condition(Sentence, levels)
    if visible is None:
        return queryset.annotate(**{MASKED: Value(False, output_field=BooleanField())}).alias(
            **{SORT_KEYS["case"]: F("defendant__case__title"), SORT_KEYS["person"]: F("defendant__person__name")}
        )
    masked = DbCase(When(visible, then=Value(False)), default=Value(True), output_field=BooleanField())
    return queryset.annotate(**{MASKED: masked}).alias(
        **{
            SORT_KEYS["case"]: DbCase(
                When(**{MASKED: True}, then=Value(PROTECTED_CASE)), default=F("defendant__case__title")
            ),
            SORT_KEYS["person"]: DbCase(
                When(**{MASKED: True}, then=Value(PROTECTED_PERSON)), default=F("defendant__person__name")
            ),
        }
    )


def _filterset(*, filters: Mapping | None, user, sentences: QuerySet | None) -> SentenceSummaryFilterSet:
    base = sentences if sentences is not None else Sentence.objects.all()
    return SentenceSummaryFilterSet(data=filters or {}, queryset=base, request=SimpleNamespace(user=user))


def filtered_sentences(*, filters: Mapping | None = None, user=None, sentences: QuerySet | None = None) -> QuerySet:
    """Sentences ``user`` gets in a summary, narrowed by the sentence list's ``filters``.

    ``filters`` are the sentence list's query parameters (a ``QueryDict`` or
    a plain mapping; lists for repeated parameters). Invalid filters raise
    ``ValidationError`` whose ``message_dict`` names each bad field; filtering
    by confidentiality without being staff raises ``PermissionDenied``.
    ``sentences`` narrows the starting set (e.g. the rows picked in the admin).
    """
    filterset = _filterset(filters=filters, user=user, sentences=sentences)
    if not filterset.is_valid():
        raise ValidationError({field: list(errors) for field, errors in filterset.errors.items()})
    return filterset.qs


def sentence_summary_queryset(
    *, filters: Mapping | None = None, user=None, sentences: QuerySet | None = None
) -> QuerySet:
    """:func:`filtered_sentences`, shaped for :func:`cases.summaries.sentence_summary_row`.

    Person, case, trial, court and place come in the same query (only the
    columns a row shows); charges and cited sources are loaded per batch by
    :func:`cases.summaries.attach_summary_extras`. The order is the filter's
    ``ordering`` or else case, person, then id.
    """
    queryset = filtered_sentences(filters=filters, user=user, sentences=sentences)
    if not (filters and filters.get("ordering")):
        queryset = queryset.order_by(SORT_KEYS["case"], "defendant__case_id", SORT_KEYS["person"], "id")
    return queryset.select_related(
        "defendant__person", "defendant__case", "defendant__current_facility", "trial__court", "trial__place"
    ).only(*SENTENCE_FIELDS)


def sentence_summary_rows(
    *,
    filters: Mapping | None = None,
    user=None,
    as_of: datetime.date | None = None,
    sentences: QuerySet | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[dict]:
    """Summary rows for every sentence ``user`` may get, filtered like the sentence list.

    A generator: rows are built chunk by chunk from a database iterator
    (a server-side cursor on PostgreSQL), so an export of any size runs in
    bounded memory. ``as_of`` (default today) is the day time served and
    remaining are counted to. Filters are validated before the first row is
    produced (see :func:`filtered_sentences`).
    """
    queryset = sentence_summary_queryset(filters=filters, user=user, sentences=sentences)
    return summary_rows_from(queryset, user=user, as_of=as_of, chunk_size=chunk_size)


def summary_rows_from(
    queryset: QuerySet, *, user=None, as_of: datetime.date | None = None, chunk_size: int = CHUNK_SIZE
) -> Iterator[dict]:
    """Rows from a queryset built by :func:`sentence_summary_queryset`, streamed chunk by chunk.

    Per chunk of ``chunk_size`` sentences: one fetch from the database
    cursor, then two queries for their charges and sources. Only one chunk
    is ever held in memory. Sentences come as plain values
    (:func:`cases.summaries.summary_sentences`), not model instances.
    """
    as_of = as_of or timezone.localdate()
    levels = visible_levels(user)
    # A server-side cursor, or keyset chunks where there is none (PgBouncer): memory stays bounded either way.
    sentences = summary_sentences(streamed_rows(queryset, SUMMARY_VALUES, chunk_size=chunk_size))
    with _fewer_collections():
        while chunk := list(islice(sentences, chunk_size)):
            attach_summary_extras(chunk, levels=levels)
            for sentence in chunk:
                yield sentence_summary_row(sentence, as_of=as_of, levels=levels)


@contextlib.contextmanager
def _fewer_collections(young: int = 20_000):
    """Run Python's cyclic garbage collector less often while an export streams.

    An export allocates a handful of short-lived objects per row, and with the default
    threshold (a collection every 700 allocations) the collector took a quarter of the
    export's CPU time, finding nothing to free: the rows die by reference counting. The
    previous thresholds come back when the export ends (or is abandoned).
    """
    previous = gc.get_threshold()
    gc.set_threshold(max(young, previous[0]), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def sentence_summary_page(*, sentences, user=None, as_of: datetime.date | None = None) -> list[dict]:
    """Rows for one page of sentences from :func:`sentence_summary_queryset` (e.g. an API page)."""
    as_of = as_of or timezone.localdate()
    levels = visible_levels(user)
    sentences = list(sentences)
    attach_summary_extras(sentences, levels=levels)
    return [sentence_summary_row(sentence, as_of=as_of, levels=levels) for sentence in sentences]


# -- statistics ---------------------------------------------------------------
#
# A term stated "up to 12 years" or "at least 5 years" is a bound, not a length: adding it to
# others or taking a median of it as if exact would give a figure no source supports. Exact
# terms get totals and medians; qualified ones are reported apart, each with its qualifier
# ("longest: up to 12 years"). And a group's sentence ("a number of protesters … up to 12 years")
# is one sentence whatever the group's size: every count here counts sentences, not people.

EXACT_TERM = Q(term_months__isnull=False, term_qualifier=Qualifier.EXACT)
QUALIFIED_TERM = Q(term_months__isnull=False) & ~Q(term_qualifier=Qualifier.EXACT)
OF_A_GROUP = Q(defendant__person__kind=PersonKind.GROUP)


def _median(values: list[int]) -> float | int | None:
    if not values:
        return None
    middle = sum(values) / len(values)
    return int(middle) if middle == int(middle) else middle


def _middle_terms(queryset: QuerySet, *, per_case: bool) -> dict:
    """The one or two middle terms (for the median) of each case, or of the whole set, in ONE query.

    Window functions number the terms in order and count them; only the
    rows at positions (n+1)//2 and (n+2)//2 come back, whatever the size.
    Give it exact terms only (:data:`EXACT_TERM`).
    """
    partition = [F("defendant__case_id")] if per_case else []
    ranked = (
        queryset.filter(term_months__isnull=False)
        .order_by()
        .annotate(
            position=Window(RowNumber(), partition_by=partition or None, order_by=[F("term_months").asc(), "id"]),
            terms=Window(Count("id"), partition_by=partition or None),
        )
        .filter(position__gte=(F("terms") + 1) / 2, position__lte=(F("terms") + 2) / 2)
        .values_list("defendant__case_id", "term_months")
    )
    middles: dict = {}
    for case_id, months in ranked:
        middles.setdefault(case_id if per_case else None, []).append(months)
    return {key: _median(values) for key, values in middles.items()}


# What one aggregate query computes for a set of sentences (the whole set, or each case's).
COUNTS = {
    "count": Count("id"),
    "of_groups": Count("id", filter=OF_A_GROUP),
    "with_term": Count("term_months"),
    "exact_count": Count("id", filter=EXACT_TERM),
    "exact_total": Sum("term_months", filter=EXACT_TERM),
    "exact_shortest": Min("term_months", filter=EXACT_TERM),
    "exact_longest": Max("term_months", filter=EXACT_TERM),
}
QUALIFIED_COUNTS = {
    "sentences": Count("id"),
    "shortest": Min("term_months"),
    "longest": Max("term_months"),
}


def _in_words(months, qualifier: str = Qualifier.EXACT) -> str | None:
    return term_in_words(months, qualifier) or None if months is not None else None


def _term_block(counts: dict, *, median, qualified: list[dict]) -> dict:
    """Terms of a set of sentences: exact ones added up, qualified ones kept apart with their qualifier."""
    return {
        "sentences_with_term": counts["with_term"],
        "sentences_without_term": counts["count"] - counts["with_term"],
        "exact": {
            "sentences": counts["exact_count"],
            "total_months": counts["exact_total"],
            "total": _in_words(counts["exact_total"]),
            "median_months": median,
            "median": _in_words(round(median)) if median is not None else None,
            "shortest_months": counts["exact_shortest"],
            "shortest": _in_words(counts["exact_shortest"]),
            "longest_months": counts["exact_longest"],
            "longest": _in_words(counts["exact_longest"]),
        },
        "qualified": [
            {
                "qualifier": row["term_qualifier"],
                "label": Qualifier(row["term_qualifier"]).label,
                "sentences": row["sentences"],
                "shortest_months": row["shortest"],
                "shortest": _in_words(row["shortest"], row["term_qualifier"]),
                "longest_months": row["longest"],
                "longest": _in_words(row["longest"], row["term_qualifier"]),
            }
            for row in sorted(qualified, key=lambda row: list(Qualifier.values).index(row["term_qualifier"]))
        ],
    }


def sentence_summary_stats(*, filters: Mapping | None = None, user=None) -> dict:
    """Counts of sentences by kind and status, and their terms, overall and per case.

    Computed by aggregate queries over the filtered set (a fixed number of
    queries, whatever the number of sentences), with the summaries'
    visibility rule: staff count masked sentences too, and a case above
    their level is named "Protected case". Every count is of sentences: a
    group's sentence counts once, never as the people it stands for. Only
    exact terms are added up and have a median; terms stated with a
    qualifier ("up to 12 years") are counted per qualifier with their
    shortest and longest as stated. Fines (no term) have no term figures.
    """
    queryset = filtered_sentences(filters=filters, user=user).order_by()
    levels = visible_levels(user)

    overall = queryset.aggregate(**COUNTS)
    by_kind = dict(queryset.values_list("kind").annotate(n=Count("id")).order_by())
    by_status = dict(queryset.values_list("status").annotate(n=Count("id")).order_by())
    qualified_rows = list(
        queryset.filter(QUALIFIED_TERM)
        .values("defendant__case_id", "term_qualifier")
        .annotate(**QUALIFIED_COUNTS)
        .order_by()
    )
    median = _middle_terms(queryset.filter(EXACT_TERM), per_case=False).get(None)

    per_case = (
        queryset.values("defendant__case_id", "defendant__case__title")
        .annotate(case_shown=_shown(condition(Case, levels, "defendant__case__")))
        .annotate(**COUNTS)
        .order_by()
    )
    case_medians = _middle_terms(queryset.filter(EXACT_TERM), per_case=True)

    overall_qualified: dict[str, dict] = {}
    case_qualified: dict[int, list[dict]] = {}
    for row in qualified_rows:
        case_qualified.setdefault(row["defendant__case_id"], []).append(row)
        total = overall_qualified.setdefault(
            row["term_qualifier"],
            {"term_qualifier": row["term_qualifier"], "sentences": 0, "shortest": None, "longest": None},
        )
        total["sentences"] += row["sentences"]
        total["shortest"] = row["shortest"] if total["shortest"] is None else min(total["shortest"], row["shortest"])
        total["longest"] = row["longest"] if total["longest"] is None else max(total["longest"], row["longest"])

    return {
        "count": overall["count"],
        "sentences_of_individuals": overall["count"] - overall["of_groups"],
        "sentences_of_groups": overall["of_groups"],
        "by_kind": [
            {"kind": kind.value, "label": kind.label, "count": by_kind[kind.value]}
            for kind in SentenceKind
            if by_kind.get(kind.value)
        ],
        "by_status": [
            {"status": status.value, "label": status.label, "count": by_status[status.value]}
            for status in SentenceStatus
            if by_status.get(status.value)
        ],
        "term": _term_block(overall, median=median, qualified=list(overall_qualified.values())),
        "cases": sorted(
            (
                {
                    "case": {
                        "id": row["defendant__case_id"],
                        "title": row["defendant__case__title"] if row["case_shown"] else PROTECTED_CASE,
                    },
                    "count": row["count"],
                    "sentences_of_groups": row["of_groups"],
                    "term": _term_block(
                        row,
                        median=case_medians.get(row["defendant__case_id"]),
                        qualified=case_qualified.get(row["defendant__case_id"], []),
                    ),
                }
                for row in per_case
            ),
            # By the title shown: a hidden case's real title must not show through its place in the list.
            key=lambda item: (item["case"]["title"], item["case"]["id"]),
        ),
    }
