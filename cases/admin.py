"""Staff back office for cases, defendants, sentences and their sources.

- Status changes are recorded on the defendant page (or the status change
  page) and always go through ``cases.services.defendant_change_status``;
  recorded changes are read-only.
- Records of confidential people or cases are hidden from staff without
  ``people.view_confidential``.
- Every admin keeps its change list to a fixed number of queries
  (``list_select_related`` / prefetches) whatever the number of rows.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from people.admin import NameSearchMixin, OrganizationAdmin, PersonAdmin
from people.models import visible_levels

from .admin_actions import SENTENCE_SUMMARY_ACTIONS
from .forms import StatusChangeForm
from .models import (
    Case,
    Charge,
    Citation,
    Defendant,
    Event,
    EventFigure,
    LegalArticle,
    Place,
    PlaceName,
    Sentence,
    Source,
    StatusChange,
    Trial,
)
from .services import defendant_change_status


def visible_defendants(queryset, request, prefix: str = ""):
    """Limit ``queryset`` to rows whose defendant's person and case the user may see."""
    levels = visible_levels(request.user)
    return queryset.filter(
        **{f"{prefix}person__confidentiality__in": levels, f"{prefix}case__confidentiality__in": levels}
    )


# Excerpts and notes are a phrase or two: keep inline rows compact.
COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}


class CitationInline(GenericTabularInline):
    model = Citation
    formfield_overrides = COMPACT_TEXT
    extra = 1
    fields = ["source", "excerpt", "locator", "note"]
    autocomplete_fields = ["source"]
    verbose_name = "citation"
    verbose_name_plural = "Citations (every fact has a source)"


# The people app knows nothing of citations; attach them here.
PersonAdmin.inlines = [*PersonAdmin.inlines, CitationInline]
OrganizationAdmin.inlines = [*OrganizationAdmin.inlines, CitationInline]


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "publisher", "published", "citation_count"]
    list_filter = ["kind", "language"]
    search_fields = ["title", "publisher", "author", "reference", "url"]
    fields = ["title", "kind", "publisher", "author", "published", "language", "url", "reference", "notes"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        # An aggregate drops Meta.ordering; keep pages (and autocomplete) in a stable order.
        return super().get_queryset(request).annotate(citation_count=Count("citations")).order_by("title", "id")

    @admin.display(description="Citations", ordering="citation_count")
    def citation_count(self, source):
        return source.citation_count


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    list_display = ["source", "content_type", "cited_record", "excerpt"]
    list_select_related = ["source", "content_type"]
    list_filter = ["content_type", "source"]
    search_fields = ["excerpt", "source__title"]
    autocomplete_fields = ["source"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("content_object")

    @admin.display(description="Record")
    def cited_record(self, citation):
        return citation.content_object or "(hidden or deleted record)"


class PlaceNameInline(admin.TabularInline):
    model = PlaceName
    extra = 1
    fields = ["name", "language", "note"]


@admin.register(Place)
class PlaceAdmin(NameSearchMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "country", "region"]
    list_select_related = ["region"]
    list_filter = ["kind", "country"]
    search_fields = ["search_text__contains"]
    search_help_text = "Search by name or any recorded spelling (Aqtau, Aktau, …)."
    fields = ["name", "kind", "country", "region"]
    autocomplete_fields = ["region"]
    inlines = [PlaceNameInline, CitationInline]


class EventFigureInline(admin.TabularInline):
    model = EventFigure
    formfield_overrides = COMPACT_TEXT
    extra = 1
    fields = ["measure", "qualifier", "value", "source", "excerpt", "note"]
    autocomplete_fields = ["source"]
    verbose_name_plural = "Figures (one row per claim; contested figures keep every claim with its source)"


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "place", "start", "end"]
    list_select_related = ["place"]
    list_filter = ["kind"]
    search_fields = ["title", "description", "place__search_text__contains"]
    fields = ["title", "kind", "description", "place", "start", "end", "persons", "organizations"]
    autocomplete_fields = ["place", "persons", "organizations"]
    inlines = [EventFigureInline, CitationInline]


class DefendantInline(admin.TabularInline):
    model = Defendant
    extra = 1
    fields = ["person", "arrested", "status", "status_date"]
    readonly_fields = ["status", "status_date"]
    autocomplete_fields = ["person"]
    show_change_link = True

    def get_queryset(self, request):
        return visible_defendants(super().get_queryset(request), request).select_related("person")


class TrialInline(admin.TabularInline):
    model = Trial
    extra = 0
    fields = ["court", "place", "start", "end", "verdict_date"]
    autocomplete_fields = ["court", "place"]
    show_change_link = True


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "country", "opened", "confidentiality", "defendant_count"]
    list_filter = ["kind", "confidentiality", "country", "events"]
    search_fields = ["title", "description"]
    fields = ["title", "kind", "country", "opened", "description", "confidentiality", "events", "organizations"]
    autocomplete_fields = ["events", "organizations"]
    inlines = [DefendantInline, TrialInline, CitationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(confidentiality__in=visible_levels(request.user))
            .annotate(defendant_count=Count("defendants"))
            .order_by("title", "id")
        )

    @admin.display(description="Defendants", ordering="defendant_count")
    def defendant_count(self, case):
        return case.defendant_count


class ChargeInline(admin.TabularInline):
    model = Charge
    extra = 1
    fields = ["article", "offence_description", "outcome"]
    autocomplete_fields = ["article"]
    show_change_link = True


class SentenceInline(admin.StackedInline):
    model = Sentence
    extra = 0
    fields = [
        ("kind", "status"),
        ("term_qualifier", "term_months"),
        ("fine_amount", "fine_currency"),
        ("start", "expected_end", "actual_release"),
        "trial",
        "note",
    ]
    readonly_fields = ["expected_end"]
    autocomplete_fields = ["trial"]
    show_change_link = True


class StatusChangeInline(admin.TabularInline):
    """The dated status history: recorded entries are read-only, new ones go through the service."""

    model = StatusChange
    formfield_overrides = COMPACT_TEXT
    extra = 1
    fields = ["date", "status", "note", "source", "excerpt", "recorded_by", "created"]
    readonly_fields = ["recorded_by", "created"]
    autocomplete_fields = ["source"]
    ordering = ["date", "created"]
    verbose_name = "status change"
    verbose_name_plural = "Status history (add a row to record a change; recorded changes cannot be edited)"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("cases.add_statuschange")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "recorded_by")


class ConfidentialityFilter(admin.SimpleListFilter):
    title = "confidentiality of the person"
    parameter_name = "person_confidentiality"

    def lookups(self, request, model_admin):
        from casetracker.choices import Confidentiality

        return [(level, Confidentiality(level).label) for level in visible_levels(request.user)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(person__confidentiality=self.value())
        return queryset


@admin.register(Defendant)
class DefendantAdmin(NameSearchMixin, SimpleHistoryAdmin):
    list_display = ["person", "case", "status", "status_date", "arrested"]
    list_select_related = ["person", "case"]
    list_filter = [
        "status",
        ("case", admin.RelatedOnlyFieldListFilter),
        "case__events",
        ConfidentialityFilter,
        "sentences__kind",
    ]
    search_fields = ["person__search_text__contains", "case__title"]
    search_help_text = "Search by the defendant's name or any variant, or the case title."
    fields = ["case", "person", "arrested", "status", "status_date", "description"]
    readonly_fields = ["status", "status_date"]
    autocomplete_fields = ["case", "person"]
    inlines = [StatusChangeInline, ChargeInline, SentenceInline, CitationInline]
    actions = ["record_status_change", *SENTENCE_SUMMARY_ACTIONS]

    def get_queryset(self, request):
        return visible_defendants(super().get_queryset(request), request)

    @admin.action(description="Record a status change for the selected defendants", permissions=["add_status"])
    def record_status_change(self, request, queryset):
        """One dated, sourced change for many defendants (an amnesty, a group verdict): all or none."""
        defendants = list(queryset.select_related("person", "case"))
        refusals = []
        form = StatusChangeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                with transaction.atomic():
                    for defendant in defendants:
                        try:
                            defendant_change_status(defendant=defendant, user=request.user, **form.cleaned_data)
                        except ValidationError as error:
                            refusals.append((defendant, " ".join(error.messages)))
                    if refusals:
                        raise ValidationError("refused")
            except ValidationError:
                pass
            else:
                self.message_user(request, f"Recorded the status change for {len(defendants)} defendant(s).")
                return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Record a status change",
            "defendants": defendants,
            "form": form,
            "refusals": refusals,
        }
        return TemplateResponse(request, "admin/cases/defendant/change_status.html", context)

    def has_add_status_permission(self, request):
        return request.user.has_perm("cases.add_statuschange")

    def save_formset(self, request, form, formset, change):
        if formset.model is not StatusChange:
            return super().save_formset(request, form, formset, change)
        # The admin's change message reads these, as it would after formset.save().
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for status_form in formset.extra_forms:
            if not status_form.has_changed() or not status_form.cleaned_data:
                continue
            data = status_form.cleaned_data
            recorded = defendant_change_status(
                defendant=formset.instance,
                status=data["status"],
                date=data["date"],
                note=data.get("note", ""),
                source=data.get("source"),
                excerpt=data.get("excerpt", ""),
                user=request.user,
            )
            formset.new_objects.append(recorded)
            messages.info(request, f"Recorded status “{recorded.get_status_display()}” ({recorded.date}).")


@admin.register(StatusChange)
class StatusChangeAdmin(NameSearchMixin, SimpleHistoryAdmin):
    """A list of every status change; new ones are recorded through the service."""

    list_display = ["defendant", "status", "date", "source", "recorded_by", "created"]
    list_select_related = ["defendant__person", "defendant__case", "source", "recorded_by"]
    list_filter = ["status", "defendant__case"]
    search_fields = ["defendant__person__search_text__contains", "note"]
    fields = ["defendant", "date", "status", "note", "source", "excerpt", "recorded_by", "created"]
    readonly_fields = ["recorded_by", "created"]
    autocomplete_fields = ["defendant", "source"]
    date_hierarchy = None

    def get_queryset(self, request):
        return visible_defendants(super().get_queryset(request), request, prefix="defendant__")

    def has_change_permission(self, request, obj=None):
        # A recorded change is history; correct it by recording a new one.
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = defendant_change_status(
            defendant=data["defendant"],
            status=data["status"],
            date=data["date"],
            note=data.get("note", ""),
            source=data.get("source"),
            excerpt=data.get("excerpt", ""),
            user=request.user,
        )
        obj.pk = saved.pk


@admin.register(LegalArticle)
class LegalArticleAdmin(SimpleHistoryAdmin):
    list_display = ["code", "article", "title", "country"]
    list_filter = ["country", "code"]
    search_fields = ["code", "article", "title"]
    inlines = [CitationInline]


@admin.register(Charge)
class ChargeAdmin(NameSearchMixin, SimpleHistoryAdmin):
    list_display = ["defendant", "label", "outcome"]
    list_select_related = ["defendant__person", "defendant__case", "article"]
    list_filter = ["outcome", ("article", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["defendant__person__search_text__contains", "offence_description", "article__title"]
    autocomplete_fields = ["defendant", "article"]
    inlines = [CitationInline]

    def get_queryset(self, request):
        return visible_defendants(super().get_queryset(request), request, prefix="defendant__")

    @admin.display(description="Charge")
    def label(self, charge):
        return charge.label


@admin.register(Trial)
class TrialAdmin(SimpleHistoryAdmin):
    list_display = ["case", "court", "place", "start", "verdict_date"]
    list_select_related = ["case", "court", "place"]
    list_filter = [("court", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["case__title", "court__search_text__contains", "place__search_text__contains"]
    autocomplete_fields = ["case", "court", "place"]
    inlines = [CitationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case__confidentiality__in=visible_levels(request.user))


@admin.register(Sentence)
class SentenceAdmin(NameSearchMixin, SimpleHistoryAdmin):
    list_display = ["person", "case", "kind", "term", "start", "expected_end", "actual_release", "status"]
    list_select_related = ["defendant__person", "defendant__case", "trial"]
    list_filter = ["kind", "status", "term_qualifier", ("defendant__case", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["defendant__person__search_text__contains", "defendant__case__title"]
    fields = [
        "defendant",
        "trial",
        ("kind", "status"),
        ("term_qualifier", "term_months"),
        ("fine_amount", "fine_currency"),
        ("start", "expected_end", "actual_release"),
        "note",
    ]
    readonly_fields = ["expected_end"]
    autocomplete_fields = ["defendant", "trial"]
    inlines = [CitationInline]
    actions = SENTENCE_SUMMARY_ACTIONS

    def get_queryset(self, request):
        return visible_defendants(super().get_queryset(request), request, prefix="defendant__")

    @admin.display(description="Person", ordering="defendant__person__name")
    def person(self, sentence):
        return sentence.defendant.person

    @admin.display(description="Case", ordering="defendant__case__title")
    def case(self, sentence):
        return sentence.defendant.case

    @admin.display(description="Term", ordering="term_months")
    def term(self, sentence):
        return sentence.term_display or "—"
