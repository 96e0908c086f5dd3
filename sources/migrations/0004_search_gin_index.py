"""A GIN index for full-text search on PostgreSQL (see sources/search.py).

Built on exactly the expression the search query uses, ``to_tsvector('simple', text)``, so the
planner answers ``@@`` from it. SQLite has no such index; search there is a substring match.
"""

from django.db import migrations

INDEX = "searchentry_text_fts"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON sources_searchentry USING gin (to_tsvector('simple'::regconfig, text))"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("sources", "0003_documents_search")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
