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


def _plan_nodes(queryset, *, incremental_sort: bool) -> list[dict]:
    """Every node of PostgreSQL's plan for ``queryset``, with sorting and table scans priced out (and
    incremental sorts too unless ``incremental_sort``): an ordering no index can give still comes out as a Sort."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        if not incremental_sort:
            cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found, nodes = [], [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        found.append(node)
        nodes += node.get("Plans", [])
    return found


def _index_names(queryset, *, incremental_sort: bool = False) -> set[str]:
    """The indexes the plan for ``queryset`` reads (:func:`_plan_nodes`); none when it sorts the rows."""
    nodes = _plan_nodes(queryset, incremental_sort=incremental_sort)
    if any(node["Node Type"] == "Sort" for node in nodes):
        return set()
    return {node.get("Index Name") for node in nodes} - {None}


@pytest.mark.parametrize(
    ("ordering", "index"), [("-term_months", "sentence_term_desc_idx"), ("term_months", "sentence_term_asc_idx")]
)
def test_the_sentence_list_ordered_by_term_reads_an_index(ordering, index):
    for term in (12, None, 90):
        SentenceFactory(term_months=term)
    page = SentenceFilterSet(data={"ordering": ordering}, queryset=Sentence.objects.all()).qs[:100]
    assert index in _index_names(page)


def test_the_summaries_first_page_for_a_reader_who_sees_only_visible_rows_walks_the_case_title_index():
    """Anonymous readers get only the sentences they may see, so nothing is masked and the default order
    (case title, case, person name, id) is the names themselves: the case title index gives the first two
    and only the rows of a page's cases are sorted by person (an incremental sort), not every sentence."""
    from django.contrib.auth.models import AnonymousUser

    from cases.selectors import sentence_summary_queryset

    for _ in range(3):
        SentenceFactory()
    page = sentence_summary_queryset(user=AnonymousUser())[:100]
    order_by = str(page.query).rsplit("ORDER BY", 1)[1]
    assert "CASE" not in order_by
    # the case title index, and no Sort of every row (an incremental sort within a case is allowed)
    assert "case_title_id_idx" in _index_names(page, incremental_sort=True)
