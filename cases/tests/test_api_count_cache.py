"""A list's count kept for a few seconds per filter and reader, forgotten at any write (casetracker.api.counts).

Most tests here commit (``transaction=True``): the cache is shared between connections and what it must
survive or not is a committed write."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from cases.models import Defendant
from cases.tests.api_data import client_for
from cases.tests.factories import DefendantFactory
from casetracker.api.counts import writes_records
from casetracker.choices import Confidentiality
from casetracker.replica import PIN_COOKIE
from people.tests.factories import PersonFactory

PERSONS = "/api/v1/persons/"
DEFENDANTS = "/api/v1/defendants/"


def _counted(client, path, **params):
    """(the response's count, how many counting statements the request ran)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    statements = [query["sql"] for query in queries.captured_queries]
    counting = [sql for sql in statements if "COUNT(" in sql and "casetracker_cache" not in sql]
    return response.json()["count"], len(counting)


@pytest.mark.django_db(transaction=True)
def test_a_repeated_list_reuses_its_count_until_any_record_is_written():
    for _ in range(3):
        PersonFactory()
    client = client_for(None)
    assert _counted(client, PERSONS) == (3, 1)
    # Again: the same count, not counted (the throttle's own writes to the cache table change nothing).
    assert _counted(client, PERSONS) == (3, 0)
    # Another filter is another count.
    assert _counted(client, PERSONS, q="zzzz-nobody")[1] == 1

    PersonFactory()  # an ordinary save, committed
    assert _counted(client, PERSONS) == (4, 1)
    assert _counted(client, PERSONS) == (4, 0)


@pytest.mark.django_db(transaction=True)
def test_a_filter_that_can_match_nothing_is_answered_not_cached():
    DefendantFactory()
    client = client_for(None)
    # No such person: the filter is an empty list of ids, which has no SQL to key a count by.
    for _ in range(2):
        assert _counted(client, DEFENDANTS, person=999_999) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_bulk_updates_and_raw_statements_forget_counts_too():
    defendants = [DefendantFactory(status="detained") for _ in range(3)]
    client = client_for(None)
    assert _counted(client, DEFENDANTS, status="released") == (0, 1)
    assert _counted(client, DEFENDANTS, status="released") == (0, 0)

    # QuerySet.update() sends no signal; the statement itself is what is noticed.
    Defendant.objects.filter(pk=defendants[0].pk).update(status="released")
    assert _counted(client, DEFENDANTS, status="released") == (1, 1)

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Defendant._meta.db_table} SET status = 'released' WHERE id = %s", [defendants[1].pk])
    assert _counted(client, DEFENDANTS, status="released") == (2, 1)


@pytest.mark.django_db(transaction=True)
def test_readers_who_may_see_different_records_never_share_a_count(senior_user):
    anonymous, senior = client_for(None), client_for(senior_user)
    PersonFactory()
    PersonFactory(confidentiality=Confidentiality.CONFIDENTIAL)
    assert _counted(anonymous, PERSONS) == (1, 1)
    assert _counted(senior, PERSONS) == (2, 1)
    assert _counted(senior, PERSONS) == (2, 0)
    assert _counted(anonymous, PERSONS) == (1, 0)


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_has_written_counts_afresh_and_a_rollback_restores_the_old_count():
    PersonFactory()
    client = client_for(None)
    assert _counted(client, PERSONS) == (1, 1)
    with transaction.atomic():
        PersonFactory()
        # The writer's own transaction sees its write at once, counted (not the cached 1).
        assert _counted(client, PERSONS) == (2, 1)
        transaction.set_rollback(True)
    assert _counted(client, PERSONS)[0] == 1


@pytest.mark.django_db(transaction=True)
def test_zero_seconds_and_reads_pinned_to_the_primary_always_count(settings):
    PersonFactory()
    client = client_for(None)
    settings.API_COUNT_CACHE_SECONDS = 0
    assert _counted(client, PERSONS) == (1, 1)
    assert _counted(client, PERSONS) == (1, 1)

    settings.API_COUNT_CACHE_SECONDS = 10
    settings.DATABASE_REPLICA_ALIAS = "default"  # a replica is configured (the router is not needed here)
    assert _counted(client, PERSONS) == (1, 1)
    assert _counted(client, PERSONS) == (1, 0)
    # A client that has just written reads the primary (its cookie says so): never a count a replica gave.
    client.cookies[PIN_COOKIE] = "1"
    assert _counted(client, PERSONS) == (1, 1)
    assert _counted(client, PERSONS) == (1, 1)


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('SELECT COUNT(*) FROM "cases_defendant"', False),
        ('EXPLAIN (FORMAT JSON) SELECT "cases_defendant"."id" FROM "cases_defendant"', False),
        ('INSERT INTO "cases_defendant" ("case_id") VALUES (1)', True),
        ('  update "people_person" SET "name" = \'x\'', True),
        ('DELETE FROM "cases_sentence" WHERE "id" = 1', True),
        ('TRUNCATE "cases_case" CASCADE', True),
        ("WITH moved AS (DELETE FROM cases_case RETURNING id) SELECT 1", True),
        # What the service writes while serving reads: throttle counts and these counts, sessions.
        ('INSERT INTO "casetracker_cache" ("cache_key") VALUES (%s)', False),
        ('UPDATE "casetracker_cache" SET "value" = %s', False),
        ('DELETE FROM "django_session" WHERE "expire_date" < %s', False),
    ],
)
def test_which_statements_forget_counts(sql, writes):
    assert writes_records(sql) is writes


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once: PostgreSQL's isolation")
@pytest.mark.django_db(transaction=True)
def test_a_count_taken_while_another_transaction_writes_is_not_kept_once_it_commits():
    PersonFactory()

    def another_reader():
        try:
            return _counted(client_for(None), PERSONS)
        finally:
            connections.close_all()  # this thread's connection

    with transaction.atomic():
        PersonFactory()
        with ThreadPoolExecutor(1) as pool:
            # Another connection does not see the uncommitted person: it counts 1, and keeps it.
            assert pool.submit(another_reader).result() == (1, 1)
    # Committed: that count is forgotten, for everyone.
    assert _counted(client_for(None), PERSONS) == (2, 1)
