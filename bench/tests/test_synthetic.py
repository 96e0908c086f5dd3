"""The synthetic data set: marked, deterministic, valid, consistent, and removable without touching real rows."""

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from bench.synthetic import (
    FLAGGED_MODELS,
    GENERATOR_SOURCE_TITLE,
    TAG,
    SyntheticCounts,
    SyntheticDataError,
    format_reports,
    synthetic_delete,
    synthetic_row_counts,
    synthetic_seed,
)
from cases.models import (
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
from cases.services import defendant_change_status
from cases.tests.factories import (
    CaseFactory,
    ChargeFactory,
    CitationFactory,
    DefendantFactory,
    EventFactory,
    LegalArticleFactory,
    PlaceFactory,
    SentenceFactory,
    SourceFactory,
    TrialFactory,
)
from casetracker.choices import Confidentiality
from people.models import Membership, Organization, OrganizationName, Person, PersonName, Recognition
from people.tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, PersonNameFactory
from sources.models import Citation, Source

pytestmark = pytest.mark.django_db

TINY = SyntheticCounts().scaled(0.002)  # 200 persons, 40 cases, 200 defendants, 300 charges …

ALL_MODELS = (
    Person,
    PersonName,
    Organization,
    OrganizationName,
    Membership,
    Place,
    PlaceName,
    Source,
    Event,
    EventFigure,
    Case,
    Trial,
    Defendant,
    StatusChange,
    LegalArticle,
    Charge,
    Sentence,
    Citation,
    Facility,
    FacilityName,
    CustodyStay,
    Recognition,
)


def rows(queryset) -> list[tuple[str, ...]]:
    return sorted(tuple(str(value) for value in row) for row in queryset)


def snapshot() -> dict[str, list[tuple]]:
    """Every synthetic row by content (ids and timestamps differ between runs; content must not)."""
    return {
        "persons": rows(
            Person.objects.values_list(
                "name", "kind", "group_size", "group_size_qualifier", "confidentiality", "search_text"
            )
        ),
        "names": rows(PersonName.objects.values_list("person__name", "name", "language")),
        "cases": rows(Case.objects.values_list("title", "kind", "country", "opened", "confidentiality")),
        "defendants": rows(
            Defendant.objects.values_list("case__title", "person__name", "arrested", "status", "status_date")
        ),
        "changes": rows(
            StatusChange.objects.values_list(
                "defendant__case__title", "defendant__person__name", "status", "date", "source__title", "note"
            )
        ),
        "charges": rows(
            Charge.objects.values_list(
                "defendant__case__title",
                "defendant__person__name",
                "article__article",
                "offence_description",
                "outcome",
            )
        ),
        "trials": rows(
            Trial.objects.values_list("case__title", "court__name", "place__name", "start", "end", "verdict_date")
        ),
        "sentences": rows(
            Sentence.objects.values_list(
                "defendant__case__title",
                "defendant__person__name",
                "trial__start",
                "kind",
                "term_months",
                "term_qualifier",
                "fine_amount",
                "start",
                "expected_end",
                "actual_release",
                "status",
            )
        ),
        "citations": rows(Citation.objects.values_list("content_type__model", "excerpt", "locator")),
        "memberships": rows(Membership.objects.values_list("person__name", "organization__name", "role", "start")),
    }


def test_a_small_scale_seed_writes_the_requested_counts():
    synthetic_seed(counts=TINY, seed=3)

    assert Person.objects.count() == TINY.persons
    assert Case.objects.count() == TINY.cases
    assert Defendant.objects.count() == TINY.defendants
    assert Charge.objects.count() == TINY.charges
    assert Sentence.objects.count() == TINY.sentences
    assert Citation.objects.count() == TINY.citations
    assert Organization.objects.count() == TINY.organizations
    assert Source.objects.count() == TINY.sources + 1  # and the generator itself
    assert PersonName.objects.exists()
    assert StatusChange.objects.count() >= Defendant.objects.count()
    assert Trial.objects.count() == TINY.trials


def test_the_same_seed_gives_the_same_rows_and_another_seed_does_not():
    synthetic_seed(counts=TINY, seed=11, batch_size=7)
    first = snapshot()
    synthetic_delete()
    synthetic_seed(counts=TINY, seed=11, batch_size=500)
    assert snapshot() == first
    synthetic_delete()
    synthetic_seed(counts=TINY, seed=12)
    assert snapshot()["persons"] != first["persons"]


def test_every_synthetic_record_is_marked_and_tagged():
    synthetic_seed(counts=TINY, seed=1)

    for model in FLAGGED_MODELS:
        assert not model.objects.filter(synthetic=False).exists(), model
    for model, field in [
        (Person, "name"),
        (Organization, "name"),
        (Place, "name"),
        (Event, "title"),
        (Case, "title"),
        (Source, "title"),
        (LegalArticle, "code"),
    ]:
        assert not model.objects.exclude(**{f"{field}__contains": TAG}).exists(), model
    for model, field in [
        (Defendant, "description"),
        (Sentence, "note"),
        (Trial, "observer_findings"),
        (Citation, "excerpt"),
        (EventFigure, "excerpt"),
    ]:
        assert not model.objects.exclude(**{f"{field}__startswith": TAG}).exists(), model
    generator = Source.objects.get(title=GENERATOR_SOURCE_TITLE)
    assert not Citation.objects.exclude(source=generator).exists()
    # Every child belongs to a synthetic parent; nothing was written to the history tables.
    assert not Defendant.objects.filter(case__synthetic=False).exists()
    assert not Membership.objects.filter(person__synthetic=False).exists()
    assert not StatusChange.objects.exclude(source=None).filter(source__synthetic=False).exists()
    for model in ALL_MODELS:
        assert not model.history.exists(), f"{model.__name__} has history rows"


def test_synthetic_rows_pass_model_validation():
    synthetic_seed(counts=TINY, seed=5)

    for model in ALL_MODELS:
        for row in model.objects.all():
            row.full_clean()


def test_each_defendant_status_is_the_latest_of_its_history():
    synthetic_seed(counts=TINY, seed=2)

    defendants = Defendant.objects.prefetch_related("status_changes")
    for defendant in defendants:
        changes = sorted(defendant.status_changes.all(), key=lambda change: (change.date, change.created, change.id))
        assert (defendant.status, defendant.status_date) == (changes[-1].status, changes[-1].date)
        assert defendant.arrested == changes[0].date
        dates = [change.date.isoformat() for change in changes]
        assert dates == sorted(set(dates)), "a history is dated in strictly increasing order"


def test_the_status_service_agrees_with_the_generated_status():
    synthetic_seed(counts=TINY, seed=2)
    defendant = Defendant.objects.order_by("pk").first()
    status, date = defendant.status, defendant.status_date

    from cases.services import defendant_refresh_status

    defendant_refresh_status(defendant=defendant)
    defendant.refresh_from_db()
    assert (defendant.status, defendant.status_date) == (status, date)


def test_sentences_have_their_expected_end_derived_as_save_would():
    synthetic_seed(counts=TINY, seed=4)

    sentences = list(Sentence.objects.all())
    assert any(sentence.expected_end for sentence in sentences)
    for sentence in sentences:
        assert sentence.expected_end == sentence.derive_expected_end()


def test_the_data_set_has_the_variety_real_data_has():
    synthetic_seed(counts=SyntheticCounts().scaled(0.01), seed=1)

    assert set(Person.objects.values_list("confidentiality", flat=True)) == set(Confidentiality.values)
    assert Person.objects.filter(confidentiality=Confidentiality.PUBLIC).count() > Person.objects.count() * 0.8
    assert set(Case.objects.values_list("confidentiality", flat=True)) >= {"public", "restricted"}
    assert Person.objects.filter(kind="group").exclude(group_size=None).exists()
    assert PersonName.objects.filter(language="ru").exists()
    starts = [sentence.start for sentence in Sentence.objects.exclude(start=None)]
    assert {start.precision for start in starts} == {"day", "month", "year"}
    assert len(set(Sentence.objects.values_list("kind", flat=True))) >= 7
    assert len(set(Sentence.objects.values_list("status", flat=True))) >= 6
    assert len(set(Sentence.objects.values_list("term_qualifier", flat=True))) >= 4
    assert Charge.objects.filter(article=None).exists() and Charge.objects.exclude(article=None).exists()
    assert len(set(Defendant.objects.values_list("status", flat=True))) >= 10


def test_synthetic_persons_are_found_by_a_cyrillic_variant():
    synthetic_seed(counts=TINY, seed=1)
    variant = PersonName.objects.filter(language="ru").first()

    assert variant.person in Person.objects.search(variant.name.split()[0].upper())


def test_delete_removes_every_synthetic_row_and_no_real_one():
    real_person = PersonFactory(name="Real Person")
    PersonNameFactory(person=real_person, name="Реальный человек")
    real_defendant = DefendantFactory(person=real_person)
    real_source = SourceFactory()
    defendant_change_status(defendant=real_defendant, status="convicted", date="2012-06", source=real_source)
    ChargeFactory(defendant=real_defendant)
    SentenceFactory(defendant=real_defendant)
    CitationFactory(content_object=real_defendant, source=real_source)
    MembershipFactory(person=real_person)
    EventFactory()
    before = {model: model.objects.count() for model in ALL_MODELS}
    history_before = {model: model.history.count() for model in ALL_MODELS}

    synthetic_seed(counts=TINY, seed=1)
    assert Person.objects.count() > before[Person]
    reports = synthetic_delete()

    assert {model: model.objects.count() for model in ALL_MODELS} == before
    assert {model: model.history.count() for model in ALL_MODELS} == history_before
    assert sum(report.rows for report in reports) > TINY.persons
    assert all(count == 0 for count in synthetic_row_counts().values())
    real_defendant.refresh_from_db()
    assert real_defendant.status == "convicted"


def test_delete_refuses_while_real_records_depend_on_synthetic_ones():
    synthetic_seed(counts=TINY, seed=1)
    synthetic_person = Person.objects.filter(synthetic=True).first()
    real_defendant = DefendantFactory(case=CaseFactory(), person=synthetic_person)
    TrialFactory(court=Organization.objects.filter(synthetic=True, kind="court").first())
    ChargeFactory(article=LegalArticle.objects.filter(synthetic=True).first())
    PlaceFactory(region=Place.objects.filter(synthetic=True).first())

    with pytest.raises(SyntheticDataError) as raised:
        synthetic_delete()

    message = str(raised.value)
    assert f"defendants {real_defendant.pk}: defendants in real cases are synthetic persons" in message
    assert "synthetic courts" in message and "synthetic legal articles" in message and "synthetic regions" in message
    assert "nothing was deleted" in message
    assert Person.objects.filter(synthetic=True).count() == TINY.persons


def test_citations_of_synthetic_records_by_real_sources_go_with_them():
    real_source = SourceFactory()
    synthetic_seed(counts=TINY, seed=1)
    CitationFactory(content_object=Case.objects.filter(synthetic=True).first(), source=real_source)
    CitationFactory(content_object=Person.objects.filter(synthetic=True).first(), source=real_source)
    CitationFactory(content_object=Source.objects.filter(synthetic=True).first(), source=real_source)
    CitationFactory(content_object=Membership.objects.first(), source=real_source)

    synthetic_delete()

    assert not Citation.objects.exists()
    assert Source.objects.get() == real_source


def test_seeding_twice_is_refused_with_what_to_do():
    synthetic_seed(counts=TINY, seed=1)
    with pytest.raises(SyntheticDataError, match="seed_synthetic --delete"):
        synthetic_seed(counts=TINY, seed=1)


def test_counts_that_cannot_fit_are_refused_naming_the_option():
    with pytest.raises(SyntheticDataError, match="--cases must be at least 1"):
        synthetic_seed(counts=TINY.replace(cases=0))
    with pytest.raises(SyntheticDataError, match="add persons or cases"):
        synthetic_seed(counts=TINY.replace(persons=2, cases=1, defendants=3))
    with pytest.raises(ValueError, match="scale must be positive"):
        SyntheticCounts().scaled(0)


def test_the_command_seeds_with_overrides_prints_a_summary_and_deletes():
    out = StringIO()
    call_command(
        "seed_synthetic",
        "--scale",
        "0.001",
        "--persons",
        "150",
        "--seed",
        "9",
        "--batch-size",
        "50",
        stdout=out,
        stderr=StringIO(),
    )
    text = out.getvalue()
    assert Person.objects.count() == 150
    assert Case.objects.count() == 20
    assert "persons" in text and "total" in text and "synthetic rows written" in text

    out = StringIO()
    call_command("seed_synthetic", "--delete", stdout=out, stderr=StringIO())
    assert "synthetic rows deleted" in out.getvalue()
    assert not Person.objects.exists()


def test_the_command_turns_bad_input_into_a_command_error():
    with pytest.raises(CommandError, match="scale must be positive"):
        call_command("seed_synthetic", "--scale", "-1", stdout=StringIO())
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        call_command("seed_synthetic", "--scale", "0.001", "--batch-size", "0", stdout=StringIO())
    call_command("seed_synthetic", "--scale", "0.001", "-v", "0")
    with pytest.raises(CommandError, match="already loaded"):
        call_command("seed_synthetic", "--scale", "0.001", "-v", "0")


def test_the_summary_table_lists_each_step_and_a_total():
    synthetic_seed(counts=TINY, seed=1)
    reports = synthetic_delete()
    table = format_reports(reports, verb="deleted")

    lines = table.splitlines()
    assert lines[0].split() == ["step", "rows", "deleted", "seconds", "rows/s"]
    assert lines[-1].startswith("total")
    assert any(line.startswith("persons") and f"{TINY.persons:,}" in line for line in lines)


def test_synthetic_citations_point_at_existing_rows():
    synthetic_seed(counts=TINY, seed=1)

    for content_type_id in set(Citation.objects.values_list("content_type", flat=True)):
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        ids = set(Citation.objects.filter(content_type_id=content_type_id).values_list("object_id", flat=True))
        assert model.objects.filter(pk__in=ids).count() == len(ids)


def test_real_records_keep_their_own_confidentiality_and_are_never_flagged():
    real = PersonFactory(confidentiality=Confidentiality.CONFIDENTIAL)
    OrganizationFactory()
    LegalArticleFactory()
    synthetic_seed(counts=TINY, seed=1)

    real.refresh_from_db()
    assert real.synthetic is False and real.confidentiality == Confidentiality.CONFIDENTIAL
    assert Organization.objects.filter(synthetic=False).count() == 1
    assert LegalArticle.objects.filter(synthetic=False).count() == 1


def test_profiles_custody_histories_and_recognitions_are_generated_and_agree_with_the_rules():
    synthetic_seed(counts=TINY.replace(facilities=5, recognitions=20), seed=4)

    assert Facility.objects.count() == 5
    assert Recognition.objects.count() == 20
    assert Person.objects.exclude(birth_date=None).exists()
    assert Person.objects.exclude(rights=[]).exists()
    assert CustodyStay.objects.exists()
    held = Defendant.objects.exclude(current_facility=None)
    assert held.exists()
    for defendant in Defendant.objects.all():
        expected = (defendant.current_facility_id, defendant.custody_since)
        defendant.refresh_custody()
        assert (defendant.current_facility_id, defendant.custody_since) == expected, defendant.pk
