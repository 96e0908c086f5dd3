"""Every list endpoint answers a page of 50 records with as many queries as a page of 1.

The data is built once for every list (one graph of related records, then 49 more) and each list is
measured at both sizes, for an anonymous client and for senior staff; the measuring runs in one
transaction that is rolled back, so nothing is left for other tests. Building fifty graphs per list
took about 45 s a list; built once, the whole module takes about as long as one list did.
"""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from cases.tests.api_data import LIST_ENDPOINTS, client_for, make_graph

# The tests themselves only compare numbers; the mark makes pytest-django set up the test database.
pytestmark = pytest.mark.django_db

READERS = ("anonymous", "senior staff")


@dataclass(frozen=True)
class Page:
    queries: int
    status: int
    rows: int
    start: bytes


def measure(client, url) -> Page:
    """One page: its queries, leaving out the shared cache's (throttle counts, expiry clean-up): they are
    per request, not per row, and their number depends on the clock."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    queries = [query for query in context.captured_queries if "casetracker_cache" not in query["sql"]]
    rows = len(response.json()["results"]) if response.status_code == 200 else 0
    return Page(len(queries), response.status_code, rows, response.content[:500])


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker):
    """{(resource, reader): (page with 1 graph, page with 50 graphs)} for every list, measured in a
    transaction rolled back at the end."""
    # Hundreds of anonymous requests in a row: more than the anonymous rate allows.
    unthrottled = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None}}
    with django_db_blocker.unblock(), override_settings(REST_FRAMEWORK=unthrottled):
        cache.clear()
        one, fifty = _measure_every_list()
        cache.clear()
    return {key: (one[key], fifty[key]) for key in one}


def _measure_every_list():
    with transaction.atomic():
        senior = get_user_model().objects.create_user(username="senior-counts", is_staff=True)
        senior.user_permissions.set(
            Permission.objects.filter(content_type__app_label__in=["sources", "people", "cases"])
        )
        clients = {"anonymous": client_for(None), "senior staff": client_for(senior)}
        urls = {resource: f"/api/v1/{resource}/?page_size=500" for resource in LIST_ENDPOINTS}
        make_graph()
        for url in urls.values():
            for client in clients.values():
                client.get(url)  # warm caches (content types, tokens) that are not per-page work
        one = {
            (resource, who): measure(client, url) for resource, url in urls.items() for who, client in clients.items()
        }
        for _ in range(49):
            make_graph()
        fifty = {
            (resource, who): measure(client, url) for resource, url in urls.items() for who, client in clients.items()
        }
        transaction.set_rollback(True)
    return one, fifty


@pytest.mark.parametrize("resource", list(LIST_ENDPOINTS))
def test_list_query_count_does_not_grow_with_rows(resource, pages):
    for who in READERS:
        page_one, page_fifty = pages[resource, who]
        assert page_one.status == page_fifty.status == 200, (resource, who, page_one.start, page_fifty.start)
        assert page_one.rows >= 1, (resource, who)
        assert page_fifty.rows >= min(50 * page_one.rows, 500), (resource, who)
        print(f"query count {resource} as {who}: {page_one.queries} (1 graph) / {page_fifty.queries} (50 graphs)")
        assert page_fifty.queries == page_one.queries, (
            f"{resource} as {who}: {page_one.queries} queries for {page_one.rows} rows but "
            f"{page_fifty.queries} for {page_fifty.rows}; prefetch in the viewset's queryset."
        )
