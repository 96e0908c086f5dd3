"""Prosecutions and what surrounds them: sources, events, cases, defendants,
charges, trials, sentences, and the dated history of each defendant's status.

Every record can be tied to the documents that support it through
:class:`sources.models.Citation`; every change is kept by django-simple-history; records
that others depend on are protected from deletion.
"""

import functools
import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from casetracker.approximate_dates import Age, ApproximateDate, ApproximateDateField, age_at, known, with_as_of
from casetracker.base_models import (
    NameSearchable,
    NameSearchQuerySet,
    NameVariant,
    TitleSearchable,
    TrackedModel,
    confidentiality_field,
    country_code_errors,
    external_id_field,
    qualified_figure_errors,
    raise_if,
    synthetic_field,
)
from casetracker.choices import Qualifier, qualified, split_qualifier
from casetracker.visibility import RestrictedQuerySet, effective_level, no_more_protected_than
from people.models import Organization, Person
from sources.citable import register_citable
from sources.models import (  # noqa: F401  (EXCERPT_MAX_WORDS re-exported)
    EXCERPT_MAX_CHARS,
    EXCERPT_MAX_WORDS,
    Source,
    citations_relation,
    excerpt_errors,
)
from sources.search import register_searchable

from .choices import (
    TERM_KINDS,
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


class Place(NameSearchable):
    """A city, village, region or country, with every spelling sources use."""

    name = models.CharField(
        max_length=200, help_text=_("The name most sources use, e.g. 'Zhanaozen'."), verbose_name=_("name")
    )
    kind = models.CharField(
        max_length=50,
        blank=True,
        help_text=_("City, village, region, country …"),
        verbose_name=_("kind"),
    )
    country = models.CharField(
        max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code, e.g. 'KZ'."), verbose_name=_("country")
    )
    region = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="places",
        help_text=_("The larger region this place lies in, if recorded."),
        verbose_name=_("region"),
    )
    synthetic = synthetic_field()
    citations = citations_relation()

    objects = NameSearchQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = country_code_errors(self.country)
        errors.update(self.region_errors())
        raise_if(errors)

    def region_errors(self) -> dict:
        """A place cannot lie within itself, directly or through the regions it lies within."""
        if self.region_id is None or self.pk is None:
            return {}
        if self.region_id == self.pk:
            return {"region": gettext("A place cannot lie within itself.")}
        seen = {self.pk}
        region = self.region
        while region is not None and region.pk not in seen:
            seen.add(region.pk)
            if region.region_id == self.pk:
                return {
                    "region": gettext("A place cannot lie within itself: %(region)s lies within it.")
                    % {"region": region}
                }
            region = region.region
        return {}


class PlaceName(NameVariant):
    """Another spelling of a place, e.g. Aqtau / Aktau / Актау."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="names", help_text=_("The place."), verbose_name=_("place")
    )
    objects = RestrictedQuerySet.as_manager()

    class Meta(NameVariant.Meta):
        verbose_name = _("place name")
        verbose_name_plural = _("place names")
        constraints = [models.UniqueConstraint(fields=["place", "name"], name="unique_place_name_variant")]


class Event(TitleSearchable):
    """Something that happened, where and when: a strike, a shooting, a state of emergency."""

    title = models.CharField(
        max_length=300,
        help_text=_("A short neutral title, e.g. 'Shooting of protesters in Zhanaozen'."),
        verbose_name=_("title"),
    )
    kind = models.CharField(
        max_length=32,
        choices=EventKind.choices,
        db_index=True,
        help_text=_("What sort of event."),
        verbose_name=_("kind"),
    )
    description = models.TextField(
        blank=True,
        help_text=_("What happened, in our own words, as the sources report it."),
        verbose_name=_("description"),
    )
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text=_("Where it happened."),
        verbose_name=_("place"),
    )
    start = ApproximateDateField(
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When it began, at the precision known."),
        verbose_name=_("start"),
    )
    end = ApproximateDateField(
        null=True, blank=True, help_text=_("When it ended, if it did and that is known."), verbose_name=_("end")
    )
    persons = models.ManyToManyField(
        Person,
        blank=True,
        related_name="events",
        help_text=_("People (or groups) who took part or were affected."),
        verbose_name=_("persons"),
    )
    organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="events",
        help_text=_("Organizations that took part or were affected."),
        verbose_name=_("organizations"),
    )
    synthetic = synthetic_field()
    citations = citations_relation()
    history_m2m_fields = ("persons", "organizations")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start", "title", "id"]

    #: the columns ``__str__`` reads (lists load only these of a related record: see ``load_for_briefs``)
    label_fields = ("title", "start")

    def __str__(self):
        return f"{self.title} ({self.start})" if self.start else self.title

    def clean(self):
        if known(self.start) and known(self.end) and self.end.is_certainly_before(self.start):
            raise_if({"end": gettext("An event cannot end before it began.")})


class EventFigure(TrackedModel):
    """One claim about a number for an event (deaths, arrests), with its own source.

    Contested figures are several claims for the same event and measure:
    one document says at least 15 dead, another at least 16. Each is kept.
    """

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="figures",
        help_text=_("The event counted."),
        verbose_name=_("event"),
    )
    measure = models.CharField(
        max_length=16, choices=FigureMeasure.choices, help_text=_("What is counted."), verbose_name=_("measure")
    )
    value = models.PositiveIntegerField(help_text=_("The number as the source gives it."), verbose_name=_("value"))
    qualifier = models.CharField(
        max_length=12,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
        help_text=_("How the source states it: exactly, at least, more than, up to, about."),
        verbose_name=_("qualifier"),
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="figures",
        help_text=_("The document making this claim."),
        verbose_name=_("source"),
    )
    excerpt = models.TextField(
        max_length=EXCERPT_MAX_CHARS,
        help_text=format_lazy(
            _("The source's exact words for this figure (at most {words} words)."), words=EXCERPT_MAX_WORDS
        ),
        verbose_name=_("excerpt"),
    )
    note = models.CharField(
        max_length=500, blank=True, help_text=_("E.g. 'as reported by the authorities'."), verbose_name=_("note")
    )
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("event figure")
        verbose_name_plural = _("event figures")
        ordering = ["event", "measure", "value", "id"]

    def __str__(self):
        return f"{self.get_measure_display()}: {self.display}"

    @property
    def display(self) -> str:
        return qualified(self.value, self.qualifier)

    def clean(self):
        errors = qualified_figure_errors(self.value, self.qualifier, "value", "qualifier")
        errors.update(excerpt_errors(self.excerpt))
        raise_if(errors)


class Allegation(TrackedModel):
    """A claim someone makes, kept as theirs: who alleges what, against whom, with the source that reports it.

    An allegation is not an established fact. "Police used unnecessary force against protesters", say
    protesters; "some protesters set fire to buildings", say the authorities. Wherever it is shown it
    reads with its attribution (``str()``: "The authorities allege that …"), and a response or denial,
    when one is recorded, goes with it. Who alleges is a recorded person, an organization (or both: a
    researcher of a rights group), or a described party ("the authorities"). An allegation made by or
    against a person is hidden wherever that person is (``casetracker.visibility.RULES``).
    """

    kind = models.CharField(
        max_length=24,
        choices=AllegationKind.choices,
        default=AllegationKind.OTHER,
        db_index=True,
        help_text=_("What the claim is about."),
        verbose_name=_("kind"),
    )
    alleged_by_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allegations_made",
        help_text=_("The person who makes the claim, when they are a recorded person."),
        verbose_name=_("alleged by person"),
    )
    alleged_by_organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allegations_made",
        help_text=_("The organization that makes the claim, or that the person making it speaks for."),
        verbose_name=_("alleged by organization"),
    )
    alleged_by_description = models.CharField(
        max_length=300,
        blank=True,
        help_text=_(
            "Who makes the claim when it is no recorded person or organization, as a plural or collective noun "
            "that reads before 'allege that': 'the authorities', 'protesters', 'rights groups'. Say how the claim "
            "reached the source when that matters: 'protesters (as Human Rights Watch reports)'."
        ),
        verbose_name=_("alleged by description"),
    )
    claim = models.TextField(
        help_text=_(
            "What is alleged, in our own words, as a clause that reads after 'alleges that': 'police tortured "
            "suspects in detention'. The attribution is added wherever the claim is shown."
        ),
        verbose_name=_("claim"),
    )
    against_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allegations_against",
        help_text=_("The person the claim is made against, if any."),
        verbose_name=_("against person"),
    )
    against_organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allegations_against",
        help_text=_("The organization the claim is made against, if any."),
        verbose_name=_("against organization"),
    )
    against_description = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("Against whom, when it is no recorded person or organization: 'the police', 'some protesters'."),
        verbose_name=_("against description"),
    )
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allegations",
        help_text=_("The event the claim is about, if any."),
        verbose_name=_("event"),
    )
    made = ApproximateDateField(
        null=True,
        blank=True,
        help_text=_(
            "When the claim was made, at the precision known; empty when the source does not say (the source's "
            "own date says when it was reported)."
        ),
        verbose_name=_("made"),
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="allegations",
        help_text=_("The document that reports the claim."),
        verbose_name=_("source"),
    )
    excerpt = models.TextField(
        max_length=EXCERPT_MAX_CHARS,
        help_text=format_lazy(
            _("The source's exact words for the claim: one phrase, at most {words} words."), words=EXCERPT_MAX_WORDS
        ),
        verbose_name=_("excerpt"),
    )
    response = models.TextField(
        blank=True,
        help_text=_(
            "The answer to the claim, if one is recorded, in our own words and saying whose it is: a denial by "
            "those it is made against, an official account, another source's contrary account."
        ),
        verbose_name=_("response"),
    )
    response_source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allegation_responses",
        help_text=_("The document that reports the response."),
        verbose_name=_("response source"),
    )
    response_excerpt = models.TextField(
        max_length=EXCERPT_MAX_CHARS,
        blank=True,
        help_text=format_lazy(
            _("The exact words of the response's source (at most {words} words)."), words=EXCERPT_MAX_WORDS
        ),
        verbose_name=_("response excerpt"),
    )
    note = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("Anything a reader should know about the claim."),
        verbose_name=_("note"),
    )
    # -- a concern about a person's treatment in custody (issue 18): the same attributed claim -------------
    concern = models.CharField(
        max_length=16,
        choices=TreatmentConcern.choices,
        blank=True,
        db_index=True,
        help_text=_(
            "For a concern about a person's treatment in custody: what it concerns (health, ill-treatment, visits "
            "denied, hunger strike …). Empty for other claims."
        ),
    )
    concerns_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="treatment_concerns",
        help_text=_("For a treatment concern: the person in custody it is about. Required with a concern."),
    )
    concern_date = ApproximateDateField(
        null=True,
        blank=True,
        help_text=_("For a treatment concern: when it happened or began, at the precision known."),
    )
    citations = citations_relation()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("allegation")
        verbose_name_plural = _("allegations")
        ordering = ["id"]

    def __str__(self):
        return self.attribution

    @property
    def alleged_by(self) -> str:
        """Who makes the claim, as it reads: 'Hugh Williamson (Human Rights Watch)', 'the authorities'."""
        person = self.alleged_by_person.name if self.alleged_by_person_id else ""
        organization = self.alleged_by_organization.name if self.alleged_by_organization_id else ""
        if person and organization:
            return f"{person} ({organization})"
        return person or organization or self.alleged_by_description

    @property
    def attribution(self) -> str:
        """The claim with who makes it: 'The authorities allege that some protesters set fire to …'."""
        who = self.alleged_by or gettext("someone not recorded")
        if self.alleged_by_person_id or self.alleged_by_organization_id:
            text = gettext("%(who)s alleges that %(claim)s") % {"who": who, "claim": self.claim}
        else:
            text = gettext("%(who)s allege that %(claim)s") % {"who": who, "claim": self.claim}
        return text[:1].upper() + text[1:]

    def clean(self):
        errors = excerpt_errors(self.excerpt)
        errors.update(excerpt_errors(self.response_excerpt, "response_excerpt"))
        if not (self.alleged_by_person_id or self.alleged_by_organization_id or self.alleged_by_description.strip()):
            errors["alleged_by_description"] = gettext(
                "Say who makes the claim: a person, an organization, or a description such as 'the authorities'."
            )
        if self.response_excerpt and not self.response_source_id:
            errors["response_excerpt"] = gettext("A response's excerpt needs the source it is quoted from.")
        if self.response_source_id and not self.response.strip():
            errors["response"] = gettext("Say what the response is, and whose, in our own words.")
        today = ApproximateDate.parse(timezone.localdate())
        if known(self.made) and self.made.is_certainly_after(today):
            errors["made"] = gettext("A claim cannot be dated in the future.")
        if self.concern and not self.concerns_person_id:
            errors["concerns_person"] = gettext("Say which person in custody the concern is about.")
        if (self.concerns_person_id or self.concern_date is not None) and not self.concern:
            errors["concern"] = gettext("Say what the concern is about (health, ill-treatment, …), or clear it.")
        if known(self.concern_date) and self.concern_date.is_certainly_after(today):
            errors["concern_date"] = gettext("A concern cannot be dated in the future.")
        raise_if(errors)


class CaseQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        return self.restrict(user)


class Case(TitleSearchable):
    """A prosecution or a related matter (a media closure, an investigation)."""

    title = models.CharField(
        max_length=300,
        help_text=_("A short title readers will recognise, e.g. 'Trial of Kozlov, Sapargali and Aminov'."),
        verbose_name=_("title"),
    )
    kind = models.CharField(
        max_length=16,
        choices=CaseKind.choices,
        default=CaseKind.CRIMINAL,
        db_index=True,
        help_text=_("What sort of matter."),
        verbose_name=_("kind"),
    )
    description = models.TextField(
        blank=True, help_text=_("What the case is about, in our own words."), verbose_name=_("description")
    )
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text=_("ISO 3166-1 alpha-2 code of the prosecuting state."),
        verbose_name=_("country"),
    )
    opened = ApproximateDateField(
        null=True, blank=True, db_index=True, help_text=_("When proceedings began, if known."), verbose_name=_("opened")
    )
    events = models.ManyToManyField(
        Event,
        blank=True,
        related_name="cases",
        help_text=_("The events the case arises from."),
        verbose_name=_("events"),
    )
    organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="cases",
        help_text=_("Organizations targeted by the matter, e.g. media outlets closed."),
        verbose_name=_("organizations"),
    )
    confidentiality = confidentiality_field()
    synthetic = synthetic_field()
    citations = citations_relation()
    history_m2m_fields = ("events", "organizations")

    external_id = external_id_field()
    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["title", "id"]
        # Lists of cases, defendants and sentences are ordered by case title first: with this index a
        # page is read in order instead of sorting every matching row (bench/: 200 ms -> 10 ms).
        indexes = [models.Index(fields=["title", "id"], name="case_title_id_idx")]

    #: the columns ``__str__`` reads (lists load only these of a related record: see ``load_for_briefs``)
    label_fields = ("title",)

    def __str__(self):
        return self.title

    def clean(self):
        raise_if(country_code_errors(self.country))


class DefendantQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        return self.restrict(user)


class Facility(NameSearchable):
    """A place of detention: a police station, pre-trial centre, prison, penal colony, hospital, or a home."""

    name = models.CharField(
        max_length=300, help_text=_("The name most sources use, e.g. 'Penal colony UG-157/11 (Zhanaozen)'.")
    )
    kind = models.CharField(
        max_length=16, choices=FacilityKind.choices, db_index=True, help_text=_("What sort of place of detention.")
    )
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="facilities",
        help_text=_("The town or region it is in; filtering by a region finds facilities in its places too."),
    )
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Latitude in decimal degrees (WGS 84), from -90 to 90, for maps. Give both or neither."),
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Longitude in decimal degrees (WGS 84), from -180 to 180, for maps. Give both or neither."),
    )
    description = models.TextField(blank=True, help_text=_("What is known of the place, as the sources describe it."))
    synthetic = synthetic_field()
    citations = citations_relation()

    external_id = external_id_field()
    objects = NameSearchQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = _("facilities")

    #: the columns ``__str__`` reads (lists load only these of a related record: see ``load_for_briefs``)
    label_fields = ("name",)

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            errors[missing] = gettext("Give both the latitude and the longitude, or neither.")
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            errors["latitude"] = gettext("A latitude is between -90 and 90 degrees.")
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            errors["longitude"] = gettext("A longitude is between -180 and 180 degrees.")
        raise_if(errors)


class FacilityName(NameVariant):
    """Another name of a facility (its official number, a transliteration, a former name)."""

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="names", help_text=_("The facility this name belongs to.")
    )
    objects = RestrictedQuerySet.as_manager()

    class Meta(NameVariant.Meta):
        constraints = [
            models.UniqueConstraint(fields=["facility", "name"], name="unique_facility_name_variant"),
        ]


class Defendant(TrackedModel):
    """A person (or group) prosecuted in a case, with where they stand today.

    ``status`` is the latest entry of the dated :class:`StatusChange` history
    and is changed only by ``cases.services.defendant_change_status``. It and
    the current place of detention count only the changes and stays every
    reader of the defendant may see (:meth:`shown_with`), and are re-derived
    when a level changes (``cases.signals``).
    """

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="defendants", help_text=_("The case."), verbose_name=_("case")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="defendants",
        help_text=_("The person, or the group of unidentified persons, prosecuted."),
        verbose_name=_("person"),
    )
    arrested = ApproximateDateField(
        null=True,
        blank=True,
        help_text=_("When they were arrested or detained, at the precision known. No status change may predate it."),
        verbose_name=_("arrested"),
    )
    status = models.CharField(
        max_length=16,
        choices=DefendantStatus.choices,
        default=DefendantStatus.UNKNOWN,
        editable=False,
        db_index=True,
        help_text=_("Where the defendant stands now: the latest entry of the status history."),
        verbose_name=_("status"),
    )
    status_date = ApproximateDateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the current status took effect, if that is known (from the latest status change)."),
        verbose_name=_("status date"),
    )
    status_as_of = ApproximateDateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The date the current status is known as of (from the latest status change): the date of the report "
            "that says so. The status is not known to hold after it."
        ),
        verbose_name=_("status as of"),
    )
    description = models.TextField(
        blank=True,
        help_text=_("The defendant's role in the case as the sources describe it."),
        verbose_name=_("description"),
    )
    current_facility = models.ForeignKey(
        Facility,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="current_defendants",
        help_text=_(
            "Where the defendant is held now: the facility of the latest custody stay, while it has not ended. "
            "Derived from the custody history."
        ),
    )
    custody_since = ApproximateDateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("Since when the defendant is held at the current facility, if known (from the latest stay)."),
    )
    custody_as_of = ApproximateDateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("The date the current place of detention is known as of (from the latest stay)."),
    )
    citations = citations_relation()

    external_id = external_id_field()
    objects = DefendantQuerySet.as_manager()

    class Meta:
        verbose_name = _("defendant")
        verbose_name_plural = _("defendants")
        ordering = ["case__title", "person__name", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="unique_defendant_per_case")]

    #: the columns ``__str__`` reads (lists load only these of a related record: see ``load_for_briefs``)
    label_fields = ("person", "case")

    def __str__(self):
        return f"{self.person} ({self.case})"

    @property
    def custody_display(self) -> str:
        """The current place of detention with its dates: 'Penal colony X since 2013-02 (as of 2014-06)'."""
        if self.current_facility_id is None:
            return ""
        return dated_status(str(self.current_facility), took_effect=self.custody_since, as_of=self.custody_as_of)

    def shown_with(self, records: models.QuerySet, level: str | None = None) -> models.QuerySet:
        """``records`` (this defendant's status changes or custody stays) that every reader of the defendant sees.

        Those whose level by the rule is no more protected than the defendant's own (``level``, worked out
        when not given): the current status and place of detention, shown wherever the defendant is, are
        derived from these only, so a change reported by a confidential source never shows through them.
        """
        return no_more_protected_than(records, level or effective_level(self))

    def refresh_custody(self, level: str | None = None) -> None:
        """Set the current place of detention from the latest custody stay (:func:`custody_timeline`).

        The latest stay, by the date it began or, when that is unknown, the date it is known as of, is
        the current one while it has no end; a stay that ended leaves no current facility. Only the stays
        every reader of the defendant may see count (:meth:`shown_with`); ``level`` is the defendant's
        level by the rule, when the caller knows it.
        """
        stays = self.shown_with(self.custody_stays.all(), level)
        latest = stays.order_by(custody_timeline().desc(), "-created", "-id").first()
        current = latest if latest is not None and latest.end is None else None
        values = (
            current.facility_id if current else None,
            current.start if current else None,
            current.known_as_of if current else None,
        )
        if (self.current_facility_id, self.custody_since, self.custody_as_of) != values:
            self.current_facility_id, self.custody_since, self.custody_as_of = values
            self.save(update_fields=["current_facility", "custody_since", "custody_as_of", "updated"])

    @property
    def age_at_arrest(self) -> Age | None:
        """The person's age when arrested or detained, from their date of birth, at the precision both are known
        to ("about 40" when only years are known); ``None`` when either date is unknown."""
        return age_at(self.person.birth_date, self.arrested)

    @property
    def status_display(self) -> str:
        """The current status with what is known of its dates: 'Imprisoned since 2012-10 (as of 2012-12)'."""
        # The enum's label, not get_status_display(): that builds a dict of every lazy choice label (a
        # translation lookup each) on every call, which was most of a defendant list's serialising time.
        try:
            label = str(DefendantStatus(self.status).label)
        except ValueError:  # a value outside the choices reads as itself, as get_status_display() had it
            label = self.status
        return dated_status(label, took_effect=self.status_date, as_of=self.status_as_of)

    def clean(self):
        if known(self.arrested) and self.arrested.is_certainly_after(ApproximateDate.parse(timezone.localdate())):
            raise_if({"arrested": gettext("An arrest cannot be dated in the future.")})


def dated_status(label: str, *, took_effect: ApproximateDate | None, as_of: ApproximateDate | None) -> str:
    """A status with what is known of its dates.

    ``Convicted since 2012-10``; ``Serving a prison sentence since 2012-10 (as of 2012-12)``; with the
    date it took effect unknown, ``Serving a prison sentence (as of 2012-12)``. A date it is known as
    of that is the date it took effect is not repeated.
    """
    text = label
    if took_effect is not None:
        text = gettext("%(status)s since %(date)s") % {"status": label, "date": took_effect}
    return with_as_of(text, as_of if as_of != took_effect else None)


def status_timeline():
    """Where a status change sits in a defendant's history: the date it took effect, or, when that is
    unknown, the date it is known as of (it had taken effect by then)."""
    return Coalesce("date", "known_as_of")


class StatusChange(TrackedModel):
    """A dated, sourced change of a defendant's status (detained → convicted → released …).

    Two dates, because a report is not an event: ``date`` is when the status took effect (it may stay
    unknown), ``known_as_of`` the date a source shows it holding ("is serving", written in December
    2012). At least one is given. In the history a change sits at its ``date``, or, when that is
    unknown, at its ``known_as_of`` (:func:`status_timeline`).
    """

    defendant = models.ForeignKey(
        Defendant,
        on_delete=models.PROTECT,
        related_name="status_changes",
        help_text=_("Whose status changed."),
        verbose_name=_("defendant"),
    )
    status = models.CharField(
        max_length=16, choices=DefendantStatus.choices, help_text=_("The new status."), verbose_name=_("status")
    )
    date = ApproximateDateField(
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "When the status took effect, at the precision known. Leave it empty when the source does not say: "
            "a report that someone is in prison dates the report, not the imprisonment."
        ),
        verbose_name=_("date"),
    )
    known_as_of = ApproximateDateField(
        null=True,
        blank=True,
        help_text=_(
            "The date the source shows the status holding, usually the date of the report ('is serving', "
            "written in December 2012). Required when the date it took effect is unknown; empty when the source "
            "only dates the change itself."
        ),
        verbose_name=_("known as of"),
    )
    note = models.TextField(
        blank=True,
        help_text=_("What happened, in our own words. Required when no source is given."),
        verbose_name=_("note"),
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="status_changes",
        help_text=_("The document that reports the change. Required when no note is given."),
        verbose_name=_("source"),
    )
    excerpt = models.TextField(
        max_length=EXCERPT_MAX_CHARS,
        blank=True,
        help_text=format_lazy(
            _("The source's exact words for the change (at most {words} words)."), words=EXCERPT_MAX_WORDS
        ),
        verbose_name=_("excerpt"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The staff member who recorded the change."),
        verbose_name=_("recorded by"),
    )
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["defendant", status_timeline().asc(), "created", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date__isnull=False) | Q(known_as_of__isnull=False),
                name="status_change_dated",
                violation_error_message=_(
                    "Give the date the status took effect, or the date it is known as of (the report's date)."
                ),
            )
        ]

    def __str__(self):
        return f"{self.get_status_display()} ({self.dates_display})"

    @property
    def dates_display(self) -> str:
        """'2012-10', '2012-10, as of 2012-12' or 'date unknown, as of 2012-12'."""
        took_effect = str(self.date) if self.date is not None else gettext("date unknown")
        if self.known_as_of is None or self.known_as_of == self.date:
            return took_effect
        return gettext("%(date)s, as of %(as_of)s") % {"date": took_effect, "as_of": self.known_as_of}

    def clean(self):
        errors = excerpt_errors(self.excerpt)
        if not self.source_id and not (self.note or "").strip():
            errors["source"] = gettext("Give a source for the change, or a note saying how it is known.")
        if self.excerpt and not self.source_id:
            errors["excerpt"] = gettext("An excerpt needs the source it is quoted from.")
        if self.date is None and self.known_as_of is None:
            errors["date"] = gettext(
                "Give the date the status took effect, or, when the source does not say, the date it is known as "
                "of (the report's date) under 'known as of'."
            )
        today = ApproximateDate.parse(timezone.localdate())
        arrested = known(self.defendant.arrested) if self.defendant_id else None
        if known(self.date):
            if self.date.is_certainly_after(today):
                errors["date"] = gettext("A status change cannot be dated in the future.")
            if arrested and self.date.is_certainly_before(arrested):
                errors["date"] = gettext("The change is dated before the defendant's arrest (%(date)s).") % {
                    "date": arrested
                }
        if known(self.known_as_of):
            if self.known_as_of.is_certainly_after(today):
                errors["known_as_of"] = gettext("A status cannot be known as of a date in the future.")
            elif known(self.date) and self.known_as_of.is_certainly_before(self.date):
                errors["known_as_of"] = gettext(
                    "A status cannot be known as of a date before it took effect (%(date)s)."
                ) % {"date": self.date}
            elif self.date is None and arrested and self.known_as_of.is_certainly_before(arrested):
                errors["known_as_of"] = gettext(
                    "The change is known as of a date before the defendant's arrest (%(date)s)."
                ) % {"date": arrested}
        raise_if(errors)


def custody_timeline():
    """Where a custody stay sits in a defendant's history: when it began, or, when that is unknown, the date
    it is known as of."""
    return Coalesce("start", "known_as_of")


class CustodyStay(TrackedModel):
    """A dated, sourced stay of a defendant in a place of detention (from, to, known as of).

    The defendant's current place of detention is derived from these, the way the current status is
    from the status changes (:meth:`Defendant.refresh_custody`, run whenever a stay is saved or deleted).
    """

    defendant = models.ForeignKey(
        Defendant, on_delete=models.PROTECT, related_name="custody_stays", help_text=_("Who was held.")
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="custody_stays", help_text=_("Where they were held.")
    )
    start = ApproximateDateField(
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When the stay began, at the precision known. Empty when the source does not say."),
    )
    end = ApproximateDateField(
        null=True,
        blank=True,
        help_text=_("When the stay ended (a transfer, a release), at the precision known. Empty while it lasts."),
    )
    known_as_of = ApproximateDateField(
        null=True,
        blank=True,
        help_text=_(
            "The date the source shows the person held there, usually the report's date. Required when the start "
            "is unknown."
        ),
    )
    note = models.TextField(blank=True, help_text=_("How it is known, in our own words. Required without a source."))
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="custody_stays",
        help_text=_("The document that reports the stay. Required when no note is given."),
    )
    excerpt = models.TextField(
        max_length=EXCERPT_MAX_CHARS,
        blank=True,
        help_text=format_lazy(
            _("The source's exact words for the stay (at most {words} words)."), words=EXCERPT_MAX_WORDS
        ),
    )
    external_id = external_id_field()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["defendant", custody_timeline().asc(), "created", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=False) | Q(known_as_of__isnull=False),
                name="custody_stay_dated",
                violation_error_message=_(
                    "Give the date the stay began, or the date it is known as of (the report's date)."
                ),
            )
        ]

    def __str__(self):
        return gettext("%(facility)s (%(dates)s)") % {"facility": self.facility, "dates": self.dates_display}

    @property
    def dates_display(self) -> str:
        """'2012-02 to 2012-06', 'since 2013-02', 'as of 2014-06'."""
        if self.start is not None and self.end is not None:
            text = gettext("%(start)s to %(end)s") % {"start": self.start, "end": self.end}
        elif self.start is not None:
            text = gettext("since %(start)s") % {"start": self.start}
        elif self.end is not None:
            text = gettext("until %(end)s") % {"end": self.end}
        else:
            text = gettext("dates unknown")
        if self.known_as_of is not None and self.known_as_of not in (self.start, self.end):
            text = with_as_of(text, self.known_as_of)
        return text

    def clean(self):
        errors = excerpt_errors(self.excerpt)
        if not self.source_id and not (self.note or "").strip():
            errors["source"] = gettext("Give a source for the stay, or a note saying how it is known.")
        if self.excerpt and not self.source_id:
            errors["excerpt"] = gettext("An excerpt needs the source it is quoted from.")
        if self.start is None and self.known_as_of is None:
            errors["start"] = gettext(
                "Give the date the stay began, or, when the source does not say, the date it is known as of."
            )
        today = ApproximateDate.parse(timezone.localdate())
        arrested = known(self.defendant.arrested) if self.defendant_id else None
        for name in ("start", "end", "known_as_of"):
            value = known(getattr(self, name))
            if value and value.is_certainly_after(today):
                errors.setdefault(name, gettext("A custody stay cannot be dated in the future."))
        if known(self.start) and arrested and self.start.is_certainly_before(arrested):
            errors.setdefault(
                "start", gettext("The stay begins before the defendant's arrest (%(date)s).") % {"date": arrested}
            )
        if known(self.start) and known(self.end) and self.end.is_certainly_before(self.start):
            errors.setdefault("end", gettext("A stay cannot end before it began."))
        raise_if(errors)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.defendant.refresh_custody()

    def delete(self, *args, **kwargs):
        defendant = self.defendant
        result = super().delete(*args, **kwargs)
        defendant.refresh_custody()
        return result


class LegalArticle(TrackedModel):
    """A provision of a legal code, e.g. an article of Kazakhstan's Criminal Code."""

    country = models.CharField(
        max_length=2, help_text=_("ISO 3166-1 alpha-2 code, e.g. 'KZ'."), verbose_name=_("country")
    )
    code = models.CharField(
        max_length=200, help_text=_("The code or statute, e.g. 'Criminal Code (1997)'."), verbose_name=_("code")
    )
    article = models.CharField(
        max_length=50, help_text=_("The article and part, e.g. '164(3)'."), verbose_name=_("article")
    )
    title = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("What the provision prohibits, e.g. 'Inciting social hatred'."),
        verbose_name=_("title"),
    )
    synthetic = synthetic_field()
    citations = citations_relation()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal article")
        verbose_name_plural = _("legal articles")
        ordering = ["country", "code", "article"]
        constraints = [
            models.UniqueConstraint(fields=["country", "code", "article"], name="unique_legal_article"),
        ]

    def __str__(self):
        return legal_article_str(code=self.code, article=self.article, title=self.title)

    def clean(self):
        raise_if(country_code_errors(self.country))


def legal_article_str(*, code: str, article: str, title: str | None) -> str:
    """``Criminal Code art. 164(3) – Inciting social hatred``: an article's one label.

    :meth:`LegalArticle.__str__` and the exports (which read plain values, not models) both use it.
    """
    text = f"{code} art. {article}"
    return f"{text} – {title}" if title else text


class Charge(TrackedModel):
    """A defendant charged under an article, or with a described offence when the article is unknown."""

    defendant = models.ForeignKey(
        Defendant,
        on_delete=models.PROTECT,
        related_name="charges",
        help_text=_("Who is charged."),
        verbose_name=_("defendant"),
    )
    article = models.ForeignKey(
        LegalArticle,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charges",
        help_text=_("The provision charged under, if the sources name it."),
        verbose_name=_("article"),
    )
    offence_description = models.CharField(
        max_length=500,
        blank=True,
        help_text=_(
            "The offence as the sources describe it, e.g. 'inciting social hatred'. Required without an article."
        ),
        verbose_name=_("offence description"),
    )
    outcome = models.CharField(
        max_length=12,
        choices=ChargeOutcome.choices,
        default=ChargeOutcome.PENDING,
        db_index=True,
        help_text=_("What became of the charge."),
        verbose_name=_("outcome"),
    )
    citations = citations_relation()
    external_id = external_id_field()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["defendant", "id"]

    def __str__(self):
        """The article, or the described offence when the article is unknown."""
        return str(self.article) if self.article_id else self.offence_description

    def clean(self):
        if not self.article_id and not self.offence_description.strip():
            raise_if({"offence_description": gettext("Name the legal article or describe the offence.")})


class Trial(TrackedModel):
    """A trial in a case: where, when, before which court, and what observers found."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="trials", help_text=_("The case tried."), verbose_name=_("case")
    )
    court = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trials",
        limit_choices_to={"kind": "court"},
        help_text=_("The court, if the sources name it."),
        verbose_name=_("court"),
    )
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trials",
        help_text=_("Where the trial was held, if known."),
        verbose_name=_("place"),
    )
    start = ApproximateDateField(
        null=True, blank=True, db_index=True, help_text=_("When the trial began."), verbose_name=_("start")
    )
    end = ApproximateDateField(null=True, blank=True, help_text=_("When the hearings ended."), verbose_name=_("end"))
    verdict_date = ApproximateDateField(
        null=True, blank=True, db_index=True, help_text=_("When the verdict was given."), verbose_name=_("verdict date")
    )
    observer_findings = models.TextField(
        blank=True,
        help_text=_("What trial observers concluded about fairness and evidence, in our own words."),
        verbose_name=_("observer findings"),
    )
    citations = citations_relation()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("trial")
        verbose_name_plural = _("trials")
        ordering = ["start", "id"]

    #: the columns ``__str__`` reads (lists load only these of a related record: see ``load_for_briefs``)
    label_fields = ("case", "start")

    def __str__(self):
        if self.start:
            return gettext("Trial in %(case)s (%(start)s)") % {"case": self.case, "start": self.start}
        return gettext("Trial in %(case)s") % {"case": self.case}

    def clean(self):
        errors = {}
        if known(self.start) and known(self.end) and self.end.is_certainly_before(self.start):
            errors["end"] = gettext("The trial cannot end before it began.")
        if known(self.start) and known(self.verdict_date) and self.verdict_date.is_certainly_before(self.start):
            errors["verdict_date"] = gettext("The verdict cannot come before the trial began.")
        raise_if(errors)


class Sentence(TrackedModel):
    """A sentence handed to a defendant: kind, term, dates and where it stands.

    ``expected_end`` is derived from ``start`` and ``term_months`` on save, at
    the precision of the start date.
    """

    defendant = models.ForeignKey(
        Defendant,
        on_delete=models.PROTECT,
        related_name="sentences",
        help_text=_("Who was sentenced."),
        verbose_name=_("defendant"),
    )
    trial = models.ForeignKey(
        Trial,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sentences",
        help_text=_("The trial that imposed it, if recorded."),
        verbose_name=_("trial"),
    )
    kind = models.CharField(
        max_length=20,
        choices=SentenceKind.choices,
        db_index=True,
        help_text=_("What sort of sentence."),
        verbose_name=_("kind"),
    )
    term_months = models.PositiveIntegerField(
        null=True,
        blank=True,
        db_index=True,
        help_text=(
            _("Length in months (7½ years = 90). Kept for probation and suspended sentences too. Empty when unknown.")
        ),
        verbose_name=_("term months"),
    )
    term_qualifier = models.CharField(
        max_length=12,
        choices=Qualifier.choices,
        blank=True,
        help_text=_("How the term was stated: exactly, up to (12 years), at least …"),
        verbose_name=_("term qualifier"),
    )
    fine_amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a fine: the amount."),
        verbose_name=_("fine amount"),
    )
    fine_currency = models.CharField(
        max_length=3,
        blank=True,
        help_text=_("For a fine: ISO 4217 currency code, e.g. 'KZT'."),
        verbose_name=_("fine currency"),
    )
    start = ApproximateDateField(
        null=True,
        blank=True,
        help_text=_(
            "When the sentence began (often the arrest, for time served), if a source says so. Never the date of "
            "a report that the person is serving: that is the status's 'known as of'."
        ),
        verbose_name=_("start"),
    )
    expected_end = ApproximateDateField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Start plus term, at the start's precision. Derived; not entered."),
        verbose_name=_("expected end"),
    )
    actual_release = ApproximateDateField(
        null=True,
        blank=True,
        help_text=_("When the person was actually released, if they were."),
        verbose_name=_("actual release"),
    )
    status = models.CharField(
        max_length=16,
        choices=SentenceStatus.choices,
        default=SentenceStatus.UNKNOWN,
        db_index=True,
        help_text=_("Where the sentence stands."),
        verbose_name=_("status"),
    )
    status_as_of = ApproximateDateField(
        null=True,
        blank=True,
        help_text=_(
            "The date the status is known as of: the date of the latest source that reports it ('serving', as "
            "reported in December 2012). Empty when staff keep the status current. The status is not known to "
            "hold after this date, so time served is counted to it and no further."
        ),
        verbose_name=_("status as of"),
    )
    note = models.TextField(
        blank=True, help_text=_("Anything else, e.g. appeals, conditions of probation."), verbose_name=_("note")
    )
    citations = citations_relation()
    external_id = external_id_field()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sentence")
        verbose_name_plural = _("sentences")
        ordering = ["defendant", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.term_display or 'term unknown'} – {self.defendant.person}"

    @property
    def term_display(self) -> str:
        return term_in_words(self.term_months, self.term_qualifier)

    @property
    def status_display(self) -> str:
        """The status with the date it is known as of: 'Serving (as of 2012-12)'."""
        return sentence_status_str(self.status, self.status_as_of)

    def derive_expected_end(self):
        if known(self.start) and self.term_months is not None and self.kind in TERM_KINDS:
            return self.start.add_months(self.term_months)
        return None

    def clean(self):
        errors = qualified_figure_errors(self.term_months, self.term_qualifier, "term_months", "term_qualifier")
        if self.kind == SentenceKind.FINE:
            if self.term_months is not None:
                errors["term_months"] = gettext(
                    "A fine has an amount, not a term; record a separate sentence for any term."
                )
        elif self.fine_amount is not None:
            errors["fine_amount"] = gettext("Only a fine has an amount.")
        if self.fine_amount is not None and self.fine_amount < 0:
            errors["fine_amount"] = gettext("A fine cannot be negative.")
        if self.fine_amount is not None and not self.fine_currency:
            errors["fine_currency"] = gettext("Give the currency of the fine, e.g. KZT.")
        if self.trial_id and self.defendant_id and self.trial.case_id != self.defendant.case_id:
            errors["trial"] = gettext("The trial must belong to the defendant's case.")
        if known(self.start) and known(self.actual_release) and self.actual_release.is_certainly_before(self.start):
            errors["actual_release"] = gettext("The release cannot come before the sentence began (%(date)s).") % {
                "date": self.start
            }
        if known(self.actual_release) and self.status == SentenceStatus.SERVING:
            errors["status"] = gettext(
                "A released person is no longer serving; choose completed, released early, pardoned …"
            )
        today = ApproximateDate.parse(timezone.localdate())
        if known(self.status_as_of) and self.status_as_of.is_certainly_after(today):
            errors["status_as_of"] = gettext("A status cannot be known as of a date in the future.")
        raise_if(errors)

    def save(self, *args, **kwargs):
        self.expected_end = self.derive_expected_end()
        super().save(*args, **kwargs)


def sentence_status_str(status: str, status_as_of: ApproximateDate | None) -> str:
    """'Serving (as of 2012-12)': a sentence's status with the date it is known as of, when recorded.

    :attr:`Sentence.status_display` and the exports (plain values) both use it.
    """
    try:
        label = str(SentenceStatus(status).label)
    except ValueError:  # a value outside the choices reads as itself
        label = status
    return with_as_of(label, status_as_of)


def term_in_words(months: int | None, qualifier: str = "") -> str:
    """``90`` → ``7 years 6 months``; with ``up_to`` and 144 → ``up to 12 years``; in the active language
    (``7 лет 6 месяцев``, ``7 жыл 6 ай``), which :func:`parse_term` reads back."""
    if months is None:
        return ""
    return _term_in_words(get_language(), months, qualifier or "")


@functools.lru_cache(maxsize=4096)
def _term_in_words(language: str | None, months: int, qualifier: str) -> str:
    """:func:`term_in_words` for one language, worked out once: a list or an export writes the same few
    hundred terms over and over, and each ``ngettext`` looks the phrase up in the language's catalogues."""
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(ngettext("%(count)d year", "%(count)d years", years) % {"count": years})
    if rest or not years:
        parts.append(ngettext("%(count)d month", "%(count)d months", rest) % {"count": rest})
    text = " ".join(parts)
    if qualifier and qualifier != Qualifier.EXACT:
        text = f"{Qualifier(qualifier).label} {text}"
    return text


_YEARS = r"years?|yrs?|y|годы|года|год|лет|г\.?|жылға|жылдан|жылдық|жыл"
_MONTHS = r"months?|mos?|m|месяцев|месяца|месяц|мес\.?|айға|айдан|айлық|ай"
_END = r"(?=[\s,]|$)"
_TERM = re.compile(
    rf"^(?:(?P<years>\d+(?:[.,]5)?|\d+\s*½)\s*(?:{_YEARS}){_END})?\s*,?\s*(?:(?:and|и|және)\s+)?"
    rf"(?:(?P<months>\d+)\s*(?:{_MONTHS}){_END})?$",
    re.IGNORECASE,
)
TERM_EXAMPLE = "up to 12 years"


def parse_term(text) -> tuple[int | None, str]:
    """A term as people write it, the inverse of :func:`term_in_words`: months and qualifier.

    ``"7 years 6 months"`` → ``(90, "exact")``; ``"up to 12 years"`` → ``(144, "up_to")``;
    ``"90 months"``, ``"7.5 years"`` and ``"7½ years"`` → ``(90, "exact")``. Russian and Kazakh alike:
    ``"7 лет 6 месяцев"``, ``"7 жыл 6 ай"``, ``"до 12 лет"``, ``"12 жылға дейін"``, ``"не менее 5 лет"``.
    Empty text is ``(None, "")``.
    A bare number is refused: "12" could mean months or years. Raises ``ValueError`` saying what to write.
    """
    text = "" if text is None else str(text).strip()
    if not text:
        return None, ""
    qualifier, rest = split_qualifier(text)
    match = _TERM.match(rest)
    if not rest or not match or not (match.group("years") or match.group("months")):
        raise ValueError(
            gettext("%(text)s is not a term; write e.g. %(example)s")
            % {"text": repr(text), "example": repr(TERM_EXAMPLE)}
        )
    years = (match.group("years") or "0").replace(" ", "").replace(",", ".").replace("½", ".5")
    months = round(float(years) * 12) + int(match.group("months") or 0)
    return months, str(qualifier or Qualifier.EXACT)


# What citations may point at (sources.citable): the API's name, what the label reads, and the label where it
# is not __str__.
register_citable(Place, name="place")
register_citable(Facility, name="facility")
register_citable(CustodyStay, name="custody-stay", joins=("facility",))
register_citable(Event, name="event")
register_citable(EventFigure, name="event-figure")
register_citable(Case, name="case")
register_citable(Defendant, name="defendant", joins=("person", "case"))
register_citable(StatusChange, name="status-change")
register_citable(LegalArticle, name="legal-article")
register_citable(Charge, name="charge", joins=("article",))
register_citable(Trial, name="trial", joins=("case",))
register_citable(Sentence, name="sentence", joins=("defendant__person",))
register_citable(Allegation, name="allegation", joins=("alleged_by_person", "alleged_by_organization"))
register_searchable(Event, kind="event", fields=("title", "description"))
register_searchable(Case, kind="case", fields=("title", "description"))
register_searchable(Facility, kind="facility", fields=("name", "search_text", "description"))
