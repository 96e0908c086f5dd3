"""The raw baseline the benchmark compares the application with (a WSGI app; not part of the product).

It answers the same questions as the API with nothing between the database
and the socket: ``bench/run.py`` captures the SQL statements the application
runs for a request and writes them to ``$BENCH_QUERIES`` (JSON: name → list of
statements); ``GET /q/<name>`` runs those statements through one psycopg
connection per worker and serialises every row with orjson.
``GET /copy.csv`` streams ``COPY (<$BENCH_QUERIES["__copy__"]>) TO STDOUT``
straight from PostgreSQL. ``GET /ready`` answers once the database does.

Serve it with ``gunicorn bench.baseline:app`` (bench/run.py does).
"""

from __future__ import annotations

import json
import os
from decimal import Decimal

import orjson
import psycopg
from psycopg.rows import dict_row

_connection: psycopg.Connection | None = None
_queries: dict | None = None


def _database() -> psycopg.Connection:
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["BENCH_DATABASE_URL"], autocommit=True, row_factory=dict_row)
    return _connection


def _statements() -> dict:
    global _queries
    if _queries is None:
        with open(os.environ["BENCH_QUERIES"], encoding="utf-8") as file:
            _queries = json.load(file)
    return _queries


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _answer(start_response, status: str, body: bytes, content_type: str = "application/json"):
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def run_statements(statements: list[str]) -> bytes:
    """Run each statement (the application's SQL for one request) and return every row as JSON."""
    results = []
    with _database().cursor() as cursor:
        for sql in statements:
            # No parameters: psycopg sends the text as it is (the captured SQL has its values inlined).
            cursor.execute(sql)
            if cursor.description is not None:
                results.append(cursor.fetchall())
    return orjson.dumps({"results": results}, default=_default)


def copy_csv(sql: str):
    """Stream ``COPY (sql) TO STDOUT`` as CSV with a header, chunk by chunk as PostgreSQL sends it."""
    with _database().cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
        for chunk in copy:
            yield bytes(chunk)


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/ready":
        with _database().cursor() as cursor:
            cursor.execute("SELECT 1")
        return _answer(start_response, "200 OK", b'{"ready":true}')
    if path == "/copy.csv":
        sql = _statements().get("__copy__")
        if not sql:
            return _answer(start_response, "404 Not Found", b'{"detail":"no COPY statement captured"}')
        start_response("200 OK", [("Content-Type", "text/csv; charset=utf-8")])
        return copy_csv(sql)
    if path.startswith("/q/"):
        statements = _statements().get(path[3:])
        if statements is None:
            return _answer(start_response, "404 Not Found", b'{"detail":"unknown query set"}')
        return _answer(start_response, "200 OK", run_statements(statements))
    return _answer(start_response, "404 Not Found", b'{"detail":"try /q/<name>, /copy.csv or /ready"}')
