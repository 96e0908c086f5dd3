"""A person's profile (issue 18), and the special-category fields only some staff may see, on every surface."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError

from cases.tests.api_data import client_for
from cases.tests.factories import CaseFactory, DefendantFactory
from casetracker.approximate_dates import ApproximateDate, age_at
from casetracker.problems import errors_by_field
from casetracker.visibility import hidden_fields
from people.models import Person
from people.tests.factories import GroupFactory, PersonFactory

pytestmark = pytest.mark.django_db

SECRET_ETHNICITY = "Zqx-Ethnicity-Marker"
SECRET_RELIGION = "Zqx-Religion-Marker"


@pytest.fixture
def profiled():
    return PersonFactory(
        name="Roza Tuletaeva",
        sex="female",
        birth_date="1965",
        occupation_category="oil_worker",
        occupation="oil worker, strike committee",
        rights=["labour", "assembly"],
        ethnicity=SECRET_ETHNICITY,
        religion=SECRET_RELIGION,
    )


# -- the model ---------------------------------------------------------------------------------------


def test_rights_are_kept_sorted_without_repeats_and_must_be_choices():
    person = PersonFactory(rights=["labour", "assembly", "labour"])
    person.refresh_from_db()
    assert person.rights == ["assembly", "labour"]
    person.rights = ["assembly", "flying"]
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "rights" in error.value.message_dict


def test_a_group_has_no_profile():
    group = GroupFactory.build(sex="male", rights=["assembly"])
    with pytest.raises(ValidationError) as error:
        group.full_clean()
    assert {"sex", "rights"} <= set(error.value.message_dict)


def test_a_birth_date_in_the_future_is_refused():
    person = PersonFactory.build(birth_date="2999")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert list(error.value.message_dict) == ["birth_date"]


@pytest.mark.parametrize(
    ("born", "arrested", "youngest", "oldest", "display"),
    [
        ("1972-03-10", "2012-02-01", 39, 39, "39"),
        ("1972", "2012", 39, 40, "about 40"),
        ("1972-05", "2012-05-20", 39, 40, "about 40"),
        ("1972", "2012-12-31", 40, 40, "40"),
        ("1970", "1972", 1, 2, "about 2"),
    ],
)
def test_age_at_detention_follows_the_precision_of_both_dates(born, arrested, youngest, oldest, display):
    age = age_at(ApproximateDate.parse(born), ApproximateDate.parse(arrested))
    assert (age.youngest, age.oldest, str(age)) == (youngest, oldest, display)


def test_no_age_without_both_dates():
    assert age_at(None, ApproximateDate.parse("2012")) is None
    assert age_at(ApproximateDate.parse("1972"), None) is None


# -- the API -------------------------------------------------------------------------------------------


def test_defendant_detail_gives_the_age_at_arrest(profiled):
    defendant = DefendantFactory(person=profiled, case=CaseFactory(), arrested="2012-01")
    body = client_for(None).get(f"/api/v1/defendants/{defendant.pk}/").json()
    assert body["age_at_arrest"] == {"youngest": 46, "oldest": 47, "display": "about 47"}


def test_the_profile_is_public_but_ethnicity_and_religion_are_not(profiled, staff_user, role_user):
    for user in (None, staff_user, role_user("Viewer"), role_user("Editor")):
        response = client_for(user).get(f"/api/v1/persons/{profiled.pk}/")
        body = response.json()
        assert body["sex"] == "female"
        assert body["birth_date"] == "1965"
        assert body["rights"] == ["assembly", "labour"]
        assert "ethnicity" not in body and "religion" not in body
        assert SECRET_ETHNICITY not in response.content.decode()
        listing = client_for(user).get("/api/v1/persons/").content.decode()
        assert SECRET_ETHNICITY not in listing and SECRET_RELIGION not in listing
    body = client_for(role_user("Senior editor")).get(f"/api/v1/persons/{profiled.pk}/").json()
    assert (body["ethnicity"], body["religion"]) == (SECRET_ETHNICITY, SECRET_RELIGION)


def test_a_writer_without_the_permission_cannot_set_or_clear_ethnicity(profiled, staff_user):
    client = client_for(staff_user)
    response = client.patch(
        f"/api/v1/persons/{profiled.pk}/", {"ethnicity": "changed", "occupation": "driver"}, format="json"
    )
    assert response.status_code == 200, response.content
    profiled.refresh_from_db()
    assert profiled.occupation == "driver"
    assert profiled.ethnicity == SECRET_ETHNICITY  # ignored, as an unknown field is


def test_a_bad_right_is_a_400_naming_rights(staff_user):
    response = client_for(staff_user).post(
        "/api/v1/persons/", {"name": "X", "rights": ["assembly", "flying"]}, format="json"
    )
    assert response.status_code == 400
    assert list(errors_by_field(response.json())) == ["rights.1"]  # the second value, "flying"


def test_persons_filter_by_right_occupation_and_sex_on_every_engine(profiled):
    PersonFactory(name="Other", rights=["expression"], occupation_category="journalist", sex="male")
    client = client_for(None)

    def found(**params):
        response = client.get("/api/v1/persons/", params)
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["results"]]

    assert found(right="assembly") == ["Roza Tuletaeva"]
    assert found(right=["assembly", "expression"]) == ["Other", "Roza Tuletaeva"]
    assert found(occupation_category="journalist") == ["Other"]
    assert found(sex="female") == ["Roza Tuletaeva"]
    assert found(born_to="1970") == ["Roza Tuletaeva"]
    assert client.get("/api/v1/persons/", {"right": "flying"}).status_code == 400


def test_no_filter_reads_a_special_category_field():
    from people.filtersets import PersonFilterSet

    class Sneaky(PersonFilterSet):
        ethnicity = __import__("django_filters").CharFilter(field_name="ethnicity")

    assert "ethnicity" not in Sneaky(data={"ethnicity": SECRET_ETHNICITY}, queryset=Person.objects.all()).filters


# -- the admin -------------------------------------------------------------------------------------------


def test_admin_pages_and_history_show_ethnicity_only_with_the_permission(client, profiled, role_user):
    profiled.ethnicity = SECRET_ETHNICITY + "-Later"
    profiled.save()
    pages = [
        f"/admin/people/person/{profiled.pk}/change/",
        "/admin/people/person/",
        f"/admin/people/person/{profiled.pk}/history/",
        f"/admin/people/person/{profiled.pk}/history/{profiled.history.earliest().history_id}/",
    ]
    for role in ("Viewer", "Editor"):
        client.force_login(role_user(role))
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            assert SECRET_ETHNICITY not in response.content.decode(), (role, page)
            assert SECRET_RELIGION not in response.content.decode(), (role, page)
    client.force_login(role_user("Senior editor"))
    assert SECRET_ETHNICITY in client.get(pages[0]).content.decode()
    assert SECRET_ETHNICITY in client.get(pages[2]).content.decode()


def test_an_editor_saving_a_person_keeps_the_ethnicity_they_cannot_see(client, profiled, role_user):
    client.force_login(role_user("Editor"))
    page = client.get(f"/admin/people/person/{profiled.pk}/change/")
    assert "ethnicity" not in page.context["adminform"].form.fields
    profiled.refresh_from_db()
    assert profiled.ethnicity == SECRET_ETHNICITY


def test_admin_filters_persons_by_right(client, profiled, role_user):
    PersonFactory(name="Someone else", rights=["expression"])
    client.force_login(role_user("Viewer"))
    page = client.get("/admin/people/person/", {"right": "labour"}).content.decode()
    assert "Roza Tuletaeva" in page and "Someone else" not in page


# -- search, imports -------------------------------------------------------------------------------------


def test_search_never_indexes_a_special_category_field(profiled):
    from sources.search import register_searchable

    with pytest.raises(ValueError, match="ethnicity"):
        register_searchable(Person, kind="person-again", fields=("name", "ethnicity"))
    response = client_for(None).get("/api/v1/search/", {"q": SECRET_ETHNICITY})
    assert response.status_code == 200
    assert SECRET_ETHNICITY not in response.content.decode()
    assert response.json()["count"] == 0


def _sheet(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def test_importing_ethnicity_needs_the_permission(staff_user, role_user):
    from imports.services import records_import

    content = _sheet([["name", "sex", "rights", "ethnicity"], ["Imported", "female", "assembly; labour", "Kazakh"]])
    refused = records_import(content=content, filename="p.csv", kind="persons", user=staff_user, dry_run=False)
    assert not refused.applied
    assert [problem.column for problem in refused.problems] == ["ethnicity"]
    senior = role_user("Senior editor")
    done = records_import(content=content, filename="p.csv", kind="persons", user=senior, dry_run=False)
    assert done.applied, [str(issue.message) for issue in done.problems + done.errors]
    person = Person.objects.get(name="Imported")
    assert (person.sex, person.rights, person.ethnicity) == ("female", ["assembly", "labour"], "Kazakh")


def test_the_field_rule_says_who_may_see_what(staff_user, role_user, superuser):
    assert hidden_fields(Person, None) == {"ethnicity", "religion"}
    assert hidden_fields(Person, staff_user) == {"ethnicity", "religion"}
    assert hidden_fields(Person, role_user("Senior editor")) == set()
    assert hidden_fields(Person, superuser) == set()
