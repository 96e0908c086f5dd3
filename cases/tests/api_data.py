"""Linked records for the API tests: one "prosecution graph" touches every resource."""

import io
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.management import call_command
from django.db import transaction
from knox.models import AuthToken
from rest_framework.test import APIClient

from cases.models import (
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
from casetracker.choices import Confidentiality
from people.models import Membership, Organization, Person, Recognition
from people.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    PersonNameFactory,
    RecognitionFactory,
)
from sources.models import Citation, Source

# Every list endpoint of /api/v1/ and the model it lists.
LIST_ENDPOINTS = {
    "persons": Person,
    "organizations": Organization,
    "memberships": Membership,
    "sources": Source,
    "citations": Citation,
    "places": Place,
    "events": Event,
    "event-figures": EventFigure,
    "allegations": Allegation,
    "cases": Case,
    "defendants": Defendant,
    "status-changes": StatusChange,
    "legal-articles": LegalArticle,
    "charges": Charge,
    "trials": Trial,
    "sentences": Sentence,
    "facilities": Facility,
    "custody-stays": CustodyStay,
    "recognitions": Recognition,
}


@dataclass
class Graph:
    person: Person
    organization: Organization
    membership: Membership
    source: Source
    place: Place
    event: Event
    figure: EventFigure
    allegation: Allegation
    case: Case
    defendant: Defendant
    status_change: StatusChange
    article: LegalArticle
    charge: Charge
    trial: Trial
    sentence: Sentence
    facility: Facility | None = None
    custody_stay: CustodyStay | None = None
    recognition: Recognition | None = None


def make_graph(
    *,
    person_confidentiality: str = Confidentiality.PUBLIC,
    case_confidentiality: str = Confidentiality.PUBLIC,
    name: str | None = None,
) -> Graph:
    """A person prosecuted in a case, with every kind of related record, each one cited."""
    person = PersonFactory(confidentiality=person_confidentiality, **({"name": name} if name else {}))
    PersonNameFactory(person=person)
    organization = OrganizationFactory()
    membership = MembershipFactory(person=person, organization=organization)
    source = SourceFactory()
    place = PlaceFactory()
    PlaceNameFactory(place=place)
    event = EventFactory(place=place)
    event.persons.add(person)
    event.organizations.add(organization)
    figure = EventFigureFactory(event=event, source=source)
    # The person tells of a claim against an organization, about the event.
    allegation = AllegationFactory(
        alleged_by_person=person, against_organization=organization, event=event, source=source
    )
    case = CaseFactory(confidentiality=case_confidentiality)
    case.events.add(event)
    case.organizations.add(organization)
    defendant = DefendantFactory(case=case, person=person)
    status_change = StatusChangeFactory(defendant=defendant, source=source)
    article = LegalArticleFactory()
    charge = ChargeFactory(defendant=defendant, article=article)
    trial = TrialFactory(case=case, place=place, court=OrganizationFactory(kind="court"))
    sentence = SentenceFactory(defendant=defendant, trial=trial)
    facility = FacilityFactory(place=place, latitude="43.340000", longitude="52.860000")
    FacilityNameFactory(facility=facility)
    custody_stay = CustodyStayFactory(defendant=defendant, facility=facility, source=source, start="2012-06")
    recognition = RecognitionFactory(person=person, organization=organization, source=source)
    for record in (
        person,
        organization,
        membership,
        place,
        event,
        figure,
        allegation,
        case,
        defendant,
        status_change,
        article,
        charge,
        trial,
        sentence,
    ):
        CitationFactory(content_object=record, source=source)
    return Graph(
        person=person,
        organization=organization,
        membership=membership,
        source=source,
        place=place,
        event=event,
        figure=figure,
        allegation=allegation,
        case=case,
        defendant=defendant,
        status_change=status_change,
        article=article,
        charge=charge,
        trial=trial,
        sentence=sentence,
        facility=facility,
        custody_stay=custody_stay,
        recognition=recognition,
    )


def client_for(user=None, *, token: bool = True) -> APIClient:
    """An API client signed in as ``user`` with a token (or anonymous)."""
    client = APIClient()
    if user is not None:
        if token:
            _record, key = AuthToken.objects.create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        else:
            client.force_login(user)
    return client


@contextmanager
def seed_and_synthetic_rolled_back(django_db_blocker):
    """The seed and a small synthetic set (every kind of record), in a transaction rolled back on leaving: for a
    module-scoped fixture that compares many records once rather than loading them for every test."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_seed", stdout=io.StringIO())
        call_command(
            "seed_synthetic", "--scale", "0.002", "--documents", "5", stdout=io.StringIO(), stderr=io.StringIO()
        )
        yield
        transaction.set_rollback(True)
