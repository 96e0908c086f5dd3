"""Exports without server-side cursors (PgBouncer in transaction mode): keyset chunks, same rows, same order."""

import pytest
from django.db import connection

from cases.selectors import sentence_summary_queryset, sentence_summary_rows
from cases.summaries import SUMMARY_VALUES
from cases.tests.factories import DefendantFactory, SentenceFactory
from casetracker.choices import Confidentiality
from casetracker.db import keyset_rows, server_side_cursors, streamed_rows

pytestmark = pytest.mark.django_db

ORDERINGS = [None, "-term_months", "case", "-person", "-verdict_date,kind", "expected_end"]


@pytest.fixture
def sentences():
    """Ties, NULLs and a masked (confidential) row, so every kind of sort key is crossed."""
    made = []
    for index in range(23):
        defendant = DefendantFactory()
        if index % 7 == 0:
            defendant.person.confidentiality = Confidentiality.CONFIDENTIAL
            defendant.person.save()
        made.append(
            SentenceFactory(
                defendant=defendant,
                term_months=None if index % 4 == 0 else 12 * (index % 5),
                expected_end=None if index % 3 else f"20{14 + index % 6}",
            )
        )
    return made


@pytest.mark.parametrize("ordering", ORDERINGS)
@pytest.mark.parametrize("chunk_size", [1, 4])
def test_keyset_chunks_give_the_cursor_rows_in_the_same_order(sentences, ordering, chunk_size):
    queryset = sentence_summary_queryset(filters={"ordering": ordering} if ordering else None)
    expected = list(queryset.values_list(*SUMMARY_VALUES))
    assert len(expected) > len(sentences) // 2  # the confidential ones are left out (anonymous)
    assert list(keyset_rows(queryset, SUMMARY_VALUES, chunk_size=chunk_size)) == expected


def test_the_export_pages_by_key_when_server_side_cursors_are_off(sentences, monkeypatch, django_assert_num_queries):
    with_cursor = list(sentence_summary_rows(filters={"ordering": "-term_months"}, chunk_size=5))
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    if connection.vendor == "postgresql":
        assert not server_side_cursors("default")
    chunks = -(-len(with_cursor) // 5)
    if connection.vendor == "postgresql":
        # One query per chunk of 5 (and one finding nothing after a full last chunk), each chunk with
        # its three queries for charges, sources and recognitions.
        queries = chunks + (len(with_cursor) % 5 == 0) + 3 * chunks
    else:
        # SQLite has no server-side cursors to switch off: its iterator already fetches in chunks.
        assert server_side_cursors("default")
        queries = 1 + 3 * chunks
    with django_assert_num_queries(queries):
        without = list(sentence_summary_rows(filters={"ordering": "-term_months"}, chunk_size=5))
    assert without == with_cursor


def test_streamed_rows_use_the_cursor_when_there_is_one(sentences):
    queryset = sentence_summary_queryset()
    rows = streamed_rows(queryset, SUMMARY_VALUES, chunk_size=3)
    assert list(rows) == list(queryset.values_list(*SUMMARY_VALUES))
