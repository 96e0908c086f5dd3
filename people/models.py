"""People and organizations: who is prosecuted, who speaks, who reports.

This app depends only on ``casetracker`` and ``sources``, so it can be reused by
any tracker. Citations of these records live in ``sources.Citation`` (a generic
relation). Nothing here imports ``cases``: what a person's pages show of cases
and events, ``cases`` adds (:mod:`cases.api.people`, through the hook in
:mod:`people.api.extensions`).
"""

from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casetracker.approximate_dates import ApproximateDate, ApproximateDateField, known, with_as_of
from casetracker.base_models import (
    ChoiceListField,
    NameSearchable,
    NameSearchQuerySet,
    NameVariant,
    TrackedModel,
    confidentiality_field,
    country_code_errors,
    external_id_field,
    qualified_figure_errors,
    raise_if,
    search_key,  # noqa: F401  (re-exported: the admin, filters and exports normalise search terms with it)
    synthetic_field,
)
from casetracker.choices import Qualifier, qualified
from casetracker.visibility import RestrictedQuerySet, visible_levels  # noqa: F401  (visible_levels re-exported)
from sources.citable import register_citable
from sources.models import EXCERPT_MAX_CHARS, EXCERPT_MAX_WORDS, Source, citations_relation, excerpt_errors
from sources.search import register_searchable

from .choices import OccupationCategory, OrganizationKind, PersonKind, RecognitionKind, Right, Sex


class PersonQuerySet(NameSearchQuerySet):
    def visible_to(self, user):
        """The persons ``user`` may see (the project's one rule: :mod:`casetracker.visibility`)."""
        return self.restrict(user)


class Person(NameSearchable):
    """A person, or a group of persons whose names are not (yet) known.

    "A number of protesters convicted" is recorded as a group with a size and
    a qualifier until the individuals can be named.
    """

    name = models.CharField(
        max_length=300,
        help_text=(
            _("The name most sources use. For a group, a description such as 'Convicted Zhanaozen protesters'.")
        ),
        verbose_name=_("name"),
    )
    kind = models.CharField(
        max_length=12,
        choices=PersonKind.choices,
        default=PersonKind.INDIVIDUAL,
        db_index=True,
        help_text=_("An individual, or a group of persons not identified by name."),
        verbose_name=_("kind"),
    )
    group_size = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("For a group: how many people, as the source states it. Empty when unknown."),
        verbose_name=_("group size"),
    )
    group_size_qualifier = models.CharField(
        max_length=12,
        choices=Qualifier.choices,
        blank=True,
        help_text=_("For a group: how the size was stated (e.g. 'more than' 30)."),
        verbose_name=_("group size qualifier"),
    )
    group_size_as_of = ApproximateDateField(
        null=True,
        blank=True,
        help_text=_(
            "For a group: the date the size is known as of, i.e. the date of the source that gives it. A group "
            "can grow as names and verdicts come out; the size is not known to hold after this date."
        ),
        verbose_name=_("group size as of"),
    )
    description = models.TextField(
        blank=True,
        help_text=_("Who this is, in a sentence or two, as the sources describe them."),
        verbose_name=_("description"),
    )
    confidentiality = confidentiality_field()
    synthetic = synthetic_field()

    # -- the profile (issue 18): who this person is, as the sources state it ---------------------------
    sex = models.CharField(
        max_length=8,
        choices=Sex.choices,
        blank=True,
        help_text=_("The person's sex as the sources state it. Leave empty when they do not; never guess it."),
    )
    birth_date = ApproximateDateField(
        null=True,
        blank=True,
        help_text=_(
            "Date of birth at the precision known ('1972' when a source gives only the year or an age). "
            "The age at detention is derived from it and the arrest date."
        ),
    )
    occupation_category = models.CharField(
        max_length=16,
        choices=OccupationCategory.choices,
        blank=True,
        db_index=True,
        help_text=_("What the person did for a living, as a category to filter on."),
    )
    occupation = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("The occupation in the sources' words, e.g. 'oil worker at Ozenmunaigas'."),
    )
    rights = ChoiceListField(
        choices=Right.choices,
        help_text=_("The rights the person was exercising when targeted (several may apply)."),
    )
    # Special-category data: shown only to staff with people.view_special_category, on every surface
    # (casetracker.visibility.FIELD_RULES).
    ethnicity = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "Ethnicity as the sources state it. Special-category data: only staff allowed to see it are shown it."
        ),
    )
    religion = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "Religion or belief as the sources state it. Special-category data: only staff allowed to see it are "
            "shown it."
        ),
    )

    external_id = external_id_field()
    objects = PersonQuerySet.as_manager()
    #: what the sources say about it: deleted with it (the deletion names them first)
    citations = citations_relation()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["name", "id"]
        # The default order of person lists and search results, read from the index.
        indexes = [models.Index(fields=["name", "id"], name="person_name_id_idx")]
        permissions = [
            ("view_confidential", "Can see restricted and confidential people, cases and sources"),
            ("publish", "Can make people, cases and sources less protected (publish them)"),
            ("view_special_category", "Can see special-category data of people (ethnicity, religion)"),
        ]

    #: the columns ``__str__`` reads (lists load only these of a related record: see ``load_for_briefs``)
    label_fields = ("name", "kind", "group_size", "group_size_qualifier", "group_size_as_of")

    def __str__(self):
        return person_str(
            name=self.name,
            kind=self.kind,
            group_size=self.group_size,
            group_size_qualifier=self.group_size_qualifier,
            group_size_as_of=self.group_size_as_of,
        )

    @property
    def group_size_display(self) -> str:
        """'more than 30 (as of 2012-12)': the size as stated, with the date it is known as of."""
        return with_as_of(qualified(self.group_size, self.group_size_qualifier), self.group_size_as_of)

    def clean(self):
        errors = {}
        if self.kind == PersonKind.INDIVIDUAL and (self.group_size is not None or self.group_size_qualifier):
            errors["group_size"] = gettext("Only a group has a size; clear it or make this a group.")
        if self.group_size_as_of is not None and self.group_size is None:
            errors["group_size_as_of"] = gettext("A size is known as of a date only when there is a size.")
        elif known(self.group_size_as_of) and self.group_size_as_of.is_certainly_after(
            ApproximateDate.parse(timezone.localdate())
        ):
            errors["group_size_as_of"] = gettext("A size cannot be known as of a date in the future.")
        if known(self.birth_date) and self.birth_date.is_certainly_after(ApproximateDate.parse(timezone.localdate())):
            errors["birth_date"] = gettext("A date of birth cannot be in the future.")
        if self.kind == PersonKind.GROUP:
            profile = [name for name in PROFILE_FIELDS if getattr(self, name) not in (None, "", [])]
            for name in profile:
                errors[name] = gettext("Only an individual has a profile; clear it or make this an individual.")
        errors.update(
            qualified_figure_errors(self.group_size, self.group_size_qualifier, "group_size", "group_size_qualifier")
        )
        raise_if(errors)


#: The fields of a person's profile (an individual's only).
PROFILE_FIELDS = ("sex", "birth_date", "occupation_category", "occupation", "rights", "ethnicity", "religion")


def person_str(*, name: str, kind: str, group_size, group_size_qualifier: str, group_size_as_of) -> str:
    """A person's one label: the name; a group says how many it stands for when that is known, and as of when.

    :meth:`Person.__str__` and the exports (which read plain values, not models) both use it.
    """
    if kind == PersonKind.GROUP and group_size is not None:
        size = qualified(group_size, group_size_qualifier)
        if group_size_as_of is not None:
            size = gettext("%(size)s as of %(date)s") % {"size": size, "date": group_size_as_of}
        return gettext("%(name)s (group of %(size)s)") % {"name": name, "size": size}
    return name


class PersonName(NameVariant):
    """A variant of a person's name (transliteration, script, former name)."""

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="names",
        help_text=_("The person this name belongs to."),
        verbose_name=_("person"),
    )
    objects = RestrictedQuerySet.as_manager()

    class Meta(NameVariant.Meta):
        verbose_name = _("person name")
        verbose_name_plural = _("person names")
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="unique_person_name_variant"),
        ]


class Organization(NameSearchable):
    """A party, NGO, media outlet, company, court or state body."""

    name = models.CharField(max_length=300, help_text=_("The name most sources use."), verbose_name=_("name"))
    kind = models.CharField(
        max_length=16,
        choices=OrganizationKind.choices,
        db_index=True,
        help_text=_("What sort of organization this is."),
        verbose_name=_("kind"),
    )
    description = models.TextField(
        blank=True, help_text=_("What the organization is and does."), verbose_name=_("description")
    )
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text=_("ISO 3166-1 alpha-2 code of the country it is based in, e.g. 'KZ'."),
        verbose_name=_("country"),
    )
    synthetic = synthetic_field()

    external_id = external_id_field()
    objects = NameSearchQuerySet.as_manager()
    #: what the sources say about it: deleted with it (the deletion names them first)
    citations = citations_relation()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name", "id"]

    #: the columns ``__str__`` reads (lists load only these of a related record: see ``load_for_briefs``)
    label_fields = ("name",)

    def __str__(self):
        return self.name

    def clean(self):
        raise_if(country_code_errors(self.country))


class OrganizationName(NameVariant):
    """A variant of an organization's name (translation, abbreviation, script)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="names",
        help_text=_("The organization this name belongs to."),
        verbose_name=_("organization"),
    )
    objects = RestrictedQuerySet.as_manager()

    class Meta(NameVariant.Meta):
        verbose_name = _("organization name")
        verbose_name_plural = _("organization names")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_organization_name_variant"),
        ]


class Membership(TrackedModel):
    """A person's role in an organization, e.g. Kozlov leads Algha!."""

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("The member."),
        verbose_name=_("person"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("The organization."),
        verbose_name=_("organization"),
    )
    role = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The role as the source states it, e.g. 'leader', 'lawyer', 'member'."),
        verbose_name=_("role"),
    )
    start = ApproximateDateField(
        null=True, blank=True, help_text=_("When the role began, if known."), verbose_name=_("start")
    )
    end = ApproximateDateField(
        null=True, blank=True, help_text=_("When the role ended, if known."), verbose_name=_("end")
    )
    objects = RestrictedQuerySet.as_manager()
    citations = citations_relation()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "person__name", "id"]

    def __str__(self):
        return f"{self.person} – {self.role or 'member'} – {self.organization}"

    def clean(self):
        if known(self.start) and known(self.end) and self.end.is_certainly_before(self.start):
            raise_if({"end": gettext("The role cannot end before it began.")})


class RecognitionQuerySet(RestrictedQuerySet):
    def current(self):
        """Recognitions not withdrawn."""
        return self.filter(withdrawn__isnull=True)


class Recognition(TrackedModel):
    """An organization recognises a person as a political prisoner (or prisoner of conscience …).

    Dated, on stated grounds, with its source. A withdrawal is recorded on the same record (its date and
    source), so the history of who recognised whom, and when it ended, is kept.
    """

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="recognitions", help_text=_("The person recognised.")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="recognitions",
        help_text=_("Who recognises them, e.g. Memorial, Amnesty International, Viasna."),
    )
    kind = models.CharField(
        max_length=24,
        choices=RecognitionKind.choices,
        default=RecognitionKind.POLITICAL_PRISONER,
        db_index=True,
        help_text=_("What the organization recognises the person as."),
    )
    date = ApproximateDateField(
        null=True, blank=True, db_index=True, help_text=_("When the recognition was made, at the precision known.")
    )
    grounds = models.TextField(blank=True, help_text=_("The grounds the organization states, in our own words."))
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="recognitions",
        help_text=_("The document in which the organization makes the recognition."),
    )
    excerpt = models.TextField(
        max_length=EXCERPT_MAX_CHARS,
        blank=True,
        help_text=format_lazy(_("The source's exact words (at most {words} words)."), words=EXCERPT_MAX_WORDS),
    )
    withdrawn = ApproximateDateField(
        null=True,
        blank=True,
        help_text=_("When the organization withdrew the recognition, if it did. The record is kept."),
    )
    withdrawal_source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recognition_withdrawals",
        help_text=_("The document that reports the withdrawal. Required with a withdrawal date."),
    )
    withdrawal_excerpt = models.TextField(
        max_length=EXCERPT_MAX_CHARS, blank=True, help_text=_("The withdrawal source's exact words.")
    )
    external_id = external_id_field()
    objects = RecognitionQuerySet.as_manager()

    class Meta:
        ordering = ["person__name", "date", "id"]

    def __str__(self):
        text = gettext("%(person)s: %(kind)s (%(organization)s)") % {
            "person": self.person,
            "kind": self.get_kind_display(),
            "organization": self.organization,
        }
        if self.withdrawn is not None:
            text = gettext("%(text)s, withdrawn %(date)s") % {"text": text, "date": self.withdrawn}
        return text

    def clean(self):
        errors = excerpt_errors(self.excerpt)
        errors.update(excerpt_errors(self.withdrawal_excerpt, "withdrawal_excerpt"))
        if self.person_id and self.person.kind != PersonKind.INDIVIDUAL:
            errors["person"] = gettext("Only an individual is recognised; name the person, not the group.")
        today = ApproximateDate.parse(timezone.localdate())
        for name in ("date", "withdrawn"):
            value = known(getattr(self, name))
            if value and value.is_certainly_after(today):
                errors[name] = gettext("A recognition cannot be dated in the future.")
        if self.withdrawn is None and (self.withdrawal_source_id or self.withdrawal_excerpt):
            errors["withdrawn"] = gettext("Give the date of the withdrawal, or clear its source and excerpt.")
        if self.withdrawn is not None and not self.withdrawal_source_id:
            errors["withdrawal_source"] = gettext("Give the source that reports the withdrawal.")
        if self.withdrawal_excerpt and not self.withdrawal_source_id:
            errors["withdrawal_excerpt"] = gettext("An excerpt needs the source it is quoted from.")
        if known(self.date) and known(self.withdrawn) and self.withdrawn.is_certainly_before(self.date):
            errors.setdefault("withdrawn", gettext("A recognition cannot be withdrawn before it was made."))
        raise_if(errors)


# What citations may point at (sources.citable): the API's name, and what the label (__str__) reads.
register_citable(Person, name="person")
register_citable(Organization, name="organization")
register_citable(Membership, name="membership", joins=("person", "organization"))
register_citable(Recognition, name="recognition", joins=("person", "organization"))
register_searchable(Person, kind="person", fields=("name", "search_text", "description"))
