"""Publishing is a permission: making a record less protected needs ``people.publish`` (Senior editors).

Editors create and edit at the restricted or confidential level only; anyone who may edit may raise
a record's protection; every change of level is in the record's history with its user.
"""

import pytest

from cases.models import Case
from cases.tests.api_data import client_for
from cases.tests.factories import CaseFactory, CitationFactory, DefendantFactory, SourceFactory
from casetracker.choices import Confidentiality
from casetracker.problems import errors_by_field
from casetracker.roles import EDITOR, SENIOR_EDITOR
from casetracker.visibility import level_change_error
from people.models import Person
from people.tests.factories import PersonFactory
from sources.models import Source

pytestmark = pytest.mark.django_db

PUBLIC, RESTRICTED, CONFIDENTIAL = Confidentiality.PUBLIC, Confidentiality.RESTRICTED, Confidentiality.CONFIDENTIAL


@pytest.fixture
def editor(role_user):
    return role_user(EDITOR)


@pytest.fixture
def senior(role_user):
    return role_user(SENIOR_EDITOR)


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        (None, PUBLIC, False),  # creating a public record is publishing it
        (None, RESTRICTED, True),
        (None, CONFIDENTIAL, True),
        (CONFIDENTIAL, RESTRICTED, False),
        (RESTRICTED, PUBLIC, False),
        (CONFIDENTIAL, PUBLIC, False),
        (PUBLIC, RESTRICTED, True),
        (RESTRICTED, CONFIDENTIAL, True),
        (PUBLIC, PUBLIC, True),  # editing a published record without changing its level
    ],
)
def test_the_rule_for_a_user_who_may_not_publish(editor, old, new, allowed):
    assert (level_change_error(editor, old=old, new=new) is None) is allowed


def test_a_senior_editor_may_make_any_change_of_level(senior):
    assert level_change_error(senior, old=CONFIDENTIAL, new=PUBLIC) is None
    assert level_change_error(senior, old=None, new=PUBLIC) is None


def test_editor_cannot_create_a_public_person_over_the_api(editor):
    response = client_for(editor).post(
        "/api/v1/persons/", {"name": "Witness", "confidentiality": "public"}, format="json"
    )
    assert response.status_code == 400
    assert list(errors_by_field(response.json())) == ["confidentiality"]
    assert "publish" in errors_by_field(response.json())["confidentiality"][0]
    assert not Person.objects.filter(name="Witness").exists()


def test_editor_creates_a_restricted_person_and_reads_it_back(editor):
    response = client_for(editor).post(
        "/api/v1/persons/", {"name": "Witness", "confidentiality": "restricted"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Witness"


def test_editor_may_file_a_confidential_record_they_cannot_read_back(editor):
    response = client_for(editor).post(
        "/api/v1/persons/", {"name": "Witness W-9", "confidentiality": "confidential"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "detail"}
    assert "Witness W-9" not in response.content.decode()
    assert Person.objects.get(pk=body["id"]).confidentiality == CONFIDENTIAL
    assert client_for(editor).get(f"/api/v1/persons/{body['id']}/").status_code == 404


def test_editor_cannot_lower_a_level_but_may_raise_it(editor):
    person = PersonFactory(confidentiality=RESTRICTED)
    client = client_for(editor)
    response = client.patch(f"/api/v1/persons/{person.pk}/", {"confidentiality": "public"}, format="json")
    assert response.status_code == 400
    assert list(errors_by_field(response.json())) == ["confidentiality"]
    person.refresh_from_db()
    assert person.confidentiality == RESTRICTED
    response = client.patch(f"/api/v1/persons/{person.pk}/", {"confidentiality": "confidential"}, format="json")
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.confidentiality == CONFIDENTIAL


def test_editor_cannot_publish_a_case_or_a_source(editor):
    case = CaseFactory(confidentiality=RESTRICTED)
    source = SourceFactory(confidentiality=RESTRICTED)
    client = client_for(editor)
    assert client.patch(f"/api/v1/cases/{case.pk}/", {"confidentiality": "public"}, format="json").status_code == 400
    response = client.patch(f"/api/v1/sources/{source.pk}/", {"confidentiality": "public"}, format="json")
    assert response.status_code == 400
    assert list(errors_by_field(response.json())) == ["confidentiality"]
    assert Case.objects.get(pk=case.pk).confidentiality == RESTRICTED
    assert Source.objects.get(pk=source.pk).confidentiality == RESTRICTED


def test_every_change_of_level_is_in_the_history_with_its_user(editor, senior):
    person = PersonFactory(confidentiality=RESTRICTED)
    client_for(editor).patch(f"/api/v1/persons/{person.pk}/", {"confidentiality": "confidential"}, format="json")
    response = client_for(senior).patch(f"/api/v1/persons/{person.pk}/", {"confidentiality": "public"}, format="json")
    assert response.status_code == 200, response.content
    changes = [
        (record.confidentiality, record.history_user)
        for record in person.history.order_by("history_date", "history_id")
        if record.prev_record is None or record.prev_record.confidentiality != record.confidentiality
    ]
    assert changes[1:] == [(CONFIDENTIAL, editor), (PUBLIC, senior)]


# -- errors never reveal --------------------------------------------------------------------------


def test_a_refused_delete_counts_the_dependants_the_user_cannot_see(staff_user):
    case = CaseFactory(title="A public case")
    DefendantFactory(case=case, person=PersonFactory(name="Open defendant"))
    DefendantFactory(case=case, person=PersonFactory(name="Zqx hidden witness", confidentiality=CONFIDENTIAL))
    response = client_for(staff_user).delete(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 409
    text = response.content.decode()
    assert "Zqx hidden witness" not in text
    assert "Open defendant" in text
    assert "1 record you cannot see" in response.json()["detail"]
    assert response.json()["hidden_dependents"] == 1


def test_a_refused_delete_names_everything_for_a_user_who_may_see_it(senior_user):
    case = CaseFactory()
    DefendantFactory(case=case, person=PersonFactory(name="Zqx hidden witness", confidentiality=CONFIDENTIAL))
    response = client_for(senior_user).delete(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 409
    assert "Zqx hidden witness" in response.content.decode()
    assert response.json()["hidden_dependents"] == 0


# -- existence oracles and sources ------------------------------------------------------------------


def test_a_filter_by_a_hidden_record_matches_nothing():
    secret = CaseFactory(title="Secret case", confidentiality=CONFIDENTIAL)
    DefendantFactory(case=secret, person=PersonFactory(name="Public person in a secret case"))
    anonymous = client_for(None)
    assert anonymous.get("/api/v1/persons/", {"case": secret.pk}).json()["results"] == []
    assert anonymous.get("/api/v1/defendants/", {"case": secret.pk}).json()["results"] == []
    assert anonymous.get("/api/v1/sentences/", {"case": secret.pk}).json()["results"] == []


def test_a_confidential_source_and_what_quotes_it_stay_hidden(staff_user, senior_user):
    interview = SourceFactory(title="Interview with Zqx witness", confidentiality=CONFIDENTIAL)
    case = CaseFactory()
    CitationFactory(source=interview, content_object=case, excerpt="Zqx said the police came at night")
    for user in (None, staff_user):
        client = client_for(user)
        assert client.get(f"/api/v1/sources/{interview.pk}/").status_code == 404
        assert "Zqx" not in client.get(f"/api/v1/cases/{case.pk}/").content.decode()
        assert "Zqx" not in client.get("/api/v1/citations/").content.decode()
    assert "Zqx said" in client_for(senior_user).get(f"/api/v1/cases/{case.pk}/").content.decode()


def test_nested_lists_drop_what_quotes_a_hidden_source(staff_user):
    from cases.tests.factories import EventFactory, EventFigureFactory, StatusChangeFactory

    interview = SourceFactory(title="Interview with Zqx witness", confidentiality=CONFIDENTIAL)
    event = EventFactory()
    EventFigureFactory(event=event, source=interview, excerpt="Zqx counted 70 dead")
    defendant = DefendantFactory()
    StatusChangeFactory(defendant=defendant, source=interview, excerpt="Zqx saw him taken")
    for user in (None, staff_user):
        client = client_for(user)
        for url in (f"/api/v1/events/{event.pk}/", "/api/v1/events/", f"/api/v1/defendants/{defendant.pk}/"):
            response = client.get(url)
            assert response.status_code == 200
            assert "Zqx" not in response.content.decode(), url


def test_staff_filter_sources_and_sentences_by_the_level_the_rule_gives_them(staff_user, senior_user):
    from cases.tests.factories import SentenceFactory

    SourceFactory(title="Open source")
    SourceFactory(title="Staff notes", confidentiality=RESTRICTED)
    SourceFactory(title="Zqx interview", confidentiality=CONFIDENTIAL)
    client = client_for(senior_user)
    titles = [
        row["title"] for row in client.get("/api/v1/sources/", {"confidentiality": "restricted"}).json()["results"]
    ]
    assert titles == ["Staff notes"]
    # A public person in a confidential case: the sentence is confidential.
    hidden_case = SentenceFactory(defendant=DefendantFactory(case=CaseFactory(confidentiality=CONFIDENTIAL)))
    SentenceFactory()
    ids = [row["id"] for row in client.get("/api/v1/sentences/", {"confidentiality": "confidential"}).json()["results"]]
    assert ids == [hidden_case.pk]
    assert client_for(None).get("/api/v1/sources/", {"confidentiality": "public"}).status_code == 403
