"""Page-number counts: exact up to API_EXACT_COUNT_LIMIT, PostgreSQL's estimate above it, on every list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.tests.api_data import client_for
from cases.tests.factories import DefendantFactory, SourceFactory
from casetracker.api.pagination import planner_estimate
from sources.models import Source

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


def _walk(client, first):
    """Every id over every page, following ``next`` from the first response."""
    ids, body = [], first
    while True:
        ids += [row["id"] for row in body["results"]]
        if body["next"] is None:
            return ids
        body = client.get(body["next"]).json()


def test_a_count_up_to_the_limit_is_exact(settings):
    settings.API_EXACT_COUNT_LIMIT = 3
    for _ in range(3):
        SourceFactory()
    body = client_for(None).get("/api/v1/sources/", {"page_size": 2}).json()
    assert body["count"] == 3
    assert body["count_is_exact"] is True
    assert list(body) == ["count", "count_is_exact", "next", "previous", "results"]


def test_above_the_limit_postgres_estimates_and_pages_still_reach_every_record(settings):
    settings.API_EXACT_COUNT_LIMIT = 3
    expected = [SourceFactory().pk for _ in range(7)]
    client = client_for(None)
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/api/v1/sources/", {"page_size": 2}).json()
    if POSTGRES:
        assert first["count_is_exact"] is False
        assert first["count"] >= 4
        # The count read at most limit + 1 rows, and the estimate came from the planner.
        sql = [query["sql"] for query in queries.captured_queries]
        assert any("COUNT(*)" in q and "LIMIT 4" in q for q in sql)
        assert any(q.startswith("EXPLAIN (FORMAT JSON)") for q in sql)
        assert not any("COUNT(*)" in q and "LIMIT" not in q and "cases_source" in q for q in sql)
    else:
        # SQLite counts exactly, whatever the number.
        assert first["count"] == 7
        assert first["count_is_exact"] is True
    ids = _walk(client, first)
    assert sorted(ids) == sorted(expected)
    assert len(ids) == len(set(ids))
    # The last page has no next link, and a page past the rows is a 404 like any page past the end.
    last = client.get("/api/v1/sources/", {"page_size": 2, "page": 4}).json()
    assert [row["id"] for row in last["results"]] == ids[6:]
    assert last["next"] is None
    assert client.get("/api/v1/sources/", {"page_size": 2, "page": 9}).status_code == 404


def test_an_estimate_never_claims_fewer_than_the_pages_show(settings):
    settings.API_EXACT_COUNT_LIMIT = 2
    for _ in range(6):
        SourceFactory()
    body = client_for(None).get("/api/v1/sources/", {"page_size": 2, "page": 3}).json()
    assert body["count"] >= 6
    assert body["next"] is None


@pytest.mark.skipif(not POSTGRES, reason="the planner estimate is PostgreSQL's")
def test_planner_estimate_reads_the_plan_without_running_the_query():
    for _ in range(3):
        SourceFactory()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_source")
    assert planner_estimate(Source.objects.all()) == 3


def test_the_filtered_summaries_page_carries_the_flag_too(settings):
    settings.API_EXACT_COUNT_LIMIT = 1
    body = client_for(None).get("/api/v1/sentence-summaries/").json()
    assert body["count"] == 0
    assert body["count_is_exact"] is True


def test_the_schema_documents_count_is_exact():
    schema = client_for(None).get("/api/schema/", {"format": "json"}).json()
    page = schema["components"]["schemas"]["PaginatedSourceList"]
    assert page["properties"]["count_is_exact"]["type"] == "boolean"


def test_the_count_reads_ids_only_and_computes_no_annotation_the_page_shows(settings):
    """A case's ``defendant_count`` is a correlated subquery shown on the page; counting the matches (and,
    above the limit, asking the planner) selects their ids alone, so it is not computed for every match."""
    settings.API_EXACT_COUNT_LIMIT = 2
    for _ in range(3):
        DefendantFactory()
    with CaptureQueriesContext(connection) as queries:
        body = client_for(None).get("/api/v1/cases/", {"page_size": 2}).json()
    assert [row["defendant_count"] for row in body["results"]] == [1, 1]
    counting = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("SELECT COUNT(*)", "EXPLAIN"))]
    assert counting
    for sql in counting:
        assert "cases_defendant" not in sql, sql
