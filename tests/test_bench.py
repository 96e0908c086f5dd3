"""The benchmark's machinery (bench/run.py, bench/baseline.py), quickly; the benchmark itself is make bench."""

import json
import os

import pytest
from django.db import connection

from bench import baseline
from bench.run import (
    IMPORT_CASES,
    Load,
    Measure,
    bench_user,
    capture_sql,
    children_of,
    format_markdown,
    format_table,
    import_sheets,
    measure_import,
    missed,
    rss_bytes,
    summary_copy_sql,
)
from cases.summaries import COLUMNS
from cases.tests.factories import SentenceFactory

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark runs on PostgreSQL")

MEASURES = [
    Measure("list: requests/s", 60.0, 100.0, "req/s", "ratio>=0.5"),
    Measure("list: p50 latency", 30.0, 20.0, "ms", ""),
    Measure("export: rows/s", 4_000.0, 20_000.0, "rows/s", "ratio>=0.5"),
    Measure("export: memory growth", 12.5, None, "MB", "ours<50"),
    Measure("cursor deep page", 31.0, 20.0, "ms", "ratio<=1.5"),
    Measure("search p95", 12.0, 3.0, "ms", "ours<50"),
    Measure("broken", None, None, "", "", error="HTTP 500"),
]


def test_each_target_passes_or_fails_on_its_own_terms():
    passed = {measure.name: measure.passed for measure in MEASURES}
    assert passed == {
        "list: requests/s": True,  # 0.6 ≥ 0.5
        "list: p50 latency": None,  # information only
        "export: rows/s": False,  # 0.2 < 0.5
        "export: memory growth": True,
        "cursor deep page": False,  # 1.55 > 1.5
        "search p95": True,
        "broken": False,  # a measure that could not be taken is a miss
    }
    assert [measure.name for measure in missed(MEASURES)] == ["export: rows/s", "cursor deep page", "broken"]


def test_the_table_has_one_aligned_line_per_measure():
    lines = format_table(MEASURES).splitlines()

    assert lines[0].split() == ["measure", "ours", "baseline", "ratio", "target", "pass"]
    assert set(lines[1]) <= {"-", " "}
    assert len(lines) == 2 + len(MEASURES)
    assert "0.60" in lines[2] and "ratio ≥ 0.5" in lines[2] and lines[2].endswith("yes")
    assert "12.5 MB" in lines[5] and "< 50 MB" in lines[5] and lines[5].endswith("yes")
    assert "1.55" in lines[6] and lines[6].endswith("NO")
    assert lines[8].startswith("broken") and lines[8].endswith("NO")


def test_the_markdown_table_has_a_header_and_a_row_per_measure():
    lines = format_markdown(MEASURES).splitlines()

    assert lines[0] == "| measure | ours | baseline | ratio | target | pass |"
    assert lines[1].startswith("|---|---:")
    assert len(lines) == 2 + len(MEASURES)
    assert lines[3].startswith("| list: p50 latency | 30.0 ms | 20.0 ms | 1.50 |")


def test_a_bad_target_is_refused():
    with pytest.raises(ValueError, match="not a target"):
        _ = Measure("x", 1.0, 1.0, "", "ratio=1").passed


def test_load_percentiles_are_in_milliseconds():
    run = Load(requests=100, seconds=2.0, latencies=[i / 1000 for i in range(1, 101)])

    assert run.rps == 50
    assert run.percentile(0.5) == pytest.approx(50)
    assert run.percentile(0.99) == pytest.approx(99)
    assert run.percentile(0.95) == pytest.approx(95)


def test_worker_processes_and_their_memory_are_read_from_proc():
    assert os.getpid() in children_of(os.getppid())
    assert rss_bytes(os.getpid()) > 10 * 2**20


@pytest.mark.django_db
def test_capture_sql_returns_the_statements_of_a_request():
    SentenceFactory()

    statements = capture_sql("/api/v1/sentences/?page_size=100")

    assert any("cases_sentence" in sql for sql in statements)
    assert not any(sql.startswith(("SAVEPOINT", "RELEASE")) for sql in statements)


def _call(app, path):
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": "GET"}, start_response))
    return answer["status"], body


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_baseline_replays_captured_sql_and_streams_copy(tmp_path, monkeypatch):
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    user = f"{settings['USER']}:{settings['PASSWORD']}" if settings.get("PASSWORD") else settings["USER"]
    url = f"postgres://{user}@{host}:{port}/{settings['NAME']}"
    queries = tmp_path / "queries.json"
    queries.write_text(
        json.dumps(
            {
                "one": ["SELECT 1 AS one, 'Сапаргалиев' AS name", "SELECT 2.50::numeric AS amount"],
                "__copy__": "SELECT app_label, model FROM django_content_type ORDER BY id",
            }
        )
    )
    monkeypatch.setenv("BENCH_DATABASE_URL", url)
    monkeypatch.setenv("BENCH_QUERIES", str(queries))
    monkeypatch.setattr(baseline, "_queries", None)
    monkeypatch.setattr(baseline, "_connection", None)

    try:
        assert _call(baseline.app, "/ready")[0] == "200 OK"
        status, body = _call(baseline.app, "/q/one")
        assert status == "200 OK"
        assert json.loads(body) == {"results": [[{"one": 1, "name": "Сапаргалиев"}], [{"amount": "2.50"}]]}
        assert _call(baseline.app, "/q/unknown")[0] == "404 Not Found"
        status, body = _call(baseline.app, "/copy.csv")
        lines = body.decode().splitlines()
        assert lines[0] == "app_label,model" and "people,person" in lines
    finally:
        if baseline._connection is not None:
            baseline._connection.close()


@postgresql_only
@pytest.mark.django_db
def test_the_copy_baseline_has_a_row_per_sentence_and_the_summary_columns():
    SentenceFactory.create_batch(3)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({summary_copy_sql()}) AS rows")
        assert cursor.fetchone()[0] == 3
        cursor.execute(f"SELECT * FROM ({summary_copy_sql()}) AS rows LIMIT 0")
        assert len(cursor.description) == len(COLUMNS)


def test_the_import_sheets_hold_persons_defendants_sentences_and_status_changes():
    sheets = dict(import_sheets(7, "t"))
    assert list(sheets) == ["cases", "persons", "defendants", "sentences", "status-changes"]
    assert sheets["cases"].count(b"\n") == 1 + IMPORT_CASES
    assert all(content.count(b"\n") == 1 + 7 for kind, content in sheets.items() if kind != "cases")


@pytest.mark.django_db
def test_the_import_measure_runs_small_and_leaves_nothing_behind():
    from cases.models import Defendant, Sentence, StatusChange
    from people.models import Person

    measures = measure_import(6, bench_user())

    assert [m.name for m in measures] == [
        "import preview (dry run): rows/s",
        "import write: rows/s",
        "import: memory growth (tracemalloc peak)",
    ]
    assert all(m.ours > 0 and m.baseline > 0 and not m.error for m in measures)
    assert "SQL statements per row" in measures[1].note
    assert not (Person.objects.exists() or Defendant.objects.exists() or Sentence.objects.exists())
    assert not StatusChange.objects.exists()
