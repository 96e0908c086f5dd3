"""Requests an attacker sends are answered, never a server error (the fuzzer, ``test_fuzz_no_500``, tries them all).

- a NUL character (``%00``) anywhere in the address, query string or form data: a 400 saying
  what to do, JSON under ``/api/``, a short page elsewhere (``casetracker.security.RejectNulMiddleware``);
- an absurd user name at either login: a failed login (``casetracker.security.axes_username``);
- a posted-back value no record can have in an admin autocomplete field: the field's own error;
- a number no integer column holds in an ``__in`` lookup: no match (``casetracker.db.IntegerIn``).
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from casetracker.problems import errors_by_field
from people.models import Person
from people.tests.factories import MembershipFactory, PersonFactory
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db

HUGE = "9" * 40


@pytest.fixture
def admin_client(superuser):
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    return client


# -- NUL ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/people/person/?q=a%00b",
        "/admin/people/person/?kind=a%00b",
        "/admin/people/person/?a%00b=1",
        "/admin/autocomplete/?app_label=people&model_name=membership&field_name=organization&term=a%00b",
        "/admin/people/person/%00/change/",
    ],
)
def test_a_nul_in_an_admin_address_is_a_400_page_saying_what_to_do(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"NUL character" in response.content and b"Remove it" in response.content


@pytest.mark.parametrize("url", ["/api/v1/persons/?q=a%00b", "/api/v1/sentences/?status=%00", "/api/v1/%00/"])
def test_a_nul_in_an_api_query_is_a_json_400(url):
    response = Client().get(url)
    assert response.status_code == 400
    body = response.json()
    assert "NUL character" in body["detail"]


def test_the_answer_names_the_parameter(admin_client):
    response = admin_client.get("/admin/people/person/", {"q": "a\x00b"})
    assert "the query parameter “q”" in response.content.decode()


def test_a_nul_in_a_posted_form_is_a_400(admin_client):
    response = admin_client.post("/admin/people/person/add/", {"name": "a\x00b", "kind": "individual"})
    assert response.status_code == 400
    assert "the form field “name”" in response.content.decode()
    assert not Person.objects.exists()


def test_a_nul_in_the_admin_login_form_is_a_400():
    response = Client().post("/admin/login/", {"username": "root\x00", "password": "x"})
    assert response.status_code == 400


def test_a_nul_in_an_api_json_body_is_a_400_naming_the_field(staff_user):
    client = Client()
    client.force_login(staff_user)
    response = client.post("/api/v1/persons/", {"name": "a\x00b"}, content_type="application/json")
    assert response.status_code == 400
    assert "name" in errors_by_field(response.json())


# -- user names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["x" * 300, "x" * 100_000])
def test_an_absurd_user_name_is_a_failed_login_not_a_server_error(settings, username, superuser):
    settings.AXES_ENABLED = True  # axes records the user name: what failed before
    client = Client(raise_request_exception=False)
    response = client.post("/admin/login/?next=/admin/", {"username": username, "password": "x"})
    assert response.status_code == 200  # the login form again, with its error
    assert response.context["form"].errors
    response = client.post(
        "/api/v1/auth/token/", {"username": username, "password": "x"}, content_type="application/json"
    )
    assert response.status_code in (400, 401)


# -- posted-back values in the admin ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", HUGE, "-" + HUGE, "1.5", " "])
def test_an_autocomplete_field_posted_back_with_a_value_no_record_has_is_a_form_error(admin_client, value):
    membership = MembershipFactory()
    url = f"/admin/people/membership/{membership.pk}/change/"
    data = main_form(admin_client.get(url).content.decode()).data()
    data["organization"] = [value]
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors


def test_a_many_to_many_field_posted_back_with_a_huge_id_is_a_form_error(admin_client):
    group = Group.objects.create(name="Readers")
    url = f"/admin/auth/group/{group.pk}/change/"
    response = admin_client.post(url, {"name": "Readers", "permissions": [HUGE]})
    assert response.status_code == 200
    assert "permissions" in response.context["adminform"].form.errors


# -- lookups ---------------------------------------------------------------------------------------------------


def test_an_in_lookup_with_numbers_no_column_holds_matches_nothing_else():
    person = PersonFactory()
    assert list(Person.objects.filter(pk__in=[int(HUGE), -int(HUGE), person.pk])) == [person]
    assert not Person.objects.filter(pk__in=[int(HUGE)]).exists()
    assert not Permission.objects.filter(pk__in=[2**63]).exists()
