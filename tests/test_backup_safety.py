"""Safe backups: private files, optional encryption, and a restore that does not leave stale ids behind.

These tests commit data (``transaction=True``): a backup tool reads what is committed.
"""

import os
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from cases.models import Person
from casetracker.backups import PASSPHRASE_VARIABLE
from sources.models import Citation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def seeded():
    call_command("load_seed", stdout=StringIO(), verbosity=0)


def backup(path: Path, *extra: str) -> str:
    out = StringIO()
    call_command("backup", "--format", "dumpdata", "--output", str(path), *extra, stdout=out)
    return out.getvalue()


def restore(path: Path) -> str:
    out = StringIO()
    call_command("restore", str(path), "--no-input", stdout=out, verbosity=0)
    return out.getvalue()


def test_a_backup_is_readable_by_its_owner_only_even_over_an_open_file(seeded, tmp_path, monkeypatch):
    monkeypatch.delenv(PASSPHRASE_VARIABLE, raising=False)
    target = tmp_path / "backup.xml"
    target.write_text("old")
    os.chmod(target, 0o644)
    message = backup(target)
    assert mode(target) == 0o600
    assert "owner only" in message
    assert "Vladimir Kozlov" in target.read_text()


def test_an_encrypted_backup_holds_no_plain_text_and_restores_with_the_passphrase(seeded, tmp_path, monkeypatch):
    monkeypatch.setenv(PASSPHRASE_VARIABLE, "correct horse battery staple")
    target = tmp_path / "backup.xml.gpg"
    backup(target)
    assert mode(target) == 0o600
    data = target.read_bytes()
    assert b"Kozlov" not in data and b"<?xml" not in data
    assert list(tmp_path.iterdir()) == [target], "no plain scratch file is left behind"
    people = sorted(Person.objects.values_list("name", flat=True))
    Person.objects.filter(name="Vladimir Kozlov").update(description="changed after the backup")
    message = restore(target)
    assert "Restart every running casetracker process" in message
    assert sorted(Person.objects.values_list("name", flat=True)) == people
    assert Person.objects.get(name="Vladimir Kozlov").description != "changed after the backup"
    assert list(tmp_path.iterdir()) == [target]


def test_a_wrong_passphrase_restores_nothing_and_says_why(seeded, tmp_path, monkeypatch):
    monkeypatch.setenv(PASSPHRASE_VARIABLE, "the right one")
    target = tmp_path / "backup.xml.gpg"
    backup(target)
    monkeypatch.setenv(PASSPHRASE_VARIABLE, "a wrong one")
    count = Person.objects.count()
    with pytest.raises(CommandError, match="passphrase"):
        restore(target)
    assert Person.objects.count() == count
    monkeypatch.delenv(PASSPHRASE_VARIABLE)
    with pytest.raises(CommandError, match=PASSPHRASE_VARIABLE):
        restore(target)


def test_encrypt_without_a_passphrase_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(PASSPHRASE_VARIABLE, raising=False)
    with pytest.raises(CommandError, match=PASSPHRASE_VARIABLE):
        backup(tmp_path / "x.xml", "--encrypt")
    assert not (tmp_path / "x.xml").exists()


def test_after_a_restore_citations_still_point_at_their_records(seeded, tmp_path, monkeypatch):
    monkeypatch.delenv(PASSPHRASE_VARIABLE, raising=False)
    before = {(c.excerpt, str(c.content_object)) for c in Citation.objects.all()}
    ContentType.objects.get_for_model(Person)  # this process caches ids …
    target = tmp_path / "backup.xml"
    backup(target)
    restore(target)  # … which a dumpdata restore renumbers
    assert not ContentType.objects._cache, "the restore must drop the cached content types"
    after = {(c.excerpt, str(c.content_object)) for c in Citation.objects.all()}
    assert after == before


def test_a_protected_export_is_private_and_a_public_one_is_not(seeded, tmp_path):
    protected, public = tmp_path / "all.csv", tmp_path / "public.csv"
    call_command("export_sentences", "--output", str(protected), "--include-protected", stderr=StringIO())
    call_command("export_sentences", "--output", str(public), stderr=StringIO())
    assert mode(protected) == 0o600
    assert mode(public) & 0o044, "a public export keeps a normal file's mode"
