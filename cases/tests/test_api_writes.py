"""Safe writes: 400s that name the field, ETag/If-Match, 409 on protected deletes, history, permissions."""

import pytest

from cases.choices import DefendantStatus
from cases.models import Defendant, Event, Sentence, StatusChange
from cases.tests.api_data import client_for, make_graph
from cases.tests.factories import CaseFactory, DefendantFactory, SentenceFactory, SourceFactory
from casetracker.problems import errors_by_field
from people.models import Person
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


# -- validation ----------------------------------------------------------------


def test_a_bad_approximate_date_is_a_400_naming_the_field(staff_user):
    defendant = DefendantFactory()
    response = client_for(staff_user).patch(
        f"/api/v1/defendants/{defendant.pk}/", {"arrested": "2012-13"}, format="json"
    )
    assert response.status_code == 400
    assert list(errors_by_field(response.json())) == ["arrested"]
    assert "YYYY-MM" in errors_by_field(response.json())["arrested"][0]


def test_a_model_rule_broken_through_the_api_is_a_400_naming_the_field(staff_user):
    sentence = SentenceFactory()
    response = client_for(staff_user).patch(
        f"/api/v1/sentences/{sentence.pk}/", {"kind": "fine", "fine_amount": "1000.00"}, format="json"
    )
    assert response.status_code == 400
    body = errors_by_field(response.json())
    # The model's clean() says a fine has no term; the API names its own field for the term.
    assert "term" in body and "fine_currency" in body
    sentence.refresh_from_db()
    assert sentence.kind == "imprisonment"


def test_a_qualified_figure_is_written_as_an_object_and_checked(staff_user):
    sentence = SentenceFactory()
    client = client_for(staff_user)
    response = client.patch(
        f"/api/v1/sentences/{sentence.pk}/", {"term": {"value": 144, "qualifier": "up_to"}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["term"] == {"value": 144, "qualifier": "up_to", "display": "up to 12 years"}
    response = client.patch(f"/api/v1/sentences/{sentence.pk}/", {"term": {"value": -3}}, format="json")
    assert response.status_code == 400
    assert "term.value" in errors_by_field(response.json())
    response = client.patch(f"/api/v1/sentences/{sentence.pk}/", {"term": 90}, format="json")
    assert response.status_code == 400
    assert "term" in errors_by_field(response.json())


def test_a_duplicate_is_a_400_not_a_server_error(staff_user):
    defendant = DefendantFactory()
    response = client_for(staff_user).post(
        "/api/v1/defendants/", {"case": defendant.case_id, "person": defendant.person_id}, format="json"
    )
    assert response.status_code == 400
    assert "already exists" in str(response.json())


def test_an_unknown_related_id_is_a_400_naming_the_field(staff_user):
    response = client_for(staff_user).post(
        "/api/v1/defendants/", {"case": 999999, "person": PersonFactory().pk}, format="json"
    )
    assert response.status_code == 400
    assert list(errors_by_field(response.json())) == ["case"]


def test_text_fields_refuse_numbers(staff_user):
    response = client_for(staff_user).post(
        "/api/v1/legal-articles/", {"country": "KZ", "code": "Criminal Code", "article": 164}, format="json"
    )
    assert response.status_code == 400
    assert list(errors_by_field(response.json())) == ["article"]


def test_create_answers_201_with_the_detail_its_etag_and_location(staff_user):
    case = CaseFactory()
    person = PersonFactory()
    response = client_for(staff_user).post(
        "/api/v1/defendants/",
        {"case": case.pk, "person": person.pk, "arrested": "2012-02", "description": "Oil worker."},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["arrested"] == "2012-02"
    assert body["case"]["label"] == case.title
    assert body["charges"] == [] and body["status_changes"] == []
    assert response["Location"] == body["url"]
    assert response["ETag"] == client_for(staff_user).get(body["url"])["ETag"]


def test_writing_name_variants_replaces_them_and_makes_them_searchable(staff_user):
    client = client_for(staff_user)
    response = client.post(
        "/api/v1/persons/",
        {"name": "Vladimir Kozlov", "names": [{"name": "Володя Козлов", "language": "ru"}]},
        format="json",
    )
    assert response.status_code == 201, response.content
    url = response.json()["url"]
    # "Володя" is in no spelling of "Vladimir Kozlov": only the variant makes it found.
    assert client.get("/api/v1/persons/", {"q": "володя"}).json()["count"] == 1
    response = client.patch(url, {"names": [{"name": "Uladzimir Kazlou"}]}, format="json")
    assert [entry["name"] for entry in response.json()["names"]] == ["Uladzimir Kazlou"]
    assert client.get("/api/v1/persons/", {"q": "володя"}).json()["count"] == 0
    assert client.get("/api/v1/persons/", {"q": "Volodya"}).json()["count"] == 0
    assert client.get("/api/v1/persons/", {"q": "KAZLOU"}).json()["count"] == 1


def test_a_rejected_write_changes_nothing(staff_user):
    client = client_for(staff_user)
    response = client.post(
        "/api/v1/persons/",
        {"name": "Someone", "names": [{"name": "Twice"}, {"name": "twice"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "names" in errors_by_field(response.json())
    assert not Person.objects.filter(name="Someone").exists()


# -- ETag and If-Match -------------------------------------------------------------


def test_detail_has_an_etag_and_if_none_match_gives_304():
    graph = make_graph()
    client = client_for(None)
    response = client.get(f"/api/v1/cases/{graph.case.pk}/")
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = client.get(f"/api/v1/cases/{graph.case.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_stale_if_match_is_412_and_changes_nothing(method, staff_user):
    source = SourceFactory(title="Original title")
    client = client_for(staff_user)
    url = f"/api/v1/sources/{source.pk}/"
    stale = client.get(url)["ETag"]
    client.patch(url, {"title": "Someone else's edit"}, format="json")
    body = {"title": "My edit", "kind": "article"} if method != "delete" else None
    response = getattr(client, method)(url, body, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert "GET it again" in response.json()["detail"]
    source.refresh_from_db()
    assert source.title == "Someone else's edit"


def test_a_fresh_if_match_lets_the_write_through(staff_user):
    source = SourceFactory()
    client = client_for(staff_user)
    url = f"/api/v1/sources/{source.pk}/"
    etag = client.get(url)["ETag"]
    response = client.patch(url, {"title": "Corrected title"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert client.delete(url, HTTP_IF_MATCH=response["ETag"]).status_code == 204


# -- deletion --------------------------------------------------------------------


def test_deleting_a_record_others_depend_on_is_a_409_naming_them(staff_user):
    graph = make_graph()
    response = client_for(staff_user).delete(f"/api/v1/defendants/{graph.defendant.pk}/")
    assert response.status_code == 409
    body = response.json()
    assert "Delete or reassign those first" in body["detail"]
    assert body["code"] == "has_dependents" and body["status"] == 409
    assert {entry["kind"] for entry in body["dependents"]} >= {"cases.sentence", "cases.charge", "cases.statuschange"}
    assert {"id", "label"} <= set(body["dependents"][0])
    assert Defendant.objects.filter(pk=graph.defendant.pk).exists()


def test_deleting_a_free_record_is_204(staff_user):
    sentence = SentenceFactory()
    assert client_for(staff_user).delete(f"/api/v1/sentences/{sentence.pk}/").status_code == 204
    assert not Sentence.objects.filter(pk=sentence.pk).exists()


# -- status changes ---------------------------------------------------------------


def test_status_changes_go_through_the_service_and_update_the_defendant(staff_user):
    defendant = DefendantFactory(arrested="2012-01")
    source = SourceFactory()
    client = client_for(staff_user)
    url = f"/api/v1/defendants/{defendant.pk}/status-changes/"
    response = client.post(
        url,
        {"status": "convicted", "date": "2012-06-04", "source": source.pk, "excerpt": "was convicted"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "convicted"
    defendant.refresh_from_db()
    assert (defendant.status, str(defendant.status_date)) == ("convicted", "2012-06-04")
    assert StatusChange.objects.get(defendant=defendant).recorded_by == staff_user
    # A back-filled older change is recorded but does not replace the newer status.
    client.post(url, {"status": "detained", "date": "2012-02", "note": "Held in Aktau."}, format="json")
    defendant.refresh_from_db()
    assert defendant.status == "convicted"
    assert [change["status"] for change in client.get(url).json()] == ["detained", "convicted"]


def test_a_status_change_before_the_arrest_is_a_400_naming_the_date(staff_user):
    defendant = DefendantFactory(arrested="2012-03")
    response = client_for(staff_user).post(
        f"/api/v1/defendants/{defendant.pk}/status-changes/",
        {"status": "detained", "date": "2011", "note": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert list(errors_by_field(response.json())) == ["date"]


def test_the_defendant_status_cannot_be_written_directly(staff_user):
    defendant = DefendantFactory(status=DefendantStatus.DETAINED)
    response = client_for(staff_user).patch(
        f"/api/v1/defendants/{defendant.pk}/", {"status": "released", "description": "x"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "detained"


def test_a_recorded_status_change_is_not_edited(staff_user):
    defendant = DefendantFactory(arrested="2012-01")
    client = client_for(staff_user)
    change = client.post(
        f"/api/v1/defendants/{defendant.pk}/status-changes/",
        {"status": "detained", "date": "2012-02", "note": "Arrested."},
        format="json",
    ).json()
    assert client.patch(change["url"], {"status": "released"}, format="json").status_code == 405
    assert client.put(change["url"], {"status": "released"}, format="json").status_code == 405


def test_deleting_a_status_change_recomputes_the_current_status(staff_user):
    defendant = DefendantFactory(arrested="2012-01")
    client = client_for(staff_user)
    url = f"/api/v1/defendants/{defendant.pk}/status-changes/"
    client.post(url, {"status": "detained", "date": "2012-02", "note": "Arrested."}, format="json")
    latest = client.post(url, {"status": "released", "date": "2016", "note": "Released."}, format="json").json()
    assert client.delete(latest["url"]).status_code == 204
    defendant.refresh_from_db()
    assert defendant.status == "detained"


def test_recording_a_status_change_needs_the_statuschange_permission(django_user_model):
    clerk = django_user_model.objects.create_user(username="clerk", password="x-pass-123", is_staff=True)
    defendant = DefendantFactory()
    response = client_for(clerk).post(
        f"/api/v1/defendants/{defendant.pk}/status-changes/", {"status": "released", "date": "2016"}, format="json"
    )
    assert response.status_code == 403


# -- who may write, and the history -------------------------------------------------


def test_anonymous_writes_are_401_and_unpermitted_staff_get_403(django_user_model):
    assert client_for(None).post("/api/v1/sources/", {"title": "x"}, format="json").status_code == 401
    reader = django_user_model.objects.create_user(username="reader", password="x-pass-123", is_staff=True)
    assert client_for(reader).post("/api/v1/sources/", {"title": "x"}, format="json").status_code == 403


def test_session_writes_need_the_csrf_token(staff_user):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert client.post("/api/v1/sources/", {"title": "x"}, format="json").status_code == 403


def test_history_records_the_user_behind_a_token_write(staff_user):
    graph = make_graph()
    client = client_for(staff_user)
    client.patch(f"/api/v1/events/{graph.event.pk}/", {"title": "Shooting in Zhanaozen"}, format="json")
    latest = Event.history.filter(id=graph.event.pk).latest("history_date")
    assert latest.title == "Shooting in Zhanaozen"
    assert latest.history_user == staff_user
    client.post("/api/v1/persons/", {"name": "New witness"}, format="json")
    created = Person.history.get(name="New witness", history_type="+")
    assert created.history_user == staff_user
    # The sentence's citations go with it only when the client says so.
    assert client.delete(f"/api/v1/sentences/{graph.sentence.pk}/").status_code == 409
    assert client.delete(f"/api/v1/sentences/{graph.sentence.pk}/?cascade=true").status_code == 204
    deleted = Sentence.history.get(id=graph.sentence.pk, history_type="-")
    assert deleted.history_user == staff_user
