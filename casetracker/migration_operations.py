"""Migration operations of our own.

:class:`AlterFieldLabels`: the ``AlterField`` operations of one model that change only what a person reads
(``verbose_name``, ``help_text``, choices' labels), applied together. Django reloads a model's state, and
every model related to it, after each ``AlterField``: the migrations that made every label translatable held
357 of them, and replaying them was most of the time ``migrate`` took on an empty database (every test
database, every ``make run`` on a new machine). Together they give the same state and no SQL, and the model
is reloaded once. :func:`alter_field_labels_together` groups a generated migration's consecutive
``AlterField`` of one model.
"""

from __future__ import annotations

from django.db import migrations
from django.db.migrations.operations.base import Operation
from django.utils.functional import cached_property


class AlterFieldLabels(Operation):
    """Several ``AlterField`` of one model that change no column: one state reload instead of one each."""

    def __init__(self, model_name: str, operations: list[migrations.AlterField]):
        self.model_name = model_name
        self.operations = list(operations)
        super().__init__()

    @cached_property
    def model_name_lower(self) -> str:
        return self.model_name.lower()

    def state_forwards(self, app_label, state):
        # Each AlterField changes the state exactly as Django does; only the reload it asks for is held back
        # and done once, without delay if any of them asked for that (a relation or a referenced field).
        delays: list[bool] = []
        state.reload_model = lambda app, model, delay=False: delays.append(delay)
        try:
            for operation in self.operations:
                operation.state_forwards(app_label, state)
        finally:
            del state.reload_model
        state.reload_model(app_label, self.model_name_lower, delay=all(delays))

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        from_model = from_state.apps.get_model(app_label, self.model_name)
        to_model = to_state.apps.get_model(app_label, self.model_name)
        for operation in self.operations:
            old, new = from_model._meta.get_field(operation.name), to_model._meta.get_field(operation.name)
            if schema_editor._field_should_be_altered(old, new):
                raise ValueError(
                    f"{app_label}.{self.model_name}.{operation.name} changes its column: AlterFieldLabels is for "
                    "changes no database sees. Use migrations.AlterField for it."
                )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self.database_forwards(app_label, schema_editor, to_state, from_state)

    def describe(self) -> str:
        return f"Alter the labels of {len(self.operations)} fields of {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"alter_{self.model_name_lower}_labels"

    def references_model(self, name, app_label):
        return any(operation.references_model(name, app_label) for operation in self.operations)

    def references_field(self, model_name, name, app_label):
        return any(operation.references_field(model_name, name, app_label) for operation in self.operations)


def alter_field_labels_together(operations: list[Operation]) -> list[Operation]:
    """``operations`` with each run of consecutive ``AlterField`` of one model made one :class:`AlterFieldLabels`."""
    grouped: list[Operation] = []
    for operation in operations:
        previous = grouped[-1] if grouped else None
        if isinstance(operation, migrations.AlterField):
            if isinstance(previous, AlterFieldLabels) and previous.model_name_lower == operation.model_name_lower:
                previous.operations.append(operation)
                continue
            operation = AlterFieldLabels(operation.model_name, [operation])
        grouped.append(operation)
    return grouped
