"""PostgreSQL: a statement that repeats on a connection is prepared (casetracker.prepared.PreparingCursor).

The values stay in the statement's text (Django's client-side binding), so a prepared statement is
one text with its values: it answers exactly what the unprepared statement answers, and a text with
other values is another statement.
"""

import pytest
from django.db import connection
from django.test import override_settings

from cases.tests.api_data import client_for
from cases.tests.factories import SourceFactory
from casetracker.db import prepare_repeated_statements
from sources.models import Source

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"),
]


def _prepared() -> set[str]:
    """The statements prepared on this connection (the server's own list)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def _threshold() -> int:
    connection.ensure_connection()
    return connection.connection.prepare_threshold


def test_a_repeated_statement_is_prepared_once_it_has_run_the_threshold_times():
    titles = [SourceFactory(title=f"Report {n}").title for n in range(3)]
    query = Source.objects.filter(title__in=titles).order_by("title").values_list("title", flat=True)
    text = str(query.query)
    answers = [list(query.all()) for _ in range(_threshold() + 2)]  # .all(): a fresh query each time
    assert answers == [sorted(titles)] * len(answers)
    assert any("cases_source" in statement and "Report 0" in statement for statement in _prepared()), text


def test_a_prepared_statement_answers_for_its_own_values_and_other_values_are_another_statement():
    first, second = SourceFactory(title="First"), SourceFactory(title="Second")
    for _ in range(_threshold() + 1):
        assert list(Source.objects.filter(pk=first.pk).values_list("title", flat=True)) == ["First"]
    # The same statement with another value: its own text, answered for that value.
    assert list(Source.objects.filter(pk=second.pk).values_list("title", flat=True)) == ["Second"]
    statements = [s for s in _prepared() if "cases_source" in s and '"id" = ' in s]
    assert statements and all(str(second.pk) not in s.rsplit("=", 1)[-1] for s in statements)


def test_a_prepared_statement_is_reported_as_the_query_it_runs():
    """Django's query log and ``CaptureQueriesContext`` (query-count tests, the benchmark) read the text of
    the statement a cursor ran, prepared or not."""
    from django.test.utils import CaptureQueriesContext

    SourceFactory(title="Logged")
    query = Source.objects.filter(title="Logged").values_list("title", flat=True)
    with CaptureQueriesContext(connection) as captured:
        for _ in range(_threshold() + 2):
            assert list(query.all()) == ["Logged"]
    texts = [entry["sql"] for entry in captured.captured_queries]
    assert len(texts) == _threshold() + 2
    assert all(text is not None and "Logged" in text for text in texts), texts


def test_a_list_page_prepares_its_count_and_page_and_answers_the_same_afterwards():
    for n in range(3):
        SourceFactory(title=f"Source {n}")
    client = client_for(None)
    bodies = [client.get("/api/v1/sources/", {"page_size": 2}).json() for _ in range(_threshold() + 2)]
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["count"] == 3
    assert any(statement.startswith("SELECT COUNT(*)") for statement in _prepared())


def test_a_changed_table_is_planned_again():
    """A prepared plan is invalidated by PostgreSQL when its table changes (here: a new column, as a
    migration would add), and psycopg forgets its statements after an ALTER."""
    SourceFactory(title="Before")
    query = Source.objects.values_list("title", flat=True)
    for _ in range(_threshold() + 1):
        assert list(query.all()) == ["Before"]
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE cases_source ADD COLUMN scratch_column integer")
    SourceFactory(title="After")
    assert sorted(query.all()) == ["After", "Before"]


@override_settings(DATABASE_PREPARE_THRESHOLD=0)
def test_threshold_zero_prepares_nothing():
    """Behind PgBouncer in transaction mode (server connections change between transactions) the
    threshold is 0: a new connection then prepares nothing."""
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.prepare_threshold
    try:
        raw.prepare_threshold = None
        prepare_repeated_statements(sender=None, connection=connection)
        assert raw.prepare_threshold is None
        before = _prepared()
        for _ in range(10):
            list(Source.objects.filter(title="Zero").values_list("pk", flat=True))
        assert _prepared() == before
    finally:
        raw.prepare_threshold = previous


def test_the_pgbouncer_setting_switches_preparing_off_by_default(monkeypatch):
    import importlib

    import casetracker.settings as project_settings

    monkeypatch.setenv("DATABASE_DISABLE_SERVER_SIDE_CURSORS", "1")
    monkeypatch.delenv("DATABASE_PREPARE_THRESHOLD", raising=False)
    try:
        assert importlib.reload(project_settings).DATABASE_PREPARE_THRESHOLD == 0
        monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", "5")  # PgBouncer 1.21+ with max_prepared_statements
        assert importlib.reload(project_settings).DATABASE_PREPARE_THRESHOLD == 5
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)
