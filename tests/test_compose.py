"""docker-compose.yml and the Docker image, checked without a Docker engine.

No engine runs in CI, so these tests read the files and check what ``docker compose up``
would do: PostgreSQL 16 with a persistent volume and a healthcheck, the app waiting for a
healthy database, configured from ``.env``, serving on port 8000, and every script and
``manage.py`` command the start-up runs existing in this project. CI's smoke run then
starts the same entrypoint with gunicorn against PostgreSQL (``.ci/run``).
"""

import os
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _container_path_to_project(path: str) -> Path:
    """``/app/docker/entrypoint.sh`` in the image is ``docker/entrypoint.sh`` here (Dockerfile WORKDIR /app)."""
    return ROOT / Path(path).relative_to("/app") if path.startswith("/app/") else ROOT / path


def _entrypoint_manage_commands(script: Path) -> list[str]:
    return re.findall(r"manage\.py\s+([a-z_]+)", script.read_text())


def test_database_is_postgres_16_with_a_named_volume_and_a_healthcheck(compose):
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:16"), "the database service must run PostgreSQL 16"
    volume_names = {volume.split(":")[0] for volume in db["volumes"]}
    assert volume_names & set(compose["volumes"]), "the data directory must be a named volume (kept across restarts)"
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in db["volumes"])
    test = db["healthcheck"]["test"]
    assert "pg_isready" in " ".join(test), "the healthcheck must ask PostgreSQL whether it accepts connections"
    assert "POSTGRES_PASSWORD" in db["environment"]


def test_app_waits_for_a_healthy_database_and_reads_dot_env(compose):
    app = compose["services"]["app"]
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    env_files = app["env_file"] if isinstance(app["env_file"], list) else [app["env_file"]]
    assert ".env" in env_files
    assert app["environment"]["DATABASE_URL"].startswith("postgres://")
    assert "@db:5432/" in app["environment"]["DATABASE_URL"], "the app must reach the db service by its name"


def test_app_serves_on_port_8000(compose):
    ports = compose["services"]["app"]["ports"]
    assert any(str(port).rsplit(":", 1)[-1] == "8000" for port in ports)
    assert (ROOT / "docker" / "gunicorn.conf.py").read_text().count("8000") >= 1


def test_app_image_builds_from_this_project_and_runs_as_a_non_root_user(compose):
    assert compose["services"]["app"]["build"] in (".", {"context": "."})
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    assert "pip install -r requirements.txt" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0"), "the app must not run as root"


def test_every_script_and_manage_command_the_app_runs_exists(compose):
    app = compose["services"]["app"]
    entrypoint = _container_path_to_project(app["entrypoint"][0])
    assert entrypoint.is_file(), f"{entrypoint} does not exist"
    assert os.access(entrypoint, os.X_OK), f"{entrypoint} must be executable"

    commands = _entrypoint_manage_commands(entrypoint)
    assert commands[:4] == ["wait_for_db", "migrate", "collectstatic", "load_seed"], commands
    known = get_commands()
    missing = [name for name in commands if name not in known]
    assert not missing, f"the entrypoint runs manage.py commands that do not exist: {missing}"

    command = app["command"] if isinstance(app["command"], list) else shlex.split(app["command"])
    assert command[0] == "gunicorn"
    config = command[command.index("--config") + 1]
    assert (ROOT / config).is_file(), f"gunicorn config {config} does not exist"
    module, _, attribute = command[-1].partition(":")
    assert (ROOT / (module.replace(".", "/") + ".py")).is_file() and attribute == "application"


def test_dockerfile_and_compose_start_the_same_way(compose):
    dockerfile = (ROOT / "Dockerfile").read_text()
    app = compose["services"]["app"]
    assert f'ENTRYPOINT ["{app["entrypoint"][0]}"]' in dockerfile
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.M).group(1)
    assert yaml.safe_load(cmd) == app["command"]


def test_env_example_names_every_setting_production_requires():
    example = (ROOT / ".env.example").read_text()
    variables = dict(re.findall(r"^([A-Z_]+)=(.*)$", example, re.M))
    assert variables["DJANGO_DEBUG"] == "0"
    for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "POSTGRES_PASSWORD"):
        assert name in variables, f".env.example must name {name}"
    assert variables["DJANGO_SECRET_KEY"] == "", "never ship a secret key"
    gitignore = (ROOT / ".gitignore").read_text().split()
    assert ".env" in gitignore, ".env holds secrets and must stay out of git"


def test_compose_variables_all_come_from_env_example(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)", text))
    example = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert used <= example, f"docker-compose.yml uses variables .env.example does not explain: {used - example}"


def test_documents_live_on_a_named_volume_and_are_not_served(compose):
    app = compose["services"]["app"]
    media_root = app["environment"]["DJANGO_MEDIA_ROOT"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in app["volumes"]}
    assert mounts.get(media_root) in compose["volumes"], "the documents directory must be a named volume"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert media_root in dockerfile, "the image must create the documents directory for its non-root user"
    assert "tesseract-ocr-kaz" in dockerfile and "tesseract-ocr-rus" in dockerfile
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve("/media/documents/ab/cd/abcd")
