import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.models import (
    Case,
    Defendant,
    EventFigure,
    Sentence,
    term_in_words,
)
from cases.tests.factories import (
    CaseFactory,
    ChargeFactory,
    CitationFactory,
    DefendantFactory,
    EventFactory,
    EventFigureFactory,
    PlaceFactory,
    PlaceNameFactory,
    SentenceFactory,
    SourceFactory,
    TrialFactory,
)
from casetracker.approximate_dates import ApproximateDate
from casetracker.deletion import DeletionRefused, record_delete
from people.tests.factories import GroupFactory
from sources.models import Citation, Source

pytestmark = pytest.mark.django_db


# -- sentences ----------------------------------------------------------------


def test_expected_end_is_derived_from_start_and_term_at_the_start_precision():
    sentence = SentenceFactory(start="2012-10", term_months=90)
    sentence.refresh_from_db()
    assert sentence.expected_end == ApproximateDate(2020, 4)


def test_expected_end_is_empty_when_the_start_is_unknown():
    sentence = SentenceFactory(start=None, term_months=90)
    assert sentence.expected_end is None


def test_term_and_qualifier_round_trip():
    sentence = SentenceFactory(term_months=144, term_qualifier="up_to")
    sentence.refresh_from_db()
    assert (sentence.term_months, sentence.term_qualifier) == (144, "up_to")
    assert sentence.term_display == "up to 12 years"


@pytest.mark.parametrize(
    ("months", "qualifier", "words"),
    [(90, "exact", "7 years 6 months"), (144, "up_to", "up to 12 years"), (1, "exact", "1 month"), (12, "", "1 year")],
)
def test_term_in_words(months, qualifier, words):
    assert term_in_words(months, qualifier) == words


def test_negative_term_is_refused():
    sentence = SentenceFactory.build(defendant=DefendantFactory(), trial=None, term_months=-1)
    with pytest.raises(ValidationError) as error:
        sentence.full_clean()
    assert "term_months" in error.value.message_dict


def test_negative_term_is_refused_by_the_database_too():
    sentence = SentenceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Sentence.objects.filter(pk=sentence.pk).update(term_months=-5)


def test_release_before_start_is_refused():
    sentence = SentenceFactory.build(
        defendant=DefendantFactory(), trial=None, start="2012-10", actual_release="2012-09-30", status="completed"
    )
    with pytest.raises(ValidationError) as error:
        sentence.full_clean()
    assert "actual_release" in error.value.message_dict


def test_release_in_the_same_month_as_an_approximate_start_is_allowed():
    SentenceFactory.build(
        defendant=DefendantFactory(), trial=None, start="2012-10", actual_release="2012-10-01", status="completed"
    ).full_clean()


def test_probation_keeps_its_term():
    sentence = SentenceFactory(kind="probation", term_months=60, term_qualifier="exact", status="serving")
    sentence.full_clean()
    sentence.refresh_from_db()
    assert sentence.term_months == 60
    assert sentence.expected_end == ApproximateDate.parse("2012-01-23").add_months(60)


def test_term_without_qualifier_is_refused():
    sentence = SentenceFactory.build(defendant=DefendantFactory(), trial=None, term_months=12, term_qualifier="")
    with pytest.raises(ValidationError) as error:
        sentence.full_clean()
    assert "term_qualifier" in error.value.message_dict


def test_a_released_person_is_not_still_serving():
    sentence = SentenceFactory.build(defendant=DefendantFactory(), trial=None, actual_release="2016", status="serving")
    with pytest.raises(ValidationError) as error:
        sentence.full_clean()
    assert "status" in error.value.message_dict


def test_a_fine_has_an_amount_and_currency_not_a_term():
    defendant = DefendantFactory()
    fine = SentenceFactory.build(defendant=defendant, trial=None, kind="fine", term_months=None, term_qualifier="")
    fine.fine_amount = 1000
    with pytest.raises(ValidationError) as error:
        fine.full_clean()
    assert "fine_currency" in error.value.message_dict
    fine.fine_currency = "KZT"
    fine.full_clean()


# -- figures, citations -------------------------------------------------------


def test_contested_figures_keep_each_claim_with_its_source():
    event = EventFactory(title="Shooting in Zhanaozen")
    EventFigureFactory(event=event, value=16, qualifier="at_least", source=SourceFactory(title="A"))
    EventFigureFactory(event=event, value=15, qualifier="at_least", source=SourceFactory(title="B"))
    claims = EventFigure.objects.filter(event=event, measure="deaths").order_by("value")
    assert [(c.display, c.source.title) for c in claims] == [("at least 15", "B"), ("at least 16", "A")]


def test_figure_needs_a_qualifier():
    figure = EventFigureFactory.build(event=EventFactory(), source=SourceFactory(), qualifier="")
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "qualifier" in error.value.message_dict


def test_citation_excerpt_is_a_short_phrase_not_a_paragraph():
    citation = CitationFactory.build(source=SourceFactory(), content_object=GroupFactory(), excerpt="word " * 40)
    with pytest.raises(ValidationError) as error:
        citation.full_clean()
    assert "at most 30 words" in str(error.value.message_dict["excerpt"])


def test_citation_points_at_any_record():
    case = CaseFactory()
    citation = CitationFactory(content_object=case)
    assert citation.content_object == case
    assert list(case.citations.all()) == [citation]


def test_place_found_by_another_spelling():
    aqtau = PlaceFactory(name="Aqtau")
    PlaceNameFactory(place=aqtau, name="Aktau")
    from cases.models import Place

    assert list(Place.objects.filter(search_text__contains="aktau")) == [aqtau]


# -- charges, trials, events ------------------------------------------------------


def test_charge_needs_an_article_or_a_described_offence():
    charge = ChargeFactory.build(defendant=DefendantFactory(), article=None, offence_description="")
    with pytest.raises(ValidationError) as error:
        charge.full_clean()
    assert "offence_description" in error.value.message_dict
    charge.offence_description = "Inciting social hatred"
    charge.full_clean()
    assert str(charge) == "Inciting social hatred"


def test_verdict_cannot_precede_the_trial():
    trial = TrialFactory.build(case=CaseFactory(), court=None, place=None, start="2012-08", verdict_date="2012-07")
    with pytest.raises(ValidationError) as error:
        trial.full_clean()
    assert "verdict_date" in error.value.message_dict


def test_event_cannot_end_before_it_began():
    event = EventFactory.build(place=None, start="2011-12-16", end="2011-12")
    event.full_clean()  # overlapping precision: allowed
    event.end = "2011-11"
    with pytest.raises(ValidationError):
        event.full_clean()


def test_person_appears_once_per_case():
    defendant = DefendantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Defendant.objects.create(case=defendant.case, person=defendant.person)


# -- deletion -------------------------------------------------------------------


def test_deleting_a_case_with_defendants_is_refused_and_names_them():
    defendant = DefendantFactory()
    with pytest.raises(DeletionRefused) as refused:
        record_delete(instance=defendant.case)
    assert str(defendant) in refused.value.message
    assert "Delete or reassign those first" in refused.value.message
    assert Case.objects.filter(pk=defendant.case.pk).exists()


def test_deleting_a_cited_source_is_refused():
    citation = CitationFactory()
    with pytest.raises(DeletionRefused):
        record_delete(instance=citation.source)
    assert Source.objects.filter(pk=citation.source.pk).exists()


def test_deleting_a_cited_case_needs_cascade_and_then_removes_its_citations():
    case = CaseFactory()
    citation = CitationFactory(content_object=case)
    with pytest.raises(DeletionRefused) as refused:
        record_delete(instance=case)
    assert "citation" in refused.value.message and "cascade" in refused.value.message
    assert Citation.objects.filter(pk=citation.pk).exists()
    case_id = case.pk
    record_delete(instance=case, cascade=True)
    assert not Citation.objects.exists()
    assert Case.history.filter(id=case_id, history_type="-").exists()
    assert Citation.history.filter(id=citation.pk, history_type="-").exists()


def test_deleting_an_event_keeps_its_links_unless_told_and_then_records_them_in_each_case():
    from cases.models import Event, EventFigure
    from cases.tests.factories import EventFactory, EventFigureFactory
    from people.tests.factories import PersonFactory

    event = EventFactory(title="The shooting")
    cases = [CaseFactory(), CaseFactory()]
    for case in cases:
        case.events.add(event)
    event.persons.add(PersonFactory(name="A participant"))
    EventFigureFactory(event=event)
    with pytest.raises(DeletionRefused) as refused:
        record_delete(instance=event)
    message = refused.value.message
    assert all(case.title in message for case in cases) and "A participant" in message
    assert Event.objects.filter(pk=event.pk).exists() and EventFigure.objects.filter(event=event).exists()
    before = {case.pk: case.history.count() for case in cases}
    record_delete(instance=event, cascade=True)
    assert not Event.objects.filter(pk=event.pk).exists()
    for case in cases:
        assert list(case.events.all()) == []
        assert case.history.count() == before[case.pk] + 1, "each case's history records the removed link"
        latest = case.history.latest("history_date")
        assert list(latest.events.all()) == []
        assert len(latest.prev_record.events.all()) == 1


def test_deleting_a_person_takes_their_own_name_variants_without_asking():
    from people.models import Person, PersonName
    from people.tests.factories import PersonFactory, PersonNameFactory

    person = PersonFactory()
    PersonNameFactory(person=person)
    record_delete(instance=person)
    assert not Person.objects.filter(pk=person.pk).exists() and not PersonName.objects.exists()
