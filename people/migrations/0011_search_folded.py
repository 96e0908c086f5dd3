"""Search across scripts and spellings: the folded key of every name (casetracker.translit), backfilled."""

from django.db import migrations, models

from casetracker.search_text import backfill_folded_migration

# Existing rows get their folded key; on PostgreSQL a trigram index serves the substring match.
FILL_AND_INDEX = backfill_folded_migration(
    ("people", "person", "person_folded_trgm"), ("people", "organization", "organization_folded_trgm")
)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0010_translatable_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="search_folded",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The name and all its variants folded to one key across scripts and spellings (Козлов and Kozlov alike), for search. Maintained automatically.",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="search_folded",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The name and all its variants folded to one key across scripts and spellings (Козлов and Kozlov alike), for search. Maintained automatically.",
            ),
        ),
        migrations.RunPython(*FILL_AND_INDEX, elidable=False),
    ]
