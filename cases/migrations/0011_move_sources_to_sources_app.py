"""Source and Citation leave ``cases`` for the ``sources`` app (state only; the tables stay).

The foreign keys of event figures, allegations and status changes (and their histories) now
point at ``sources.Source``: the same table, so the database is not touched.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_tracked_model'),
        ('sources', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='historicalstatuschange',
                name='source',
                field=models.ForeignKey(blank=True, db_constraint=False, help_text='The document that reports the change. Required when no note is given.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sources.source'),
            ),
            migrations.AlterField(
                model_name='historicaleventfigure',
                name='source',
                field=models.ForeignKey(blank=True, db_constraint=False, help_text='The document making this claim.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sources.source'),
            ),
            migrations.AlterField(
                model_name='allegation',
                name='response_source',
                field=models.ForeignKey(blank=True, help_text='The document that reports the response.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='allegation_responses', to='sources.source'),
            ),
            migrations.AlterField(
                model_name='statuschange',
                name='source',
                field=models.ForeignKey(blank=True, help_text='The document that reports the change. Required when no note is given.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='status_changes', to='sources.source'),
            ),
            migrations.AlterField(
                model_name='eventfigure',
                name='source',
                field=models.ForeignKey(help_text='The document making this claim.', on_delete=django.db.models.deletion.PROTECT, related_name='figures', to='sources.source'),
            ),
            migrations.AlterField(
                model_name='historicalallegation',
                name='response_source',
                field=models.ForeignKey(blank=True, db_constraint=False, help_text='The document that reports the response.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sources.source'),
            ),
            migrations.AlterField(
                model_name='allegation',
                name='source',
                field=models.ForeignKey(help_text='The document that reports the claim.', on_delete=django.db.models.deletion.PROTECT, related_name='allegations', to='sources.source'),
            ),
            migrations.AlterField(
                model_name='historicalallegation',
                name='source',
                field=models.ForeignKey(blank=True, db_constraint=False, help_text='The document that reports the claim.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sources.source'),
            ),
            migrations.DeleteModel(
                name='Citation',
            ),
            migrations.DeleteModel(
                name='HistoricalCitation',
            ),
            migrations.DeleteModel(
                name='HistoricalSource',
            ),
            migrations.DeleteModel(
                name='Source',
            ),
            ],
            database_operations=[],
        ),
    ]
