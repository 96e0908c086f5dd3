"""Records are committed durably; the cache's own rows do not make a reader wait for the disk
(casetracker.durability). PostgreSQL's setting; on SQLite nothing changes."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from cases.tests.api_data import client_for
from cases.tests.factories import PlaceFactory
from casetracker import durability

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="synchronous_commit is PostgreSQL's"),
]


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


class _Sent:
    """Every statement sent to the database, including those an execute wrapper sends itself (which
    ``CaptureQueriesContext`` does not see): ``with _Sent() as sent: …; sent.statements``."""

    def __enter__(self):
        self.statements = []
        self._wrapper = connection.execute_wrapper(self._record)  # innermost: after the project's wrappers
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)

    def _record(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)


def test_a_cache_write_does_not_wait_for_the_disk_and_a_record_written_after_it_does():
    default = _synchronous_commit()
    assert default != "off"
    cache.set("throttle_anon_203.0.113.9", [1.0], 60)
    assert _synchronous_commit() == "off"  # for this transaction only (SET LOCAL)
    assert cache.get("throttle_anon_203.0.113.9") == [1.0]
    with _Sent() as sent:
        PlaceFactory(name="Aqtau")
        PlaceFactory(name="Zhanaozen")
    statements = sent.statements
    # Asked once, before the first record's INSERT, not again for the second.
    assert statements.count(durability.WAIT) == 1
    assert statements.index(durability.WAIT) < next(i for i, sql in enumerate(statements) if "cases_place" in sql)
    assert _synchronous_commit() == default


def test_a_cache_write_after_a_record_leaves_the_transaction_waiting_for_the_disk():
    PlaceFactory(name="Aqtau")
    with _Sent() as sent:
        cache.set("throttle_anon_203.0.113.9", [1.0], 60)
    assert not any(durability.NO_WAIT in sql for sql in sent.statements)
    assert _synchronous_commit() != "off"  # the record written before commits durably
    PlaceFactory(name="Zhanaozen")
    assert _synchronous_commit() != "off"


def test_a_rolled_back_savepoint_takes_its_setting_and_its_mark_with_it():
    default = _synchronous_commit()
    try:
        with transaction.atomic():
            cache.set("throttle_anon_203.0.113.9", [1.0], 60)
            assert _synchronous_commit() == "off"
            raise RuntimeError("roll the savepoint back")
    except RuntimeError:
        pass
    assert _synchronous_commit() == default
    with _Sent() as sent:
        PlaceFactory(name="Aqtau")
    assert durability.WAIT not in sent.statements  # nothing to undo


def test_the_service_own_writes_are_not_records():
    cache.set("throttle_anon_203.0.113.9", [1.0], 60)
    with _Sent() as sent:
        cache.set("throttle_anon_203.0.113.10", [1.0], 60)
        cache.delete("throttle_anon_203.0.113.10")
    assert durability.WAIT not in sent.statements
    assert _synchronous_commit() == "off"


@pytest.mark.django_db(transaction=True)  # the place committed first: the request's transaction writes no record
def test_an_anonymous_read_commits_its_throttle_count_without_waiting_for_the_disk():
    PlaceFactory(name="Aqtau")
    with _Sent() as sent:
        assert client_for(None).get("/api/v1/places/").status_code == 200
    statements = sent.statements
    assert any(durability.NO_WAIT in sql and "casetracker_cache" in sql for sql in statements)
    assert durability.WAIT not in statements


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_setting_ends_with_the_cache_write():
    cache.set("throttle_anon_203.0.113.9", [1.0], 60)
    assert not connection.in_atomic_block
    assert _synchronous_commit() != "off"
    assert cache.get("throttle_anon_203.0.113.9") == [1.0]
