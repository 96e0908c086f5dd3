"""PostgreSQL: the search vector stored in a generated column, and the GIN index on it.

Ranking (``ts_rank``) reads each matching row's vector: computed on the fly from ``text``
(migration 0004's expression index) that re-tokenises every matching document per query,
seconds for a common word over 10,000 documents. A stored generated column is tokenised
once, when the row is written. Django does not know the column (SQLite has none); the
search query names it on PostgreSQL only (``sources.search``).
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE sources_searchentry ADD COLUMN IF NOT EXISTS vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, text)) STORED"
    )
    schema_editor.execute("DROP INDEX IF EXISTS searchentry_text_fts")
    schema_editor.execute("CREATE INDEX IF NOT EXISTS searchentry_vector_gin ON sources_searchentry USING gin (vector)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS searchentry_vector_gin")
    schema_editor.execute("ALTER TABLE sources_searchentry DROP COLUMN IF EXISTS vector")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS searchentry_text_fts ON sources_searchentry "
        "USING gin (to_tsvector('simple'::regconfig, text))"
    )


class Migration(migrations.Migration):
    dependencies = [("sources", "0004_search_gin_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
