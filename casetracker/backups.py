"""Dump and restore the whole database: ``pg_dump``/``pg_restore`` on PostgreSQL, ``dumpdata`` anywhere.

The portable form (``dumpdata`` with natural keys) works on SQLite and PostgreSQL alike and
moves data between them. It is written as XML because Django's JSON encoder cuts
timestamps to milliseconds, so history dates would not come back exactly. The PostgreSQL
custom format is faster, smaller and exact (sequences, indexes, everything). Used by
``manage.py backup`` and ``manage.py restore``.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import override_settings

PG_CUSTOM_MAGIC = b"PGDMP"

#: Backups hold password hashes, tokens and every protected record: only their owner may read them.
PRIVATE_MODE = 0o600
#: The passphrase a backup is encrypted with (gpg, AES-256), when set.
PASSPHRASE_VARIABLE = "CASETRACKER_BACKUP_PASSPHRASE"
ENCRYPTED_SUFFIX = ".gpg"

# Rebuilt by migrate (content types, permissions) or worthless in a backup (sessions,
# the login-lockout counters).
# The search index is derived: loading the records rebuilds it (sources.search's signals).
PORTABLE_EXCLUDE = ["contenttypes", "auth.permission", "sessions", "axes", "sources.searchentry"]


class BackupError(Exception):
    """A dump or restore could not be done; the message says what to do."""


def _pg_env(alias: str) -> dict[str, str]:
    settings = connections[alias].settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            env[var] = str(settings[key])
    sslmode = settings.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not on PATH. Install the PostgreSQL client tools "
            "(apt-get install postgresql-client, the same major version as the server or newer), "
            "or use --format dumpdata."
        )
    return path


def _run(command: list[str], *, env: dict[str, str]) -> None:
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed (exit {completed.returncode}): {completed.stderr.strip()}")


def vendor(*, using: str = DEFAULT_DB_ALIAS) -> str:
    return connections[using].vendor


def dump_postgres(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> None:
    """``pg_dump --format=custom`` of the configured PostgreSQL database into ``path``."""
    if vendor(using=using) != "postgresql":
        raise BackupError("The PostgreSQL format needs a PostgreSQL database; use --format dumpdata.")
    name = connections[using].settings_dict["NAME"]
    command = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={path}", name]
    _run(command, env=_pg_env(using))


def dump_portable(*, path: Path, using: str = DEFAULT_DB_ALIAS, verbosity: int = 1) -> None:
    """``dumpdata --format xml`` of every app with natural keys into ``path`` (restorable on any database)."""
    call_command(
        "dumpdata",
        format="xml",
        exclude=PORTABLE_EXCLUDE,
        natural_foreign=True,
        natural_primary=True,
        output=str(path),
        database=using,
        verbosity=verbosity,
    )


def restore_postgres(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> None:
    """Replace the objects in the configured database with those in a ``pg_dump`` custom file."""
    if vendor(using=using) != "postgresql":
        raise BackupError(
            f"{path} is a PostgreSQL dump but DATABASE_URL points at {vendor(using=using)}. "
            "Restore it into PostgreSQL, or make a portable backup (--format dumpdata) to move data across databases."
        )
    connections[using].close()  # pg_restore needs the tables free of this process's locks
    name = connections[using].settings_dict["NAME"]
    command = [
        _pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={name}",
        str(path),
    ]
    _run(command, env=_pg_env(using))


def restore_portable(*, path: Path, using: str = DEFAULT_DB_ALIAS, verbosity: int = 1) -> None:
    """Empty the database and load a ``dumpdata`` backup, in one transaction: a bad file changes nothing.

    History recording is off while loading: the backup holds the history rows already, and
    django-simple-history would otherwise add a new entry for every many-to-many link loaded.
    """
    with override_settings(SIMPLE_HISTORY_ENABLED=False), transaction.atomic(using=using):
        call_command("flush", interactive=False, database=using, verbosity=0)
        call_command("loaddata", str(path), database=using, verbosity=verbosity)


def is_postgres_dump(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(PG_CUSTOM_MAGIC)) == PG_CUSTOM_MAGIC


# -- private files and encryption ---------------------------------------------------------------


def make_private(path: Path) -> Path:
    """Create (or truncate) ``path`` readable and writable by its owner only, before anything is written."""
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_MODE)
    os.close(descriptor)
    os.chmod(path, PRIVATE_MODE)  # an existing file keeps its old mode through os.open
    return path


@contextlib.contextmanager
def private_temporary(directory: Path, *, suffix: str) -> Iterator[Path]:
    """A private scratch file next to the backup (same disk), removed afterwards whatever happens."""
    descriptor, name = tempfile.mkstemp(prefix=".casetracker-", suffix=suffix, dir=directory)
    os.close(descriptor)  # mkstemp already made it 0600
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def backup_passphrase(*, required: bool) -> str | None:
    passphrase = os.environ.get(PASSPHRASE_VARIABLE, "")
    if not passphrase and required:
        raise BackupError(
            f"This needs the backup passphrase: set {PASSPHRASE_VARIABLE} in the environment "
            "(the same one the backup was made with)."
        )
    return passphrase or None


def _gpg(arguments: list[str], *, passphrase: str) -> None:
    gpg = shutil.which("gpg")
    if gpg is None:
        raise BackupError("gpg is not on PATH; install it (apt-get install gnupg) to encrypt or decrypt backups.")
    with tempfile.TemporaryDirectory(prefix="casetracker-gnupg-") as home:
        command = [gpg, "--homedir", home, "--batch", "--yes", "--quiet", "--pinentry-mode", "loopback"]
        completed = subprocess.run(
            [*command, "--passphrase-fd", "0", *arguments],
            input=passphrase,
            capture_output=True,
            text=True,
            check=False,
        )
    if completed.returncode != 0:
        detail = completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else ""
        raise BackupError(f"gpg failed (exit {completed.returncode}): {detail}. Is the passphrase right?")


def encrypt(*, plain: Path, target: Path, passphrase: str) -> None:
    """Encrypt ``plain`` into ``target`` (gpg symmetric, AES-256), ``target`` private from the start."""
    make_private(target)
    _gpg(["--symmetric", "--cipher-algo", "AES256", "--output", str(target), str(plain)], passphrase=passphrase)
    os.chmod(target, PRIVATE_MODE)


def decrypt(*, encrypted: Path, target: Path, passphrase: str) -> None:
    _gpg(["--decrypt", "--output", str(target), str(encrypted)], passphrase=passphrase)
    os.chmod(target, PRIVATE_MODE)


def is_encrypted(path: Path) -> bool:
    """A gpg-encrypted backup: by its name, or by its first byte (an OpenPGP packet, not PGDMP or XML)."""
    if path.suffix == ENCRYPTED_SUFFIX:
        return True
    with path.open("rb") as handle:
        first = handle.read(1)
    return first in (b"\x8c", b"\xc3")


def forget_cached_ids() -> None:
    """Drop this process's cached content-type ids: a restore may have renumbered them."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
