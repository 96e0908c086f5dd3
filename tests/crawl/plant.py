"""The planted data set: a few public records, and protected records linked to them.

Every protected name, title, excerpt, note and description carries a marker
(``Zqx-…``) that no other text in the project contains; public texts carry
``Qpb-…`` markers. The crawl searches every response for the markers a role
may not see. Each marker and each record is registered with the level that
protects it, from what this module planted (not from the visibility rule under
test): a restricted marker must not reach anonymous clients or signed-in users
who are not staff; a confidential one must reach only staff allowed to see
confidential records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model

from cases.choices import (
    CaseKind,
    DefendantStatus,
    EventKind,
    SentenceKind,
    SentenceStatus,
)
from cases.tests.factories import (
    AllegationFactory,
    CaseFactory,
    ChargeFactory,
    CitationFactory,
    CustodyStayFactory,
    DefendantFactory,
    EventFactory,
    EventFigureFactory,
    FacilityFactory,
    FacilityNameFactory,
    LegalArticleFactory,
    PlaceFactory,
    PlaceNameFactory,
    SentenceFactory,
    SourceFactory,
    StatusChangeFactory,
    TrialFactory,
)
from casetracker.choices import Confidentiality, Qualifier
from people.choices import OrganizationKind
from people.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    OrganizationNameFactory,
    PersonFactory,
    PersonNameFactory,
    RecognitionFactory,
)
from sources.choices import SourceKind

PUBLIC = Confidentiality.PUBLIC.value
RESTRICTED = Confidentiality.RESTRICTED.value
CONFIDENTIAL = Confidentiality.CONFIDENTIAL.value
PROTECTED_LEVELS = (RESTRICTED, CONFIDENTIAL)
#: Not a confidentiality level: special-category data (a person's ethnicity and religion), shown only to
#: staff with ``people.view_special_category`` (casetracker.visibility.FIELD_RULES), whatever the record's level.
SPECIAL = "special-category"


@dataclass
class Planted:
    #: level -> the marker strings planted at that level ("public" ones may be shown to anyone)
    markers: dict[str, list[str]] = field(
        default_factory=lambda: {PUBLIC: [], RESTRICTED: [], CONFIDENTIAL: [], SPECIAL: []}
    )
    #: level -> the records that level protects (directly, or through a protected record they belong to)
    hidden: dict[str, list[Model]] = field(default_factory=lambda: {RESTRICTED: [], CONFIDENTIAL: []})
    #: the records anyone may see
    public: list[Model] = field(default_factory=list)
    #: named handles, for tests that need one record
    records: dict[str, Model] = field(default_factory=dict)

    def marker(self, level: str, text: str) -> str:
        self.markers[level].append(text)
        return text

    def level_of(self, marker: str) -> str:
        return next(level for level, markers in self.markers.items() if marker in markers)

    def hide(self, level: str, *objects: Model) -> None:
        self.hidden[level].extend(objects)

    def show(self, *objects: Model) -> None:
        self.public.extend(objects)

    def protected_markers(self, visible_levels) -> dict[str, str]:
        """Marker -> level, for every marker planted at a level not in ``visible_levels``."""
        levels = (*PROTECTED_LEVELS, SPECIAL)
        return {m: level for level in levels if level not in visible_levels for m in self.markers[level]}

    def hidden_records(self, visible_levels) -> dict[tuple[type[Model], int], str]:
        """(model, pk) -> level, for every record protected at a level not in ``visible_levels``."""
        found = {}
        for level in PROTECTED_LEVELS:
            if level in visible_levels:
                continue
            for obj in self.hidden[level]:
                found.setdefault((type(obj), obj.pk), level)
        return found

    def all_markers(self) -> dict[str, str]:
        return {m: level for level, markers in self.markers.items() for m in markers}

    def name_markers(self) -> set[str]:
        """The markers that name a protected record: a person's, case's or source's name as shown
        (``str()`` of a record with its own level) and its recorded name variants."""
        from casetracker.base_models import NameVariant

        shown = []
        for objects in self.hidden.values():
            for obj in objects:
                fields = {f.name for f in obj._meta.concrete_fields}
                if "confidentiality" in fields or isinstance(obj, NameVariant):
                    shown.append(str(obj))
        text = " ".join(shown).casefold()
        return {m for m in self.all_markers() if m.casefold() in text}


def plant() -> Planted:
    """Create the data set (a few dozen records) and say what each level protects."""
    p = Planted()
    M = p.marker  # noqa: N806  (short, the function is mostly marker strings)

    # -- public records -------------------------------------------------------------------------------
    region = PlaceFactory(name=M(PUBLIC, "Qpb-Region"), kind="region")
    town = PlaceFactory(name=M(PUBLIC, "Qpb-Town"), region=region)
    town_name = PlaceNameFactory(place=town, name=M(PUBLIC, "Qpb-Spelling-Of-Town"))
    town.save()  # search text with the spelling
    org = OrganizationFactory(name=M(PUBLIC, "Qpb-Union"), kind=OrganizationKind.NGO)
    org_name = OrganizationNameFactory(organization=org, name=M(PUBLIC, "Qpb-Abbrev-Of-Union"))
    org.save()
    court = OrganizationFactory(name=M(PUBLIC, "Qpb-Court"), kind="court")
    source = SourceFactory(title=M(PUBLIC, "Qpb-Public-Report"), kind=SourceKind.REPORT)
    article = LegalArticleFactory(article="164", title=M(PUBLIC, "Qpb-Inciting-Hatred"))
    event = EventFactory(
        title=M(PUBLIC, "Qpb-Public-Shooting"), kind=EventKind.SHOOTING, place=town, start="2011-12-16"
    )
    public_figure = EventFigureFactory(event=event, source=source, value=16, excerpt=M(PUBLIC, "Qpb-At-Least"))
    case = CaseFactory(title=M(PUBLIC, "Qpb-Public-Trial-Case"), kind=CaseKind.CRIMINAL, opened="2012-01")
    case.events.add(event)
    case.organizations.add(org)
    person = PersonFactory(
        name=M(PUBLIC, "Qpb-Public-Defendant"),
        description=M(PUBLIC, "Qpb-Oil-Worker"),
        occupation=M(PUBLIC, "Qpb-Occupation-Words"),
        rights=["assembly", "labour"],
        birth_date="1972",
        # Special-category: shown to no one without people.view_special_category, on any surface.
        ethnicity=M(SPECIAL, "Zqx-Special-Earlier-Origin"),
        religion=M(SPECIAL, "Zqx-Special-Religion"),
    )
    person.ethnicity = M(SPECIAL, "Zqx-Special-Ethnicity")  # the history keeps the earlier value: a diff to hide
    person_name = PersonNameFactory(person=person, name=M(PUBLIC, "Qpb-Variant-Of-Defendant"))
    person.save()
    event.persons.add(person)
    event.organizations.add(org)
    membership = MembershipFactory(person=person, organization=org, role=M(PUBLIC, "Qpb-Member"))
    defendant = DefendantFactory(case=case, person=person, arrested="2012-01", description=M(PUBLIC, "Qpb-Accused"))
    trial = TrialFactory(case=case, court=court, place=town, observer_findings=M(PUBLIC, "Qpb-Findings"))
    charge = ChargeFactory(defendant=defendant, article=article)
    sentence = SentenceFactory(defendant=defendant, trial=trial, note=M(PUBLIC, "Qpb-Sentence-Note"))
    status = StatusChangeFactory(
        defendant=defendant,
        status=DefendantStatus.DETAINED,
        date="2012-02",
        source=source,
        excerpt=M(PUBLIC, "Qpb-Detained-Excerpt"),
    )
    colony = FacilityFactory(
        name=M(PUBLIC, "Qpb-Penal-Colony"), kind="penal_colony", place=town, latitude="43.34", longitude="52.86"
    )
    colony_name = FacilityNameFactory(facility=colony, name=M(PUBLIC, "Qpb-Colony-Number"))
    colony.save()
    stay = CustodyStayFactory(
        defendant=defendant, facility=colony, start="2012-06", source=source, excerpt=M(PUBLIC, "Qpb-Held-In-Colony")
    )
    recognition = RecognitionFactory(
        person=person, organization=org, source=source, grounds=M(PUBLIC, "Qpb-Recognition-Grounds")
    )
    claim = AllegationFactory(
        event=event,
        source=source,
        alleged_by_organization=org,
        against_description="the police",
        claim=M(PUBLIC, "Qpb-Public-Claim"),
        excerpt=M(PUBLIC, "Qpb-Claim-Excerpt"),
    )
    citations = [
        CitationFactory(source=source, content_object=obj, excerpt=M(PUBLIC, f"Qpb-Cites-{label}"))
        for label, obj in [("Person", person), ("Case", case), ("Event", event), ("Sentence", sentence)]
    ]
    public_document = _document(source, M(PUBLIC, "Qpb-Report-Document-Text"), "Qpb-Filename-Of-Report.txt", p)
    p.show(
        recognition,
        colony,
        colony_name,
        stay,
        public_document,
        region,
        town,
        town_name,
        org,
        org_name,
        court,
        source,
        article,
        event,
        public_figure,
        case,
        person,
        person_name,
        membership,
        defendant,
        trial,
        charge,
        sentence,
        status,
        claim,
        *citations,
    )
    p.records.update(
        claim=claim,
        person=person,
        case=case,
        event=event,
        source=source,
        org=org,
        defendant=defendant,
        trial=trial,
        membership=membership,
        sentence=sentence,
        colony=colony,
    )

    # -- a confidential defendant in the public case ---------------------------------------------------
    C = CONFIDENTIAL  # noqa: N806
    witness = PersonFactory(
        name=M(C, "Zqx-Confidential-Witness"),
        description=M(C, "Zqx-Witness-Description"),
        confidentiality=C,
        ethnicity=M(C, "Zqx-Witness-Ethnicity"),
    )
    witness_names = [
        PersonNameFactory(person=witness, name=M(C, "Zqx-Witness-Alias"), language="en"),
        PersonNameFactory(person=witness, name=M(C, "Zqx-Witness-Transliteration"), language="kk-Latn"),
    ]
    witness.save()
    w_defendant = DefendantFactory(
        case=case, person=witness, arrested="2012-01", description=M(C, "Zqx-Witness-Defendant-Role")
    )
    w_charges = [
        ChargeFactory(defendant=w_defendant, article=None, offence_description=M(C, "Zqx-Witness-Offence")),
        ChargeFactory(defendant=w_defendant, article=article),
    ]
    w_sentence = SentenceFactory(
        defendant=w_defendant,
        trial=trial,
        kind=SentenceKind.IMPRISONMENT,
        term_months=84,
        term_qualifier=Qualifier.EXACT,
        status=SentenceStatus.SERVING,
        note=M(C, "Zqx-Witness-Sentence-Note"),
    )
    w_status = [
        StatusChangeFactory(
            defendant=w_defendant,
            status=DefendantStatus.DETAINED,
            date="2012-02",
            source=None,
            note=M(C, "Zqx-Witness-Status-Note"),
        ),
        StatusChangeFactory(
            defendant=w_defendant,
            status=DefendantStatus.IMPRISONED,
            date="2012-06",
            source=source,
            excerpt=M(C, "Zqx-Witness-Status-Excerpt"),
        ),
    ]
    # Where the confidential witness is held: the stay is as confidential as its defendant.
    w_stay = CustodyStayFactory(
        defendant=w_defendant,
        facility=colony,
        start="2012-06",
        source=None,
        note=M(C, "Zqx-Witness-Custody-Note"),
    )
    w_concern = AllegationFactory(
        source=source,
        alleged_by_organization=org,
        alleged_by_description="",
        claim=M(C, "Zqx-Witness-Concern-Claim"),
        excerpt=M(C, "Zqx-Witness-Concern-Excerpt"),
        concern="health",
        concerns_person=witness,
    )
    w_citations = [
        CitationFactory(source=source, content_object=witness, excerpt=M(C, "Zqx-Witness-Citation-Excerpt")),
        CitationFactory(source=source, content_object=w_defendant, excerpt=M(C, "Zqx-Witness-Defendant-Excerpt")),
        CitationFactory(source=source, content_object=w_sentence, excerpt=M(C, "Zqx-Witness-Sentence-Excerpt")),
    ]
    w_claim = AllegationFactory(
        event=event,
        source=source,
        alleged_by_person=witness,
        alleged_by_description="",
        claim=M(C, "Zqx-Witness-Claim"),
        excerpt=M(C, "Zqx-Quoted-Witness-Words"),
        response=M(C, "Zqx-Answer-To-Witness"),
    )
    p.hide(
        C,
        witness,
        *witness_names,
        w_defendant,
        *w_charges,
        w_sentence,
        *w_status,
        w_stay,
        w_concern,
        *w_citations,
        w_claim,
    )
    p.records.update(witness=witness, witness_defendant=w_defendant, witness_sentence=w_sentence)

    # -- a confidential case with public defendants and a trial ----------------------------------------
    closed = CaseFactory(
        title=M(C, "Zqx-Closed-Case-Title"),
        description=M(C, "Zqx-Closed-Case-Description"),
        kind=CaseKind.CRIMINAL,
        opened="2012-03",
        confidentiality=C,
    )
    closed.events.add(event)
    closed.organizations.add(org)
    bystander = PersonFactory(name=M(PUBLIC, "Qpb-Closed-Case-Defendant"))
    p.show(bystander)
    c_defendants = [
        DefendantFactory(
            case=closed, person=bystander, arrested="2012-03", description=M(C, "Zqx-Closed-Defendant-Role")
        ),
        DefendantFactory(
            case=closed, person=person, arrested="2012-03", description=M(C, "Zqx-Closed-Public-Defendant-Role")
        ),
    ]
    c_trial = TrialFactory(case=closed, court=court, place=town, observer_findings=M(C, "Zqx-Closed-Trial-Findings"))
    c_charge = ChargeFactory(defendant=c_defendants[0], article=None, offence_description=M(C, "Zqx-Closed-Offence"))
    c_sentence = SentenceFactory(
        defendant=c_defendants[0], trial=c_trial, term_months=48, note=M(C, "Zqx-Closed-Sentence-Note")
    )
    c_status = StatusChangeFactory(
        defendant=c_defendants[0],
        status=DefendantStatus.CHARGED,
        date="2012-04",
        source=None,
        note=M(C, "Zqx-Closed-Status-Note"),
    )
    c_citations = [
        CitationFactory(source=source, content_object=closed, excerpt=M(C, "Zqx-Closed-Case-Excerpt")),
        CitationFactory(source=source, content_object=c_trial, excerpt=M(C, "Zqx-Closed-Trial-Excerpt")),
    ]
    p.hide(C, closed, *c_defendants, c_trial, c_charge, c_sentence, c_status, *c_citations)
    p.records.update(closed_case=closed, closed_trial=c_trial, bystander=bystander)

    # -- a confidential participant of the public event, a confidential member of the public organization
    participant = PersonFactory(name=M(C, "Zqx-Event-Participant"), confidentiality=C)
    event.persons.add(participant)
    member = PersonFactory(name=M(C, "Zqx-Union-Member"), confidentiality=C)
    m_membership = MembershipFactory(person=member, organization=org, role=M(C, "Zqx-Role-Of-Member"))
    p.hide(C, participant, member, m_membership)
    p.records.update(participant=participant, member=member)

    # -- a confidential interview source, cited by a public record, behind a figure and a status change --
    interview = SourceFactory(
        title=M(C, "Zqx-Interview-Title"),
        kind=SourceKind.INTERVIEW,
        author=M(C, "Zqx-Interviewer"),
        notes=M(C, "Zqx-Interview-Notes"),
        confidentiality=C,
    )
    i_citation = CitationFactory(source=interview, content_object=person, excerpt=M(C, "Zqx-Interview-Excerpt"))
    i_event_citation = CitationFactory(
        source=interview, content_object=event, excerpt=M(C, "Zqx-Interview-Event-Excerpt")
    )
    i_figure = EventFigureFactory(
        event=event,
        source=interview,
        value=40,
        qualifier=Qualifier.AT_LEAST,
        excerpt=M(C, "Zqx-Interview-Figure-Excerpt"),
        note=M(C, "Zqx-Interview-Figure-Note"),
    )
    i_status = StatusChangeFactory(
        defendant=defendant,
        status=DefendantStatus.IMPRISONED,
        date="2012-10",
        source=interview,
        excerpt=M(C, "Zqx-Interview-Status-Excerpt"),
    )
    # A recognition of the public person known only from the interview: it follows its source.
    i_recognition = RecognitionFactory(
        person=person,
        organization=org,
        kind="conscience",
        source=interview,
        grounds=M(C, "Zqx-Interview-Recognition-Grounds"),
    )
    # A concern about the public person's treatment, known only from the interview.
    i_concern = AllegationFactory(
        source=interview,
        alleged_by_organization=org,
        alleged_by_description="",
        claim=M(C, "Zqx-Interview-Concern-Claim"),
        excerpt=M(C, "Zqx-Interview-Concern-Excerpt"),
        concern="hunger_strike",
        concerns_person=person,
        concern_date="2013-01",
    )
    # A transfer of the public defendant known only from the interview: the stay follows its source.
    i_stay = CustodyStayFactory(
        defendant=defendant,
        facility=colony,
        known_as_of="2013-01",
        start=None,
        source=interview,
        excerpt=M(C, "Zqx-Interview-Custody-Excerpt"),
    )
    i_claim = AllegationFactory(
        event=event,
        source=source,
        response_source=interview,
        response=M(C, "Zqx-Interview-Response"),
        response_excerpt=M(C, "Zqx-Interview-Answer-Quoted"),
        claim=M(C, "Zqx-Claim-Answered-In-Interview"),
        excerpt=M(C, "Zqx-Answered-Claim-Excerpt"),
    )
    # Its recording's transcript, stored as a document: the file and its text are as confidential as the source.
    i_document = _document(interview, M(C, "Zqx-Interview-Transcript-Text"), "Zqx-Transcript-File.txt", p)
    p.hide(
        C,
        interview,
        i_citation,
        i_event_citation,
        i_figure,
        i_status,
        i_stay,
        i_recognition,
        i_concern,
        i_claim,
        i_document,
    )
    p.records.update(interview=interview, interview_document=i_document)

    # -- a person public at first, then renamed and made confidential (history keeps the real name) -----
    renamed = PersonFactory(name=M(C, "Zqx-Real-Name-Before"), description=M(C, "Zqx-Real-Description-Before"))
    event.persons.add(renamed)
    r_membership = MembershipFactory(person=renamed, organization=org, role="member")
    renamed.name = M(C, "Zqx-Witness-K")
    renamed.description = ""
    renamed.confidentiality = C
    renamed.save()
    p.hide(C, renamed, r_membership)
    p.records.update(renamed=renamed)

    # -- restricted: a person (staff may see), a source, a case ----------------------------------------
    R = RESTRICTED  # noqa: N806
    activist = PersonFactory(
        name=M(R, "Zqx-Restricted-Activist"), description=M(R, "Zqx-Restricted-Description"), confidentiality=R
    )
    a_name = PersonNameFactory(person=activist, name=M(R, "Zqx-Restricted-Alias"))
    activist.save()
    a_defendant = DefendantFactory(
        case=case, person=activist, arrested="2012-01", description=M(R, "Zqx-Restricted-Defendant-Role")
    )
    a_charge = ChargeFactory(defendant=a_defendant, article=None, offence_description=M(R, "Zqx-Restricted-Offence"))
    a_sentence = SentenceFactory(
        defendant=a_defendant,
        trial=trial,
        kind=SentenceKind.SUSPENDED,
        term_months=36,
        note=M(R, "Zqx-Restricted-Sentence-Note"),
    )
    a_status = StatusChangeFactory(
        defendant=a_defendant,
        status=DefendantStatus.CHARGED,
        date="2012-02",
        source=None,
        note=M(R, "Zqx-Restricted-Status-Note"),
    )
    a_citation = CitationFactory(source=source, content_object=activist, excerpt=M(R, "Zqx-Restricted-Excerpt"))
    a_membership = MembershipFactory(person=activist, organization=org, role=M(R, "Zqx-Restricted-Member-Role"))
    a_recognition = RecognitionFactory(
        person=activist, organization=org, source=source, grounds=M(R, "Zqx-Restricted-Recognition-Grounds")
    )
    event.persons.add(activist)
    a_claim = AllegationFactory(
        event=event,
        source=source,
        against_person=activist,
        against_description="",
        claim=M(R, "Zqx-Claim-Against-Activist"),
        excerpt=M(R, "Zqx-Restricted-Claim-Excerpt"),
    )
    memo = SourceFactory(title=M(R, "Zqx-Restricted-Memo"), kind=SourceKind.OTHER, confidentiality=R)
    memo_citation = CitationFactory(source=memo, content_object=case, excerpt=M(R, "Zqx-Restricted-Note-Excerpt"))
    inquiry = CaseFactory(
        title=M(R, "Zqx-Restricted-Inquiry"),
        kind=CaseKind.INVESTIGATION,
        confidentiality=R,
        description=M(R, "Zqx-Restricted-Probe-Description"),
    )
    inquiry.events.add(event)
    i_defendant = DefendantFactory(case=inquiry, person=bystander, description=M(R, "Zqx-Restricted-Probe-Role"))
    p.hide(
        R,
        activist,
        a_name,
        a_defendant,
        a_charge,
        a_sentence,
        a_status,
        a_citation,
        a_membership,
        a_recognition,
        a_claim,
        memo,
        memo_citation,
        inquiry,
        i_defendant,
    )
    p.records.update(activist=activist, inquiry=inquiry)

    _check_markers(p)
    return p


def _document(source, text: str, name: str, p: Planted):
    """A stored file of ``source`` whose text (and name) carry markers, added as staff add one."""
    import io

    from sources.services import document_add, document_prepare

    p.marker(p.level_of(text), name.removesuffix(".txt"))
    prepared = document_prepare(io.BytesIO(f"{text}\n".encode()), name=name)
    return document_add(source=source, prepared=prepared)


def _check_markers(p: Planted) -> None:
    every = [m.casefold() for markers in p.markers.values() for m in markers]
    assert len(every) == len(set(every)), "a marker is planted twice"
    nested = [(a, b) for a in every for b in every if a != b and a in b]
    assert not nested, f"markers inside others (a hit could not be told apart): {nested}"
