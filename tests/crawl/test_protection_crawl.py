"""Protected people stay protected on every path: crawl the whole admin and API as each role.

``plant.py`` plants public records and restricted and confidential ones linked to them,
each with a marker; ``discover.py`` finds every admin and API address by itself (admin
registry, URL conf, OpenAPI schema) and visits each. Every role gets one test, one crawl,
that checks, reporting every problem at once:

- the crawl really covered the site: a minimum number of addresses, and every marker the
  role may see was seen somewhere (for the Senior editor, who may see everything, every
  protected marker: the crawl can find what it looks for);
- no protected marker, existence oracle, hidden record's page or 5xx (address pattern,
  level, marker, first address, status and a 120-character context).

Roles: anonymous, signed in but not staff, Viewer, Editor, Senior editor (the positive
control), and a staff member with every permission but the confidential one, crawled only
where deleting leads (delete pages, delete actions, DELETE and its 409s).

Counts of addresses and responses per role are printed (``-s``) and written to
``artifacts/crawl/counts-<database>.json``.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client

from casetracker.roles import EDITOR, SENIOR_EDITOR, VIEWER, roles_sync

from .discover import Crawler, Leak, crawl_admin, crawl_api
from .import_pages import crawl_imports
from .plant import CONFIDENTIAL, PUBLIC, RESTRICTED, SPECIAL, plant


@dataclass(frozen=True)
class Role:
    name: str
    signed_in: bool = False
    staff: bool = False
    group: str | None = None
    #: instead of a group: every permission of people and cases but the one to see confidential records
    all_but_confidential: bool = False
    #: what this role may see, by design (DESIGN.md principle 5), not by the code under test
    levels: tuple[str, ...] = (PUBLIC,)
    #: the crawl must cover at least this many distinct addresses as this role
    minimum_urls: int = 0
    #: crawl only what deleting reaches (the role sees what another crawled role sees)
    deletes_only: bool = False


ROLES = {
    role.name: role
    for role in [
        Role("anonymous", minimum_urls=1700),
        Role("signed-in-not-staff", signed_in=True, minimum_urls=1700),
        Role("Viewer", signed_in=True, staff=True, group=VIEWER, levels=(PUBLIC, RESTRICTED), minimum_urls=1700),
        Role("Editor", signed_in=True, staff=True, group=EDITOR, levels=(PUBLIC, RESTRICTED), minimum_urls=1700),
        # Like conftest's ``staff_user``: may delete (so delete pages, delete actions and 409 refusals
        # are reached) but not see confidential records. No role of casetracker.roles is both; an
        # administrator's own group may be. It sees what Viewer and Editor see: only deletes are crawled.
        Role(
            "Staff-all-but-confidential",
            signed_in=True,
            staff=True,
            all_but_confidential=True,
            levels=(PUBLIC, RESTRICTED),
            minimum_urls=110,
            deletes_only=True,
        ),
        Role(
            "Senior-editor",
            signed_in=True,
            staff=True,
            group=SENIOR_EDITOR,
            levels=(PUBLIC, RESTRICTED, CONFIDENTIAL, SPECIAL),
            minimum_urls=1250,
        ),
    ]
}

COUNTS = Path(__file__).resolve().parents[2] / "artifacts" / "crawl"


@dataclass
class CrawlResult:
    role: str
    urls: int
    responses: int
    seconds: float
    leaks: list[Leak]
    seen: dict[str, int]
    forbidden: dict[str, str]
    markers: dict[str, str]
    surfaces: dict[str, int]


_results: dict[str, CrawlResult] = {}


@pytest.fixture
def _crawl_without_throttling(settings):
    """The crawl sends thousands of anonymous requests: more than the anonymous rate allows."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None}}


@pytest.fixture
def _quiet_4xx():
    """Thousands of expected 403/404/400 answers would each log a warning; 5xx errors still log."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def _user_for(role: Role):
    if not role.signed_in:
        return None
    user = get_user_model().objects.create_user(
        username=f"crawl-{role.name.lower()}", password="crawl-pass-123", is_staff=role.staff
    )
    if role.group:
        user.groups.add(Group.objects.get(name=role.group))
    if role.all_but_confidential:
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label__in=["sources", "people", "cases"]).exclude(
                codename__in=["view_confidential", "view_special_category"]
            )
        )
    return user


def crawl(role_name: str) -> CrawlResult:
    """Plant the data, crawl everything as ``role_name`` (once per test session), and sum it up."""
    if role_name in _results:
        return _results[role_name]
    role = ROLES[role_name]
    roles_sync()
    planted = plant()
    user = _user_for(role)
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    protected = planted.hidden_records(visible_levels=(PUBLIC,))
    crawler = Crawler(
        role=role.name,
        client=client,
        user=user,
        markers=planted.all_markers(),
        forbidden=planted.protected_markers(role.levels),
        hidden=planted.hidden_records(role.levels),
        protected=protected,
        names=planted.name_markers(),
        deletes_only=role.deletes_only,
    )
    started, cpu_started = time.monotonic(), time.process_time()
    crawl_admin(crawler)
    admin_urls, admin_seconds = len(crawler.urls), time.monotonic() - started
    crawl_api(crawler)
    if not role.deletes_only:
        crawl_imports(crawler, planted.public)
    seconds, cpu_seconds = time.monotonic() - started, time.process_time() - cpu_started
    result = CrawlResult(
        role=role.name,
        urls=len(crawler.urls),
        responses=crawler.responses,
        seconds=seconds,
        leaks=crawler.leaks,
        seen=dict(crawler.seen_markers),
        forbidden=crawler.forbidden,
        markers=planted.all_markers(),
        surfaces=dict(crawler.surfaces),
    )
    _results[role_name] = result
    summary = {
        "role": role.name,
        "database": connection.vendor,
        "urls": result.urls,
        "responses": result.responses,
        "admin_urls": admin_urls,
        "api_urls": result.urls - admin_urls,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1),
        "admin_seconds": round(admin_seconds, 1),
        "leaks": len(result.leaks),
        "distinct_leaks": len(distinct(result.leaks)),
    }
    print(f"\ncrawl {json.dumps(summary)}")
    _store(summary)
    return result


def _store(summary: dict) -> None:
    COUNTS.mkdir(parents=True, exist_ok=True)
    path = COUNTS / f"counts-{summary['database']}.json"
    counts = json.loads(path.read_text()) if path.exists() else {}
    counts[summary["role"]] = summary
    path.write_text(json.dumps(counts, indent=2, sort_keys=True) + "\n")


def distinct(leaks: list[Leak]) -> dict[tuple[str, str, str], list[Leak]]:
    """Leaks grouped by address pattern, level and marker."""
    groups: dict[tuple[str, str, str], list[Leak]] = defaultdict(list)
    for leak in leaks:
        groups[(leak.surface, leak.level, leak.marker)].append(leak)
    return groups


def leak_report(result: CrawlResult) -> str:
    groups = distinct(result.leaks)
    lines = [
        f"{len(result.leaks)} leaks ({len(groups)} distinct: address pattern, level, marker) as {result.role}, "
        f"in {result.urls} addresses / {result.responses} responses:"
    ]
    for (surface, level, marker), leaks in sorted(groups.items()):
        first = leaks[0]
        lines.append(
            f"- {surface} [{level}] {marker} ×{len(leaks)}: {first.method} {first.url} -> {first.status} "
            f"«{first.snippet}»"
        )
    return "\n".join(lines)


ROLE_NAMES = list(ROLES)


pytestmark = [
    pytest.mark.slow(seconds=120),
    pytest.mark.django_db,
    pytest.mark.usefixtures("_crawl_without_throttling", "_quiet_4xx"),
]


def reach_problems(role: Role, result: CrawlResult) -> list[str]:
    """What says the crawl did not really cover the site as ``role``."""
    problems = []
    if result.urls < role.minimum_urls:
        problems.append(
            f"the crawl covered only {result.urls} addresses as {role.name} (expected at least "
            f"{role.minimum_urls}): is discovery broken? Addresses per pattern: {json.dumps(result.surfaces)}"
        )
    unseen = sorted(m for m, level in result.markers.items() if level in role.levels and m not in result.seen)
    if unseen and not role.deletes_only:
        problems.append(
            f"records {role.name} may see were never shown to them: {unseen}. The crawl cannot find what it "
            "does not reach (or the site hides more than it should)."
        )
    return problems


# One test per role, so one crawl per role wherever pytest-xdist runs it (two tests sharing a crawl were
# crawled twice when they landed on different workers).
@pytest.mark.parametrize("role_name", ROLE_NAMES)
def test_crawl_reaches_every_surface_and_finds_no_leak(role_name):
    role = ROLES[role_name]
    result = crawl(role_name)
    problems = reach_problems(role, result)
    if result.leaks:
        problems.append(leak_report(result))
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)
