"""``/healthz``: 200 when the database answers, 503 when it does not, reachable by a probe."""

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_with_json_when_the_database_answers(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["duration_ms"] >= 0


def test_healthz_answers_503_naming_the_database_when_it_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "db" failed: Connection refused')

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable (OperationalError)",
        "duration_ms": response.json()["duration_ms"],
    }
    assert "Connection refused" not in response.content.decode(), "server details stay in the log"


def test_healthz_works_for_a_probe_on_plain_http_to_an_unlisted_address(client, settings):
    """A container or load-balancer probe calls http://<internal address>/healthz: no HTTPS, no listed host."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["tracker.example.org"]
    assert client.get("/healthz", HTTP_HOST="10.0.3.7:8000").status_code == 200
    assert client.head("/healthz/", HTTP_HOST="10.0.3.7:8000").status_code == 200
    # Everything else still gets the protections.
    assert client.get("/admin/login/", HTTP_HOST="10.0.3.7:8000").status_code == 400
    redirect = client.get("/admin/login/", HTTP_HOST="tracker.example.org")
    assert redirect.status_code == 301 and redirect["Location"].startswith("https://tracker.example.org/")


def test_healthz_only_answers_reads(client):
    assert client.post("/healthz").status_code == 404
