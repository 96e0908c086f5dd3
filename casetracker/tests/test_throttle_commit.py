"""An anonymous read's only write is its throttle count: on PostgreSQL its commit does not wait for the disk
(``casetracker.api.throttling.commit_reads_without_waiting_for_disk``); writes still do."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIRequestFactory

from casetracker.api.throttling import AnonymousRateThrottle

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="synchronous_commit is PostgreSQL's"),
]


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def _count(method: str) -> None:
    request = getattr(APIRequestFactory(), method)("/api/v1/cases/")
    request.user = AnonymousUser()
    AnonymousRateThrottle().allow_request(request, None)


@pytest.mark.parametrize("method", ["get", "head", "options"])
def test_a_read_commits_without_waiting_for_the_disk(method):
    assert _synchronous_commit() == "on"
    _count(method)
    assert _synchronous_commit() == "off"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_still_waits_for_the_disk(method):
    _count(method)
    assert _synchronous_commit() == "on"


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_counts_kept_outside_the_database_change_nothing():
    _count("get")
    assert _synchronous_commit() == "on"


def test_an_anonymous_page_read_still_answers_and_counts(client):
    response = client.get("/api/v1/cases/")
    assert response.status_code == 200
    assert "RateLimit" in response.headers or "RateLimit-Policy" in response.headers
