"""Serializers for places, events, cases, defendants, charges, trials and sentences.

Related records are written as ids and read as briefs (``{"id", "label",
"url"}``). A brief's label is the record's ``__str__`` (its one label,
also used by the admin, the exports and error messages); each viewset
``select_related``s what those ``__str__`` read, so rendering a page never
queries per row.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from casetracker.api.examples import seed_examples
from casetracker.api.fields import (
    ApproximateDateField,
    BriefRelatedField,
    QualifiedFigureField,
    StrictCharField,
)
from casetracker.api.serializers import (
    NameVariantSerializer,
    RecordSerializer,
    SelfUrlField,
    model_help,
)
from casetracker.base_models import validate_country_code
from casetracker.choices import Qualifier
from sources.api.serializers import CitationsField
from sources.models import Source

from ..choices import AllegationKind, ChargeOutcome, DefendantStatus, FigureMeasure, SentenceKind, SentenceStatus
from ..models import (
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
    term_in_words,
)


def _brief(view_name, **kwargs):
    return BriefRelatedField(view_name=view_name, **kwargs)


# -- places and events -----------------------------------------------------------


@extend_schema_serializer(examples=seed_examples("places", detail=False))
class PlaceSerializer(RecordSerializer):
    """A city, village, region or country, with every spelling sources use."""

    names_relation = "names"

    url = SelfUrlField("api:place-detail")
    names = NameVariantSerializer(
        many=True,
        required=False,
        help_text=_("Other spellings (Aqtau / Aktau / Актау). Sending a list replaces the old one."),
    )
    citations = CitationsField()

    class Meta:
        model = Place
        fields = ["id", "url", "name", "kind", "country", "region", "names", "citations"]
        extra_kwargs = {"country": {"validators": [validate_country_code]}}


class FacilitySerializer(RecordSerializer):
    """A place of detention, with every name sources use and, when known, where it is on a map."""

    names_relation = "names"

    url = SelfUrlField("api:facility-detail")
    names = NameVariantSerializer(
        many=True,
        required=False,
        help_text=_("Other names (official numbers, transliterations). Sending a list replaces the old one."),
    )
    citations = CitationsField()

    class Meta:
        model = Facility
        fields = [
            "id",
            "url",
            "name",
            "kind",
            "place",
            "latitude",
            "longitude",
            "description",
            "names",
            "citations",
            "created",
            "updated",
        ]


class FacilityHeldSerializer(serializers.Serializer):
    """A defendant held at the facility now."""

    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("api:defendant-detail")
    person = BriefRelatedField(read_only=True, view_name="api:person-detail")
    case = BriefRelatedField(read_only=True, view_name="api:case-detail")
    custody_since = ApproximateDateField(
        read_only=True, allow_null=True, help_text=model_help(Defendant, "custody_since")
    )
    custody_as_of = ApproximateDateField(
        read_only=True, allow_null=True, help_text=model_help(Defendant, "custody_as_of")
    )


class FacilityDetailSerializer(FacilitySerializer):
    """A facility with the (visible) defendants held there now."""

    held_now = FacilityHeldSerializer(
        many=True,
        read_only=True,
        source="visible_held",
        help_text=_("Defendants whose current place of detention it is."),
    )

    class Meta(FacilitySerializer.Meta):
        fields = [*FacilitySerializer.Meta.fields, "held_now"]


class CustodyStaySerializer(RecordSerializer):
    """A dated, sourced stay of a defendant in a place of detention. The current place is derived from these."""

    url = SelfUrlField("api:custodystay-detail")
    dates_display = serializers.CharField(read_only=True, help_text=_("The dates in words: 'since 2013-02 (as of …)'."))

    class Meta:
        model = CustodyStay
        fields = [
            "id",
            "url",
            "defendant",
            "facility",
            "start",
            "end",
            "known_as_of",
            "dates_display",
            "note",
            "source",
            "excerpt",
            "created",
            "updated",
        ]


class TreatmentConcernSerializer(serializers.Serializer):
    """A concern about a person's treatment in custody: an allegation, always read with who makes it."""

    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("api:allegation-detail")
    concern = serializers.CharField(read_only=True, help_text=_("What it concerns (health, ill_treatment, …)."))
    concern_date = ApproximateDateField(read_only=True, allow_null=True, help_text=_("When it happened or began."))
    attribution = serializers.CharField(
        read_only=True, help_text=_("The claim with who makes it: 'Human Rights Watch alleges that …'.")
    )
    source = BriefRelatedField(read_only=True, view_name="api:source-detail")
    excerpt = serializers.CharField(read_only=True)
    response = serializers.CharField(read_only=True)


class DefendantCustodySerializer(serializers.Serializer):
    """A stay in a defendant's custody history."""

    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("api:custodystay-detail")
    facility = BriefRelatedField(read_only=True, view_name="api:facility-detail")
    start = ApproximateDateField(read_only=True, allow_null=True)
    end = ApproximateDateField(read_only=True, allow_null=True)
    known_as_of = ApproximateDateField(read_only=True, allow_null=True)
    dates_display = serializers.CharField(read_only=True)
    source = BriefRelatedField(read_only=True, allow_null=True, view_name="api:source-detail")
    excerpt = serializers.CharField(read_only=True)


class FigureSerializer(serializers.Serializer):
    """One sourced claim about a number for an event."""

    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("api:eventfigure-detail")
    measure = serializers.ChoiceField(choices=FigureMeasure.choices, read_only=True, help_text=_("What is counted."))
    figure = QualifiedFigureField(value_field="value", qualifier_field="qualifier", read_only=True)
    source = _brief("api:source-detail", read_only=True)
    excerpt = serializers.CharField(read_only=True)


class EventAllegationSerializer(serializers.Serializer):
    """A claim about the event, always with its attribution."""

    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("api:allegation-detail")
    attribution = serializers.CharField(read_only=True, help_text=_("'The authorities allege that …'."))
    kind = serializers.ChoiceField(choices=AllegationKind.choices, read_only=True)
    response = serializers.CharField(read_only=True, help_text=_("The recorded answer to the claim, if any."))


@extend_schema_serializer(examples=seed_examples("events", detail=False))
class EventSerializer(RecordSerializer):
    """Something that happened, where and when, with its contested figures."""

    url = SelfUrlField("api:event-detail")
    figures = FigureSerializer(
        many=True, read_only=True, help_text=_("Numbers claimed by sources (deaths, arrests), one entry per claim.")
    )
    allegations = EventAllegationSerializer(
        many=True,
        read_only=True,
        help_text=_("Claims made about the event, each with who makes it: allegations, not established facts."),
    )
    citations = CitationsField()

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "title",
            "kind",
            "description",
            "place",
            "start",
            "end",
            "persons",
            "organizations",
            "figures",
            "allegations",
            "citations",
            "created",
            "updated",
        ]


@extend_schema_serializer(examples=seed_examples("event-figures", detail=False))
class EventFigureSerializer(RecordSerializer):
    """One claim about a number for an event, with its own source."""

    url = SelfUrlField("api:eventfigure-detail")
    figure = QualifiedFigureField(
        value_field="value",
        qualifier_field="qualifier",
        help_text=_("The number as the source states it, e.g. at least 16."),
    )

    class Meta:
        model = EventFigure
        fields = ["id", "url", "event", "measure", "figure", "source", "excerpt", "note"]


@extend_schema_serializer(examples=seed_examples("allegations", detail=False))
class AllegationSerializer(RecordSerializer):
    """A claim someone makes, with who makes it, against whom, its source, and any response.

    Not an established fact: ``attribution`` is how it reads wherever it is shown ("The authorities
    allege that …").
    """

    url = SelfUrlField("api:allegation-detail")
    alleged_by = serializers.CharField(
        read_only=True, help_text=_("Who makes the claim, as it reads: 'Hugh Williamson (Human Rights Watch)'.")
    )
    attribution = serializers.CharField(
        read_only=True,
        help_text=_("The claim with who makes it, as it is always shown: 'The authorities allege that …'."),
    )
    citations = CitationsField()

    class Meta:
        model = Allegation
        fields = [
            "id",
            "url",
            "attribution",
            "kind",
            "alleged_by",
            "alleged_by_person",
            "alleged_by_organization",
            "alleged_by_description",
            "claim",
            "against_person",
            "against_organization",
            "against_description",
            "event",
            "made",
            "source",
            "excerpt",
            "response",
            "response_source",
            "response_excerpt",
            "note",
            "concern",
            "concerns_person",
            "concern_date",
            "citations",
            "created",
            "updated",
        ]


# -- cases and defendants ----------------------------------------------------------


@extend_schema_serializer(examples=seed_examples("cases", detail=False))
class CaseSerializer(RecordSerializer):
    """A prosecution or a related matter."""

    url = SelfUrlField("api:case-detail")
    defendant_count = serializers.IntegerField(
        read_only=True, help_text=_("How many defendants (that you may see) the case has.")
    )
    citations = CitationsField()

    class Meta:
        model = Case
        fields = [
            "id",
            "url",
            "title",
            "kind",
            "description",
            "country",
            "opened",
            "events",
            "organizations",
            "confidentiality",
            "defendant_count",
            "citations",
            "created",
            "updated",
        ]
        extra_kwargs = {"country": {"validators": [validate_country_code]}}


STATUS_DISPLAY_HELP = _(
    "The current status with its dates, as a person reads it: 'Serving a prison sentence since 2012-10 "
    "(as of 2012-12)', or 'Serving a prison sentence (as of 2012-12)' when it is not known since when."
)


class CaseDefendantSerializer(serializers.Serializer):
    """A defendant in the case, with their current status."""

    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("api:defendant-detail")
    person = _brief("api:person-detail", read_only=True)
    arrested = ApproximateDateField(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=DefendantStatus.choices, read_only=True, help_text=_("Current status."))
    status_date = ApproximateDateField(read_only=True, allow_null=True, help_text=model_help(Defendant, "status_date"))
    status_as_of = ApproximateDateField(
        read_only=True, allow_null=True, help_text=model_help(Defendant, "status_as_of")
    )
    status_display = serializers.CharField(read_only=True, help_text=STATUS_DISPLAY_HELP)


class CaseTrialSerializer(serializers.Serializer):
    """A trial in the case."""

    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("api:trial-detail")
    court = _brief("api:organization-detail", read_only=True, allow_null=True)
    place = _brief("api:place-detail", read_only=True, allow_null=True)
    start = ApproximateDateField(read_only=True, allow_null=True)
    end = ApproximateDateField(read_only=True, allow_null=True)
    verdict_date = ApproximateDateField(read_only=True, allow_null=True)


@extend_schema_serializer(examples=seed_examples("cases", detail=True))
class CaseDetailSerializer(CaseSerializer):
    """A case with its defendants (and their current status) and its trials."""

    defendants = CaseDefendantSerializer(many=True, read_only=True, source="visible_defendants")
    trials = CaseTrialSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "defendants", "trials"]


@extend_schema_serializer(examples=seed_examples("defendants", detail=False))
class DefendantSerializer(RecordSerializer):
    """A person (or group) prosecuted in a case. The status changes only through status changes."""

    url = SelfUrlField("api:defendant-detail")
    status = serializers.ChoiceField(
        choices=DefendantStatus.choices,
        read_only=True,
        help_text=_("Where the defendant stands now. Change it with POST /api/v1/defendants/{id}/status-changes/."),
    )
    status_date = ApproximateDateField(read_only=True, allow_null=True, help_text=model_help(Defendant, "status_date"))
    status_as_of = ApproximateDateField(
        read_only=True, allow_null=True, help_text=model_help(Defendant, "status_as_of")
    )
    status_display = serializers.CharField(read_only=True, help_text=STATUS_DISPLAY_HELP)
    current_facility = BriefRelatedField(
        read_only=True,
        allow_null=True,
        view_name="api:facility-detail",
        help_text=model_help(Defendant, "current_facility"),
    )
    custody_since = ApproximateDateField(
        read_only=True, allow_null=True, help_text=model_help(Defendant, "custody_since")
    )
    custody_as_of = ApproximateDateField(
        read_only=True, allow_null=True, help_text=model_help(Defendant, "custody_as_of")
    )
    citations = CitationsField()

    class Meta:
        model = Defendant
        fields = [
            "id",
            "url",
            "case",
            "person",
            "arrested",
            "status",
            "status_date",
            "status_as_of",
            "status_display",
            "current_facility",
            "custody_since",
            "custody_as_of",
            "description",
            "citations",
            "created",
            "updated",
        ]


SENTENCE_STATUS_DISPLAY_HELP = _("The status with the date it is known as of, e.g. 'Serving (as of 2012-12)'.")


class DefendantChargeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("api:charge-detail")
    article = _brief("api:legalarticle-detail", read_only=True, allow_null=True)
    offence_description = serializers.CharField(read_only=True)
    outcome = serializers.ChoiceField(choices=ChargeOutcome.choices, read_only=True)


class DefendantSentenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("api:sentence-detail")
    trial = _brief("api:trial-detail", read_only=True, allow_null=True)
    kind = serializers.ChoiceField(choices=SentenceKind.choices, read_only=True)
    term = QualifiedFigureField(
        value_field="term_months",
        qualifier_field="term_qualifier",
        display=term_in_words,
        read_only=True,
        allow_null=True,
    )
    start = ApproximateDateField(read_only=True, allow_null=True)
    expected_end = ApproximateDateField(read_only=True, allow_null=True)
    actual_release = ApproximateDateField(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=SentenceStatus.choices, read_only=True)
    status_as_of = ApproximateDateField(read_only=True, allow_null=True, help_text=model_help(Sentence, "status_as_of"))
    status_display = serializers.CharField(read_only=True, help_text=SENTENCE_STATUS_DISPLAY_HELP)


class DefendantStatusChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("api:statuschange-detail")
    status = serializers.ChoiceField(choices=DefendantStatus.choices, read_only=True)
    date = ApproximateDateField(read_only=True, allow_null=True, help_text=model_help(StatusChange, "date"))
    known_as_of = ApproximateDateField(
        read_only=True, allow_null=True, help_text=model_help(StatusChange, "known_as_of")
    )
    note = serializers.CharField(read_only=True)
    source = _brief("api:source-detail", read_only=True, allow_null=True)
    excerpt = serializers.CharField(read_only=True)


class AgeSerializer(serializers.Serializer):
    """An age derived from two approximate dates."""

    youngest = serializers.IntegerField(read_only=True, help_text=_("The youngest the person can have been."))
    oldest = serializers.IntegerField(read_only=True, help_text=_("The oldest the person can have been."))
    display = serializers.CharField(
        read_only=True,
        source="__str__",
        help_text=_("The age in words: '40', or 'about 40' when only years are known."),
    )


@extend_schema_serializer(examples=seed_examples("defendants", detail=True))
class DefendantDetailSerializer(DefendantSerializer):
    """A defendant with charges, trials, sentences and the dated history of their status."""

    age_at_arrest = AgeSerializer(
        read_only=True,
        allow_null=True,
        help_text=_(
            "The person's age when arrested or detained, from their date of birth (null when either is unknown)."
        ),
    )
    charges = DefendantChargeSerializer(many=True, read_only=True)
    trials = CaseTrialSerializer(many=True, read_only=True, source="case.trials", help_text=_("The case's trials."))
    sentences = DefendantSentenceSerializer(many=True, read_only=True)
    status_changes = DefendantStatusChangeSerializer(
        many=True, read_only=True, help_text=_("The status history, oldest first.")
    )
    custody_stays = DefendantCustodySerializer(
        many=True, read_only=True, help_text=_("Where the defendant has been held, oldest first.")
    )
    treatment_concerns = TreatmentConcernSerializer(
        many=True,
        read_only=True,
        source="person.treatment_concerns.all",
        help_text=_("Concerns about the person's treatment in custody, each attributed to whoever reports it."),
    )

    class Meta(DefendantSerializer.Meta):
        fields = [
            *DefendantSerializer.Meta.fields,
            "age_at_arrest",
            "charges",
            "trials",
            "sentences",
            "status_changes",
            "custody_stays",
            "treatment_concerns",
        ]


@extend_schema_serializer(examples=seed_examples("status-changes", detail=False))
class StatusChangeSerializer(RecordSerializer):
    """A dated, sourced change of a defendant's status. Recording one updates the defendant's status."""

    url = SelfUrlField("api:statuschange-detail")

    class Meta:
        model = StatusChange
        fields = ["id", "url", "defendant", "status", "date", "known_as_of", "note", "source", "excerpt", "created"]


class NewStatusChangeSerializer(serializers.Serializer):
    """A status change for the defendant in the URL."""

    status = serializers.ChoiceField(choices=DefendantStatus.choices, help_text=model_help(StatusChange, "status"))
    date = ApproximateDateField(
        required=False, allow_null=True, default=None, help_text=model_help(StatusChange, "date")
    )
    known_as_of = ApproximateDateField(
        required=False, allow_null=True, default=None, help_text=model_help(StatusChange, "known_as_of")
    )
    note = StrictCharField(required=False, allow_blank=True, default="", help_text=model_help(StatusChange, "note"))
    source = _brief(
        "api:source-detail",
        queryset=Source.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=model_help(StatusChange, "source"),
    )
    excerpt = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text=model_help(StatusChange, "excerpt"),
    )


# -- law, charges, trials, sentences ----------------------------------------------


class LegalArticleSerializer(RecordSerializer):
    """A provision of a legal code."""

    url = SelfUrlField("api:legalarticle-detail")
    citations = CitationsField()

    class Meta:
        model = LegalArticle
        fields = ["id", "url", "country", "code", "article", "title", "citations"]
        extra_kwargs = {"country": {"validators": [validate_country_code]}}


@extend_schema_serializer(examples=seed_examples("charges", detail=False))
class ChargeSerializer(RecordSerializer):
    """A defendant charged under an article, or with a described offence."""

    url = SelfUrlField("api:charge-detail")
    label = serializers.CharField(
        source="__str__", read_only=True, help_text=_("The article, or the described offence.")
    )
    citations = CitationsField()

    class Meta:
        model = Charge
        fields = [
            "id",
            "url",
            "defendant",
            "article",
            "offence_description",
            "label",
            "outcome",
            "citations",
            "created",
            "updated",
        ]


@extend_schema_serializer(examples=seed_examples("trials", detail=False))
class TrialSerializer(RecordSerializer):
    """A trial in a case."""

    url = SelfUrlField("api:trial-detail")
    citations = CitationsField()

    class Meta:
        model = Trial
        fields = [
            "id",
            "url",
            "case",
            "court",
            "place",
            "start",
            "end",
            "verdict_date",
            "observer_findings",
            "citations",
            "created",
            "updated",
        ]


@extend_schema_serializer(examples=seed_examples("sentences", detail=False))
class SentenceSerializer(RecordSerializer):
    """A sentence: kind, term, dates and where it stands."""

    url = SelfUrlField("api:sentence-detail")
    person = _brief("api:person-detail", read_only=True, source="defendant.person")
    case = _brief("api:case-detail", read_only=True, source="defendant.case")
    term = QualifiedFigureField(
        value_field="term_months",
        qualifier_field="term_qualifier",
        display=term_in_words,
        default_qualifier=Qualifier.EXACT,
        required=False,
        allow_null=True,
        help_text=_("Length in months as the court or source states it (7½ years = 90); null when unknown."),
    )
    expected_end = ApproximateDateField(
        read_only=True, allow_null=True, help_text=_("Start plus term, at the start's precision (derived).")
    )
    status_display = serializers.CharField(read_only=True, help_text=SENTENCE_STATUS_DISPLAY_HELP)
    citations = CitationsField()

    class Meta:
        model = Sentence
        fields = [
            "id",
            "url",
            "defendant",
            "person",
            "case",
            "trial",
            "kind",
            "term",
            "fine_amount",
            "fine_currency",
            "start",
            "expected_end",
            "actual_release",
            "status",
            "status_as_of",
            "status_display",
            "note",
            "citations",
            "created",
            "updated",
        ]
