"""Citation and source rules live in the models; the API adds only what needs the request (visibility)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from cases.tests.api_data import client_for
from cases.tests.factories import SourceFactory
from casetracker.problems import errors_by_field
from people.models import Person
from people.tests.factories import PersonFactory
from sources.models import Citation

pytestmark = pytest.mark.django_db


def test_a_citation_of_a_record_that_does_not_exist_is_refused_by_the_model():
    source = SourceFactory()
    citation = Citation(
        source=source, content_type=ContentType.objects.get_for_model(Person), object_id=987654, excerpt="A passage."
    )
    with pytest.raises(ValidationError) as caught:
        citation.full_clean()
    assert caught.value.message_dict == {"object_id": ["No person with id 987654."]}
    citation.object_id = PersonFactory().pk
    citation.full_clean()  # an existing target passes


def test_the_api_names_a_missing_target_on_target_id(staff_user):
    response = client_for(staff_user).post(
        "/api/v1/citations/",
        {"source": SourceFactory().pk, "target_type": "person", "target_id": 987654, "excerpt": "A passage."},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert errors_by_field(response.json()) == {"target_id": ["No person with id 987654."]}


def test_a_source_url_is_checked_once_by_the_model_and_named_by_its_api_field(staff_user):
    response = client_for(staff_user).post(
        "/api/v1/sources/", {"title": "A report", "kind": "report", "document_url": "not a url"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert list(errors_by_field(response.json())) == ["document_url"]
    source = SourceFactory()
    response = client_for(staff_user).patch(f"/api/v1/sources/{source.pk}/", {"document_url": ""}, format="json")
    assert response.status_code == 200, response.content
