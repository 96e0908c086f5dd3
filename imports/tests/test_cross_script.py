"""An import finds a record named in another script or spelling (casetracker.translit), within the visibility rule."""

import pytest

from cases.models import Defendant
from cases.tests.factories import CaseFactory
from casetracker.choices import Confidentiality
from people.models import Person
from people.tests.factories import PersonFactory

from ..services import records_import

pytestmark = pytest.mark.django_db


def sheet(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def run(content, kind, user, **kwargs):
    return records_import(content=content, filename="sheet.csv", kind=kind, user=user, **kwargs)


def test_a_person_row_in_cyrillic_updates_the_person_recorded_in_latin(senior_user):
    person = PersonFactory(name="Vladimir Kozlov")
    result = run(
        sheet("name,kind,description", "Владимир Козлов,individual,Opposition leader"),
        "persons",
        senior_user,
        dry_run=False,
    )
    assert result.counts["changed"] == 1, result.as_dict()
    person.refresh_from_db()
    assert person.description == "Opposition leader"
    assert Person.objects.count() == 1


def test_a_reference_in_another_spelling_finds_the_person_and_the_case(senior_user):
    person = PersonFactory(name="Serik Sapargali")
    case = CaseFactory(title="Trial of the Zhanaozen oil workers")
    result = run(
        sheet("person,case", "Serik Sapargaliyev,Trial of the Janaozen oil workers"),
        "defendants",
        senior_user,
        dry_run=False,
    )
    assert result.applied, result.as_dict()
    assert Defendant.objects.get().person == person
    assert Defendant.objects.get().case == case


def test_a_part_of_a_name_is_not_a_match(senior_user):
    PersonFactory(name="Vladimir Kozlov")
    CaseFactory(title="Trial of 37 oil workers", external_id="C1")
    result = run(sheet("person,case", "Козлов,C1"), "defendants", senior_user)
    assert result.errors and result.errors[0].column == "person"


def test_two_records_spelt_alike_are_ambiguous(senior_user):
    PersonFactory(name="Aktau")
    PersonFactory(name="Актау")
    CaseFactory(title="Trial", external_id="C1")
    result = run(sheet("person,case", "Aqtau,C1"), "defendants", senior_user)
    assert result.errors and "2 records" in str(result.errors[0])


def test_a_hidden_person_is_not_found_in_another_script_either(staff_user):
    PersonFactory(name="Protected witness Kozlov", confidentiality=Confidentiality.CONFIDENTIAL)
    CaseFactory(title="Trial", external_id="C1", confidentiality=Confidentiality.RESTRICTED)
    hidden = run(sheet("person,case", "Protected witness Козлов,C1"), "defendants", staff_user)
    assert hidden.errors and hidden.errors[0].column == "person"
    assert "Protected witness Kozlov" not in str(hidden.as_dict())
