"""A database that goes away: the service answers 503 (JSON for the API, a short page for the admin,
``/healthz``), logs the outage once instead of a traceback per request, and recovers by itself.

The test starts its own PostgreSQL cluster (initdb + pg_ctl on a free port) and a gunicorn
serving the project against it with DEBUG off, stops the cluster under load, and starts it again.
It needs PostgreSQL's server binaries (CI has them) and runs once, in the PostgreSQL leg.
"""

from __future__ import annotations

import glob
import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
REQUESTS_DURING_OUTAGE = 60

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db,  # only for the suite's autouse fixtures; the server uses its own cluster
    pytest.mark.skipif(not PG_BIN, reason="PostgreSQL server binaries (initdb, pg_ctl) are not installed"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="runs once, in the PostgreSQL leg of the suite (CI runs it)"
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the ``postgres`` user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class Cluster:
    def __init__(self, directory: Path):
        self.bin = PG_BIN[-1]
        self.data = directory / "data"
        self.port = free_port()
        self.log = directory / "postgres.log"

    def run(self, *args: str) -> None:
        subprocess.run(as_postgres([f"{self.bin}/{args[0]}", *args[1:]]), check=True, capture_output=True)

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def cluster():
    # Not under pytest's tmp_path: that is private to root, and the server runs as "postgres".
    directory = Path(tempfile.mkdtemp(prefix="ct-outage-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
    cluster = Cluster(directory)
    cluster.init()
    cluster.start()
    yield cluster
    subprocess.run(as_postgres([f"{cluster.bin}/pg_ctl", "-D", str(cluster.data), "-m", "immediate", "stop"]),
                   capture_output=True)  # fmt: skip
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def server(cluster, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "outage-test-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",  # plain http on 127.0.0.1: the cookie jar must send them back
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_SUPERUSER_PASSWORD": "outage-pass-123",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    python = sys.executable
    for command in (
        ["migrate", "--no-input"],
        ["collectstatic", "--no-input"],
        ["createsuperuser", "--no-input", "--username", "root", "--email", "r@x.org"],
    ):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log = tmp_path / "server.log"
    gunicorn = Path(python).with_name("gunicorn")
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(gunicorn), "casetracker.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "30"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield base, log
    process.terminate()
    process.wait(timeout=20)


def fetch(opener, url, data=None):
    try:
        response = opener.open(url, data=data, timeout=20)
        return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def signed_in_opener(base):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, headers, body = fetch(opener, base + "/admin/login/")
    tokens = [cookie.value for cookie in jar if cookie.name == "csrftoken"]
    assert status == 200 and tokens, (status, headers, body[:300])
    token = tokens[0]
    form = urllib.parse.urlencode(
        {"username": "root", "password": "outage-pass-123", "csrfmiddlewaretoken": token, "next": "/admin/"}
    ).encode()
    request = urllib.request.Request(base + "/admin/login/", data=form, headers={"Referer": base + "/admin/login/"})
    status, _headers, _body = fetch(opener, request)
    assert status == 200
    return opener


def test_an_outage_is_a_503_logged_once_and_the_service_recovers(cluster, server):
    base, log = server
    anonymous = urllib.request.build_opener()
    staff = signed_in_opener(base)
    assert fetch(anonymous, base + "/api/v1/persons/")[0] == 200
    assert fetch(staff, base + "/admin/cases/case/")[0] == 200

    cluster.stop()
    api = [fetch(anonymous, base + "/api/v1/persons/") for _ in range(REQUESTS_DURING_OUTAGE)]
    assert {status for status, _h, _b in api} == {503}
    status, headers, body = api[-1]
    assert headers["Content-Type"].startswith("application/problem+json")  # RFC 9457, like every API error
    problem = json.loads(body)
    assert problem["status"] == 503 and "try again" in problem["detail"].lower(), problem
    assert int(headers["Retry-After"]) > 0
    status, headers, body = fetch(staff, base + "/admin/cases/case/")
    assert status == 503 and headers["Content-Type"].startswith("text/html")
    assert b"Traceback" not in body and len(body) < 2000
    assert fetch(anonymous, base + "/healthz")[0] == 503

    cluster.start()
    deadline = time.monotonic() + 30
    while fetch(anonymous, base + "/api/v1/persons/")[0] != 200:
        assert time.monotonic() < deadline, "the service did not recover once the database was back"
        time.sleep(0.5)
    assert fetch(staff, base + "/admin/cases/case/")[0] == 200
    assert fetch(anonymous, base + "/healthz")[0] == 200

    text = log.read_text()
    assert text.count("The database is unavailable") == 1, text[-3000:]
    assert text.count("answers again after") == 1, text[-3000:]
    assert "Traceback" not in text, text[-3000:]
    assert len(text.splitlines()) < 20, f"the log grew by {len(text.splitlines())} lines:\n{text[-3000:]}"
