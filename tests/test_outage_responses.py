"""What a client sees while the database is away (the real outage is staged in tests/test_outage.py)."""

import logging

import pytest
from django.db import OperationalError

from casetracker import outage

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_away(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "db" failed: Connection refused')

    monkeypatch.setattr("casetracker.api.views.RecordViewSet.list", refuse)
    monkeypatch.setattr("django.contrib.admin.views.main.ChangeList.get_results", refuse)
    yield
    outage.note_success()


def test_the_api_answers_json_503_with_retry_after(client, database_away):
    response = client.get("/api/v1/persons/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "database_unavailable"
    assert "try again" in response.json()["detail"].lower()
    assert int(response["Retry-After"]) > 0


def test_the_admin_answers_a_short_html_503(admin_client, database_away):
    response = admin_client.get("/admin/cases/case/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert b"Traceback" not in response.content and len(response.content) < 2000


def test_an_outage_is_logged_once_however_many_requests_fail(client, database_away, caplog):
    caplog.set_level(logging.WARNING)
    for _ in range(25):
        client.get("/api/v1/persons/")
    lines = [record for record in caplog.records if record.name == "casetracker.outage"]
    assert len(lines) == 1 and "unavailable" in lines[0].getMessage()
