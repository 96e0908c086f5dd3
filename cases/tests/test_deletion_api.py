"""Deletes that keep what others rely on: links, citations and figures go only when the client says so."""

import pytest

from cases.models import Event
from cases.tests.api_data import client_for
from cases.tests.factories import CaseFactory, CitationFactory, EventFactory, EventFigureFactory
from casetracker.choices import Confidentiality
from casetracker.problems import errors_by_field
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked_event():
    event = EventFactory(title="The shooting")
    CaseFactory(title="Trial of the strikers").events.add(event)
    event.persons.add(PersonFactory(name="Open participant"))
    event.persons.add(PersonFactory(name="Zqx protected participant", confidentiality=Confidentiality.CONFIDENTIAL))
    EventFigureFactory(event=event)
    CitationFactory(content_object=event)
    return event


def test_deleting_a_linked_event_is_a_409_naming_what_would_go(staff_user, linked_event):
    response = client_for(staff_user).delete(f"/api/v1/events/{linked_event.pk}/")
    assert response.status_code == 409
    body = response.json()
    assert "Trial of the strikers" in body["detail"] and "Open participant" in body["detail"]
    assert "Zqx" not in response.content.decode()
    assert body["hidden_dependents"] == 1
    assert "cascade=true" in body["detail"]
    assert Event.objects.filter(pk=linked_event.pk).exists()


def test_cascade_true_deletes_the_event_and_its_links(staff_user, linked_event):
    client = client_for(staff_user)
    assert client.delete(f"/api/v1/events/{linked_event.pk}/?cascade=true").status_code == 204
    assert not Event.objects.filter(pk=linked_event.pk).exists()


def test_cascade_must_be_true_or_false(staff_user, linked_event):
    response = client_for(staff_user).delete(f"/api/v1/events/{linked_event.pk}/?cascade=yes-please")
    assert response.status_code == 400
    assert list(errors_by_field(response.json())) == ["cascade"]


def test_cascade_is_not_a_list_parameter(staff_user):
    assert client_for(staff_user).get("/api/v1/events/?cascade=true").status_code == 400
