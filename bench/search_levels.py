"""Full-text search as each kind of reader, against the unrestricted search measured in the same run.

    DATABASE_URL=postgres://… .venv/bin/python bench/search_levels.py [--runs 30] [--compare-exists]

A reader who may not see every level (anonymous clients, staff without the confidential permission)
searches the same index as one who may, narrowed by the stored level of each entry (``level IN (…)``,
:mod:`sources.search`). This prints, for every reader, the p50 and p95 of one search request's
database work (the first page of hits and their count, as ``/api/v1/search/`` runs them) over the
bench's terms, and the ratio to the unrestricted reader's: the cost of the visibility rule in search.
Target: restricted readers within 1.5× of the unrestricted p95. ``--compare-exists`` also times the
rule as it was before the stored level (an EXISTS subquery per matching entry), for the record.
Needs the synthetic data (``manage.py seed_synthetic``; 10,000 documents at the default scale).
Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")

TARGET_RATIO = 1.5
PAGE = 20


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each term per reader (default 30)")
    parser.add_argument("--compare-exists", action="store_true", help="also time the EXISTS-per-hit rule")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.db.models import Exists, OuterRef, Q

    from bench.run import TEXT_SEARCH_TERMS
    from casetracker.visibility import condition, content_type_id, visible_levels
    from sources import search
    from sources.models import Document, SearchEntry

    if Document.objects.count() < 1000:
        print("Too few documents to measure: run `manage.py seed_synthetic` first (10,000 documents).")
        return 2
    users = get_user_model().objects
    superuser, _ = users.get_or_create(username="bench-search-all", defaults={"is_staff": True, "is_superuser": True})
    staff, _ = users.get_or_create(username="bench-search-staff", defaults={"is_staff": True})
    readers = {"everything (baseline)": superuser, "staff, restricted": staff, "anonymous": AnonymousUser()}

    def exists_rule(user):  # the rule before entries stored their level: EXISTS per matching entry
        levels, result = visible_levels(user), Q(pk__in=[])
        for searchable in search.searchables():
            where = condition(searchable.model, levels)
            type_q = Q(content_type_id=content_type_id(searchable.model))
            if where is None:
                result |= type_q
            else:
                result |= type_q & Exists(searchable.model._base_manager.filter(where, pk=OuterRef("object_id")))
        return result

    def one_search(term, user, rule=None):
        if rule is None:
            hits = search.search_hits(term, user=user)
        else:
            original = search.visible_entries
            search.visible_entries = rule
            try:
                hits = search.search_hits(term, user=user)
            finally:
                search.visible_entries = original
        start = time.perf_counter()
        hits.count()
        list(hits[:PAGE])
        return (time.perf_counter() - start) * 1000

    def measure(user, rule=None):
        for term in TEXT_SEARCH_TERMS:  # warm-up
            one_search(term, user, rule)
        timings = [one_search(term, user, rule) for _ in range(args.runs) for term in TEXT_SEARCH_TERMS]
        timings.sort()
        return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]

    print(
        f"{connection.vendor}: {SearchEntry.objects.count():,} search entries, {Document.objects.count():,} "
        f"documents; {len(TEXT_SEARCH_TERMS)} terms × {args.runs} runs per reader"
    )
    results = {name: measure(user) for name, user in readers.items()}
    if args.compare_exists:
        for name, user in list(readers.items())[1:]:
            results[f"{name}, EXISTS per hit (before)"] = measure(user, rule=lambda u: exists_rule(u))
    base50, base95 = results["everything (baseline)"]
    print(f"{'reader':<45} {'p50 ms':>9} {'p95 ms':>9} {'p95 ratio':>10}  target")
    failed = False
    for name, (p50, p95) in results.items():
        ratio = p95 / base95 if base95 else float("inf")
        checked = "(before)" not in name and "baseline" not in name
        ok = ratio <= TARGET_RATIO
        failed |= checked and not ok
        mark = (f"<= {TARGET_RATIO}  " + ("yes" if ok else "MISSED")) if checked else ""
        print(f"{name:<45} {p50:9.1f} {p95:9.1f} {ratio:10.2f}  {mark}")
    users.filter(pk__in=[superuser.pk, staff.pk]).delete()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
