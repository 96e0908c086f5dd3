"""Persons, organizations and memberships over the API."""

import pytest

from cases.tests.api_data import client_for, make_graph
from cases.tests.factories import CitationFactory, SourceFactory
from casetracker.choices import Confidentiality
from casetracker.problems import errors_by_field
from people.tests.factories import (
    GroupFactory,
    MembershipFactory,
    OrganizationFactory,
    OrganizationNameFactory,
    PersonFactory,
    PersonNameFactory,
)

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_q_finds_a_person_by_any_recorded_variant_in_any_case_and_script():
    kozlov = PersonFactory(name="Vladimir Kozlov")
    PersonNameFactory(person=kozlov, name="Владимир Козлов", language="ru")
    PersonFactory(name="Roza Tuletayeva")
    client = client_for(None)
    for text in ("kozlov", "KOZLOV", "владимир", "КОЗЛОВ", "мир коз"):
        assert names(client.get("/api/v1/persons/", {"q": text})) == ["Vladimir Kozlov"], text


def test_q_finds_an_organization_by_a_variant():
    algha = OrganizationFactory(name="Algha!")
    OrganizationNameFactory(organization=algha, name="Алга!")
    assert names(client_for(None).get("/api/v1/organizations/", {"q": "алга"})) == ["Algha!"]


def test_a_group_shows_its_size_as_a_qualified_figure():
    GroupFactory(name="Convicted protesters", group_size=30, group_size_qualifier="more_than")
    row = client_for(None).get("/api/v1/persons/").json()["results"][0]
    assert row["kind"] == "group"
    assert row["group_size"] == {"value": 30, "qualifier": "more_than", "display": "more than 30"}


def test_a_size_for_an_individual_is_a_400_naming_group_size(staff_user):
    response = client_for(staff_user).post(
        "/api/v1/persons/", {"name": "A person", "group_size": {"value": 3, "qualifier": "exact"}}, format="json"
    )
    assert response.status_code == 400
    assert list(errors_by_field(response.json())) == ["group_size"]


def test_person_detail_shows_memberships_cases_events_and_citations():
    graph = make_graph(name="Vladimir Kozlov")
    body = client_for(None).get(f"/api/v1/persons/{graph.person.pk}/").json()
    assert body["memberships"][0]["organization"]["label"] == graph.organization.name
    assert body["defendants"][0]["case"] == {
        "id": graph.case.pk,
        "label": graph.case.title,
        "url": f"http://testserver/api/v1/cases/{graph.case.pk}/",
    }
    assert body["defendants"][0]["status"] == graph.defendant.status
    assert [event["id"] for event in body["events"]] == [graph.event.pk]
    assert body["citations"][0]["source"]["label"] == graph.source.title
    assert body["citations"][0]["excerpt"] == "a short quoted phrase"


def test_person_detail_leaves_out_cases_the_client_may_not_see():
    person = PersonFactory()
    public = make_graph()
    hidden = make_graph(case_confidentiality=Confidentiality.RESTRICTED)
    for defendant in (public.defendant, hidden.defendant):
        defendant.person = person
        defendant.save()
    body = client_for(None).get(f"/api/v1/persons/{person.pk}/").json()
    assert [row["case"]["id"] for row in body["defendants"]] == [public.case.pk]


def test_persons_filter_by_organization_case_and_event():
    graph = make_graph(name="Member")
    make_graph(name="Other")
    client = client_for(None)
    assert names(client.get("/api/v1/persons/", {"organization": graph.organization.pk})) == ["Member"]
    assert names(client.get("/api/v1/persons/", {"case": graph.case.pk})) == ["Member"]
    assert names(client.get("/api/v1/persons/", {"event": graph.event.pk})) == ["Member"]
    assert names(client.get("/api/v1/persons/", {"kind": "group"})) == []


def test_memberships_list_and_filter():
    algha = OrganizationFactory(name="Algha!")
    kozlov = PersonFactory(name="Vladimir Kozlov")
    MembershipFactory(person=kozlov, organization=algha, role="leader", start="2005")
    MembershipFactory(person=PersonFactory(confidentiality=Confidentiality.CONFIDENTIAL), organization=algha)
    client = client_for(None)
    rows = client.get("/api/v1/memberships/", {"organization": algha.pk}).json()["results"]
    assert [(row["person"]["label"], row["role"], row["start"]) for row in rows] == [
        ("Vladimir Kozlov", "leader", "2005")
    ]
    assert client.get("/api/v1/memberships/", {"role": "LEAD"}).json()["count"] == 1


def test_citations_of_people_come_for_a_whole_page():
    source = SourceFactory(title="Human Rights Watch report")
    for _ in range(3):
        CitationFactory(content_object=PersonFactory(), source=source, excerpt="was detained")
    rows = client_for(None).get("/api/v1/persons/").json()["results"]
    assert [row["citations"][0]["source"]["label"] for row in rows] == ["Human Rights Watch report"] * 3
