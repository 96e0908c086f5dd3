"""Staff roles: Viewer reads, Editor edits but never sees confidential people, Senior editor does."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from knox.models import AuthToken

from casetracker.choices import Confidentiality
from casetracker.roles import EDITOR, SENIOR_EDITOR, VIEWER
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.fixture
def make_staff(django_user_model, monkeypatch):
    """Create a staff user with one role the way README says: ``manage.py create_staff_user``."""

    def make(username: str, role: str):
        monkeypatch.setenv("CASETRACKER_STAFF_PASSWORD", "a-long-passphrase-42")
        call_command("create_staff_user", username, role=role, interactive=False, stdout=StringIO())
        return django_user_model.objects.get(username=username)

    return make


@pytest.fixture
def witness():
    return PersonFactory(name="Anonymous witness W-7", confidentiality=Confidentiality.CONFIDENTIAL)


def test_migrate_creates_the_three_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {VIEWER, EDITOR, SENIOR_EDITOR}


def test_viewer_may_only_view_and_not_confidential_people():
    viewer = _codenames(VIEWER)
    assert {"people.view_person", "cases.view_case", "cases.view_statuschange", "cases.view_historicalcase"} <= viewer
    assert all(code.split(".")[1].startswith("view_") for code in viewer)
    assert "people.view_confidential" not in viewer


def test_editor_changes_case_records_but_cannot_see_confidential_people():
    editor = _codenames(EDITOR)
    for model in ("case", "defendant", "statuschange", "charge", "sentence", "trial"):
        assert {f"cases.add_{model}", f"cases.change_{model}", f"cases.view_{model}"} <= editor, model
    for model in ("source", "citation"):
        assert {f"sources.add_{model}", f"sources.change_{model}", f"sources.view_{model}"} <= editor, model
    assert {"people.add_person", "people.change_person", "people.add_personname"} <= editor
    assert "people.view_confidential" not in editor
    assert "cases.delete_case" not in editor and "people.delete_person" not in editor
    assert "sources.delete_citation" in editor, "an Editor may remove a wrong citation"
    assert not any(code.split(".")[1].startswith(("add_historical", "change_historical")) for code in editor)


def test_senior_editor_is_editor_plus_confidential_people_and_publishing():
    assert _codenames(SENIOR_EDITOR) - _codenames(EDITOR) == {
        "people.view_confidential",
        "people.publish",
        "people.view_special_category",
    }
    assert "people.publish" not in _codenames(EDITOR)


def test_create_roles_is_idempotent_and_resets_hand_made_changes():
    before = {name: _codenames(name) for name in (VIEWER, EDITOR, SENIOR_EDITOR)}
    Group.objects.get(name=EDITOR).permissions.add(Permission.objects.get(codename="view_confidential"))
    call_command("create_roles", stdout=StringIO())
    call_command("create_roles", stdout=StringIO())
    assert {name: _codenames(name) for name in before} == before
    assert Group.objects.filter(name__in=before).count() == 3


def test_editor_does_not_see_a_confidential_person_in_the_admin(client, make_staff, witness):
    public = PersonFactory(name="Vladimir Kozlov")
    client.force_login(make_staff("editor", EDITOR))
    listing = client.get("/admin/people/person/")
    assert listing.status_code == 200
    assert public.name in listing.content.decode()
    assert witness.name not in listing.content.decode()
    search = client.get("/admin/people/person/", {"q": "witness W-7"})
    assert search.context["cl"].result_count == 0
    hidden = client.get(f"/admin/people/person/{witness.pk}/change/")
    missing = client.get("/admin/people/person/999999/change/")
    assert hidden.status_code == missing.status_code == 404, "a hidden person looks like a missing one, as in the API"
    assert witness.name not in hidden.content.decode()


def test_senior_editor_sees_a_confidential_person_in_the_admin(client, make_staff, witness):
    client.force_login(make_staff("senior-editor", SENIOR_EDITOR))
    assert witness.name in client.get("/admin/people/person/").content.decode()
    page = client.get(f"/admin/people/person/{witness.pk}/change/")
    assert page.status_code == 200 and witness.name in page.content.decode()


def test_viewer_reads_the_admin_but_cannot_add_or_change(client, make_staff):
    person = PersonFactory(name="Roza Tuletayeva")
    client.force_login(make_staff("viewer", VIEWER))
    assert client.get("/admin/cases/case/").status_code == 200
    assert client.get("/admin/cases/case/add/").status_code == 403
    page = client.get(f"/admin/people/person/{person.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_create_staff_user_moves_a_user_between_roles(make_staff):
    user = make_staff("alice", EDITOR)
    assert user.is_staff and not user.is_superuser
    assert user.check_password("a-long-passphrase-42")
    assert list(user.groups.values_list("name", flat=True)) == [EDITOR]
    user = make_staff("alice", SENIOR_EDITOR)
    assert list(user.groups.values_list("name", flat=True)) == [SENIOR_EDITOR]
    assert user.has_perm("people.view_confidential")


def test_create_staff_user_without_a_password_says_how_to_give_one(monkeypatch):
    monkeypatch.delenv("CASETRACKER_STAFF_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="CASETRACKER_STAFF_PASSWORD"):
        call_command("create_staff_user", "bob", role=VIEWER, interactive=False)


def test_create_staff_user_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("CASETRACKER_STAFF_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_staff_user", "bob", role=VIEWER, interactive=False)


def test_editor_does_not_see_a_confidential_person_in_the_api(client, make_staff, witness):
    public = PersonFactory(name="Vladimir Kozlov")
    _record, token = AuthToken.objects.create(user=make_staff("editor", EDITOR))
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert client.get(f"/api/v1/persons/{witness.pk}/", **auth).status_code == 404
    names = [row["name"] for row in client.get("/api/v1/persons/", {"page_size": 100}, **auth).json()["results"]]
    assert public.name in names and witness.name not in names


def test_senior_editor_sees_a_confidential_person_in_the_api(client, make_staff, witness):
    _record, token = AuthToken.objects.create(user=make_staff("senior-editor", SENIOR_EDITOR))
    response = client.get(f"/api/v1/persons/{witness.pk}/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert response.json()["name"] == witness.name and response.json()["confidentiality"] == "confidential"


def test_viewer_reads_the_api_but_cannot_write(client, make_staff):
    _record, token = AuthToken.objects.create(user=make_staff("viewer", VIEWER))
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert client.get("/api/v1/cases/", **auth).status_code == 200
    created = client.post("/api/v1/persons/", {"name": "New person"}, content_type="application/json", **auth)
    assert created.status_code == 403
