"""Indexes for the sentence list's term orderings on PostgreSQL.

``?ordering=term_months`` and ``-term_months`` order by the term with empty terms last, then
by id (``casetracker.api.filters.StableOrderingFilter``); these indexes match that order
exactly, so the first page is read from an index instead of sorting the whole table
(``cases/tests/test_index_plans.py``). SQLite cannot put ``NULLS LAST`` in an index: nothing
happens there, and no model state changes.
"""

from django.db import migrations

INDEXES = {
    "sentence_term_asc_idx": '"term_months" ASC NULLS LAST, "id"',
    "sentence_term_desc_idx": '"term_months" DESC NULLS LAST, "id"',
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "cases_sentence" ({columns})')


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_search_folded"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
