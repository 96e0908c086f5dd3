"""Search entries store their record's level by the visibility rule (indexed), so a restricted reader's
search narrows by ``level IN (…)`` instead of an EXISTS query per matching entry (issue 13: 7 s over
10,000 documents for staff without the confidential permission)."""

from django.db import migrations, models, transaction


def fill_levels(apps, schema_editor):
    # New entries start "confidential" (hidden from all but authorised staff) until their level is computed.
    # Existing entries get theirs from the rule, with today's models: if that cannot run at this point of an
    # old database's upgrade, they stay hidden and `manage.py rebuild_search_index` computes them.
    if not apps.get_model("sources", "SearchEntry").objects.exists():
        return
    from sources.search import relevel, searchables

    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            for searchable in searchables():
                relevel(searchable, searchable.model._base_manager.values("pk"))
    except Exception as error:  # noqa: BLE001 - any failure leaves the safe default in place
        print(f"\n  Search levels not computed ({error}); run `manage.py rebuild_search_index` after migrating.")


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0005_search_vector_column"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="level",
            field=models.CharField(
                choices=[
                    ("public", "Public"),
                    ("restricted", "Restricted (staff only)"),
                    ("confidential", "Confidential (authorised staff only)"),
                ],
                db_index=True,
                default="confidential",
                help_text=(
                    "The record's level by the visibility rule (the most protected of its own and its "
                    "protectors'), kept in step when they change, so search narrows by an index, not by a "
                    "query per hit."
                ),
                max_length=20,
            ),
        ),
        migrations.RunPython(fill_levels, migrations.RunPython.noop),
    ]
