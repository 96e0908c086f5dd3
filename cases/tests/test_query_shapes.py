"""Query shapes the benchmark depends on (bench/): no DISTINCT on choice filters, search matches sorted, not scanned,
and exports built from plain values."""

import datetime
import gc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.selectors import sentence_summary_page, sentence_summary_queryset, summary_rows_from
from cases.tests.api_data import client_for
from cases.tests.factories import DefendantFactory, SentenceFactory
from cases.tests.summary_data import build_seed_like
from people.models import Person
from people.tests.factories import PersonFactory, PersonNameFactory

pytestmark = pytest.mark.django_db


def _statements(path: str) -> list[str]:
    client = client_for(None)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sentences/?kind=imprisonment&status=serving",
        "/api/v1/defendants/?status=detained&status=convicted",
        "/api/v1/persons/?kind=individual",
        "/api/v1/cases/?kind=criminal",
    ],
)
def test_choice_filters_on_a_records_own_column_add_no_distinct(path):
    SentenceFactory()
    DefendantFactory(status="detained")

    statements = _statements(path)

    assert statements
    assert not any("DISTINCT" in sql for sql in statements), statements


def test_search_results_are_ranked_then_in_the_default_name_order_sorted_by_the_database():
    for name in ("Zhanar Abilova", "Marat Zhanarbekov", "Aidos Zhanarov", "Bolat Amanov"):
        PersonFactory(name=name)
    PersonNameFactory(person=PersonFactory(name="Asel Nurlanova"), name="Жанар-Асель", language="ru")

    response = client_for(None).get("/api/v1/persons/", {"q": "zhanar"})
    by_search = [row["name"] for row in response.json()["results"]]

    # A name starting with it, then names holding it (in name order), then a match only across scripts.
    assert by_search == ["Zhanar Abilova", "Aidos Zhanarov", "Marat Zhanarbekov", "Asel Nurlanova"]
    by_cyrillic = [row["name"] for row in client_for(None).get("/api/v1/persons/", {"q": "жанар"}).json()["results"]]
    assert by_cyrillic == ["Asel Nurlanova", "Aidos Zhanarov", "Marat Zhanarbekov", "Zhanar Abilova"]


def test_search_orders_by_an_expression_so_no_name_index_walk_is_planned():
    PersonFactory(name="Zhanar Abilova")

    statements = _statements("/api/v1/persons/?q=zhanar")
    # The page's own query (the bounded count, also limited, has no order).
    page = next(
        sql for sql in statements if "LIMIT" in sql and "ORDER BY" in sql and "people_person" in sql.split("FROM")[1]
    )

    order_by = page.split("ORDER BY")[1]
    assert "||" in order_by  # name || '': the same order, but not the (name, id) index


def test_an_explicit_ordering_still_wins_over_the_search_order():
    for name in ("Zhanar Abilova", "Aidos Zhanarov"):
        PersonFactory(name=name)

    response = client_for(None).get("/api/v1/persons/", {"q": "zhanar", "ordering": "-name"})

    assert [row["name"] for row in response.json()["results"]] == ["Zhanar Abilova", "Aidos Zhanarov"]


def test_sorting_matches_leaves_other_orderings_alone():
    from casetracker.api.filters import sort_matches_in_database

    ordered = Person.objects.order_by("-id")
    assert sort_matches_in_database(ordered) is ordered
    defendants = DefendantFactory._meta.model.objects.all()  # ordered across relations: left as it is
    assert sort_matches_in_database(defendants) is defendants


def test_export_rows_from_plain_values_equal_rows_from_model_instances(staff_user, senior_user):
    build_seed_like()
    SentenceFactory(
        kind="fine", term_months=None, term_qualifier="", fine_amount="150000.50", fine_currency="KZT", trial=None
    )
    as_of = datetime.date(2026, 1, 1)
    threshold = gc.get_threshold()
    for user in (None, staff_user, senior_user):
        queryset = sentence_summary_queryset(user=user)
        from_models = sentence_summary_page(sentences=queryset, user=user, as_of=as_of)
        from_values = list(summary_rows_from(queryset, user=user, as_of=as_of, chunk_size=2))
        assert from_values == from_models
        assert len(from_values) >= 2
    assert gc.get_threshold() == threshold  # the export gave the collector its thresholds back
