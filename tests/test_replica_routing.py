"""A read replica: reads and exports go to it, writes to the primary, and a writer reads its own writes.

The ``replica`` alias points at the test database as a mirror of ``default`` (what settings give it
when ``DATABASE_REPLICA_URL`` is set: ``TEST={"MIRROR": "default"}``), on a connection of its own, so
which connection answered each query shows where the router sent it.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections, router
from django.test.utils import CaptureQueriesContext

from cases.tests.api_data import client_for
from cases.tests.factories import SentenceFactory, SourceFactory
from casetracker.replica import PIN_COOKIE, use_primary
from sources.models import Source

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def replica(transactional_db, settings):
    """A second database alias, a mirror of the test database, and the router sending reads to it.

    Made the way settings make it (``TEST={"MIRROR": "default"}``), on a connection of its own;
    created here rather than in settings so that every other test runs without a replica."""
    primary = connections["default"].settings_dict
    connections.settings["replica"] = {
        **primary,
        "ATOMIC_REQUESTS": False,
        "TEST": {**primary["TEST"], "MIRROR": "default"},
    }
    try:
        # A connection Django's test case did not know of when it set up: allowed to connect.
        connection = connections.create_connection("replica")
    finally:
        del connections.settings["replica"]
    connections["replica"] = connection
    settings.DATABASE_REPLICA_ALIAS = "replica"
    yield connection
    connection.close()
    del connections["replica"]


def _tables(queries) -> str:
    return " ".join(query["sql"] for query in queries.captured_queries)


def _request(client, method, path, data=None):
    """The response, and the SQL each connection ran for it."""
    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(connections["replica"]) as on_replica,
    ):
        response = getattr(client, method)(path, data, format="json") if data else getattr(client, method)(path)
    return response, _tables(on_primary), _tables(on_replica)


def test_reads_go_to_the_replica_and_writes_to_the_primary(replica):
    SourceFactory(title="Read me")
    response, primary, on_replica = _request(client_for(None), "get", "/api/v1/sources/")
    assert response.status_code == 200
    assert [row["title"] for row in response.json()["results"]] == ["Read me"]
    assert '"cases_source"' in on_replica
    assert '"cases_source"' not in primary
    assert router.db_for_read(Source) == "replica"
    assert router.db_for_write(Source) == "default"
    assert not router.allow_migrate("replica", "sources")
    assert router.allow_migrate("default", "sources") in (None, True)


def test_exports_read_the_replica(replica):
    SentenceFactory()
    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(replica) as on_replica,
    ):
        response = client_for(None).get("/api/v1/sentence-summaries.csv")
        assert response.status_code == 200
        # The rows are read while the file streams.
        body = b"".join(response.streaming_content)
    assert body.count(b"\n") >= 2
    assert '"cases_sentence"' in _tables(on_replica)
    assert '"cases_sentence"' not in _tables(on_primary)


def test_after_a_write_the_writer_reads_the_primary_for_a_moment(replica, superuser):
    # A browser (session cookie): the write sets the short-lived cookie, under which its reads go to the primary.
    client = client_for(superuser, token=False)
    response, primary, on_replica = _request(
        client, "post", "/api/v1/sources/", {"title": "Just written", "confidentiality": "public"}
    )
    assert response.status_code == 201, response.content
    assert '"cases_source"' in primary and '"cases_source"' not in on_replica
    assert response.cookies[PIN_COOKIE]["max-age"] == 10
    response, primary, on_replica = _request(client, "get", "/api/v1/sources/")
    assert "Just written" in [row["title"] for row in response.json()["results"]]
    assert '"cases_source"' in primary and '"cases_source"' not in on_replica
    # Another client, who wrote nothing, still reads the replica.
    _response, primary, on_replica = _request(client_for(None), "get", "/api/v1/sources/")
    assert '"cases_source"' in on_replica and '"cases_source"' not in primary


def test_a_token_client_without_cookies_reads_its_writes_too(replica, superuser):
    writer = client_for(superuser)
    response, _primary, _replica = _request(
        writer, "post", "/api/v1/sources/", {"title": "By token", "confidentiality": "public"}
    )
    assert response.status_code == 201, response.content
    writer.cookies.clear()
    response, primary, on_replica = _request(writer, "get", "/api/v1/sources/")
    assert response.status_code == 200
    assert '"cases_source"' in primary and '"cases_source"' not in on_replica
    # When the pin expires, the same client reads the replica again.
    from django.core.cache import cache

    cache.clear()
    _response, primary, on_replica = _request(writer, "get", "/api/v1/sources/")
    assert '"cases_source"' in on_replica and '"cases_source"' not in primary


def test_use_primary_pins_reads_in_a_block(replica):
    assert router.db_for_read(Source) == "replica"
    with use_primary():
        assert router.db_for_read(Source) == "default"
    assert router.db_for_read(Source) == "replica"


def test_without_a_replica_every_query_uses_default(db):
    assert router.db_for_read(Source) == "default"
    assert router.db_for_write(Source) == "default"


@pytest.mark.slow  # a subprocess: Django reads its settings once per process
def test_database_replica_url_adds_a_mirrored_replica_alias():
    env = {**os.environ, "DATABASE_REPLICA_URL": "postgres://reader@replica.internal:5432/casetracker"}
    env.pop("DATABASE_URL", None)
    code = (
        "from django.conf import settings as s; r = s.DATABASES['replica']; "
        "print(r['HOST'], r['TEST']['MIRROR'], s.DATABASE_REPLICA_ALIAS, s.DATABASE_ROUTERS)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1].split()[:3] == ["replica.internal", "default", "replica"]
    assert "casetracker.replica.ReplicaRouter" in result.stdout
