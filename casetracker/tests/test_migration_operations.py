"""``AlterFieldLabels`` (casetracker.migration_operations): the state of ``AlterField`` one by one, reloaded once."""

import pytest
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from casetracker.migration_operations import AlterFieldLabels, alter_field_labels_together

GROUPED = [
    ("cases", "0014_translatable_names"),
    ("people", "0010_translatable_names"),
    ("sources", "0007_translatable_names"),
]


def fields_of(state) -> dict:
    return {
        key: {name: field.deconstruct()[1:] for name, field in model.fields.items()}
        for key, model in state.models.items()
    }


@pytest.mark.parametrize("key", GROUPED, ids=["/".join(key) for key in GROUPED])
def test_grouped_label_changes_give_the_state_of_one_alterfield_each(key):
    loader = MigrationLoader(None, ignore_no_migrations=True)
    migration = loader.graph.nodes[key]
    assert any(isinstance(operation, AlterFieldLabels) for operation in migration.operations)
    before = loader.project_state(
        loader.graph.node_map[key].parents and [p.key for p in loader.graph.node_map[key].parents]
    )

    grouped = before.clone()
    for operation in migration.operations:
        operation.state_forwards(key[0], grouped)
    one_by_one = before.clone()
    for operation in migration.operations:
        for single in operation.operations if isinstance(operation, AlterFieldLabels) else [operation]:
            single.state_forwards(key[0], one_by_one)

    assert fields_of(grouped) == fields_of(one_by_one) != fields_of(before)
    # The rendered models are the new ones too (a related model's reverse relation reads the new labels).
    for model_key in grouped.models:
        if model_key[0] == key[0]:
            rendered = grouped.apps.get_model(*model_key)
            expected = one_by_one.apps.get_model(*model_key)
            assert [f.verbose_name for f in rendered._meta.fields] == [f.verbose_name for f in expected._meta.fields]


def test_consecutive_alterfields_of_one_model_are_grouped_in_order():
    operations = [
        migrations.AlterField("case", "title", models.CharField(max_length=10, verbose_name="a")),
        migrations.AlterField("case", "summary", models.TextField(verbose_name="b")),
        migrations.AlterModelOptions("case", {"verbose_name": "case"}),
        migrations.AlterField("case", "title", models.CharField(max_length=10, verbose_name="c")),
        migrations.AlterField("trial", "court", models.CharField(max_length=10, verbose_name="d")),
    ]
    grouped = alter_field_labels_together(operations)
    assert [type(operation).__name__ for operation in grouped] == [
        "AlterFieldLabels",
        "AlterModelOptions",
        "AlterFieldLabels",
        "AlterFieldLabels",
    ]
    assert [operation.name for operation in grouped[0].operations] == ["title", "summary"]


def test_a_change_of_column_is_refused_with_what_to_use_instead():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    before = loader.project_state(("cases", "0014_translatable_names"))
    operation = AlterFieldLabels(
        "Case", [migrations.AlterField("case", "title", models.CharField(max_length=7, verbose_name="title"))]
    )
    after = before.clone()
    operation.state_forwards("cases", after)
    editor = connection.schema_editor(collect_sql=True)  # not entered: nothing is run, only compared
    with pytest.raises(ValueError, match="cases.Case.title changes its column.*Use migrations.AlterField"):
        operation.database_forwards("cases", editor, before, after)
