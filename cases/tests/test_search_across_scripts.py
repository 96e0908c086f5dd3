"""Search across scripts and spellings (issue 15) on every surface: the API's ``q``, the admin search and
``/api/v1/search/``; ranked exact first, always within the visibility rule, queries not growing with rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.tests.api_data import client_for
from cases.tests.factories import CaseFactory, DefendantFactory, EventFactory, PlaceFactory, SentenceFactory
from casetracker.choices import Confidentiality
from people.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def names(response, field="name") -> list[str]:
    assert response.status_code == 200, response.content
    return [row[field] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("recorded", "typed"),
    [
        ("Vladimir Kozlov", "Козлов"),
        ("Владимир Козлов", "Kozlov"),
        ("Serik Sapargali", "Sapargaliyev"),
        ("Serik Sapargali", "Сапаргалиев"),
        ("Roza Tuletayeva", "Тулетаева"),
        ("Zhanar Abilova", "Janar"),
    ],
)
def test_api_persons_q_crosses_scripts_and_spellings(recorded, typed):
    PersonFactory(name=recorded)
    PersonFactory(name="Someone Else")
    assert names(client_for(None).get("/api/v1/persons/", {"q": typed})) == [recorded]


@pytest.mark.parametrize("typed", ["Aqtau", "Ақтау", "Aktau", "Актау", "aqt"])
def test_places_and_events_by_place_in_any_spelling(typed):
    place = PlaceFactory(name="Aqtau")
    PlaceFactory(name="Shetpe")
    event = EventFactory(place=place, title="Trial hearing")
    assert names(client_for(None).get("/api/v1/places/", {"q": typed})) == ["Aqtau"]
    assert [row["id"] for row in client_for(None).get("/api/v1/events/", {"q": typed}).json()["results"]] == [event.pk]


@pytest.mark.parametrize("typed", ["Жанаозен", "Жаңаөзен", "Janaozen", "Jana Ozen", "zhanaozen"])
def test_cases_by_title_and_organizations_in_any_spelling(typed):
    CaseFactory(title="Trial of the Zhanaozen oil workers")
    CaseFactory(title="Another trial")
    OrganizationFactory(name="Zhanaozen City Court", kind="court")
    assert names(client_for(None).get("/api/v1/cases/", {"q": typed}), "title") == [
        "Trial of the Zhanaozen oil workers"
    ]
    assert names(client_for(None).get("/api/v1/organizations/", {"q": typed})) == ["Zhanaozen City Court"]


def test_cases_by_a_defendant_named_in_another_script():
    case = CaseFactory(title="Trial of the opposition leaders")
    DefendantFactory(case=case, person=PersonFactory(name="Vladimir Kozlov"))
    assert names(client_for(None).get("/api/v1/cases/", {"q": "Козлов"}), "title") == [case.title]


def test_ranking_prefers_exact_then_prefix_then_within_then_across_scripts():
    for name in ("Козлов", "Vladimir Kozlov", "Kozlovsky", "Kozlov"):
        PersonFactory(name=name)
    assert names(client_for(None).get("/api/v1/persons/", {"q": "Kozlov"})) == [
        "Kozlov",
        "Kozlovsky",
        "Vladimir Kozlov",
        "Козлов",
    ]
    # An ordering the client asks for replaces the ranking.
    ordered = names(client_for(None).get("/api/v1/persons/", {"q": "Kozlov", "ordering": "name"}))
    assert ordered == sorted(ordered)


def test_a_hidden_person_is_not_found_in_any_script(staff_user):
    PersonFactory(name="Witness Kozlov", confidentiality=Confidentiality.CONFIDENTIAL)
    PersonFactory(name="Vladimir Kozlov")
    for typed in ("Козлов", "kozlov", "Kozlova"):
        assert names(client_for(None).get("/api/v1/persons/", {"q": typed})) == ["Vladimir Kozlov"]
        assert names(client_for(staff_user).get("/api/v1/persons/", {"q": typed})) == ["Vladimir Kozlov"]
        hits = client_for(staff_user).get("/api/v1/search/", {"q": typed}).json()["results"]
        assert {hit["label"] for hit in hits} == {"Vladimir Kozlov"}


def test_sentence_summaries_q_crosses_scripts():
    SentenceFactory(defendant=DefendantFactory(person=PersonFactory(name="Vladimir Kozlov")))
    response = client_for(None).get("/api/v1/sentences/", {"q": "Владимир Козлов"})
    assert response.status_code == 200 and response.json()["count"] == 1


def test_search_endpoint_finds_records_and_documents_across_scripts():
    person = PersonFactory(name="Vladimir Kozlov", description="Leader of the Algha party.")
    case = CaseFactory(title="Trial of the Zhanaozen oil workers")
    typed_hits = client_for(None).get("/api/v1/search/", {"q": "Жаңаөзен"}).json()["results"]
    assert ("case", case.pk) in {(hit["kind"], hit["id"]) for hit in typed_hits}
    hits = client_for(None).get("/api/v1/search/", {"q": "Козлов"}).json()["results"]
    assert ("person", person.pk) in {(hit["kind"], hit["id"]) for hit in hits}


def test_search_endpoint_ranks_words_as_typed_before_folded_matches():
    folded = PersonFactory(name="Vladimir Kozlov")
    typed = PersonFactory(name="Владимир Козлов")
    hits = client_for(None).get("/api/v1/search/", {"q": "Козлов"}).json()["results"]
    people = [hit["id"] for hit in hits if hit["kind"] == "person"]
    assert people == [typed.pk, folded.pk]


def test_admin_search_crosses_scripts_in_every_change_list(client, staff_user):
    client.force_login(staff_user)
    kozlov = PersonFactory(name="Vladimir Kozlov")
    DefendantFactory(person=kozlov, case=CaseFactory(title="Trial of the Zhanaozen oil workers"))
    PersonFactory(name="Serik Sapargali")
    PlaceFactory(name="Aqtau")
    for url, typed, expected in (
        ("admin:people_person_changelist", "Козлов", 1),
        ("admin:people_person_changelist", "Sapargaliyev", 1),
        ("admin:cases_defendant_changelist", "Козлов", 1),
        ("admin:cases_place_changelist", "Ақтау", 1),
        ("admin:cases_case_changelist", "Жаңаөзен", 1),
        ("admin:people_person_changelist", "Назарбаев", 0),
    ):
        response = client.get(reverse(url), {"q": typed})
        assert response.status_code == 200
        assert response.context["cl"].result_count == expected, (url, typed)


def test_admin_search_keeps_hidden_people_hidden(client, staff_user):
    client.force_login(staff_user)
    PersonFactory(name="Witness Kozlov", confidentiality=Confidentiality.CONFIDENTIAL)
    response = client.get(reverse("admin:people_person_changelist"), {"q": "Козлов"})
    assert response.context["cl"].result_count == 0
    assert "Witness" not in response.content.decode()


def _queries(url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client_for(None).get(url, params).status_code == 200
    return len(queries)


def test_search_query_counts_do_not_grow_with_matches():
    searches = (("/api/v1/persons/", "Козлов"), ("/api/v1/places/", "Ақтау"))
    PersonFactory(name="Vladimir Kozlov")
    PlaceFactory(name="Aqtau")
    for url, q in searches:  # once first: what a running service has cached (content types) is not counted
        _queries(url, {"q": q})
    few = {url: _queries(url, {"q": q}) for url, q in searches}
    for n in range(12):
        PersonFactory(name=f"Козлов {n}")
        PlaceFactory(name=f"Aktau {n}")
    many = {url: _queries(url, {"q": q}) for url, q in searches}
    assert many == few


def test_admin_change_lists_show_dates_in_the_readers_language(client, staff_user):
    client.force_login(staff_user)
    DefendantFactory(person=PersonFactory(name="Vladimir Kozlov"), arrested="2012-01-23")
    url = reverse("admin:cases_defendant_changelist")
    assert "23 January 2012" in client.get(url).content.decode()
    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "23 января 2012" in russian
    kazakh = client.get(url, HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert "2012 ж. 23 қаңтар" in kazakh  # the Kazakh order: year, day, month
    # Sorted by the stored ISO text, as before.
    assert client.get(url, {"o": "4"}).status_code == 200


@pytest.mark.parametrize(("typed", "language"), [("февраль 2013", "ru"), ("2013 жылғы ақпан", "kk")])
def test_a_status_change_typed_in_russian_or_kazakh_in_the_admin(client, staff_user, typed, language):
    """The issue's walk-through: an editor records a status change typed as "февраль 2013", finds Kozlov by
    typing "Козлов" and sees the date in their language; the API keeps ISO."""
    client.force_login(staff_user)
    defendant = DefendantFactory(person=PersonFactory(name="Vladimir Kozlov"), arrested="2012-01")
    response = client.post(
        reverse("admin:cases_statuschange_add"),
        {"defendant": defendant.pk, "date": typed, "status": "released", "note": "Released on parole"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    defendant.refresh_from_db()
    assert (defendant.status, str(defendant.status_date)) == ("released", "2013-02")
    listing = client.get(reverse("admin:cases_statuschange_changelist"), {"q": "Козлов"}, HTTP_ACCEPT_LANGUAGE=language)
    assert listing.context["cl"].result_count == 1
    assert {"ru": "февраль 2013", "kk": "2013 ж. ақпан"}[language] in listing.content.decode()
    api = client_for(staff_user).get(f"/api/v1/defendants/{defendant.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert "2013-02" in api.content.decode()


def test_admin_search_ranks_exact_matches_first(client, staff_user):
    client.force_login(staff_user)
    for name in ("Козлов", "Vladimir Kozlov", "Kozlovsky", "Kozlov"):
        PersonFactory(name=name)
    url = reverse("admin:people_person_changelist")
    ranked = [str(person) for person in client.get(url, {"q": "Kozlov"}).context["cl"].result_list]
    assert ranked == ["Kozlov", "Kozlovsky", "Vladimir Kozlov", "Козлов"]
    by_name = [str(person) for person in client.get(url, {"q": "Kozlov", "o": "1"}).context["cl"].result_list]
    assert by_name == sorted(by_name)
    defendants = reverse("admin:cases_defendant_changelist")
    for name in ("Aidar Kozlov", "Kozlov Aidar"):
        DefendantFactory(person=PersonFactory(name=name))
    assert client.get(defendants, {"q": "Козлов"}).context["cl"].result_count == 2
