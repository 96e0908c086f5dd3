"""Strip control characters from stored text (see casetracker.text); history included."""

from django.db import migrations

from casetracker.text import clean_stored_text


def clean(apps, schema_editor):
    clean_stored_text(apps, "people")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_visibility_publish_source_level"),
    ]

    operations = [
        migrations.RunPython(clean, migrations.RunPython.noop, elidable=True),
    ]
