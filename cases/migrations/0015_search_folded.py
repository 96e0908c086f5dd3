"""Search across scripts and spellings: the folded key of every name and title (casetracker.translit), backfilled."""

from django.db import migrations, models

from casetracker.search_text import backfill_folded_migration

# Existing rows get their folded key; on PostgreSQL a trigram index serves the substring match.
FILL_AND_INDEX = backfill_folded_migration(
    ("cases", "place", "place_folded_trgm"),
    ("cases", "case", "case_folded_trgm"),
    ("cases", "event", "event_folded_trgm"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_translatable_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="search_folded",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The title folded to one key across scripts and spellings, for search. Maintained automatically.",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="search_folded",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The title folded to one key across scripts and spellings, for search. Maintained automatically.",
            ),
        ),
        migrations.AddField(
            model_name="place",
            name="search_folded",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The name and all its variants folded to one key across scripts and spellings (Козлов and Kozlov alike), for search. Maintained automatically.",
            ),
        ),
        migrations.RunPython(*FILL_AND_INDEX, elidable=False),
    ]
