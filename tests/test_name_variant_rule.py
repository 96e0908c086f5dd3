"""Name variants differing only in case or spacing: one rule (base_models.repeated_name_error), API and admin alike."""

import pytest
from django.test import Client

from cases.tests.api_data import client_for
from cases.tests.factories import PlaceFactory, PlaceNameFactory
from casetracker.base_models import repeated_name_error
from casetracker.problems import errors_by_field
from people.models import Person
from people.tests.factories import PersonFactory, PersonNameFactory
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db


def test_the_rule():
    assert repeated_name_error(["Kozlov", "Козлов", "Vladimir Kozlov"]) is None
    assert repeated_name_error(["Kozlov", "KOZLOV"]) == "The name 'KOZLOV' is listed twice."
    assert (
        repeated_name_error(["Vladimir  Kozlov", "vladimir kozlov "]) == "The name 'vladimir kozlov ' is listed twice."
    )


def test_the_api_refuses_names_differing_only_in_case(staff_user):
    response = client_for(staff_user).post(
        "/api/v1/persons/", {"name": "Someone", "names": [{"name": "Kozlov"}, {"name": "KOZLOV"}]}, format="json"
    )
    assert response.status_code == 400, response.content
    assert errors_by_field(response.json()) == {"names": ["The name 'KOZLOV' is listed twice."]}
    assert not Person.objects.filter(name="Someone").exists()


@pytest.mark.parametrize(
    ("make_owner", "make_name", "fk", "url"),
    [
        (PersonFactory, PersonNameFactory, "person", "/admin/people/person/{}/change/"),
        (PlaceFactory, PlaceNameFactory, "place", "/admin/cases/place/{}/change/"),
    ],
)
def test_the_admin_inline_refuses_them_the_same_way(superuser, make_owner, make_name, fk, url):
    owner = make_owner()
    make_name(**{fk: owner, "name": "Kozlov"})
    client = Client()
    client.force_login(superuser)
    data = main_form(client.get(url.format(owner.pk)).content.decode()).data()
    data["names-1-name"] = ["KOZLOV"]  # the extra row, after the existing "Kozlov"
    response = client.post(url.format(owner.pk), data)
    assert response.status_code == 200  # the form again, with the error
    errors = [formset.formset.non_form_errors() for formset in response.context["inline_admin_formsets"]]
    assert ["The name 'KOZLOV' is listed twice."] in [list(e) for e in errors]
    assert list(owner.names.values_list("name", flat=True)) == ["Kozlov"]
    # Deleting the old spelling while adding the new one is fine.
    data["names-0-DELETE"] = ["on"]
    assert client.post(url.format(owner.pk), data).status_code == 302
    assert list(owner.names.values_list("name", flat=True)) == ["KOZLOV"]
