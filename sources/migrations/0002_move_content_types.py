"""The content types of the moved models follow them: ``cases.source`` becomes ``sources.source``, etc.

The row keeps its id, so everything that points at it keeps working: permissions (and the groups
and users they are given to), admin log entries, and citations whose record is a source (a
generic foreign key). Where a ``sources`` row was already made (``migrate`` stopped between the
move and this migration, and its post-migrate step created fresh content types and permissions),
that fresh row, which nothing but its automatic permissions uses, gives way to the old one.
"""

from django.db import migrations

MOVED = ("source", "citation", "historicalsource", "historicalcitation")


def _move(apps, schema_editor, old_label, new_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for model in MOVED:
        old = ContentType.objects.using(db).filter(app_label=old_label, model=model).first()
        if old is None:
            continue  # a database that never had it (it is created on demand)
        fresh = ContentType.objects.using(db).filter(app_label=new_label, model=model).first()
        if fresh is not None:
            Permission.objects.using(db).filter(content_type=fresh).delete()
            fresh.delete()
        old.app_label = new_label
        old.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _move(apps, schema_editor, "cases", "sources")


def backwards(apps, schema_editor):
    _move(apps, schema_editor, "sources", "cases")


class Migration(migrations.Migration):

    dependencies = [
        ("sources", "0001_initial"),
        ("cases", "0011_move_sources_to_sources_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
