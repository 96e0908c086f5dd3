"""One module keeps every name-searchable record's search text in step with its names (casetracker/search_text.py)."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models.signals import post_delete, post_save

from casetracker.base_models import NameSearchable, NameVariant
from casetracker.search_text import _name_changed, _owner_loaded

pytestmark = pytest.mark.django_db


def test_every_name_model_is_connected_once():
    owners = [m for m in apps.get_models() if issubclass(m, NameSearchable)]
    variants = [m for m in apps.get_models() if issubclass(m, NameVariant)]
    assert {m._meta.label for m in owners} >= {"people.Person", "people.Organization", "cases.Place"}
    assert {m._meta.label for m in variants} >= {"people.PersonName", "people.OrganizationName", "cases.PlaceName"}
    for model in owners:
        assert post_save.has_listeners(model)
        assert [r for r in post_save._live_receivers(model)[0] if r is _owner_loaded] == [_owner_loaded]
    for model in variants:
        for signal in (post_save, post_delete):
            assert [r for r in signal._live_receivers(model)[0] if r is _name_changed] == [_name_changed]


@pytest.mark.parametrize(
    ("owner_label", "variant_label", "fk", "extra"),
    [
        ("people.Person", "people.PersonName", "person", {}),
        ("people.Organization", "people.OrganizationName", "organization", {}),
        ("cases.Place", "cases.PlaceName", "place", {}),
    ],
)
def test_adding_and_removing_a_variant_updates_the_owner(owner_label, variant_label, fk, extra):
    owner_model, variant_model = apps.get_model(owner_label), apps.get_model(variant_label)
    owner = owner_model.objects.create(name="Kozlov", **extra)
    # A variant that no folding of "Kozlov" reaches (a transliteration would be found without it).
    variant = variant_model.objects.create(name="Володя", **{fk: owner})
    assert list(owner_model.objects.search("володя")) == [owner]
    assert list(owner_model.objects.search("Volodya")) == [owner]  # through the folded key
    owner.refresh_from_db()
    assert owner.search_folded.split("\n") == ["kozlov", "kozl", "volodia"]
    variant.delete()
    assert list(owner_model.objects.search("володя")) == []
    assert list(owner_model.objects.search("Volodya")) == []
    assert list(owner_model.objects.search("Козлов")) == [owner]  # across scripts, without a variant


def test_fixtures_loaded_raw_are_searchable(tmp_path):
    fixture = tmp_path / "place.json"
    fixture.write_text(
        '[{"model": "cases.place", "pk": 900, "fields": {"name": "Zhanaozen", "created": "2020-01-01T00:00:00Z",'
        ' "updated": "2020-01-01T00:00:00Z"}}]'
    )
    call_command("loaddata", str(fixture), verbosity=0)
    assert list(apps.get_model("cases.Place").objects.search("zhanaozen").values_list("pk", flat=True)) == [900]


def test_fixtures_loaded_raw_are_found_across_scripts(tmp_path):
    fixture = tmp_path / "place.json"
    fixture.write_text(
        '[{"model": "cases.place", "pk": 901, "fields": {"name": "Zhanaozen", "created": "2020-01-01T00:00:00Z",'
        ' "updated": "2020-01-01T00:00:00Z"}}]'
    )
    call_command("loaddata", str(fixture), verbosity=0)
    found = apps.get_model("cases.Place").objects.search("Жаңаөзен").values_list("pk", flat=True)
    assert list(found) == [901]


def test_search_ranks_exact_then_prefix_then_within_then_folded():
    person = apps.get_model("people.Person")
    folded = person.objects.create(name="Владимир Козлов")  # found only across scripts
    within = person.objects.create(name="Vladimir Kozlov")
    prefix = person.objects.create(name="Kozlov Vladimir")
    exact = person.objects.create(name="Kozlov")
    assert list(person.objects.search("Kozlov")) == [exact, prefix, within, folded]


def test_rebuild_search_index_recomputes_stale_keys_with_progress():
    import io

    from django.db.models import Value

    person_model, case_model = apps.get_model("people.Person"), apps.get_model("cases.Case")
    person = person_model.objects.create(name="Vladimir Kozlov")
    case = case_model.objects.create(title="Trial of the Zhanaozen oil workers")
    # As after a bulk write that sent no signals (or keys folded by older rules).
    person_model.objects.filter(pk=person.pk).update(search_folded=Value(""), search_text=Value(""))
    case_model.objects.filter(pk=case.pk).update(search_folded=Value(""))
    assert not person_model.objects.search("Козлов").exists()
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out, verbosity=1)
    assert "2 records updated" in out.getvalue()
    assert list(person_model.objects.search("Козлов")) == [person]
    assert case_model.objects.get(pk=case.pk).search_folded == "trialofthejanaozenoilvorkers"
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "0 records updated" in out.getvalue()


def test_the_migration_backfill_fills_existing_rows():
    from types import SimpleNamespace

    from django.db import connection

    from casetracker.search_text import backfill_folded_migration

    person_model = apps.get_model("people.Person")
    person = person_model.objects.create(name="Serik Sapargali")
    apps.get_model("people.PersonName").objects.create(person=person, name="Серик Сапаргалиев")
    person_model.objects.filter(pk=person.pk).update(search_folded="")
    forward, _backward = backfill_folded_migration(("people", "person", "person_folded_trgm"))
    # The schema editor's part the function uses (SQLite's own cannot open inside the test's transaction).
    with connection.cursor() as cursor:
        editor = SimpleNamespace(connection=connection, execute=cursor.execute, quote_name=connection.ops.quote_name)
        forward(apps, editor)
    person.refresh_from_db()
    assert person.search_folded.split("\n") == ["seriksapargali", "seriksapargaliev"]
