"""First pages, in process: each list page against its own SQL replayed raw, and how they grow.

    .venv/bin/python bench/first_pages.py --database-url postgres://…/ct_bench
    .venv/bin/python bench/first_pages.py --growth URL_SMALL URL_MEDIUM URL_LARGE --png docs/first-page-growth.png

One client, in this process, through Django's test client (no HTTP server): the p50 of the first
page of each list (target: under 30 ms), and its speed against the same SQL statements (captured
from the request) run through a raw psycopg cursor and serialised with orjson (target: at least
0.6 of it). ``--growth`` measures databases seeded at increasing scales (``manage.py
seed_synthetic --scale``), each in its own process, prints each figure per scale, checks that
the largest is within 1.5× of the one before (cost independent of table size), and draws the
curve with matplotlib. Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import Measure, bench_environment, capture_sql, format_table, missed, setup_django  # noqa: E402

FIRST_PAGES = {
    "sentences": "/api/v1/sentences/?page_size=100",
    "defendants": "/api/v1/defendants/?page_size=100",
    "cases": "/api/v1/cases/?page_size=100",
    "persons ?q=ov": "/api/v1/persons/?page_size=100&q=ov",
    "sentence summaries": "/api/v1/sentence-summaries/?page_size=100",
}
P50_TARGET_MS = 30
RAW_RATIO_TARGET = 0.6
GROWTH_TARGET = 1.5


def _p50(call, repeats: int) -> float:
    call()  # warm: caches, prepared plans, imports
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(database_url: str, repeats: int) -> dict[str, dict[str, float]]:
    """{page: {"ours_ms", "raw_ms", "sentences"}} for the database at ``database_url``."""
    import orjson
    import psycopg

    from bench.baseline import _default

    setup_django(bench_environment(database_url))
    from django.test import Client

    from cases.models import Sentence

    client = Client()
    raw = psycopg.connect(database_url, autocommit=True)
    results = {}
    sentences = Sentence.objects.count()
    for name, path in FIRST_PAGES.items():
        statements = capture_sql(path)

        def ours(path=path):
            response = client.get(path)
            assert response.status_code == 200, response.content[:300]

        def replay(statements=statements):
            rows = []
            with raw.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    if cursor.description is not None:
                        names = [column.name for column in cursor.description]
                        rows.append([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
            return orjson.dumps({"results": rows}, default=_default)

        results[name] = {"ours_ms": _p50(ours, repeats), "raw_ms": _p50(replay, repeats), "sentences": sentences}
        figures = results[name]
        print(f"  {name}: {figures['ours_ms']:.1f} ms (its SQL raw: {figures['raw_ms']:.1f} ms)", flush=True)
    return results


def measures_of(results: dict[str, dict[str, float]]) -> list[Measure]:
    measures = []
    for name, figures in results.items():
        measures.append(Measure(f"{name} first page: p50", figures["ours_ms"], None, "ms", f"ours<{P50_TARGET_MS}"))
        measures.append(
            Measure(
                f"{name} first page: speed vs its SQL raw",
                1000 / figures["ours_ms"],
                1000 / figures["raw_ms"],
                "req/s",
                f"ratio>={RAW_RATIO_TARGET}",
            )
        )
    return measures


def growth(urls: list[str], repeats: int, png: Path | None) -> list[Measure]:
    """Each database measured in a process of its own; the largest compared with the one before it."""
    per_scale = []
    for url in urls:
        print(f"measuring {url.rsplit('/', 1)[-1]}", flush=True)
        output = subprocess.run(
            [sys.executable, __file__, "--database-url", url, "--repeats", str(repeats), "--json-only"],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
        per_scale.append(json.loads(output.strip().splitlines()[-1]))
    sizes = [next(iter(results.values()))["sentences"] for results in per_scale]
    print("\np50 of the first page (ms) by number of sentences:")
    print(f"{'page':<22}" + "".join(f"{size:>12,}" for size in sizes) + f"{'growth':>10}")
    measures = []
    for name in FIRST_PAGES:
        figures = [results[name]["ours_ms"] for results in per_scale]
        print(f"{name:<22}" + "".join(f"{value:>12.1f}" for value in figures) + f"{figures[-1] / figures[0]:>9.2f}×")
        measures.append(
            Measure(
                f"{name} first page: {sizes[-1]:,} vs {sizes[-2]:,} sentences",
                figures[-1],
                figures[-2],
                "ms",
                f"ratio<={GROWTH_TARGET}",
            )
        )
    measures += measures_of(per_scale[-1])
    if png:
        draw(png, sizes, per_scale)
    return measures


def draw(png: Path, sizes: list[int], per_scale: list[dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(7, 4), dpi=100)
    for name in FIRST_PAGES:
        axes.plot(sizes, [results[name]["ours_ms"] for results in per_scale], marker="o", label=name)
    axes.axhline(P50_TARGET_MS, color="grey", linestyle="--", linewidth=1, label=f"target {P50_TARGET_MS} ms")
    axes.set_xscale("log")
    axes.set_xlabel("sentences in the database (log scale)")
    axes.set_ylabel("first page of 100, p50 (ms)")
    axes.set_title("First-page latency as the data grows (one client, in process)")
    axes.legend(fontsize=8)
    axes.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(png)
    print(f"wrote {png}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="one database (PostgreSQL) to measure")
    parser.add_argument("--growth", nargs="+", metavar="URL", help="databases at increasing scales")
    parser.add_argument("--repeats", type=int, default=30, help="timed requests per page and side")
    parser.add_argument("--png", type=Path, help="with --growth: draw the curve to this PNG")
    parser.add_argument("--json-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.growth:
        if len(args.growth) < 2:
            parser.error("--growth needs at least two databases, smallest first")
        measures = growth(args.growth, args.repeats, args.png)
    elif args.database_url:
        results = measure(args.database_url, args.repeats)
        if args.json_only:
            print(json.dumps(results))
            return 0
        measures = measures_of(results)
    else:
        parser.error("give --database-url or --growth")
    print()
    print(format_table(measures))
    failures = missed(measures)
    if failures:
        print(f"\nMISSED {len(failures)} target(s): " + ", ".join(measure.name for measure in failures))
        return 1
    print("\nevery target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
