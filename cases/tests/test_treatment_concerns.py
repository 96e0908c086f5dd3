"""Treatment in custody (issue 18): concerns are allegations, attributed to whoever reports them."""

import pytest
from django.core.exceptions import ValidationError

from cases.tests.api_data import client_for
from cases.tests.factories import AllegationFactory, CaseFactory, DefendantFactory, SourceFactory
from casetracker.choices import Confidentiality
from people.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kozlov():
    return DefendantFactory(person=PersonFactory(name="Vladimir Kozlov"), case=CaseFactory(), arrested="2012-01")


def concern(person, **values):
    values.setdefault("alleged_by_organization", OrganizationFactory(name="Human Rights Watch"))
    values.setdefault("alleged_by_description", "")
    return AllegationFactory(
        concerns_person=person,
        concern=values.pop("concern", "access_denied"),
        concern_date=values.pop("concern_date", "2013-03"),
        claim=values.pop("claim", "his lawyer was refused visits"),
        **values,
    )


def test_a_concern_needs_the_person_it_is_about_and_a_plain_allegation_needs_none():
    allegation = AllegationFactory.build(concern="health", concerns_person=None, source=SourceFactory())
    with pytest.raises(ValidationError) as error:
        allegation.full_clean()
    assert "concerns_person" in error.value.message_dict
    plain = AllegationFactory.build(source=SourceFactory(), alleged_by_description="protesters")
    plain.full_clean()


def test_defendant_and_person_details_show_attributed_concerns(kozlov):
    concern(kozlov.person)
    for url in (f"/api/v1/defendants/{kozlov.pk}/", f"/api/v1/persons/{kozlov.person.pk}/"):
        body = client_for(None).get(url).json()
        assert [c["attribution"] for c in body["treatment_concerns"]] == [
            "Human Rights Watch alleges that his lawyer was refused visits"
        ], url
        assert body["treatment_concerns"][0]["concern"] == "access_denied"


def test_filter_by_concern_on_allegations_persons_and_defendants(kozlov):
    other = DefendantFactory(person=PersonFactory(name="Other"), case=kozlov.case)
    concern(kozlov.person, concern="hunger_strike")
    concern(other.person, concern="health")
    client = client_for(None)
    assert client.get("/api/v1/allegations/", {"concern": "hunger_strike"}).json()["count"] == 1
    persons = client.get("/api/v1/persons/", {"concern": "hunger_strike"}).json()["results"]
    assert [row["name"] for row in persons] == ["Vladimir Kozlov"]
    defendants = client.get("/api/v1/defendants/", {"concern": ["health"]}).json()["results"]
    assert [row["person"]["label"] for row in defendants] == ["Other"]
    assert client.get("/api/v1/persons/", {"concern": "nonsense"}).status_code == 400


def test_a_concern_from_a_confidential_source_is_hidden(kozlov, role_user):
    secret = SourceFactory(confidentiality=Confidentiality.CONFIDENTIAL)
    concern(kozlov.person, source=secret, claim="Zqx-secret-claim")
    for user in (None, role_user("Viewer")):
        client = client_for(user)
        assert "Zqx-secret-claim" not in client.get(f"/api/v1/defendants/{kozlov.pk}/").content.decode()
        assert "Zqx-secret-claim" not in client.get(f"/api/v1/persons/{kozlov.person.pk}/").content.decode()
        assert client.get("/api/v1/persons/", {"concern": "access_denied"}).json()["count"] == 0
    body = client_for(role_user("Senior editor")).get(f"/api/v1/defendants/{kozlov.pk}/").json()
    assert "Zqx-secret-claim" in body["treatment_concerns"][0]["attribution"]
