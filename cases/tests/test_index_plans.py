"""The orderings a list offers are served by an index on PostgreSQL (its first page is not a sort of the table)."""

import json

import pytest
from django.db import connection

from cases.filtersets import SentenceFilterSet
from cases.models import Sentence
from cases.tests.factories import SentenceFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's"),
]


def _index_names(queryset) -> set[str]:
    """The indexes PostgreSQL's plan for ``queryset`` reads, with sorting and table scans priced out:
    an ordering no index can give still comes out as a Sort (and so no index named here)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    names, nodes = set(), [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        if node["Node Type"] == "Sort":
            return set()
        names.add(node.get("Index Name"))
        nodes += node.get("Plans", [])
    return names - {None}


@pytest.mark.parametrize(
    ("ordering", "index"), [("-term_months", "sentence_term_desc_idx"), ("term_months", "sentence_term_asc_idx")]
)
def test_the_sentence_list_ordered_by_term_reads_an_index(ordering, index):
    for term in (12, None, 90):
        SentenceFactory(term_months=term)
    page = SentenceFilterSet(data={"ordering": ordering}, queryset=Sentence.objects.all()).qs[:100]
    assert index in _index_names(page)
