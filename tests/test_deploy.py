"""Production settings: refuse to start half-configured, pass Django's deployment checklist.

Settings are read once per process, so each case runs ``manage.py`` in a subprocess with
the environment a server would have.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _env_example() -> dict[str, str]:
    text = (ROOT / ".env.example").read_text()
    return dict(re.findall(r"^([A-Z_]+)=(.*)$", text, re.M))


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Start from this process's environment minus every setting, so nothing leaks in.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AXES_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _production_env() -> dict[str, str]:
    """.env.example with its blanks filled the way its comments say."""
    env = _env_example()
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
    env["POSTGRES_PASSWORD"] = secrets.token_urlsafe(32)
    return env


def test_production_without_secret_key_or_hosts_refuses_to_start_and_says_what_to_set():
    result = _manage("check", env={"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr and "DJANGO_ALLOWED_HOSTS" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr, "the message must say how to make a key"


def test_production_with_a_weak_secret_key_refuses_to_start():
    result = _manage(
        "check",
        env={"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "django-insecure-" + "x" * 60, "DJANGO_ALLOWED_HOSTS": "a.org"},
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr and "DJANGO_ALLOWED_HOSTS" not in result.stderr


def test_production_without_allowed_hosts_names_only_that_setting():
    result = _manage("check", env={"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(64)})
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr and "DJANGO_SECRET_KEY must" not in result.stderr


def test_bad_yes_no_value_is_refused_with_the_variable_named():
    env = _production_env() | {"DJANGO_SECURE_SSL_REDIRECT": "maybe"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECURE_SSL_REDIRECT='maybe'" in result.stderr


def test_deploy_checklist_passes_with_the_env_example_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_checklist_passes_when_the_proxy_does_the_https_redirect():
    env = _production_env() | {"DJANGO_SECURE_SSL_REDIRECT": "0"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_checklist_fails_when_cookies_are_not_secure():
    """The checklist really runs: turning a protection off is caught."""
    env = _production_env() | {"DJANGO_SECURE_COOKIES": "0"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W012" in result.stderr + result.stdout


def test_production_settings_harden_cookies_hsts_and_static_files():
    probe = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_PROXY_SSL_HEADER, s.STORAGES['staticfiles']['BACKEND'], s.AUTHENTICATION_BACKENDS[0],"
        " s.CORS_ALLOWED_ORIGINS)"
    )
    env = _production_env() | {"DJANGO_CORS_ALLOWED_ORIGINS": "https://ui.example.org, https://b.example.org"}
    result = _manage("shell", "--no-imports", "-c", probe, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == (
        "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') "
        "whitenoise.storage.CompressedManifestStaticFilesStorage axes.backends.AxesStandaloneBackend "
        "['https://ui.example.org', 'https://b.example.org']"
    )


def test_wait_for_db_gives_up_with_a_message_saying_what_to_check():
    env = {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/casetracker"}
    result = _manage("wait_for_db", "--timeout", "1", "--interval", "0.2", env=env)
    assert result.returncode != 0
    assert "did not answer within 1s" in result.stderr
    assert "Check DATABASE_URL" in result.stderr
    assert "Waiting for the database at 127.0.0.1" in result.stdout


def test_wait_for_db_returns_at_once_when_the_database_answers(tmp_path):
    result = _manage("wait_for_db", "--timeout", "5", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert result.returncode == 0, result.stderr
    assert "is ready" in result.stdout
