"""Drop DRF's old token table (``rest_framework.authtoken``), which kept every token in clear.

casetracker now issues hashed, expiring tokens (django-rest-knox); the old ones stopped working
when ``rest_framework.authtoken`` left INSTALLED_APPS, but a database copied or backed up
afterwards would still carry them. Their migration records and content type go too, so nothing
refers to the table. Nothing to undo: the old tokens are not coming back.
"""

from django.db import migrations

OLD_TABLE = "authtoken_token"


def drop_plaintext_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(OLD_TABLE)}")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])
    apps.get_model("contenttypes", "ContentType").objects.using(connection.alias).filter(
        app_label="authtoken"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(drop_plaintext_tokens, migrations.RunPython.noop, elidable=True)]
