"""Name search is served by trigram indexes on PostgreSQL (migrations people 0002, cases 0002)."""

import pytest
from django.db import connection

from cases.models import Place
from people.models import Organization, Person

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only"),
]

INDEXES = {"person_search_trgm", "organization_search_trgm", "place_search_trgm"}


def test_the_trigram_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(INDEXES)])
        assert {row[0] for row in cursor.fetchall()} == INDEXES


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: Person.objects.search("Сапарг").order_by(), "person_search_trgm"),
        (lambda: Organization.objects.search("court").order_by(), "organization_search_trgm"),
        (lambda: Place.objects.filter(search_text__contains="aktau").order_by(), "place_search_trgm"),
    ],
)
def test_substring_search_can_use_the_trigram_index(queryset, index):
    with connection.cursor() as cursor:
        # An empty test table is cheaper to scan, and a full walk of any b-tree index also avoids a
        # scan; forbid both, so that only an index that can serve the filter itself (a bitmap scan) remains.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        plan = queryset().explain()
    assert index in plan


FOLDED_INDEXES = {
    "person_folded_trgm",
    "organization_folded_trgm",
    "place_folded_trgm",
    "case_folded_trgm",
    "event_folded_trgm",
    "searchentry_folded_trgm",
}


def test_the_folded_key_trigram_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(FOLDED_INDEXES)])
        assert {row[0] for row in cursor.fetchall()} == FOLDED_INDEXES


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: Person.objects.filter(search_folded__contains="kozlov").order_by(), "person_folded_trgm"),
        (lambda: Place.objects.filter(search_folded__contains="aktau").order_by(), "place_folded_trgm"),
    ],
)
def test_folded_search_can_use_the_trigram_index(queryset, index):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        plan = queryset().explain()
    assert index in plan
