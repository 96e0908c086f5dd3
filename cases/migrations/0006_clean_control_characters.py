"""Strip control characters from stored text (see casetracker.text); history and the admin log included.

The admin log repeats each record's name (``object_repr``): a name with a control character
there would still stop the ``dumpdata`` backup.
"""

from django.db import migrations

from casetracker.text import clean_stored_text


def clean(apps, schema_editor):
    clean_stored_text(apps, "cases", extra_models=(("admin", "LogEntry"),))


class Migration(migrations.Migration):
    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("cases", "0005_visibility_publish_source_level"),
        ("people", "0006_clean_control_characters"),
    ]

    operations = [
        migrations.RunPython(clean, migrations.RunPython.noop, elidable=True),
    ]
