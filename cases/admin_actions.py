"""Admin actions: export the selected sentences (or the sentences of the selected defendants).

The file is streamed as it is built, from the same selector and row
function as the API and the command. Only sentences the user may see are
selected: the admin hands an action the change list's queryset, which
``casetracker.admin`` restricts. Should an action be called with any other
queryset, the selector still masks the rows as it does for the API ("Protected
person"). CSV from the admin starts with a byte-order mark, since it is
usually opened in Excel.
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .exports import streaming_export_response
from .models import Defendant, Sentence
from .selectors import sentence_summary_rows


def _selected_sentences(queryset):
    """The sentences ``queryset`` selects: the sentences themselves, or the selected defendants' sentences."""
    if queryset.model is Sentence:
        return Sentence.objects.filter(pk__in=queryset.values("pk"))
    if queryset.model is Defendant:
        return Sentence.objects.filter(defendant__in=queryset.values("pk"))
    raise TypeError(f"Sentence summaries export sentences or defendants, not {queryset.model.__name__}.")


def _export(fmt: str, request, queryset):
    as_of = timezone.localdate()
    sentences = _selected_sentences(queryset)
    rows = sentence_summary_rows(sentences=sentences, user=request.user, as_of=as_of)
    return streaming_export_response(fmt, rows, as_of=as_of, bom=fmt == "csv")


@admin.action(description=_("Export selected as CSV (sentence summaries)"), permissions=["view"])
def export_sentence_summaries_csv(modeladmin, request, queryset):
    return _export("csv", request, queryset)


@admin.action(description=_("Export selected as XLSX (sentence summaries)"), permissions=["view"])
def export_sentence_summaries_xlsx(modeladmin, request, queryset):
    return _export("xlsx", request, queryset)


SENTENCE_SUMMARY_ACTIONS = [export_sentence_summaries_csv, export_sentence_summaries_xlsx]
