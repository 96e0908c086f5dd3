"""Recognitions as political prisoners (issue 18): dated, sourced, withdrawn ones kept; filters and exports."""

import pytest
from django.core.exceptions import ValidationError

from cases.tests.api_data import client_for
from cases.tests.factories import CaseFactory, DefendantFactory, SentenceFactory, SourceFactory
from casetracker.choices import Confidentiality
from people.tests.factories import GroupFactory, OrganizationFactory, PersonFactory, RecognitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def memorial():
    return OrganizationFactory(name="Memorial")


def test_a_withdrawal_needs_its_date_and_source_and_cannot_precede_the_recognition(memorial):
    recognition = RecognitionFactory.build(
        person=PersonFactory(), organization=memorial, source=SourceFactory(), date="2013", withdrawn="2012"
    )
    with pytest.raises(ValidationError) as error:
        recognition.full_clean()
    assert {"withdrawn", "withdrawal_source"} <= set(error.value.message_dict)
    recognition.withdrawal_source = SourceFactory()
    recognition.withdrawn = "2014"
    recognition.full_clean()


def test_a_group_is_not_recognised(memorial):
    recognition = RecognitionFactory.build(person=GroupFactory(), organization=memorial, source=SourceFactory())
    with pytest.raises(ValidationError) as error:
        recognition.full_clean()
    assert list(error.value.message_dict) == ["person"]


def test_recognised_by_filters_persons_defendants_and_summaries_and_ignores_withdrawn(memorial):
    kozlov = PersonFactory(name="Vladimir Kozlov")
    withdrawn = PersonFactory(name="Withdrawn")
    RecognitionFactory(person=kozlov, organization=memorial, date="2012-10")
    RecognitionFactory(person=withdrawn, organization=memorial, withdrawn="2014", withdrawal_source=SourceFactory())
    case = CaseFactory()
    SentenceFactory(defendant=DefendantFactory(person=kozlov, case=case))
    SentenceFactory(defendant=DefendantFactory(person=withdrawn, case=case))
    client = client_for(None)
    persons = client.get("/api/v1/persons/", {"recognised_by": memorial.pk}).json()["results"]
    assert [row["name"] for row in persons] == ["Vladimir Kozlov"]
    assert [
        r["name"] for r in client.get("/api/v1/persons/", {"recognised_as": "political_prisoner"}).json()["results"]
    ] == ["Vladimir Kozlov"]
    defendants = client.get("/api/v1/defendants/", {"recognised_by": memorial.pk}).json()["results"]
    assert [row["person"]["label"] for row in defendants] == ["Vladimir Kozlov"]
    rows = client.get("/api/v1/sentence-summaries/", {"recognised_by": memorial.pk}).json()["results"]
    assert [(row["defendant"], row["recognised_by"]) for row in rows] == [
        ("Vladimir Kozlov", "Memorial: Political prisoner (2012-10)")
    ]
    all_rows = {row["defendant"]: row for row in client.get("/api/v1/sentence-summaries/").json()["results"]}
    assert all_rows["Withdrawn"]["recognised_by"] is None
    assert client.get("/api/v1/recognitions/", {"withdrawn": "true"}).json()["count"] == 1


def test_a_recognition_from_a_confidential_source_reaches_no_one_without_the_permission(memorial, role_user):
    kozlov = PersonFactory(name="Vladimir Kozlov")
    secret = SourceFactory(confidentiality=Confidentiality.CONFIDENTIAL)
    RecognitionFactory(person=kozlov, organization=memorial, source=secret, grounds="Zqx-secret-grounds")
    SentenceFactory(defendant=DefendantFactory(person=kozlov, case=CaseFactory()))
    for user in (None, role_user("Viewer")):
        client = client_for(user)
        assert "Zqx-secret-grounds" not in client.get(f"/api/v1/persons/{kozlov.pk}/").content.decode()
        assert client.get("/api/v1/persons/", {"recognised_by": memorial.pk}).json()["count"] == 0
        rows = client.get("/api/v1/sentence-summaries/").json()["results"]
        assert [row["recognised_by"] for row in rows] == [None]
    senior = client_for(role_user("Senior editor"))
    body = senior.get(f"/api/v1/persons/{kozlov.pk}/").json()
    assert body["recognitions"][0]["grounds"] == "Zqx-secret-grounds"
    assert senior.get("/api/v1/sentence-summaries/").json()["results"][0]["recognised_by"].startswith("Memorial")


def test_person_detail_lists_recognitions_with_withdrawn_ones_kept(memorial):
    kozlov = PersonFactory(name="Vladimir Kozlov")
    RecognitionFactory(person=kozlov, organization=memorial, date="2012-10")
    RecognitionFactory(
        person=kozlov,
        organization=OrganizationFactory(name="Other NGO"),
        withdrawn="2016",
        withdrawal_source=SourceFactory(),
    )
    body = client_for(None).get(f"/api/v1/persons/{kozlov.pk}/").json()
    assert sorted((r["organization"]["label"], r["withdrawn"]) for r in body["recognitions"]) == [
        ("Memorial", None),
        ("Other NGO", "2016"),
    ]


def test_admin_person_page_has_recognitions_and_filter(client, memorial, role_user):
    kozlov = PersonFactory(name="Vladimir Kozlov")
    PersonFactory(name="Not recognised")
    RecognitionFactory(person=kozlov, organization=memorial)
    client.force_login(role_user("Editor"))
    page = client.get(f"/admin/people/person/{kozlov.pk}/change/").content.decode()
    assert "Memorial" in page
    listing = client.get("/admin/people/person/", {"recognised_by": memorial.pk}).content.decode()
    assert "Vladimir Kozlov" in listing and "Not recognised" not in listing
    assert client.get("/admin/people/recognition/").status_code == 200
