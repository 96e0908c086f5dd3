"""A trigram index for place search on PostgreSQL (see people/migrations/0002_search_trigram_indexes.py).

PostgreSQL only; nothing happens on SQLite, and no model state changes.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS place_search_trgm ON cases_place USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS place_search_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("people", "0002_search_trigram_indexes"),  # creates the pg_trgm extension
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
