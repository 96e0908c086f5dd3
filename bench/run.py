"""The casetracker benchmark: the application against raw baselines, on PostgreSQL, in one run.

    .venv/bin/python bench/run.py            # or: make bench

What it does, in order (see bench/README.md):

1. creates the ``ct_bench`` database if it is missing and migrates it;
2. seeds it with ``manage.py seed_synthetic`` at the default scale unless it already is;
3. captures the SQL the application runs for each measured request (Django's test client
   and ``CaptureQueriesContext``, with the production settings the server uses);
4. serves the application under gunicorn (2 workers, DEBUG off) and the baseline
   (``bench/baseline.py``: the same SQL through psycopg, rows serialised with orjson; and
   ``COPY … TO STDOUT``) under gunicorn (2 workers), both on loopback;
5. loads both from a small threaded HTTP client, bounded in time and in requests;
6. prints one table (measure, ours, baseline, ratio, target, pass) and exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ct_bench"
DEFAULT_PERSONS = 100_000  # seed_synthetic's default scale

SENTENCE_LIST = "/api/v1/sentences/?page_size=100&kind=imprisonment"
DEFENDANT_LIST = "/api/v1/defendants/?page_size=100&status=released"
SUMMARY_CSV = "/api/v1/sentence-summaries.csv"
CURSOR_FIRST = "/api/v1/sentences/?page_size=100&cursor="
CURSOR_DEPTH = 10_000
PERSON_SEARCH = "/api/v1/persons/?q={}"
TEXT_SEARCH = "/api/v1/search/?q={}"
DEFAULT_DOCUMENTS = 10_000  # seed_synthetic's default number of documents
# Full-text search terms: common and rare words of the synthetic documents, in three scripts, and a phrase.
TEXT_SEARCH_TERMS = [
    "verdict",
    "приговор",
    "куәгер",
    "name0042",
    "name3117",
    "забастовка нефтяники",
    "strike -police",
    '"oil workers"',
    "Zhanaozen",
    "шағым",
    "colony",
    "name4999",
]
PDF_PAGES = 20
# What people type: surnames and fragments in Latin and Cyrillic, first names, full names, variants.
SEARCH_TERMS = [
    "sapargali",
    "nurmagambetov",
    "Сапаргалиев",
    "кожахметов",
    "aidos",
    "Жанар",
    "tulesh",
    "bekbolatova",
    "zhaksylykov",
    "nazarbayev",
    "Назарбаев",
    "ivanov",
    "orlova",
    "kairat ab",
    "Marat Amanov",
    "uteshev",
    "jaqsylyqov",
    "Айгуль",
    "seitkaliyev",
    "yermekov",
    "protesters",
    "karabaev",
    "ospan",
    "Болатов",
]


# -- results ----------------------------------------------------------------------------------------


@dataclass
class Measure:
    """One line of the results table."""

    name: str
    ours: float | None
    baseline: float | None
    unit: str
    target: str  # "ratio>=0.5", "ratio<=1.5", "ours<50", or "" for information only
    note: str = ""
    error: str = ""  # the measure could not be taken (it then counts as missed)

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline

    @property
    def passed(self) -> bool | None:
        """True/False against the target; None for a line that only informs."""
        if self.error:
            return False
        if not self.target:
            return None
        subject, operator, bound = _parse_target(self.target)
        value = self.ratio if subject == "ratio" else self.ours
        if value is None:
            return False
        return value >= bound if operator == ">=" else value <= bound if operator == "<=" else value < bound


def _parse_target(target: str) -> tuple[str, str, float]:
    for operator in (">=", "<=", "<"):
        if operator in target:
            subject, bound = target.split(operator)
            if subject not in {"ratio", "ours"}:
                raise ValueError(f"a target is about 'ratio' or 'ours', not {subject!r}")
            return subject, operator, float(bound)
    raise ValueError(f"{target!r} is not a target such as 'ratio>=0.5' or 'ours<50'")


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if unit == "MB" or abs(value) < 100:
        text = f"{value:,.1f}" if abs(value) >= 10 or unit == "MB" else f"{value:,.2f}"
    else:
        text = f"{value:,.0f}"
    return f"{text} {unit}".strip()


def _target_text(target: str, unit: str) -> str:
    if not target:
        return ""
    subject, operator, bound = _parse_target(target)
    bound_text = f"{bound:g}"
    symbol = {">=": "≥", "<=": "≤", "<": "<"}[operator]
    return f"ratio {symbol} {bound_text}" if subject == "ratio" else f"{symbol} {bound_text} {unit}"


def table_rows(measures: list[Measure]) -> list[list[str]]:
    rows = [["measure", "ours", "baseline", "ratio", "target", "pass"]]
    for measure in measures:
        passed = measure.passed
        rows.append(
            [
                measure.name,
                _number(measure.ours, measure.unit),
                _number(measure.baseline, measure.unit),
                "–" if measure.ratio is None else f"{measure.ratio:.2f}",
                _target_text(measure.target, measure.unit),
                "" if passed is None else "yes" if passed else "NO",
            ]
        )
    return rows


def format_table(measures: list[Measure]) -> str:
    """The results as an aligned text table."""
    rows = table_rows(measures)
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def format_markdown(measures: list[Measure]) -> str:
    """The results as a Markdown table (for the README)."""
    rows = table_rows(measures)
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join(["---"] + ["---:"] * (len(rows[0]) - 1)) + "|"]
    lines.extend("| " + " | ".join(cell or " " for cell in row) + " |" for row in rows[1:])
    return "\n".join(lines)


def missed(measures: list[Measure]) -> list[Measure]:
    return [measure for measure in measures if measure.passed is False]


# -- load ---------------------------------------------------------------------------------------------


@dataclass
class Load:
    """What a load run measured."""

    requests: int
    seconds: float
    latencies: list[float] = field(repr=False)  # seconds, sorted
    errors: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        """Latency at ``fraction`` (0.5 = median) in milliseconds."""
        if not self.latencies:
            return float("nan")
        index = min(len(self.latencies) - 1, max(0, round(fraction * len(self.latencies)) - 1))
        return self.latencies[index] * 1000


def fetch(port: int, path: str, headers: dict | None = None, timeout: float = 120) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def load(
    port: int,
    paths: list[str],
    *,
    concurrency: int,
    seconds: float,
    max_requests: int,
    headers: dict | None = None,
) -> Load:
    """GET ``paths`` round-robin from ``concurrency`` threads until ``seconds`` pass or ``max_requests`` are done."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    issued = iter(range(max_requests))
    deadline = time.perf_counter() + seconds

    def worker():
        while time.perf_counter() < deadline:
            with lock:
                number = next(issued, None)
            if number is None:
                return
            path = paths[number % len(paths)]
            started = time.perf_counter()
            try:
                status, body = fetch(port, path, headers)
            except OSError as error:
                status, body = 0, str(error).encode()
            elapsed = time.perf_counter() - started
            with lock:
                if status == 200 and body:
                    latencies.append(elapsed)
                elif len(errors) < 5:
                    errors.append(f"{path}: HTTP {status} {body[:200]!r}")
                else:
                    errors.append("")

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(len(latencies), time.perf_counter() - started, sorted(latencies), errors)


# -- processes -------------------------------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (gunicorn's workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces: the parent id follows the last ')'.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


class RssSampler:
    """Samples the resident memory of some processes every few milliseconds; reports each one's peak growth."""

    def __init__(self, pids: list[int], interval: float = 0.01):
        self.pids = pids
        self.interval = interval
        self.before = {pid: rss_bytes(pid) for pid in pids}
        self.peak = dict(self.before)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for pid in self.pids:
                with contextlib.suppress(OSError):
                    self.peak[pid] = max(self.peak[pid], rss_bytes(pid))
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def growth(self) -> int:
        """The largest growth of any one process, in bytes."""
        return max(self.peak[pid] - self.before[pid] for pid in self.pids)


class Server:
    """A gunicorn server on loopback, stopped (by its own process id) when the run ends."""

    def __init__(self, name: str, app: str, port: int, env: dict, log_dir: Path, workers: int = 2):
        self.name, self.port = name, port
        self.log = log_dir / f"{name}.log"
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            app,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "300",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        last = ""
        while time.time() < deadline:
            if self.process.poll() is not None:
                break
            try:
                status, body = fetch(self.port, path, timeout=10)
                if status == 200:
                    return
                last = f"HTTP {status} {body[:300]!r}"
            except OSError as error:
                last = str(error)
            time.sleep(0.3)
        raise SystemExit(f"{self.name} did not come up on port {self.port} ({last}); see {self.log}")

    @property
    def workers(self) -> list[int]:
        return children_of(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# -- database and Django --------------------------------------------------------------------------------


def bench_environment(database_url: str) -> dict:
    """The environment of the application server: production settings, on loopback, without throttling."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-" + "k" * 60,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_LOG_LEVEL": "ERROR",
            # The benchmark measures the API, not the throttle that protects it from anonymous floods.
            "API_ANON_THROTTLE_RATE": "100000000/second",
            "AXES_ENABLED": "0",
            "PYTHONPATH": str(ROOT),
            # Synthetic documents' files: outside the checkout's media/ and kept between runs.
            "DJANGO_MEDIA_ROOT": str(ROOT / "bench" / "results" / "media"),
        }
    )
    return env


def ensure_database(database_url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def synthetic_persons(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as connection:
        return connection.execute("SELECT count(*) FROM people_person WHERE synthetic").fetchone()[0]


def synthetic_documents(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as connection:
        return connection.execute("SELECT count(*) FROM sources_document WHERE synthetic").fetchone()[0]


def prepare_database(database_url: str, env: dict) -> None:
    ensure_database(database_url)
    print("migrating")
    manage(env, "migrate", "--no-input", "-v", "0")
    persons = synthetic_persons(database_url)
    if persons != DEFAULT_PERSONS or synthetic_documents(database_url) != DEFAULT_DOCUMENTS:
        if persons:
            print(f"the database holds {persons:,} synthetic persons, not the default {DEFAULT_PERSONS:,}: reseeding")
            manage(env, "seed_synthetic", "--delete")
        print("seeding (seed_synthetic at the default scale; a minute or two)")
        manage(env, "seed_synthetic")
    else:
        print(f"already seeded ({persons:,} synthetic persons)")


def setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def bench_user():
    """A staff member who may see and change everything (the full export, the import)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user, _ = get_user_model().objects.get_or_create(username="bench-senior", defaults={"is_staff": True})
    user.is_staff = True
    user.set_unusable_password()
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["sources", "people", "cases"]))
    return get_user_model().objects.get(pk=user.pk)  # fresh: no permission cache from before the set


def bench_token() -> str:
    """A token of a staff member who may see everything (for the full export)."""
    from knox.models import AuthToken

    _record, token = AuthToken.objects.create(user=bench_user())
    return token


_SKIPPED_STATEMENTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


def capture_sql(path: str, headers: dict | None = None) -> list[str]:
    """The SQL statements the application runs for ``GET path`` (transaction control left out)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers=headers or {})
    client.get(path)  # warm: the steady state, without the first request's lookups (content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}: {response.content[:500]!r}")
        if response.streaming:
            for _ in response.streaming_content:
                pass
    return [query["sql"] for query in captured.captured_queries if not query["sql"].startswith(_SKIPPED_STATEMENTS)]


# -- the measures --------------------------------------------------------------------------------------


@dataclass
class Settings:
    port: int
    baseline_port: int
    seconds: float
    warmup: float
    concurrency: int
    max_requests: int
    latency_requests: int
    export_runs: int


@dataclass
class Captured:
    """The application's URLs for one measure and the baseline's URLs replaying their SQL."""

    paths: list[str]
    baseline_paths: list[str]
    statements: int  # SQL statements per request (of the first URL)


def capture_set(queries: dict, name: str, paths: list[str], headers: dict | None = None) -> Captured:
    """Capture the SQL of each of ``paths`` into ``queries`` under ``<name>-<n>``."""
    keys = []
    for number, path in enumerate(paths):
        key = f"{name}-{number}"
        queries[key] = capture_sql(path, headers)
        keys.append(key)
    return Captured(paths, [f"/q/{key}" for key in keys], len(queries[keys[0]]))


def _require_no_errors(label: str, run: Load) -> None:
    if run.errors:
        shown = "; ".join(error for error in run.errors if error)
        raise SystemExit(f"{label}: {len(run.errors)} failed requests, e.g. {shown}")
    if not run.requests:
        raise SystemExit(f"{label}: no request completed")


def measure_list(name: str, captured: Captured, app: Server, baseline: Server, cfg: Settings) -> list[Measure]:
    """Requests per second and p50/p99 latency of a list endpoint against the baseline running its SQL."""
    results = {}
    for label, server, targets in (("ours", app, captured.paths), ("baseline", baseline, captured.baseline_paths)):
        options = {"concurrency": cfg.concurrency, "max_requests": cfg.max_requests}
        load(server.port, targets, seconds=cfg.warmup, **options)
        run = load(server.port, targets, seconds=cfg.seconds, **options)
        _require_no_errors(f"{name} ({label})", run)
        results[label] = run
    ours, base = results["ours"], results["baseline"]
    return [
        Measure(
            f"{name}: requests/s",
            ours.rps,
            base.rps,
            "req/s",
            "ratio>=0.5",
            f"{ours.requests} vs {base.requests} requests, {cfg.concurrency} clients; "
            f"{captured.statements} SQL statements per request",
        ),
        Measure(f"{name}: p50 latency", ours.percentile(0.5), base.percentile(0.5), "ms", ""),
        Measure(f"{name}: p99 latency", ours.percentile(0.99), base.percentile(0.99), "ms", ""),
    ]


def stream_rows(port: int, path: str, headers: dict | None = None) -> tuple[int, float]:
    """Download ``path`` and count its lines (rows plus the header); returns (rows, seconds)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    if response.status != 200:
        raise SystemExit(f"GET {path} on port {port} answered {response.status}: {response.read(500)!r}")
    lines = 0
    while chunk := response.read(1 << 16):
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    connection.close()
    return lines - 1, seconds


def measure_export(app: Server, baseline: Server, token: str, cfg: Settings) -> list[Measure]:
    """Rows/s of the sentence-summary CSV against COPY of the same columns; the worker's memory growth."""
    headers = {"Authorization": f"Token {token}"}
    # Warm both workers (imports, first queries) with small exports, so the growth measured is the export's own.
    for _ in range(6):
        status, body = fetch(app.port, f"{SUMMARY_CSV}?kind=fine&status=overturned", headers)
        if status != 200:
            raise SystemExit(f"GET {SUMMARY_CSV} answered {status}: {body[:300]!r}")
    best_rate, growth, rows = 0.0, 0, 0
    for _ in range(cfg.export_runs):
        with RssSampler(app.workers) as sampler:
            rows, seconds = stream_rows(app.port, SUMMARY_CSV, headers)
        best_rate = max(best_rate, rows / seconds)
        growth = max(growth, sampler.growth)
    copy_rate, copy_rows = 0.0, 0
    for _ in range(cfg.export_runs):
        copy_rows, seconds = stream_rows(baseline.port, "/copy.csv")
        copy_rate = max(copy_rate, copy_rows / seconds)
    if rows != copy_rows:
        raise SystemExit(f"the export has {rows:,} rows but COPY {copy_rows:,}: they must export the same sentences")
    return [
        Measure(
            "sentence-summary CSV: rows/s",
            best_rate,
            copy_rate,
            "rows/s",
            "ratio>=0.5",
            f"{rows:,} rows, best of {cfg.export_runs} (COPY: {copy_rows:,} rows)",
        ),
        Measure(
            "sentence-summary CSV: worker memory growth",
            growth / 2**20,
            None,
            "MB",
            "ours<50",
            "peak RSS of the serving worker minus its RSS before the export",
        ),
    ]


def measure_cursor(app: Server, cfg: Settings) -> list[Measure]:
    """Latency of a cursor page 10,000 rows deep against the first page."""
    status, body = fetch(app.port, CURSOR_FIRST.replace("page_size=100", "page_size=500"))
    walked = 0
    while walked < CURSOR_DEPTH:
        if status != 200:
            raise SystemExit(f"walking the cursor: HTTP {status} {body[:300]!r}")
        page = json.loads(body)
        walked += len(page["results"])
        if not page.get("next"):
            raise SystemExit(f"the sentence list ended after {walked} rows, before {CURSOR_DEPTH}")
        next_url = urllib.parse.urlsplit(page["next"])
        status, body = fetch(app.port, f"{next_url.path}?{next_url.query}")
    query = urllib.parse.parse_qs(next_url.query)
    deep = f"{CURSOR_FIRST}{urllib.parse.quote(query['cursor'][0])}"
    results = {}
    for label, path in (("first", CURSOR_FIRST), ("deep", deep)):
        load(app.port, [path], concurrency=1, seconds=cfg.warmup, max_requests=20)
        run = load(app.port, [path], concurrency=1, seconds=cfg.seconds, max_requests=cfg.latency_requests)
        _require_no_errors(f"cursor page ({label})", run)
        results[label] = run
    return [
        Measure(
            f"cursor page {walked:,} rows deep: p50 latency",
            results["deep"].percentile(0.5),
            results["first"].percentile(0.5),
            "ms",
            "ratio<=1.5",
            "baseline = the first page, one client",
        ),
    ]


def measure_search(captured: Captured, app: Server, baseline: Server, cfg: Settings) -> list[Measure]:
    """p95 latency of ``q`` search over persons and their name variants (one client)."""
    results = {}
    for label, server, targets in (("ours", app, captured.paths), ("baseline", baseline, captured.baseline_paths)):
        load(server.port, targets, concurrency=1, seconds=cfg.warmup, max_requests=len(targets))
        run = load(server.port, targets, concurrency=1, seconds=cfg.seconds * 2, max_requests=cfg.latency_requests * 2)
        _require_no_errors(f"person search ({label})", run)
        results[label] = run
    return [
        Measure(
            "person q search: p95 latency",
            results["ours"].percentile(0.95),
            results["baseline"].percentile(0.95),
            "ms",
            "ours<50",
            f"{len(captured.paths)} terms round-robin, one client; baseline = the same SQL",
        ),
    ]


def measure_text_search(captured: Captured, app: Server, baseline: Server, cfg: Settings) -> list[Measure]:
    """p95 latency of ``/api/v1/search/`` over every kind (10,000 synthetic documents among them), anonymous."""
    results = {}
    for label, server, targets in (("ours", app, captured.paths), ("baseline", baseline, captured.baseline_paths)):
        load(server.port, targets, concurrency=1, seconds=cfg.warmup, max_requests=len(targets))
        run = load(server.port, targets, concurrency=1, seconds=cfg.seconds * 2, max_requests=cfg.latency_requests * 2)
        _require_no_errors(f"full-text search ({label})", run)
        results[label] = run
    return [
        Measure(
            "full-text search: p95 latency",
            results["ours"].percentile(0.95),
            results["baseline"].percentile(0.95),
            "ms",
            "ours<200",
            f"{len(captured.paths)} queries round-robin, one anonymous client; baseline = "
            "the same page query without the COUNT",
        ),
        Measure(
            "full-text search: p50 latency",
            results["ours"].percentile(0.5),
            results["baseline"].percentile(0.5),
            "ms",
            "",
        ),
    ]


def without_count(captured: Captured, queries: dict) -> Captured:
    """The baseline of a search: the SQL of the same request minus pagination's COUNT (the plain query)."""
    for path in captured.baseline_paths:
        key = path.removeprefix("/q/")
        queries[key] = [sql for sql in queries[key] if not sql.lstrip().upper().startswith("SELECT COUNT(")]
    return captured


def measure_pdf_upload(app: Server, token: str, cfg: Settings) -> list[Measure]:
    """Upload and extract a fresh 20-page PDF through the API (multipart POST), a few times; the best counts."""
    from sources.models import Document, Source
    from sources.tests.pdf import make_pdf

    # The last synthetic source: the first is the generator's, which every synthetic citation cites.
    source = Source.objects.filter(synthetic=True).order_by("-pk").first()
    timings = []
    for _attempt in range(3):
        stamp = time.time_ns()
        pages = [f"Bench {stamp} page {n}\nThe court heard witness {n} about the strike." for n in range(PDF_PAGES)]
        pdf = make_pdf(pages)
        boundary = f"bench{time.time_ns()}"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="verdict.pdf"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + pdf
            + f"\r\n--{boundary}--\r\n".encode()
        )
        connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=120)
        started = time.perf_counter()
        connection.request(
            "POST",
            f"/api/v1/sources/{source.pk}/documents/",
            body=body,
            headers={"Authorization": f"Token {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        response = connection.getresponse()
        answer = response.read()
        timings.append((time.perf_counter() - started) * 1000)
        connection.close()
        if response.status != 201:
            raise SystemExit(f"PDF upload answered {response.status}: {answer[:300]!r}")
        document = Document.objects.get(pk=json.loads(answer)["id"])
        if f"page {PDF_PAGES - 1}" not in document.text:
            raise SystemExit("the uploaded PDF's text was not extracted")
        document.delete()
    return [
        Measure(
            f"upload + extract a {PDF_PAGES}-page PDF",
            min(timings),
            None,
            "ms",
            "ours<2000",
            f"best of {len(timings)}, {len(pdf):,} bytes, through the API (hash, type, pypdf, store, verify)",
        ),
    ]


# -- import (issue 14) ----------------------------------------------------------------------------------

#: Cases the synthetic sheet's defendants are spread over.
IMPORT_CASES = 20


def import_sheets(defendants: int, prefix: str) -> list[tuple[str, bytes]]:
    """A synthetic set of sheets for ``defendants`` prisoners, as an NGO would bring them (kind, CSV):
    cases, persons, defendants (person and case by external_id), sentences and status changes."""
    import csv
    import io

    def sheet(header: list[str], rows) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue().encode()

    numbers = range(defendants)
    return [
        (
            "cases",
            sheet(
                ["external_id", "title", "kind", "opened", "confidentiality"],
                (
                    [f"{prefix}C{c}", f"Bench import case {prefix} {c}", "criminal", "2012-03", "restricted"]
                    for c in range(IMPORT_CASES)
                ),
            ),
        ),
        (
            "persons",
            sheet(
                ["external_id", "name", "kind", "name_variants", "confidentiality", "description"],
                (
                    [
                        f"{prefix}P{n}",
                        f"Bench Prisoner {prefix} {n}",
                        "individual",
                        f"Bench Prisonner {n}; Бенч {n}",
                        "restricted",
                        "Oil worker",
                    ]
                    for n in numbers
                ),
            ),
        ),
        (
            "defendants",
            sheet(
                ["external_id", "person", "case", "arrested", "description"],
                (
                    [
                        f"{prefix}D{n}",
                        f"{prefix}P{n}",
                        f"{prefix}C{n % IMPORT_CASES}",
                        "February 2012",
                        "Accused of organising the strike",
                    ]
                    for n in numbers
                ),
            ),
        ),
        (
            "sentences",
            sheet(
                ["external_id", "defendant", "kind", "term", "start", "status", "status_as_of"],
                (
                    [
                        f"{prefix}S{n}",
                        f"{prefix}D{n}",
                        "imprisonment",
                        f"{3 + n % 5} years 6 months",
                        "2012-06-04",
                        "serving",
                        "2012-12",
                    ]
                    for n in numbers
                ),
            ),
        ),
        (
            "status-changes",
            sheet(
                ["defendant", "date", "status", "note"],
                ([f"{prefix}D{n}", "14.02.2012", "detained", "Arrested at home"] for n in numbers),
            ),
        ),
    ]


def bulk_create_rows(defendants: int, prefix: str) -> int:
    """The baseline: the same rows written with plain ``bulk_create`` (no parsing, lookups, validation,
    services, history or preview). Returns the number of rows."""
    from cases.models import Case, Defendant, Sentence, StatusChange
    from casetracker.approximate_dates import ApproximateDate
    from people.models import Person, PersonName

    numbers = range(defendants)
    opened, arrested, start = (ApproximateDate.parse(text) for text in ("2012-03", "2012-02", "2012-06-04"))
    cases = Case.objects.bulk_create(
        Case(
            external_id=f"{prefix}C{c}",
            title=f"Bench import case {prefix} {c}",
            kind="criminal",
            opened=opened,
            confidentiality="restricted",
        )
        for c in range(IMPORT_CASES)
    )
    persons = Person.objects.bulk_create(
        Person(
            external_id=f"{prefix}P{n}",
            name=f"Bench Prisoner {prefix} {n}",
            kind="individual",
            confidentiality="restricted",
            description="Oil worker",
        )
        for n in numbers
    )
    PersonName.objects.bulk_create(
        PersonName(person=person, name=name)
        for n, person in enumerate(persons)
        for name in (f"Bench Prisonner {n}", f"Бенч {n}")
    )
    accused = Defendant.objects.bulk_create(
        Defendant(
            external_id=f"{prefix}D{n}",
            person=persons[n],
            case=cases[n % IMPORT_CASES],
            arrested=arrested,
            description="Accused of organising the strike",
        )
        for n in numbers
    )
    Sentence.objects.bulk_create(
        Sentence(
            external_id=f"{prefix}S{n}",
            defendant=accused[n],
            kind="imprisonment",
            term_months=(3 + n % 5) * 12 + 6,
            start=start,
            status="serving",
        )
        for n in numbers
    )
    StatusChange.objects.bulk_create(
        StatusChange(defendant=accused[n], date=arrested, status="detained", note="Arrested at home") for n in numbers
    )
    return IMPORT_CASES + 4 * defendants


class QueryCounter:
    """Counts the SQL statements the default connection runs (an execute wrapper: no DEBUG needed)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure_import(defendants: int, user) -> list[Measure]:
    """Rows/s of the import's preview (dry run) and of its write, and the preview's memory growth, each
    against plain ``bulk_create`` of the same rows, in this run, on this database. Nothing stays: every
    write is rolled back.

    The sheets are imported as the admin does it, one kind after the other: preview (dry run), then the
    confirmation with the preview's token (the write runs the import again, as the confirmation does).
    Memory is the peak of Python allocations (tracemalloc) above the start, in separate runs, since
    tracing slows everything it traces.
    """
    import tracemalloc
    import uuid

    from django.db import connection, transaction

    from imports.services import records_import

    class Rollback(Exception):
        pass

    def import_all(sheets, *, timings: dict | None = None):
        for kind, content in sheets:
            token = None
            for dry_run in (True, False):
                started = time.perf_counter()
                result = records_import(
                    content=content, filename=f"bench-{kind}.csv", kind=kind, user=user, dry_run=dry_run, token=token
                )
                if timings is not None:
                    timings["dry" if dry_run else "write"] += time.perf_counter() - started
                if not result.ok or not (dry_run or result.applied):
                    problems = "; ".join(map(str, result.errors[:3])) or "stale"
                    raise SystemExit(f"the {kind} sheet did not import: {problems}")
                token = result.token

    def rolled_back(work):
        try:
            with transaction.atomic():
                value = work()
                raise Rollback
        except Rollback:
            return value

    prefix = uuid.uuid4().hex[:6]
    sheets = import_sheets(defendants, prefix)
    rows = sum(content.count(b"\n") - 1 for _kind, content in sheets)
    timings = {"dry": 0.0, "write": 0.0}
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        rolled_back(lambda: import_all(sheets, timings=timings))
    started = time.perf_counter()
    rolled_back(lambda: bulk_create_rows(defendants, prefix))
    bulk_seconds = time.perf_counter() - started

    def peak(work) -> float:
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            rolled_back(work)
            return (tracemalloc.get_traced_memory()[1] - before) / 2**20
        finally:
            tracemalloc.stop()

    import_peak = peak(lambda: import_all(sheets))
    bulk_peak = peak(lambda: bulk_create_rows(defendants, prefix))
    bulk_rate = rows / bulk_seconds
    note = f"{defendants:,} defendants: {rows:,} rows in 5 sheets; baseline = bulk_create of the same rows"
    return [
        Measure("import preview (dry run): rows/s", rows / timings["dry"], bulk_rate, "rows/s", "", note),
        Measure(
            "import write: rows/s",
            rows / timings["write"],
            bulk_rate,
            "rows/s",
            "",
            f"{counter.count / rows / 2:.1f} SQL statements per row (preview and write)",
        ),
        Measure(
            "import: memory growth (tracemalloc peak)",
            import_peak,
            bulk_peak,
            "MB",
            "ours<200",
            "the preview and write of every sheet, against bulk_create's peak",
        ),
    ]


def summary_copy_sql() -> str:
    """One SELECT giving the sentence summary's columns for every sentence (what COPY streams)."""
    from django.contrib.contenttypes.models import ContentType

    from cases.models import Charge, Defendant, Sentence, Trial
    from cases.summaries import COLUMNS

    types = ContentType.objects.get_for_models(Sentence, Defendant, Trial, Charge)
    select = ",\n".join(f'{SUMMARY_COPY_EXPRESSIONS[column.key].strip()} AS "{column.key}"' for column in COLUMNS)
    sql = f"SELECT {select}\n{SUMMARY_COPY_FROM}"
    for model, content_type in types.items():
        sql = sql.replace(f"{{{model._meta.model_name}_ct}}", str(content_type.pk))
    return sql


# The summary columns (cases/summaries.py COLUMNS) computed in SQL: the baseline for the CSV export.
# Keyed by column key; summary_copy_sql() selects them in COLUMNS order, so the list of columns stays one.
SUMMARY_COPY_EXPRESSIONS = {
    "defendant": """
CASE WHEN p.kind = 'group' AND p.group_size IS NOT NULL
     THEN p.name || ' (group of ' || replace(p.group_size_qualifier, '_', ' ') || ' ' || p.group_size || ')'
     ELSE p.name END
""",
    "case": "c.title",
    "charges": """
(SELECT string_agg(COALESCE(a.code || ' art. ' || a.article || COALESCE(' – ' || NULLIF(a.title, ''), ''),
                            ch.offence_description), '; ' ORDER BY ch.id)
   FROM cases_charge ch LEFT JOIN cases_legalarticle a ON a.id = ch.article_id
  WHERE ch.defendant_id = d.id)
""",
    "court": "o.name",
    "verdict_date": "t.verdict_date",
    "sentence_kind": "s.kind",
    "term": """
CASE WHEN s.term_months IS NULL THEN s.fine_amount::text || ' ' || s.fine_currency
     ELSE s.term_months / 12 || ' years ' || s.term_months % 12 || ' months' END
""",
    "term_months": "s.term_months",
    "term_qualifier": "s.term_qualifier",
    "start": "s.start",
    "expected_end": "s.expected_end",
    "actual_release": "s.actual_release",
    "status": "s.status",
    "status_as_of": "s.status_as_of",
    "time_served": """
CASE WHEN s.start IS NULL THEN NULL
     ELSE age(current_date, rpad(s.start, 10, '-01')::date)::text END
""",
    "time_remaining": """
CASE WHEN s.expected_end IS NULL THEN NULL
     ELSE age(rpad(s.expected_end, 10, '-01')::date, current_date)::text END
""",
    "recognised_by": """
(SELECT string_agg(org.name || ': ' || r.kind, '; ' ORDER BY r.date, r.id)
   FROM people_recognition r JOIN people_organization org ON org.id = r.organization_id
  WHERE r.person_id = p.id AND r.withdrawn IS NULL)
""",
    "place_of_detention": "f.name",
    "detained_there_since": "d.custody_since",
    "time_there": """
CASE WHEN d.custody_since IS NULL THEN NULL
     ELSE age(current_date, rpad(d.custody_since, 10, '-01')::date)::text END
""",
    "sources": """
(SELECT string_agg(DISTINCT src.title, '; ')
   FROM cases_citation ci JOIN cases_source src ON src.id = ci.source_id
  WHERE (ci.content_type_id = {sentence_ct} AND ci.object_id = s.id)
     OR (ci.content_type_id = {defendant_ct} AND ci.object_id = d.id)
     OR (ci.content_type_id = {trial_ct} AND ci.object_id = s.trial_id)
     OR (ci.content_type_id = {charge_ct}
         AND ci.object_id IN (SELECT ch.id FROM cases_charge ch WHERE ch.defendant_id = d.id)))
""",
}
SUMMARY_COPY_FROM = """
  FROM cases_sentence s
  JOIN cases_defendant d ON d.id = s.defendant_id
  JOIN people_person p ON p.id = d.person_id
  JOIN cases_case c ON c.id = d.case_id
  LEFT JOIN cases_trial t ON t.id = s.trial_id
  LEFT JOIN people_organization o ON o.id = t.court_id
  LEFT JOIN cases_facility f ON f.id = d.current_facility_id
 ORDER BY c.title, c.id, p.name, s.id
"""


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--port", type=int, default=8104, help="the application's port (loopback)")
    parser.add_argument("--baseline-port", type=int, default=8114, help="the baseline's port (loopback)")
    parser.add_argument("--seconds", type=float, default=10, help="length of each timed load run")
    parser.add_argument("--warmup", type=float, default=2, help="length of the warm-up before each run")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads for the list runs")
    parser.add_argument("--max-requests", type=int, default=20_000, help="cap on requests per load run")
    parser.add_argument("--latency-requests", type=int, default=100, help="requests per latency run")
    parser.add_argument("--export-runs", type=int, default=2, help="full exports per side (the best counts)")
    parser.add_argument(
        "--import-defendants",
        type=int,
        default=10_000,
        help="defendants in the synthetic import sheets (0: no import measure)",
    )
    parser.add_argument("--markdown", action="store_true", help="also print the table in Markdown")
    parser.add_argument("--json", type=Path, help="write the measures to this JSON file")
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the benchmark runs on PostgreSQL: --database-url must be postgres://…")
    cfg = Settings(
        args.port,
        args.baseline_port,
        args.seconds,
        args.warmup,
        args.concurrency,
        args.max_requests,
        args.latency_requests,
        args.export_runs,
    )

    env = bench_environment(args.database_url)
    prepare_database(args.database_url, env)
    setup_django(env)
    token = bench_token()

    print("capturing the SQL the application runs", flush=True)
    queries: dict = {"__copy__": summary_copy_sql()}
    sentences = capture_set(queries, "sentence-list", [f"{SENTENCE_LIST}&page={page}" for page in range(1, 6)])
    defendants = capture_set(queries, "defendant-list", [f"{DEFENDANT_LIST}&page={page}" for page in range(1, 6)])
    search = capture_set(queries, "search", [PERSON_SEARCH.format(urllib.parse.quote(term)) for term in SEARCH_TERMS])
    text_search = without_count(
        capture_set(queries, "text-search", [TEXT_SEARCH.format(urllib.parse.quote(t)) for t in TEXT_SEARCH_TERMS]),
        queries,
    )
    workdir = Path(tempfile.mkdtemp(prefix="casetracker-bench-"))
    queries_file = workdir / "queries.json"
    queries_file.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    baseline_env = dict(env, BENCH_DATABASE_URL=args.database_url, BENCH_QUERIES=str(queries_file))

    servers = []
    measures: list[Measure] = []
    try:
        app = Server("app", "casetracker.wsgi:application", cfg.port, env, workdir)
        servers.append(app)
        baseline = Server("baseline", "bench.baseline:app", cfg.baseline_port, baseline_env, workdir)
        servers.append(baseline)
        app.wait_ready("/api/v1/")
        baseline.wait_ready("/ready")
        steps = [
            ("sentence list", lambda: measure_list("sentence list", sentences, app, baseline, cfg)),
            ("defendant list", lambda: measure_list("defendant list", defendants, app, baseline, cfg)),
            ("sentence-summary CSV", lambda: measure_export(app, baseline, token, cfg)),
            ("cursor page", lambda: measure_cursor(app, cfg)),
            ("person q search", lambda: measure_search(search, app, baseline, cfg)),
            ("full-text search", lambda: measure_text_search(text_search, app, baseline, cfg)),
            ("PDF upload", lambda: measure_pdf_upload(app, token, cfg)),
        ]
        if args.import_defendants:
            # In this process (the import is a service, not a request), on the same database.
            steps.append(("import", lambda: measure_import(args.import_defendants, bench_user())))
        for label, step in steps:
            print(f"measuring: {label}", flush=True)
            try:
                measures += step()
            except (Exception, SystemExit) as error:  # one broken measure must not hide the others
                print(f"  failed: {error}", flush=True)
                measures.append(Measure(label, None, None, "", "", error=str(error) or type(error).__name__))
    finally:
        for server in servers:
            server.stop()

    print()
    print(format_table(measures))
    for measure in measures:
        if measure.note or measure.error:
            print(f"  {measure.name}: {measure.error or measure.note}")
    if args.markdown:
        print()
        print(format_markdown(measures))
    if args.json:
        args.json.write_text(
            json.dumps([dataclasses.asdict(m) | {"ratio": m.ratio, "passed": m.passed} for m in measures], indent=2)
        )
    failures = missed(measures)
    if failures:
        print(f"\nMISSED {len(failures)} target(s): " + ", ".join(measure.name for measure in failures))
        return 1
    print("\nevery target met")
    return 0


if __name__ == "__main__":
    sys.exit(run())
