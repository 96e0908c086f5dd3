"""PostgreSQL: Django's client-side binding cursor, whose repeated statements psycopg may prepare."""

from django.db.backends.postgresql.base import Cursor
from psycopg.pq import Format


class PreparingCursor(Cursor):
    """Django's client-side binding cursor, whose statements psycopg may prepare.

    Django's cursor merges the values into the statement's text and sends it as a simple query, which
    psycopg never prepares; so every request had PostgreSQL plan its count, its page and its citations
    again, though the text was the same. This cursor lets psycopg's prepared-statement manager count each
    text and prepare it once it repeats (its ``prepare_threshold``): the statement is parsed and planned
    once per connection. The values are in the text, so the plan is the one for those values (never a
    generic plan); texts that differ per request (a page's ids) are never prepared. Private psycopg API
    (pinned in requirements.txt); covered by ``casetracker/tests/test_prepared_statements.py``.
    Installed by :func:`casetracker.db.prepare_repeated_statements`.
    """

    def _get_prepared(self, pgq, prepare=None):
        if self._conn._pipeline:
            return super()._get_prepared(pgq, prepare)  # never prepared (pipelines are not used)
        return self._conn._prepared.get(pgq, prepare)

    def _send_query_prepared(self, name, pgq, *, binary=None):
        # The values are already in the prepared text: bind none (text results, as before).
        self._query = pgq  # what Django reports as the query run (connection.queries, query capture)
        self._pgconn.send_query_prepared(name, None, result_format=Format.TEXT)
