"""Source and Citation (and their histories) move here from ``cases``, keeping their tables.

State only: the tables ``cases_source``, ``cases_citation``, ``cases_historicalsource`` and
``cases_historicalcitation`` stay as they are (the models keep those names), so an existing
database loses nothing and no row is copied. ``cases`` 0011 drops the models from its own state;
0002 here moves their content types, which permissions, admin log entries and citations of
sources point at.
"""

import casetracker.approximate_dates
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0010_tracked_model'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Source',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created', models.DateTimeField(auto_now_add=True, help_text='When the record was created.')),
                    ('updated', models.DateTimeField(auto_now=True, help_text='When the record was last changed.')),
                    ('title', models.CharField(help_text="The document's title, or a short neutral description where it has none.", max_length=500)),
                    ('kind', models.CharField(choices=[('article', 'News article'), ('report', 'Report'), ('verdict', 'Court verdict or judgment'), ('interview', 'Interview or testimony'), ('statement', 'Official statement'), ('video', 'Video'), ('other', 'Other document')], default='article', help_text='What sort of document this is.', max_length=12)),
                    ('publisher', models.CharField(blank=True, help_text='Who published it (outlet, court, organisation), if the document says.', max_length=300)),
                    ('author', models.CharField(blank=True, help_text='Author(s), if named.', max_length=300)),
                    ('url', models.URLField(blank=True, help_text='Where it can be read online, if anywhere.', max_length=1000)),
                    ('reference', models.CharField(blank=True, help_text='An archive reference or file name that locates the document, e.g. a case number.', max_length=300)),
                    ('published', casetracker.approximate_dates.ApproximateDateField(blank=True, help_text='When it was published, at the precision known (YYYY, YYYY-MM or YYYY-MM-DD).', null=True)),
                    ('language', models.CharField(blank=True, help_text="Language of the document, e.g. 'en', 'ru'.", max_length=35)),
                    ('notes', models.TextField(blank=True, help_text='Anything a reader should know about the document: how its date was established, its reliability.')),
                    ('confidentiality', models.CharField(choices=[('public', 'Public'), ('restricted', 'Restricted (staff only)'), ('confidential', 'Confidential (authorised staff only)')], db_index=True, default='public', help_text='Public sources are shown to everyone; restricted ones to signed-in staff; confidential ones (an interview with a witness, a document that names one) only to staff allowed to see confidential records. A citation is as protected as the more protected of its source and the record it cites.', max_length=12)),
                    ('synthetic', models.BooleanField(db_index=True, default=False, editable=False, help_text="Made by the synthetic data generator for load testing; never a real record. Removed with 'manage.py seed_synthetic --delete'.")),
                ],
                options={
                    'db_table': 'cases_source',
                    'ordering': ['title', 'id'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalSource',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('created', models.DateTimeField(blank=True, editable=False, help_text='When the record was created.')),
                    ('updated', models.DateTimeField(blank=True, editable=False, help_text='When the record was last changed.')),
                    ('title', models.CharField(help_text="The document's title, or a short neutral description where it has none.", max_length=500)),
                    ('kind', models.CharField(choices=[('article', 'News article'), ('report', 'Report'), ('verdict', 'Court verdict or judgment'), ('interview', 'Interview or testimony'), ('statement', 'Official statement'), ('video', 'Video'), ('other', 'Other document')], default='article', help_text='What sort of document this is.', max_length=12)),
                    ('publisher', models.CharField(blank=True, help_text='Who published it (outlet, court, organisation), if the document says.', max_length=300)),
                    ('author', models.CharField(blank=True, help_text='Author(s), if named.', max_length=300)),
                    ('url', models.URLField(blank=True, help_text='Where it can be read online, if anywhere.', max_length=1000)),
                    ('reference', models.CharField(blank=True, help_text='An archive reference or file name that locates the document, e.g. a case number.', max_length=300)),
                    ('published', casetracker.approximate_dates.ApproximateDateField(blank=True, help_text='When it was published, at the precision known (YYYY, YYYY-MM or YYYY-MM-DD).', null=True)),
                    ('language', models.CharField(blank=True, help_text="Language of the document, e.g. 'en', 'ru'.", max_length=35)),
                    ('notes', models.TextField(blank=True, help_text='Anything a reader should know about the document: how its date was established, its reliability.')),
                    ('confidentiality', models.CharField(choices=[('public', 'Public'), ('restricted', 'Restricted (staff only)'), ('confidential', 'Confidential (authorised staff only)')], db_index=True, default='public', help_text='Public sources are shown to everyone; restricted ones to signed-in staff; confidential ones (an interview with a witness, a document that names one) only to staff allowed to see confidential records. A citation is as protected as the more protected of its source and the record it cites.', max_length=12)),
                    ('synthetic', models.BooleanField(db_index=True, default=False, editable=False, help_text="Made by the synthetic data generator for load testing; never a real record. Removed with 'manage.py seed_synthetic --delete'.")),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.TextField(null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'historical source',
                    'verbose_name_plural': 'historical sources',
                    'db_table': 'cases_historicalsource',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalCitation',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('created', models.DateTimeField(blank=True, editable=False, help_text='When the record was created.')),
                    ('updated', models.DateTimeField(blank=True, editable=False, help_text='When the record was last changed.')),
                    ('object_id', models.PositiveBigIntegerField(help_text='The id of the record the citation supports.')),
                    ('excerpt', models.TextField(help_text='The exact words of the source that support the record: one phrase, at most 30 words. Never a whole paragraph.', max_length=300)),
                    ('locator', models.CharField(blank=True, help_text='Where in the document: page, paragraph or timestamp.', max_length=100)),
                    ('note', models.CharField(blank=True, help_text='What the passage supports, if not obvious.', max_length=500)),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.TextField(null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('content_type', models.ForeignKey(blank=True, db_constraint=False, help_text='The kind of record the citation supports.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='contenttypes.contenttype')),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('source', models.ForeignKey(blank=True, db_constraint=False, help_text='The document cited.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sources.source')),
                ],
                options={
                    'verbose_name': 'historical citation',
                    'verbose_name_plural': 'historical citations',
                    'db_table': 'cases_historicalcitation',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='Citation',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created', models.DateTimeField(auto_now_add=True, help_text='When the record was created.')),
                    ('updated', models.DateTimeField(auto_now=True, help_text='When the record was last changed.')),
                    ('object_id', models.PositiveBigIntegerField(help_text='The id of the record the citation supports.')),
                    ('excerpt', models.TextField(help_text='The exact words of the source that support the record: one phrase, at most 30 words. Never a whole paragraph.', max_length=300)),
                    ('locator', models.CharField(blank=True, help_text='Where in the document: page, paragraph or timestamp.', max_length=100)),
                    ('note', models.CharField(blank=True, help_text='What the passage supports, if not obvious.', max_length=500)),
                    ('content_type', models.ForeignKey(help_text='The kind of record the citation supports.', on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype')),
                    ('source', models.ForeignKey(help_text='The document cited.', on_delete=django.db.models.deletion.PROTECT, related_name='citations', to='sources.source')),
                ],
                options={
                    'db_table': 'cases_citation',
                    'ordering': ['id'],
                    'indexes': [models.Index(fields=['content_type', 'object_id'], name='citation_target_idx')],
                },
            ),
            ],
            database_operations=[],
        ),
    ]
