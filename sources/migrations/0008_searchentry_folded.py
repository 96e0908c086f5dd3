"""Search across scripts and spellings: each search entry's text folded (casetracker.translit), backfilled;
on PostgreSQL a trigram index serves ``folded LIKE '%…%'``."""

from django.db import migrations, models

from casetracker.translit import fold_words


def fill_and_index(apps, schema_editor):
    entry = apps.get_model("sources", "SearchEntry")
    batch = []
    for row in entry.objects.only("pk", "text").order_by("pk").iterator(chunk_size=500):
        row.folded = " ".join(fold_words(row.text))
        batch.append(row)
        if len(batch) >= 500:
            entry.objects.bulk_update(batch, ["folded"])
            batch = []
    entry.objects.bulk_update(batch, ["folded"])
    if schema_editor.connection.vendor == "postgresql":
        # pg_trgm is a trusted extension (PostgreSQL 13+); people.0002 creates it too. Not an operation of its
        # own: TrigramExtension's reverse would query pg_extension on SQLite when this app is migrated back.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS searchentry_folded_trgm ON sources_searchentry USING gin (folded gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS searchentry_folded_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0007_translatable_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="folded",
            field=models.TextField(
                blank=True,
                default="",
                help_text="The text's words folded to one spelling across scripts (Козлов and Kozlov alike), for search (casetracker.translit).",
            ),
        ),
        migrations.RunPython(fill_and_index, drop_index, elidable=False),
    ]
