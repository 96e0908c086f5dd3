import factory
from django.contrib.contenttypes.models import ContentType

from cases.choices import (
    AllegationKind,
    CaseKind,
    DefendantStatus,
    EventKind,
    FacilityKind,
    FigureMeasure,
    SentenceKind,
    SentenceStatus,
)
from cases.models import (
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
)
from casetracker.choices import Confidentiality, Qualifier
from people.tests.factories import OrganizationFactory, PersonFactory
from sources.models import Citation, Source


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report {n}")
    publisher = "Test Wire"
    published = "2012-12"


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation
        exclude = ["content_object"]

    source = factory.SubFactory(SourceFactory)
    content_object = factory.SubFactory(PersonFactory)
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.content_object))
    object_id = factory.LazyAttribute(lambda o: o.content_object.pk)
    excerpt = "a short quoted phrase"


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Town {n}")
    kind = "city"
    country = "KZ"


class PlaceNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlaceName

    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Town variant {n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Event {n}")
    kind = EventKind.PROTEST
    place = factory.SubFactory(PlaceFactory)
    start = "2011-12-16"


class EventFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventFigure

    event = factory.SubFactory(EventFactory)
    measure = FigureMeasure.DEATHS
    value = 16
    qualifier = Qualifier.AT_LEAST
    source = factory.SubFactory(SourceFactory)
    excerpt = "at least 16"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    title = factory.Sequence(lambda n: f"Case {n}")
    kind = CaseKind.CRIMINAL
    country = "KZ"
    confidentiality = Confidentiality.PUBLIC


class DefendantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Defendant

    case = factory.SubFactory(CaseFactory)
    person = factory.SubFactory(PersonFactory)
    arrested = "2012-02"
    status = DefendantStatus.DETAINED


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    defendant = factory.SubFactory(DefendantFactory)
    status = DefendantStatus.DETAINED
    date = "2012-02"
    source = factory.SubFactory(SourceFactory)


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"Facility {n}")
    kind = FacilityKind.PENAL_COLONY


class FacilityNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacilityName

    facility = factory.SubFactory(FacilityFactory)
    name = factory.Sequence(lambda n: f"Facility variant {n}")


class CustodyStayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustodyStay

    defendant = factory.SubFactory(DefendantFactory)
    facility = factory.SubFactory(FacilityFactory)
    start = "2012-06"
    source = factory.SubFactory(SourceFactory)


class LegalArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalArticle

    country = "KZ"
    code = "Criminal Code"
    article = factory.Sequence(lambda n: f"{100 + n}")
    title = "Inciting social hatred"


class ChargeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Charge

    defendant = factory.SubFactory(DefendantFactory)
    article = factory.SubFactory(LegalArticleFactory)


class TrialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trial

    case = factory.SubFactory(CaseFactory)
    court = factory.SubFactory(OrganizationFactory, kind="court")
    place = factory.SubFactory(PlaceFactory)
    start = "2012-08"
    verdict_date = "2012-10-08"


class SentenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sentence

    defendant = factory.SubFactory(DefendantFactory)
    trial = factory.SubFactory(TrialFactory, case=factory.SelfAttribute("..defendant.case"))
    kind = SentenceKind.IMPRISONMENT
    term_months = 90
    term_qualifier = Qualifier.EXACT
    start = "2012-01-23"
    status = SentenceStatus.SERVING


class AllegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allegation

    kind = AllegationKind.TORTURE
    alleged_by_description = "protesters"
    claim = "police tortured suspects in detention"
    against_description = "the police"
    event = factory.SubFactory(EventFactory)
    source = factory.SubFactory(SourceFactory)
    excerpt = "tortured suspects in detention"
