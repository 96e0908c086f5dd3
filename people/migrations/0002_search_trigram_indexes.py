"""Trigram indexes for name search on PostgreSQL.

``Person.objects.search`` and ``Organization.objects.search`` (the API's ``q``)
filter ``search_text LIKE '%…%'``: without an index PostgreSQL reads every row
(about 50 ms per query at 100,000 persons). A GIN index with pg_trgm's
``gin_trgm_ops`` answers such a filter from the index, in any script.

PostgreSQL only: on SQLite nothing happens. The indexes are not declared in
the models' ``Meta`` (SQLite could not build them), so they live only here;
``RunPython`` carries no model state, so ``makemigrations`` stays clean.
``pg_trgm`` is a trusted extension (PostgreSQL 13+): the database owner may
create it without being a superuser.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("people_person", "person_search_trgm"),
    ("people_organization", "organization_search_trgm"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),  # does nothing on other databases
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
