"""The three ways in: the command, the API and the admin, on the same service."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from casetracker.problems import errors_by_field
from people.models import Person

pytestmark = pytest.mark.django_db

SHEET = b"external_id,name,confidentiality\nP1,Roza Tuletaeva,restricted\n"
BAD = b"external_id,name,confidentiality\nP1,=cmd(),restricted\n"


def test_command_dry_run_prints_the_preview_and_writes_nothing(tmp_path, senior_user, capsys):
    path = tmp_path / "prisoners.csv"
    path.write_bytes(SHEET)
    call_command("import_records", str(path), kind="persons", dry_run=True, as_user="senior")
    assert "row 2: new Roza Tuletaeva" in capsys.readouterr().out
    assert not Person.objects.exists()
    call_command("import_records", str(path), kind="persons", as_user="senior")
    assert Person.objects.get().history.first().history_change_reason == "Imported from prisoners.csv"


def test_command_exits_non_zero_on_errors(tmp_path, senior_user):
    path = tmp_path / "bad.csv"
    path.write_bytes(BAD)
    with pytest.raises(CommandError) as raised:
        call_command("import_records", str(path), kind="persons", as_user="senior")
    assert raised.value.returncode == 1
    assert not Person.objects.exists()


def test_command_writes_templates(tmp_path, capsys):
    call_command("import_records", template="sentences")
    assert capsys.readouterr().out.lstrip("\ufeff").startswith("external_id,defendant,case,kind,term,start,status")
    call_command("import_records", template="persons", format="xlsx", output=str(tmp_path / "t.xlsx"))
    assert (tmp_path / "t.xlsx").read_bytes()[:2] == b"PK"


def upload(content=SHEET, name="prisoners.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_api_previews_then_applies_with_the_token(client, senior_user):
    client.force_login(senior_user)
    preview = client.post("/api/v1/imports/", {"file": upload(), "kind": "persons"})
    assert preview.status_code == 200
    body = preview.json()
    assert body["counts"]["new"] == 1 and body["rows"][0]["status"] == "new"
    assert not Person.objects.exists()
    applied = client.post(
        "/api/v1/imports/", {"file": upload(), "kind": "persons", "dry_run": "false", "token": body["token"]}
    )
    assert applied.status_code == 200 and applied.json()["applied"]
    assert Person.objects.get().external_id == "P1"


def test_api_errors_are_400_naming_the_field_or_the_cell(client, senior_user):
    client.force_login(senior_user)
    assert "kind" in errors_by_field(client.post("/api/v1/imports/", {"file": upload(), "kind": "nope"}).json())
    assert "token" in errors_by_field(
        client.post("/api/v1/imports/", {"file": upload(), "kind": "persons", "dry_run": "false"}).json()
    )
    preview = client.post("/api/v1/imports/", {"file": upload(BAD), "kind": "persons"}).json()
    assert preview["errors"][0].startswith("row 2, column `name`: '=cmd()'")


def test_api_is_for_staff_only(client, django_user_model):
    assert client.post("/api/v1/imports/", {"file": upload(), "kind": "persons"}).status_code in (401, 403)
    client.force_login(django_user_model.objects.create_user("reader", password="x-pass-123"))
    assert client.post("/api/v1/imports/", {"file": upload(), "kind": "persons"}).status_code == 403


def test_admin_change_list_has_an_import_button_and_the_pages_preview_then_apply(client, senior_user):
    client.force_login(senior_user)
    assert b"/admin/imports/persons/" in client.get("/admin/people/person/").content
    page = client.post("/admin/imports/persons/", {"file": upload()})
    assert page.status_code == 200 and b"Roza Tuletaeva" in page.content
    assert not Person.objects.exists()
    confirm = page.context["confirm"]
    response = client.post("/admin/imports/persons/", {**confirm.initial, "_apply": "1"})
    assert response.status_code == 302
    assert Person.objects.get().external_id == "P1"
    assert client.get("/admin/imports/persons/template.xlsx").content[:2] == b"PK"


def test_the_admin_confirmation_sends_only_the_token_so_no_upload_size_limit_applies(client, senior_user, settings):
    # The previewed file stays on the server (the shared cache): a sheet far larger than the limit on a
    # form's fields is confirmed by its token alone.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    rows = "".join(f"P{n},Prisoner number {n},restricted\n" for n in range(200))
    content = ("external_id,name,confidentiality\n" + rows).encode()
    assert len(content) > 5 * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    client.force_login(senior_user)
    page = client.post("/admin/imports/persons/", {"file": upload(content)})
    confirm = page.context["confirm"]
    assert list(confirm.fields) == ["token"]
    response = client.post("/admin/imports/persons/", {**confirm.initial, "_apply": "1"})
    assert response.status_code == 302
    assert Person.objects.count() == 200
    # Applied once: the kept file is gone, so the same confirmation cannot apply it again.
    again = client.post("/admin/imports/persons/", {**confirm.initial, "_apply": "1"}, follow=True)
    assert b"upload the file again" in again.content


def test_a_confirmation_applies_only_a_file_its_own_user_previewed(client, senior_user, staff_user):
    client.force_login(senior_user)
    token = client.post("/admin/imports/persons/", {"file": upload()}).context["confirm"].initial["token"]
    client.force_login(staff_user)
    response = client.post("/admin/imports/persons/", {"token": token, "_apply": "1"}, follow=True)
    assert b"upload the file again" in response.content
    assert not Person.objects.exists()


def test_the_api_asks_the_admins_permission_to_import_a_kind(client, role_user):
    # A Viewer is staff but may neither add nor change records: the admin's Import page refuses them, so does the API.
    viewer = role_user("Viewer")
    client.force_login(viewer)
    assert client.get("/admin/imports/persons/").status_code == 403
    response = client.post("/api/v1/imports/", {"file": upload(), "kind": "persons"})
    assert response.status_code == 403 and "persons" in response.json()["detail"]


def test_external_id_is_editable_in_the_admin_of_every_model_that_has_it(rf, senior_user):
    # Where a record made by hand gets the identifier the NGO's sheet uses (so the next import updates it
    # instead of adding a duplicate), or a mistyped identifier is corrected.
    from django.contrib import admin

    from imports.kinds import KIND_OF_MODEL

    models = [model for model in KIND_OF_MODEL if any(f.name == "external_id" for f in model._meta.fields)]
    assert {model._meta.model_name for model in models} == {
        "person",
        "organization",
        "case",
        "defendant",
        "charge",
        "sentence",
        "facility",
        "custodystay",
        "recognition",
    }
    request = rf.get("/admin/")
    request.user = senior_user
    for model in models:
        model_admin = admin.site._registry[model]
        assert "external_id" in model_admin.get_form(request).base_fields, model
        assert "external_id" not in model_admin.get_readonly_fields(request), model
