"""Backups restore to the same content: ``manage.py backup`` / ``restore`` (dumpdata and pg_dump).

These tests commit data (``transaction=True``): a backup tool reads what is committed, and
``restore`` empties the database.
"""

import json
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from knox.models import AuthToken

from cases.models import Defendant, StatusChange
from cases.services import defendant_change_status
from casetracker.roles import EDITOR
from sources.models import Source

ROOT = Path(__file__).resolve().parent.parent
QUIET = {"stdout": StringIO(), "verbosity": 0}

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Everything a deployment holds: the case records and their history, staff, roles, tokens, the admin log.
SNAPSHOT_APPS = ("people", "cases", "auth", "knox", "admin")


def snapshot() -> dict[str, list[str]]:
    """Every row of every model, serialized with natural keys so surrogate ids of users,
    groups and content types (which a restore may renumber) do not matter, sorted."""
    content = {}
    for label in SNAPSHOT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in ("auth.Permission",):
                continue  # rebuilt by migrate, like content types
            rows = serializers.serialize(
                "python", model._default_manager.all(), use_natural_foreign_keys=True, use_natural_primary_keys=True
            )
            content[model._meta.label] = sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)
    return content


@pytest.fixture
def deployment(django_user_model, monkeypatch):
    """The seed data, an Editor who recorded a status change (history with a user), and a token."""
    call_command("load_seed", **QUIET)
    monkeypatch.setenv("CASETRACKER_STAFF_PASSWORD", "a-long-passphrase-42")
    call_command("create_staff_user", "editor", role=EDITOR, interactive=False, **QUIET)
    editor = django_user_model.objects.get(username="editor")
    AuthToken.objects.create(user=editor)
    defendant = Defendant.objects.select_related("person").filter(person__name__icontains="Kozlov").first()
    defendant_change_status(
        defendant=defendant,
        status=defendant.status,
        date="2016-08",
        note="Recorded for the backup test",
        source=Source.objects.first(),
        user=editor,
    )
    return editor


def test_dumpdata_backup_restores_to_the_same_content_to_the_microsecond(deployment, tmp_path):
    before = snapshot()
    assert len(before["cases.Defendant"]) >= 5 and before["cases.HistoricalStatusChange"], "seed data expected"
    backup = tmp_path / "casetracker.xml"
    call_command("backup", output=str(backup), format="dumpdata", **QUIET)

    call_command("flush", interactive=False, **QUIET)
    assert StatusChange.objects.count() == 0
    call_command("restore", str(backup), interactive=False, **QUIET)

    after = snapshot()
    assert {label: len(rows) for label, rows in after.items()} == {label: len(rows) for label, rows in before.items()}
    assert after == before
    restored = StatusChange.objects.get(note="Recorded for the backup test")
    assert restored.recorded_by.username == "editor" and restored.recorded_by.groups.get().name == EDITOR


def test_restoring_a_broken_backup_changes_nothing(deployment, tmp_path):
    before = snapshot()
    backup = tmp_path / "casetracker.xml"
    call_command("backup", output=str(backup), format="dumpdata", **QUIET)
    dangling = (
        '<object model="cases.defendant" pk="999999">'
        '<field name="case" rel="ManyToOneRel" to="cases.case">888888</field>'
        '<field name="person" rel="ManyToOneRel" to="people.person">777777</field></object>'
    )
    backup.write_text(backup.read_text().replace("</django-objects>", dangling + "</django-objects>"))

    with pytest.raises(IntegrityError, match="999999|does not have a corresponding value"):
        call_command("restore", str(backup), interactive=False, **QUIET)
    assert snapshot() == before


def test_restore_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="No backup file at"):
        call_command("restore", str(tmp_path / "nope.dump"), interactive=False)


def test_postgres_dump_restores_into_a_fresh_database_with_identical_tables(deployment, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore apply to PostgreSQL; run with DATABASE_URL=postgres://… (CI does)")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not on PATH (apt-get install postgresql-client)")
    import psycopg

    settings = connection.settings_dict
    fresh = f"{settings['NAME']}_restore"
    server = {k: settings[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if settings.get(k)}
    url = "postgres://{user}{password}@{host}:{port}/".format(
        user=server.get("USER", ""),
        password=f":{server['PASSWORD']}" if server.get("PASSWORD") else "",
        host=server.get("HOST", "127.0.0.1"),
        port=server.get("PORT", 5432),
    )
    dump = tmp_path / "casetracker.dump"
    call_command("backup", output=str(dump), **QUIET)
    assert dump.read_bytes()[:5] == b"PGDMP", "on PostgreSQL the default backup is pg_dump's custom format"

    with psycopg.connect(url + "postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", "restore", str(dump), "--no-input"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url + fresh},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert table_digests(url + settings["NAME"]) == table_digests(url + fresh)
    finally:
        with psycopg.connect(url + "postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


def table_digests(url: str) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent digest of every table's full content."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url) as conn:
        tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        digests = {}
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} t"
            )
            digests[table] = tuple(conn.execute(query.format(sql.Identifier(table))).fetchone())
    assert digests["cases_defendant"][0] >= 5
    return digests
