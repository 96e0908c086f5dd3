"""Staff back office for cases, defendants, sentences and their sources.

- Status changes are recorded on the defendant page (or the status change
  page) and always go through ``cases.services.defendant_change_status``;
  recorded changes are read-only.
- Every admin and inline is built on :mod:`casetracker.admin`: what a user may
  not see (the project's one visibility rule) is never shown on any admin page.
- Every admin keeps its change list to a fixed number of queries
  (``list_select_related`` / prefetches) whatever the number of rows.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from casetracker.admin import (
    NameVariantInline,
    RecordAdmin,
    RestrictedStackedInline,
    RestrictedTabularInline,
)
from casetracker.choices import Confidentiality
from casetracker.visibility import restrict, visible_count, visible_levels
from sources.admin import COMPACT_TEXT, CitationInline

from .admin_actions import SENTENCE_SUMMARY_ACTIONS
from .forms import StatusChangeForm
from .models import (
    Allegation,
    Case,
    Charge,
    CustodyStay,
    Defendant,
    Event,
    EventFigure,
    Facility,
    FacilityName,
    LegalArticle,
    Place,
    PlaceName,
    Sentence,
    StatusChange,
    Trial,
    custody_timeline,
    status_timeline,
)
from .services import defendant_change_status


class PlaceNameInline(NameVariantInline):
    model = PlaceName


@admin.register(Place)
class PlaceAdmin(RecordAdmin):
    list_display = ["name", "kind", "country", "region"]
    list_select_related = ["region"]
    list_filter = ["kind", "country"]
    search_fields = ["search_text__contains"]
    search_help_text = _("Search by name or any recorded spelling (Aqtau, Aktau, …).")
    fields = ["name", "kind", "country", "region"]
    autocomplete_fields = ["region"]
    inlines = [PlaceNameInline, CitationInline]


class FacilityNameInline(NameVariantInline):
    model = FacilityName


@admin.register(Facility)
class FacilityAdmin(RecordAdmin):
    list_display = ["name", "kind", "place", "held_now_count"]
    list_select_related = ["place"]
    list_filter = ["kind", ("place", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["search_text__contains"]
    search_help_text = _("Search by name or any recorded variant.")
    fields = ["name", "kind", "place", "latitude", "longitude", "description", "external_id", "held_now"]
    readonly_fields = ["held_now"]
    autocomplete_fields = ["place"]
    inlines = [FacilityNameInline, CitationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(held_count=visible_count(Defendant.objects.all(), request.user, outer="current_facility"))
        )

    @admin.display(description=_("Held there now"), ordering="held_count")
    def held_now_count(self, facility):
        return facility.held_count

    @admin.display(description=_("Held there now"))
    def held_now(self, facility):
        """The defendants (that the reader may see) whose current place of detention this is, with since when."""
        held = getattr(facility, "held_for_reader", None)
        if held is None:
            return "-"
        rows = [
            (
                reverse("admin:cases_defendant_change", args=[defendant.pk]),
                defendant,
                defendant.custody_display,
            )
            for defendant in held
        ]
        if not rows:
            return gettext("No one, as far as the records you may see show.")
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>: {}', rows)

    def get_object(self, request, object_id, from_field=None):
        facility = super().get_object(request, object_id, from_field)
        if facility is not None:
            # What the read-only "held there now" shows: only the defendants this reader may see.
            held = Defendant.objects.filter(current_facility=facility).select_related("person", "case")
            facility.held_for_reader = list(restrict(held, request.user).order_by("person__name", "id"))
        return facility


class CustodyStayInline(RestrictedTabularInline):
    """A defendant's custody history; the current place of detention is derived from it."""

    model = CustodyStay
    fk_name = "defendant"
    formfield_overrides = COMPACT_TEXT
    extra = 1
    fields = ["facility", "start", "end", "known_as_of", "note", "source", "excerpt"]
    autocomplete_fields = ["facility", "source"]
    ordering = [custody_timeline(), "created"]
    verbose_name = _("custody stay")
    verbose_name_plural = _("Places of detention (the current one is the latest stay without an end)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("facility", "source")


@admin.register(CustodyStay)
class CustodyStayAdmin(RecordAdmin):
    list_display = ["defendant", "facility", "start", "end", "known_as_of"]
    list_select_related = ["defendant__person", "defendant__case", "facility"]
    list_filter = ["facility__kind", ("facility", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["defendant__person__search_text__contains", "facility__search_text__contains"]
    fields = ["defendant", "facility", "start", "end", "known_as_of", "note", "source", "excerpt", "external_id"]
    autocomplete_fields = ["defendant", "facility", "source"]


class EventFigureInline(RestrictedTabularInline):
    model = EventFigure
    formfield_overrides = COMPACT_TEXT
    extra = 1
    fields = ["measure", "qualifier", "value", "source", "excerpt", "note"]
    autocomplete_fields = ["source"]
    verbose_name_plural = _("Figures (one row per claim; contested figures keep every claim with its source)")


class AllegationInline(RestrictedStackedInline):
    """Claims about the event, each with who makes it: shown apart from the event's established facts."""

    model = Allegation
    fk_name = "event"
    formfield_overrides = COMPACT_TEXT
    extra = 0
    fields = [
        "kind",
        ("alleged_by_person", "alleged_by_organization", "alleged_by_description"),
        "claim",
        ("against_person", "against_organization", "against_description"),
        "made",
        ("source", "excerpt"),
        ("response", "response_source", "response_excerpt"),
    ]
    autocomplete_fields = [
        "alleged_by_person",
        "alleged_by_organization",
        "against_person",
        "against_organization",
        "source",
        "response_source",
    ]
    show_change_link = True
    verbose_name = _("allegation")
    verbose_name_plural = _("Allegations about this event (claims attributed to whoever makes them; not facts)")

    def get_queryset(self, request):
        # Each row's title is its attribution, which names who makes the claim.
        return super().get_queryset(request).select_related("alleged_by_person", "alleged_by_organization")


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ["title", "kind", "place", "start", "end"]
    list_select_related = ["place"]
    list_filter = ["kind"]
    search_fields = ["title", "description", "place__search_text__contains"]
    fields = ["title", "kind", "description", "place", "start", "end", "persons", "organizations"]
    autocomplete_fields = ["place", "persons", "organizations"]
    inlines = [EventFigureInline, AllegationInline, CitationInline]


@admin.register(Allegation)
class AllegationAdmin(RecordAdmin):
    """Claims, always listed with who makes them ("The authorities allege that …")."""

    list_display = ["attribution", "kind", "against", "event", "made", "source", "has_response"]
    list_select_related = [
        "alleged_by_person",
        "alleged_by_organization",
        "against_person",
        "against_organization",
        "event",
        "source",
    ]
    list_filter = [
        "kind",
        "concern",
        ("event", admin.RelatedOnlyFieldListFilter),
        ("source", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "claim",
        "response",
        "alleged_by_description",
        "against_description",
        "alleged_by_person__search_text__contains",
        "against_person__search_text__contains",
        "alleged_by_organization__search_text__contains",
        "against_organization__search_text__contains",
    ]
    search_help_text = _("Search the claim, the response, and who makes it or whom it is against (any name variant).")
    fieldsets = [
        (_("Who alleges"), {"fields": ["alleged_by_person", "alleged_by_organization", "alleged_by_description"]}),
        (None, {"fields": ["kind", "claim", "made", "event"]}),
        (_("Against whom"), {"fields": ["against_person", "against_organization", "against_description"]}),
        (
            _("Treatment in custody"),
            {
                "fields": ["concern", "concerns_person", "concern_date"],
                "description": _(
                    "For a concern about a person's treatment in custody (health, ill-treatment, visits denied, "
                    "hunger strike …): what it is, whom it is about, and when."
                ),
            },
        ),
        (_("Source"), {"fields": ["source", "excerpt", "note"]}),
        (
            _("Response or denial"),
            {
                "fields": ["response", "response_source", "response_excerpt"],
                "description": _("The answer to the claim, if one is recorded, saying whose it is."),
            },
        ),
    ]
    autocomplete_fields = [
        "alleged_by_person",
        "alleged_by_organization",
        "against_person",
        "against_organization",
        "concerns_person",
        "event",
        "source",
        "response_source",
    ]
    inlines = [CitationInline]

    @admin.display(description=_("Allegation (who alleges what)"), ordering="id")
    def attribution(self, allegation):
        return allegation.attribution

    @admin.display(description=_("Against"))
    def against(self, allegation):
        names = [
            str(record) for record in (allegation.against_person, allegation.against_organization) if record is not None
        ]
        return ", ".join([*names, allegation.against_description] if allegation.against_description else names) or "—"

    @admin.display(description=_("Response recorded"), boolean=True)
    def has_response(self, allegation):
        return bool(allegation.response)


class DefendantInline(RestrictedTabularInline):
    model = Defendant
    extra = 1
    fields = ["person", "arrested", "status", "status_date", "status_as_of"]
    readonly_fields = ["status", "status_date", "status_as_of"]
    autocomplete_fields = ["person"]
    show_change_link = True

    def get_queryset(self, request):
        # Each row's title names its person and case.
        return super().get_queryset(request).select_related("person", "case")


class TrialInline(RestrictedTabularInline):
    model = Trial
    extra = 0
    fields = ["court", "place", "start", "end", "verdict_date"]
    autocomplete_fields = ["court", "place"]
    show_change_link = True

    def get_queryset(self, request):
        # Each row's title names its case.
        return super().get_queryset(request).select_related("case")


@admin.register(Case)
class CaseAdmin(RecordAdmin):
    list_display = ["title", "kind", "country", "opened", "confidentiality", "defendant_count"]
    list_filter = ["kind", "confidentiality", "country", "events"]
    search_fields = ["title", "description"]
    fields = [
        "title",
        "kind",
        "country",
        "opened",
        "description",
        "confidentiality",
        "events",
        "organizations",
        "external_id",
    ]
    autocomplete_fields = ["events", "organizations"]
    inlines = [DefendantInline, TrialInline, CitationInline]

    def get_queryset(self, request):
        # Only the defendants the user may see are counted (a confidential witness in a public case is not).
        defendants = visible_count(Defendant.objects.all(), request.user, outer="case")
        return super().get_queryset(request).annotate(defendant_count=defendants).order_by("title", "id")

    @admin.display(description=_("Defendants"), ordering="defendant_count")
    def defendant_count(self, case):
        return case.defendant_count


class ChargeInline(RestrictedTabularInline):
    model = Charge
    extra = 1
    fields = ["article", "offence_description", "outcome"]
    autocomplete_fields = ["article"]
    show_change_link = True


class SentenceInline(RestrictedStackedInline):
    model = Sentence
    extra = 0
    fields = [
        ("kind", "status", "status_as_of"),
        ("term_qualifier", "term_months"),
        ("fine_amount", "fine_currency"),
        ("start", "expected_end", "actual_release"),
        "trial",
        "note",
    ]
    readonly_fields = ["expected_end"]
    autocomplete_fields = ["trial"]
    show_change_link = True


class StatusChangeInline(RestrictedTabularInline):
    """The dated status history: recorded entries are read-only, new ones go through the service."""

    model = StatusChange
    formfield_overrides = COMPACT_TEXT
    extra = 1
    fields = ["date", "known_as_of", "status", "note", "source", "excerpt", "recorded_by", "created"]
    readonly_fields = ["recorded_by", "created"]
    autocomplete_fields = ["source"]
    ordering = [status_timeline(), "created"]
    verbose_name = _("status change")
    verbose_name_plural = _("Status history (add a row to record a change; recorded changes cannot be edited)")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("cases.add_statuschange")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "recorded_by")


class ConfidentialityFilter(admin.SimpleListFilter):
    """The person's level; only the levels the user may see are offered (the rows are restricted anyway)."""

    title = _("confidentiality of the person")
    parameter_name = "person_confidentiality"

    def lookups(self, request, model_admin):
        return [(level, Confidentiality(level).label) for level in visible_levels(request.user)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(person__confidentiality=self.value())
        return queryset


@admin.register(Defendant)
class DefendantAdmin(RecordAdmin):
    list_display = ["person", "case", "current_status", "current_custody", "arrested"]
    list_select_related = ["person", "case", "current_facility"]
    list_filter = [
        "status",
        "current_facility__kind",
        ("current_facility", admin.RelatedOnlyFieldListFilter),
        ("case", admin.RelatedOnlyFieldListFilter),
        "case__events",
        ConfidentialityFilter,
        "sentences__kind",
    ]
    search_fields = ["person__search_text__contains", "case__title"]
    search_help_text = _("Search by the defendant's name or any variant, or the case title.")
    fields = [
        "case",
        "person",
        "arrested",
        "age_at_arrest",
        "status",
        "status_date",
        "status_as_of",
        "current_custody",
        "description",
        "external_id",
    ]
    readonly_fields = ["age_at_arrest", "status", "status_date", "status_as_of", "current_custody"]
    autocomplete_fields = ["case", "person"]
    inlines = [StatusChangeInline, CustodyStayInline, ChargeInline, SentenceInline, CitationInline]
    actions = ["record_status_change", *SENTENCE_SUMMARY_ACTIONS]

    def get_queryset(self, request):
        # Autocomplete lists each defendant by its __str__, which names the person and the case. (A
        # select_related here replaces list_select_related on the change list, so it repeats it.)
        return super().get_queryset(request).select_related(*self.list_select_related)

    @admin.display(description=_("Current place of detention"))
    def current_custody(self, defendant):
        return defendant.custody_display or "-"

    @admin.display(description=_("Age at arrest"))
    def age_at_arrest(self, defendant):
        if defendant.pk is None or not defendant.person_id:
            return "-"
        age = defendant.age_at_arrest
        return str(age) if age is not None else _("unknown (needs the date of birth and the arrest date)")

    @admin.display(description=_("Current status"), ordering="status")
    def current_status(self, defendant):
        return defendant.status_display

    @admin.action(description=_("Record a status change for the selected defendants"), permissions=["add_status"])
    def record_status_change(self, request, queryset):
        """One dated, sourced change for many defendants (an amnesty, a group verdict): all or none.

        ``queryset`` holds only defendants the user may see (the change list's), and the form offers only
        sources the user may see.
        """
        defendants = list(queryset.select_related("person", "case"))
        refusals = []
        form = StatusChangeForm(request.POST if "apply" in request.POST else None, user=request.user)
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
                self.message_user(
                    request,
                    ngettext(
                        "Recorded the status change for %(count)d defendant.",
                        "Recorded the status change for %(count)d defendants.",
                        len(defendants),
                    )
                    % {"count": len(defendants)},
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Record a status change"),
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
                date=data.get("date"),
                known_as_of=data.get("known_as_of"),
                note=data.get("note", ""),
                source=data.get("source"),
                excerpt=data.get("excerpt", ""),
                user=request.user,
            )
            formset.new_objects.append(recorded)
            messages.info(
                request,
                gettext("Recorded status “%(status)s” (%(date)s).")
                % {"status": recorded.get_status_display(), "date": recorded.dates_display},
            )


@admin.register(StatusChange)
class StatusChangeAdmin(RecordAdmin):
    """A list of every status change; new ones are recorded through the service."""

    list_display = ["defendant", "status", "date", "known_as_of", "source", "recorded_by", "created"]
    list_select_related = ["defendant__person", "defendant__case", "source", "recorded_by"]
    list_filter = ["status", "defendant__case"]
    search_fields = ["defendant__person__search_text__contains", "note"]
    fields = ["defendant", "date", "known_as_of", "status", "note", "source", "excerpt", "recorded_by", "created"]
    readonly_fields = ["recorded_by", "created"]
    autocomplete_fields = ["defendant", "source"]
    date_hierarchy = None

    def has_change_permission(self, request, obj=None):
        # A recorded change is history; correct it by recording a new one.
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = defendant_change_status(
            defendant=data["defendant"],
            status=data["status"],
            date=data.get("date"),
            known_as_of=data.get("known_as_of"),
            note=data.get("note", ""),
            source=data.get("source"),
            excerpt=data.get("excerpt", ""),
            user=request.user,
        )
        obj.pk = saved.pk


@admin.register(LegalArticle)
class LegalArticleAdmin(RecordAdmin):
    list_display = ["code", "article", "title", "country"]
    list_filter = ["country", "code"]
    search_fields = ["code", "article", "title"]
    inlines = [CitationInline]


@admin.register(Charge)
class ChargeAdmin(RecordAdmin):
    list_display = ["defendant", "__str__", "outcome"]
    list_select_related = ["defendant__person", "defendant__case", "article"]
    list_filter = ["outcome", ("article", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["defendant__person__search_text__contains", "offence_description", "article__title"]
    autocomplete_fields = ["defendant", "article"]
    inlines = [CitationInline]


@admin.register(Trial)
class TrialAdmin(RecordAdmin):
    list_display = ["case", "court", "place", "start", "verdict_date"]
    list_select_related = ["case", "court", "place"]
    list_filter = [("court", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["case__title", "court__search_text__contains", "place__search_text__contains"]
    autocomplete_fields = ["case", "court", "place"]
    inlines = [CitationInline]

    def get_queryset(self, request):
        # Autocomplete lists each trial by its __str__, which names the case. (A select_related
        # here replaces list_select_related on the change list, so it repeats it.)
        return super().get_queryset(request).select_related(*self.list_select_related)


@admin.register(Sentence)
class SentenceAdmin(RecordAdmin):
    list_display = ["person", "case", "kind", "term", "start", "expected_end", "actual_release", "status_known"]
    list_select_related = ["defendant__person", "defendant__case", "trial"]
    list_filter = ["kind", "status", "term_qualifier", ("defendant__case", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["defendant__person__search_text__contains", "defendant__case__title"]
    fields = [
        "defendant",
        "trial",
        ("kind", "status", "status_as_of"),
        ("term_qualifier", "term_months"),
        ("fine_amount", "fine_currency"),
        ("start", "expected_end", "actual_release"),
        "note",
        "external_id",
    ]
    readonly_fields = ["expected_end"]
    autocomplete_fields = ["defendant", "trial"]
    inlines = [CitationInline]
    actions = SENTENCE_SUMMARY_ACTIONS

    @admin.display(description=_("Person"), ordering="defendant__person__name")
    def person(self, sentence):
        return sentence.defendant.person

    @admin.display(description=_("Case"), ordering="defendant__case__title")
    def case(self, sentence):
        return sentence.defendant.case

    @admin.display(description=_("Term"), ordering="term_months")
    def term(self, sentence):
        return sentence.term_display or "—"

    @admin.display(description=_("Status"), ordering="status")
    def status_known(self, sentence):
        return sentence.status_display
