"""Allegations: a claim is recorded as who alleges what, never as an established fact.

Everywhere it is shown (its ``str()``, the API, the admin, an event's page, a citation's target)
it reads with its attribution; a claim made by or against a protected person is hidden with them.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.choices import AllegationKind
from cases.models import Allegation
from cases.tests.api_data import client_for
from cases.tests.factories import AllegationFactory, CitationFactory, EventFactory, SourceFactory
from casetracker.choices import Confidentiality
from casetracker.problems import errors_by_field
from people.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

SECRET = "Witness Zeta"


def authorities_claim(**fields):
    return AllegationFactory(
        kind=AllegationKind.VIOLENCE,
        alleged_by_description="the authorities",
        claim="some protesters set fire to buildings",
        against_description="some protesters",
        **fields,
    )


def test_an_allegation_reads_as_who_alleges_what():
    hrw = OrganizationFactory(name="Human Rights Watch")
    williamson = PersonFactory(name="Hugh Williamson")

    by_person = AllegationFactory(
        alleged_by_person=williamson,
        alleged_by_organization=hrw,
        alleged_by_description="",
        claim="journalists have been persecuted and harassed",
    )

    assert str(by_person) == (
        "Hugh Williamson (Human Rights Watch) alleges that journalists have been persecuted and harassed"
    )
    assert str(authorities_claim()) == "The authorities allege that some protesters set fire to buildings"


def test_an_allegation_needs_someone_who_makes_it():
    claim = AllegationFactory.build(alleged_by_description="", source=SourceFactory(), event=EventFactory())

    with pytest.raises(ValidationError) as error:
        claim.full_clean()

    assert "alleged_by_description" in error.value.message_dict


def test_a_response_keeps_its_own_source_and_short_excerpt():
    claim = AllegationFactory.build(
        source=SourceFactory(), event=EventFactory(), response="", response_excerpt="they deny it"
    )
    with pytest.raises(ValidationError) as error:
        claim.full_clean()
    assert "response_excerpt" in error.value.message_dict

    claim.response_source = SourceFactory()
    claim.response_excerpt = " ".join(["word"] * 31)
    with pytest.raises(ValidationError) as error:
        claim.full_clean()
    assert {"response", "response_excerpt"} <= set(error.value.message_dict)


def test_api_shows_the_attribution_in_the_list_the_detail_and_the_events_page():
    event = EventFactory(title="Shooting")
    claim = authorities_claim(event=event, response="Another source calls the protesters unarmed.")
    client = client_for(None)

    row = client.get("/api/v1/allegations/").json()["results"][0]
    detail = client.get(f"/api/v1/allegations/{claim.pk}/").json()
    on_event = client.get(f"/api/v1/events/{event.pk}/").json()["allegations"]

    expected = "The authorities allege that some protesters set fire to buildings"
    assert row["attribution"] == detail["attribution"] == expected
    assert detail["alleged_by"] == "the authorities"
    assert detail["response"] == "Another source calls the protesters unarmed."
    assert [(item["id"], item["attribution"]) for item in on_event] == [(claim.pk, expected)]


def test_a_citation_of_an_allegation_names_it_with_its_attribution():
    claim = authorities_claim()
    citation = CitationFactory(content_object=claim, excerpt="According to the authorities")

    body = client_for(None).get(f"/api/v1/citations/{citation.pk}/").json()

    assert body["target"]["type"] == "allegation"
    assert body["target"]["label"].startswith("The authorities allege that")


def test_staff_record_an_allegation_through_the_api(staff_user):
    event = EventFactory()
    source = SourceFactory()
    client = client_for(staff_user)

    response = client.post(
        "/api/v1/allegations/",
        {
            "kind": "excessive_force",
            "alleged_by_description": "protesters",
            "claim": "police used unnecessary force against protesters",
            "against_description": "the police",
            "event": event.pk,
            "source": source.pk,
            "excerpt": "police used unnecessary force against protesters",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["attribution"] == "Protesters allege that police used unnecessary force against protesters"
    missing = client.post(
        "/api/v1/allegations/", {"claim": "something", "source": source.pk, "excerpt": "something"}, format="json"
    )
    assert missing.status_code == 400
    assert "alleged_by_description" in errors_by_field(missing.json())


@pytest.mark.parametrize("side", ["alleged_by_person", "against_person"])
def test_a_claim_by_or_against_a_protected_person_is_hidden_with_them(side, staff_user):
    witness = PersonFactory(name=SECRET, confidentiality=Confidentiality.CONFIDENTIAL)
    event = EventFactory(title="Public event")
    claim = AllegationFactory(event=event, **{side: witness})
    CitationFactory(content_object=claim, excerpt="a quoted phrase")
    anonymous, staff = client_for(None), client_for(staff_user)

    for client in (anonymous, staff):
        assert client.get(f"/api/v1/allegations/{claim.pk}/").status_code == 404
        for url in (
            "/api/v1/allegations/",
            f"/api/v1/allegations/?person={witness.pk}",
            f"/api/v1/events/{event.pk}/",
            "/api/v1/citations/?target_type=allegation",
        ):
            response = client.get(url)
            assert response.status_code == 200
            assert SECRET not in response.content.decode(), url
            assert str(claim.claim) not in response.content.decode(), url


def test_a_senior_editor_sees_the_protected_claim(senior_user):
    witness = PersonFactory(name=SECRET, confidentiality=Confidentiality.CONFIDENTIAL)
    claim = AllegationFactory(alleged_by_person=witness, alleged_by_description="")

    body = client_for(senior_user).get(f"/api/v1/allegations/{claim.pk}/").json()

    assert body["attribution"].startswith(f"{SECRET} alleges that")


def test_admin_lists_allegations_with_their_attribution_and_hides_protected_ones(client, staff_user):
    client.force_login(staff_user)
    public = authorities_claim()
    hidden = AllegationFactory(
        alleged_by_person=PersonFactory(name=SECRET, confidentiality=Confidentiality.CONFIDENTIAL)
    )

    listing = client.get(reverse("admin:cases_allegation_changelist")).content.decode()
    event_page = client.get(reverse("admin:cases_event_change", args=[public.event_id])).content.decode()

    assert "The authorities allege that some protesters set fire to buildings" in listing
    assert SECRET not in listing
    assert "Allegations about this event" in event_page
    assert client.get(reverse("admin:cases_allegation_change", args=[hidden.pk])).status_code == 404
    assert Allegation.objects.restrict(staff_user).count() == 1


def test_an_empty_string_is_not_a_way_to_clear_a_link(staff_user):
    claim = authorities_claim()

    response = client_for(staff_user).patch(f"/api/v1/allegations/{claim.pk}/", {"event": ""}, format="json")

    assert response.status_code == 400
    assert "event" in errors_by_field(response.json())
    claim.refresh_from_db()
    assert claim.event_id is not None
