"""Sentence summaries over the API: JSON rows, CSV and XLSX files, and statistics.

- ``GET /api/v1/sentence-summaries/``: the rows as JSON, paginated like every list;
- ``GET /api/v1/sentence-summaries.csv`` and ``.xlsx``: the whole filtered set as a
  streamed, dated download (``?bom=1`` puts a byte-order mark in the CSV for Excel);
- ``GET /api/v1/sentence-summaries/stats/``: counts and terms, from aggregate queries.

All four take the sentence list's filters and follow the summaries' rule for
protected people (``cases.selectors``). Rows come from the one row function,
``cases.summaries.sentence_summary_row``; the views only parse and answer.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from casetracker.api.fields import ApproximateDateField
from casetracker.api.pagination import RecordPagination
from casetracker.api.schema import RecordAutoSchema
from casetracker.api.serializers import ProblemSerializer
from casetracker.api.views import PAGINATION_PARAMETERS, QueryParameterCheckMixin

from ..exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, json_row, streaming_export_response
from ..models import Sentence
from ..selectors import (
    SentenceSummaryFilterSet,
    sentence_summary_page,
    sentence_summary_queryset,
    sentence_summary_rows,
    sentence_summary_stats,
)
from ..summaries import COLUMNS, DATE, NUMBER

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}

AS_OF_PARAMETER = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description=_("The day time served and remaining are counted to (YYYY-MM-DD). Default: today."),
)
BOM_PARAMETER = OpenApiParameter(
    "bom",
    OpenApiTypes.BOOL,
    description=_("Start the CSV with a UTF-8 byte-order mark, so that Excel shows Cyrillic names correctly."),
)

PROTECTION_NOTE = (
    "Anonymous clients get only sentences whose person and case are public. Staff get every sentence; "
    "people they may not see (confidential, without the permission to see confidential people) appear as "
    "'Protected person', so counts stay true."
)


# -- schema-only serializers (the views answer with the rows themselves) -------------------------


def _row_field(column):
    options = {"allow_null": True, "read_only": True, "help_text": column.description}
    if column.kind == DATE:
        return ApproximateDateField(**options)
    if column.kind == NUMBER:
        return serializers.IntegerField(**options)
    return serializers.CharField(**options)


SentenceSummaryRowSerializer = type(
    "SentenceSummaryRowSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "One sentence, as advocates read it: every column of the CSV/XLSX export, keyed in order.",
        "__module__": __name__,
        **{column.key: _row_field(column) for column in COLUMNS},
    },
)


class KindCountSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("The sentence kind's code, as in the `kind` filter."))
    label = serializers.CharField(help_text=_("The kind in words."))
    count = serializers.IntegerField(help_text=_("How many sentences of this kind."))


class StatusCountSerializer(serializers.Serializer):
    status = serializers.CharField(help_text=_("The sentence status's code, as in the `status` filter."))
    label = serializers.CharField(help_text=_("The status in words."))
    count = serializers.IntegerField(help_text=_("How many sentences in this status."))


class ExactTermsSerializer(serializers.Serializer):
    """Terms stated exactly: the only ones that are added up or have a median."""

    sentences = serializers.IntegerField(help_text=_("How many sentences have an exactly stated term."))
    total_months = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "The exact terms added up, in months; each sentence once, a group's sentence too (so not a "
            "count of years served by people)."
        ),
    )
    total = serializers.CharField(allow_null=True, help_text=_("The same in words, e.g. '19 years 6 months'."))
    median_months = serializers.FloatField(allow_null=True, help_text=_("The median exact term in months."))
    median = serializers.CharField(allow_null=True, help_text=_("The median exact term in words (rounded to a month)."))
    shortest_months = serializers.IntegerField(allow_null=True, help_text=_("The shortest exact term in months."))
    shortest = serializers.CharField(allow_null=True, help_text=_("The shortest exact term in words."))
    longest_months = serializers.IntegerField(allow_null=True, help_text=_("The longest exact term in months."))
    longest = serializers.CharField(allow_null=True, help_text=_("The longest exact term in words."))


class QualifiedTermsSerializer(serializers.Serializer):
    """Terms stated with one qualifier ('up to', 'at least' …): bounds, never added up or averaged."""

    qualifier = serializers.CharField(
        help_text=_("The qualifier's code: up_to, at_least, more_than, fewer_than, about.")
    )
    label = serializers.CharField(help_text=_("The qualifier in words, e.g. 'up to'."))
    sentences = serializers.IntegerField(help_text=_("How many sentences have a term stated this way."))
    shortest_months = serializers.IntegerField(help_text=_("The shortest term stated this way, in months."))
    shortest = serializers.CharField(help_text=_("The same in words with its qualifier, e.g. 'up to 5 years'."))
    longest_months = serializers.IntegerField(help_text=_("The longest term stated this way, in months."))
    longest = serializers.CharField(help_text=_("The same in words with its qualifier, e.g. 'up to 12 years'."))


class TermStatsSerializer(serializers.Serializer):
    """Exact terms are added up and have a median; qualified ones are reported apart, with their qualifier."""

    sentences_with_term = serializers.IntegerField(help_text=_("How many sentences have a known term."))
    sentences_without_term = serializers.IntegerField(
        help_text=_("How many have none: fines, and terms the sources do not give.")
    )
    exact = ExactTermsSerializer(help_text=_("Terms stated exactly."))
    qualified = QualifiedTermsSerializer(
        many=True, help_text=_("Terms stated 'up to', 'at least' …, one entry per qualifier (none left out).")
    )


class CaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The case's id (see /api/v1/cases/)."))
    title = serializers.CharField(help_text=_("The case's title, or 'Protected case' when it is hidden from you."))


class CaseStatsSerializer(serializers.Serializer):
    case = CaseRefSerializer(help_text=_("The case."))
    count = serializers.IntegerField(help_text=_("How many sentences in this case."))
    sentences_of_groups = serializers.IntegerField(
        help_text=_("How many of them were passed on a group of unnamed persons (each counted once).")
    )
    term = TermStatsSerializer(help_text=_("The case's terms."))


class SentenceSummaryStatsSerializer(serializers.Serializer):
    """Counts of sentences (never of people) and their terms, over the filtered sentences."""

    count = serializers.IntegerField(help_text=_("How many sentences match."))
    sentences_of_individuals = serializers.IntegerField(help_text=_("How many were passed on a named individual."))
    sentences_of_groups = serializers.IntegerField(
        help_text=_(
            "How many were passed on a group of unnamed persons ('a number of protesters'): one sentence per "
            "group, whatever its size, so these counts are sentences, not people."
        )
    )
    by_kind = KindCountSerializer(many=True, help_text=_("Sentences by kind (kinds with none left out)."))
    by_status = StatusCountSerializer(many=True, help_text=_("Sentences by status (statuses with none left out)."))
    term = TermStatsSerializer(help_text=_("Exact terms' total, median, shortest and longest; qualified terms apart."))
    cases = CaseStatsSerializer(many=True, help_text=_("The same figures per case, by case title."))


# -- helpers -----------------------------------------------------------------------------------------


class SummarySchema(RecordAutoSchema):
    """Documents the sentence filters on the file and statistics views too (drf-spectacular only does lists),
    and the 403 of the staff-only ``confidentiality`` filter."""

    def get_filter_backends(self):
        return getattr(self.view, "filter_backends", [])

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if "403" not in responses:
            response = self._get_response_for_code(ProblemSerializer, "403", direction=direction)
            response["description"] = "The `confidentiality` filter is for signed-in staff only."
            responses["403"] = response
        return dict(sorted(responses.items()))


def parse_as_of(request) -> datetime.date:
    if "as_of" not in request.query_params:
        return timezone.localdate()
    raw = request.query_params["as_of"]
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            {
                "as_of": [
                    gettext(
                        "Enter a full date as YYYY-MM-DD, e.g. 2026-11-22, or leave the parameter out; got %(raw)r."
                    )
                    % {"raw": raw}
                ]
            }
        ) from None


def parse_bool(request, name: str) -> bool:
    if name not in request.query_params:
        return False
    raw = request.query_params[name].strip().lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise ValidationError({name: [gettext("Must be 1 or 0 (true or false); got %(raw)r.") % {"raw": raw}]})


def _validated(call):
    try:
        return call()
    except DjangoValidationError as error:
        raise ValidationError(error.message_dict) from None


class SentenceSummaryBase(QueryParameterCheckMixin, GenericAPIView):
    queryset = Sentence.objects.none()  # the selector builds the real one; this names the model for the schema
    filter_backends = [DjangoFilterBackend]
    filterset_class = SentenceSummaryFilterSet
    permission_classes = [AllowAny]
    schema = SummarySchema()
    #: the view's own parameters, besides the sentence filters
    extra_query_parameters: frozenset[str] = frozenset()

    def allowed_query_parameters(self) -> set[str]:
        return (
            super().allowed_query_parameters()
            | set(SentenceSummaryFilterSet.base_filters)
            | self.extra_query_parameters
        )

    def filter_queryset(self, queryset):
        # The selector applies the filters (with the summaries' visibility rule); the backend only documents them.
        return queryset


# -- views -------------------------------------------------------------------------------------------


@extend_schema(
    tags=["sentence summaries"],
    summary="Sentence summaries as JSON rows",
    description=(
        _(
            "One row per sentence, the same columns as the CSV and XLSX files: defendant, case, charges, court, "
            "verdict date, kind, term (in words and months, with its qualifier), start, expected end, actual "
            "release, status (with the date it is known as of: 'Serving (as of 2012-12)'), time served and remaining "
            "as of `as_of` (only as far as the status is known), who recognises the person as a political prisoner, "
            "the current place of detention with since when and for how long, and sources. Dates keep their precision "
            "('2012-10'). Filters are those of /api/v1/sentences/. "
        )
        + PROTECTION_NOTE
    ),
    parameters=[AS_OF_PARAMETER],
    examples=[
        OpenApiExample(
            "Kozlov (seed data)",
            value={
                "defendant": "Vladimir Kozlov",
                "case": "Trial of Kozlov, Sapargali and Aminov",
                "charges": "Inciting social hatred",
                "court": None,
                "verdict_date": "2012-10",
                "sentence_kind": "Imprisonment",
                "term": "7 years 6 months",
                "term_months": 90,
                "term_qualifier": "exactly",
                "start": None,
                "expected_end": None,
                "actual_release": None,
                "status": "Serving (as of 2012-12)",
                "status_as_of": "2012-12",
                "time_served": None,
                "time_remaining": None,
                "recognised_by": None,
                "place_of_detention": None,
                "detained_there_since": None,
                "time_there": None,
                "sources": "News article on Zhanaozen one year after the shooting of 16 December 2011",
            },
            response_only=True,
        )
    ],
)
class SentenceSummaryListView(SentenceSummaryBase, ListAPIView):
    serializer_class = SentenceSummaryRowSerializer
    pagination_class = RecordPagination
    extra_query_parameters = PAGINATION_PARAMETERS | {"as_of"}

    def list(self, request, *args, **kwargs):
        as_of = parse_as_of(request)
        queryset = _validated(lambda: sentence_summary_queryset(filters=request.query_params, user=request.user))
        page = self.paginate_queryset(queryset)
        rows = sentence_summary_page(sentences=page, user=request.user, as_of=as_of)
        return self.get_paginated_response([json_row(row) for row in rows])


class SentenceSummaryFileView(SentenceSummaryBase):
    """The whole filtered set as a file, streamed as it is built."""

    serializer_class = None
    fmt = "csv"

    def perform_content_negotiation(self, request, force=False):
        # The body is a file whatever the Accept header says; errors are JSON.
        return super().perform_content_negotiation(request, force=True)

    def allowed_query_parameters(self) -> set[str]:
        return super().allowed_query_parameters() | ({"as_of", "bom"} if self.fmt == "csv" else {"as_of"})

    def get(self, request, *args, **kwargs):
        as_of = parse_as_of(request)
        bom = parse_bool(request, "bom") if self.fmt == "csv" else False
        rows = _validated(lambda: sentence_summary_rows(filters=request.query_params, user=request.user, as_of=as_of))
        return streaming_export_response(self.fmt, rows, as_of=as_of, bom=bom)


FILE_DESCRIPTION = (
    "Every sentence matching the filters (no pagination), streamed as it is built, with a dated file name "
    "(`sentence-summaries-YYYY-MM-DD.{fmt}`, the `as_of` date). Columns, in order: "
    + ", ".join(str(column.header) for column in COLUMNS)
    + ". "
)


@extend_schema(
    tags=["sentence summaries"],
    summary="Sentence summaries as a CSV file",
    description=FILE_DESCRIPTION.format(fmt="csv")
    + "UTF-8; add `bom=1` for a byte-order mark so that Excel reads it as UTF-8. Dates at their precision "
    "('2012-10'). " + PROTECTION_NOTE,
    parameters=[AS_OF_PARAMETER, BOM_PARAMETER],
    responses={
        (200, CSV_CONTENT_TYPE): OpenApiResponse(
            response=OpenApiTypes.BINARY,
            description=_("The CSV file (Content-Disposition: attachment, with a dated file name)."),
        ),
    },
)
class SentenceSummaryCSVView(SentenceSummaryFileView):
    fmt = "csv"


@extend_schema(
    tags=["sentence summaries"],
    summary="Sentence summaries as an XLSX workbook",
    description=FILE_DESCRIPTION.format(fmt="xlsx")
    + "A bold, frozen header row with a filter; dates known to the day are real dates, dates known only to "
    "the month or year stay text at that precision ('2012-10'); an 'About' sheet says what date the figures "
    "are counted to. " + PROTECTION_NOTE,
    parameters=[AS_OF_PARAMETER],
    responses={
        (200, XLSX_CONTENT_TYPE): OpenApiResponse(
            response=OpenApiTypes.BINARY,
            description=_("The workbook (Content-Disposition: attachment, with a dated file name)."),
        ),
    },
)
class SentenceSummaryXLSXView(SentenceSummaryFileView):
    fmt = "xlsx"


@extend_schema(
    tags=["sentence summaries"],
    summary="Statistics of the sentences",
    description=(
        _(
            "Counts of sentences by kind and status, and their terms, overall and per case, over the sentences "
            "matching the filters (computed by the database, whatever their number). Every count is of sentences: "
            "a group's sentence ('a number of protesters … up to 12 years') counts once, never as people. Only "
            "terms stated exactly are added up and have a median; a term stated 'up to' or 'at least' is a bound, "
            "so such terms are reported apart, per qualifier, with their shortest and longest as stated ('longest: "
            "up to 12 years'). Fines have no term. "
        )
        + PROTECTION_NOTE
    ),
    responses={200: SentenceSummaryStatsSerializer},
)
class SentenceSummaryStatsView(SentenceSummaryBase):
    serializer_class = SentenceSummaryStatsSerializer

    def get(self, request, *args, **kwargs):
        stats = _validated(lambda: sentence_summary_stats(filters=request.query_params, user=request.user))
        return Response(stats)
