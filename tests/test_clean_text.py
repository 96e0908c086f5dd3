"""Clean text: no record's text holds a control character, however it is written, and none stops an export.

The rule (``casetracker.text``): tab, newline and CRLF line breaks are text; every other
control character, and what XML 1.0 cannot hold, is refused by ``full_clean()`` on every
model of ``people`` and ``cases`` (so by the API, the admin and the services), by the API's
text fields, and by ``load_seed``; the data migrations strip stored ones; exports drop them.
"""

import importlib
import io
import json

import openpyxl
import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import models
from django.test import Client
from rest_framework.test import APIClient

from cases.management.commands import load_seed
from cases.models import Case, Defendant
from cases.services import defendant_change_status
from cases.tests.api_data import client_for, make_graph
from cases.tests.factories import CitationFactory, PlaceNameFactory
from casetracker.backups import dump_portable
from casetracker.problems import errors_by_field
from casetracker.text import CONTROL_CHARACTERS_CODE, clean_text, forbidden_characters, is_text_field
from people.models import Person
from people.tests.factories import OrganizationNameFactory, PersonFactory
from sources.models import Source
from sources.services import document_add, document_prepare
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db

BELL = "bell\u0007title"
RECORD_APPS = ("sources", "people", "cases")


def record_models():
    """Every concrete model of people and cases that staff write (django-simple-history's copies aside)."""
    return [
        model
        for label in RECORD_APPS
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
        # Derived from records' text by sources.search, never written by staff.
        and model._meta.label != "sources.SearchEntry"
    ]


def one_of_each():
    """At least one saved record of every model of people and cases."""
    graph = make_graph()
    OrganizationNameFactory(organization=graph.organization)
    PlaceNameFactory(place=graph.place)
    CitationFactory(content_object=graph.person, source=graph.source)
    document_add(source=graph.source, prepared=document_prepare(io.BytesIO(b"A verdict."), name="verdict.txt"))
    return graph


# -- the rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("bell\u0007", ["U+0007"]),
        ("nul\x00", ["U+0000"]),
        ("escape\x1b[31m", ["U+001B"]),
        ("lone\rreturn", ["U+000D"]),
        ("delete\x7f", ["U+007F"]),
        ("next line\x85", ["U+0085"]),
        ("noncharacter\ufffe", ["U+FFFE"]),
        ("surrogate\ud800", ["U+D800"]),
        ("two\x01and\x01one\x02", ["U+0001", "U+0002"]),
    ],
)
def test_control_characters_are_found_and_named(text, found):
    assert forbidden_characters(text) == found


@pytest.mark.parametrize("text", ["tab\tand\nnewline", "windows\r\nline break", "Назарбаев – ‘quoted’ 👍", ""])
def test_tab_newline_crlf_and_any_script_are_text(text):
    assert forbidden_characters(text) == []
    assert clean_text(text) == text


def test_cleaning_drops_control_characters_and_keeps_a_lone_return_as_a_line_break():
    assert clean_text("a\x07b\x00c\x1bd\x7fe\x85f\ufffeg") == "abcdefg"
    assert clean_text("one\rtwo\r\nthree") == "one\ntwo\r\nthree"


# -- every model, every text field ------------------------------------------------------------------


@pytest.mark.parametrize("model", record_models(), ids=lambda model: model._meta.label)
def test_every_text_field_of_every_model_refuses_a_control_character(model):
    one_of_each()
    record = model._base_manager.first()
    assert record is not None, f"one_of_each() made no {model._meta.label}; add one so its fields are checked"
    text_fields = [field for field in model._meta.concrete_fields if is_text_field(field)]
    assert text_fields
    for field in text_fields:
        original = getattr(record, field.attname)
        setattr(record, field.attname, "a\u0007")
        with pytest.raises(ValidationError) as caught:
            record.full_clean()
        errors = caught.value.error_dict
        assert field.name in errors, f"{model._meta.label}.{field.name} accepted a control character"
        if type(field) in (models.CharField, models.TextField) and not field.choices:  # free text, no format
            codes = [error.code for error in errors[field.name]]
            assert CONTROL_CHARACTERS_CODE in codes, f"{model._meta.label}.{field.name}: {errors[field.name]}"
        setattr(record, field.attname, original)
    record.full_clean()  # the record itself was valid


def test_multi_line_text_typed_in_a_browser_is_accepted():
    person = PersonFactory(description="First line\r\nsecond line\tafter a tab\nthird line")
    person.full_clean()


def test_the_error_names_the_characters_and_says_what_to_do():
    person = PersonFactory.build(name="bell\u0007 and escape\x1b")
    with pytest.raises(ValidationError) as caught:
        person.full_clean()
    (message,) = caught.value.message_dict["name"]
    assert "U+0007, U+001B" in message
    assert "Remove them" in message


def test_a_text_field_left_out_of_the_check_is_not_reported():
    person = PersonFactory.build(name=BELL, description="fine")
    person.full_clean(exclude=["name"])


# -- the API ----------------------------------------------------------------------------------------


def test_api_create_with_a_bell_in_the_name_is_a_400_naming_the_field(staff_user):
    response = client_for(staff_user).post("/api/v1/persons/", {"name": BELL}, format="json")
    assert response.status_code == 400, response.content
    body = errors_by_field(response.json())
    assert list(body) == ["name"]
    assert "U+0007" in body["name"][0]
    assert not Person.objects.filter(name=BELL).exists()


@pytest.mark.parametrize("text", ["nul\u0000", "escape\u001b", "c1\u0085control", "lone\rreturn"])
def test_api_update_with_control_characters_is_a_400_naming_the_field(staff_user, text):
    source = make_graph().source
    response = client_for(staff_user).patch(f"/api/v1/sources/{source.pk}/", {"title": text}, format="json")
    assert response.status_code == 400, response.content
    assert list(errors_by_field(response.json())) == ["title"]
    source.refresh_from_db()
    assert source.title != text


def test_api_name_variants_refuse_control_characters_too(staff_user):
    response = client_for(staff_user).post(
        "/api/v1/persons/", {"name": "Someone", "names": [{"name": f"Variant {BELL}"}]}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "names.0.name" in errors_by_field(response.json())
    assert not Person.objects.filter(name="Someone").exists()


def test_api_accepts_line_breaks_and_tabs(staff_user):
    text = "First line\r\nsecond line\n\tindented"
    response = client_for(staff_user).post(
        "/api/v1/persons/", {"name": "Multi-line", "description": text}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Person.objects.get(name="Multi-line").description == text


# -- the admin ----------------------------------------------------------------------------------------


def test_admin_form_shows_the_error_on_the_field(superuser):
    client = Client()
    client.force_login(superuser)
    url = "/admin/people/person/add/"
    form = main_form(client.get(url).content.decode())
    data = form.data()
    data["name"] = [BELL]
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with its errors
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["name"]
    assert "U+0007" in errors["name"][0]
    assert not Person.objects.filter(name=BELL).exists()


def test_admin_inline_name_variant_with_a_control_character_is_an_error_on_the_inline(superuser):
    client = Client()
    client.force_login(superuser)
    person = PersonFactory(name="Inline Test")
    url = f"/admin/people/person/{person.pk}/change/"
    data = main_form(client.get(url).content.decode()).data()
    data["names-0-name"] = [BELL]
    response = client.post(url, data)
    assert response.status_code == 200
    inline_errors = [form.errors for formset in response.context["inline_admin_formsets"] for form in formset.formset]
    assert any("name" in errors and "U+0007" in errors["name"][0] for errors in inline_errors)
    assert not person.names.exists()


# -- services and commands ----------------------------------------------------------------------------


def test_a_service_refuses_a_control_character_naming_the_field():
    defendant = make_graph().defendant
    with pytest.raises(ValidationError) as caught:
        defendant_change_status(
            defendant=defendant, status="released", date="2016-01-01", source=None, note=BELL, user=None
        )
    assert "note" in caught.value.message_dict


def test_load_seed_refuses_a_fixture_row_with_a_control_character(monkeypatch):
    rows = load_seed.seed_rows()
    source = next(row for row in rows if row["model"] == "sources.source")
    source["fields"]["title"] = f"Verdict {BELL}"
    monkeypatch.setattr(load_seed, "seed_rows", lambda: rows)
    with pytest.raises(CommandError) as caught:
        call_command("load_seed", stdout=io.StringIO())
    assert f"sources.source {source['pk']}, title: U+0007" in str(caught.value)
    assert not Source.objects.exists()


def test_the_seed_fixture_is_clean():
    assert load_seed.seed_text_problems(load_seed.seed_rows()) == []


# -- stored text: the data migrations, the backup, the exports ---------------------------------------


def dirty_everything():
    """Text stored around the rule (``update()`` skips validation), as before the rule existed."""
    graph = make_graph()
    Person.objects.filter(pk=graph.person.pk).update(
        name="Dirty\u0007 Person", description="line\rbreak and tab\tkept\r\nhere"
    )
    graph.person.history.update(name="Dirty\u0007 Person")
    Case.objects.filter(pk=graph.case.pk).update(title="Case\x1b[31m of\x0c someone")
    Defendant.objects.filter(pk=graph.defendant.pk).update(description="role\x7f\x85")
    LogEntry.objects.create(
        user=_admin_user(),
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(graph.person.pk),
        object_repr="Dirty\u0007 Person",
        action_flag=ADDITION,
    )
    return graph


def _admin_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get_or_create(username="logger")[0]


def run_data_migrations():
    for module in ("people.migrations.0006_clean_control_characters", "cases.migrations.0006_clean_control_characters"):
        importlib.import_module(module).clean(apps, None)


def test_data_migrations_strip_control_characters_history_and_admin_log_included():
    graph = dirty_everything()
    run_data_migrations()
    person = Person.objects.get(pk=graph.person.pk)
    assert person.name == "Dirty Person"
    assert person.description == "line\nbreak and tab\tkept\r\nhere"
    assert {entry.name for entry in person.history.all()} == {"Dirty Person"}
    assert Case.objects.get(pk=graph.case.pk).title == "Case[31m of someone"
    assert Defendant.objects.get(pk=graph.defendant.pk).description == "role"
    assert LogEntry.objects.get().object_repr == "Dirty Person"
    for model in record_models():
        model._base_manager.get_queryset()  # every model still loads
        for record in model._base_manager.all():
            record.clean_fields()  # nothing left that the rule refuses


def test_the_portable_backup_fails_on_stored_control_characters_and_works_once_cleaned(tmp_path):
    dirty_everything()
    with pytest.raises(CommandError, match="unserializable characters"):
        dump_portable(path=tmp_path / "before.xml", verbosity=0)
    run_data_migrations()
    target = tmp_path / "after.xml"
    dump_portable(path=target, verbosity=0)
    assert "Dirty Person" in target.read_text(encoding="utf-8")


def test_exports_never_fail_on_stored_control_characters():
    dirty_everything()
    client = APIClient()  # anonymous

    response = client.get("/api/v1/sentence-summaries.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Sentence summaries"]
    values = {cell.value for row in sheet.iter_rows(min_row=2) for cell in row}
    assert "Dirty Person" in values
    assert "Case[31m of someone" in values

    response = client.get("/api/v1/sentence-summaries.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Dirty Person" in text
    assert "\x07" not in text and "\x1b" not in text

    # JSON carries the text as stored (escaped by the JSON encoder, nothing lost).
    response = client.get("/api/v1/sentence-summaries/")
    assert response.status_code == 200
    names = {row["defendant"] for row in json.loads(response.content)["results"]}
    assert "Dirty\u0007 Person" in names
