"""The import machinery every kind shares: a run, its rows' results, and the generic upsert.

A run reads a sheet row by row. For each row it reads the cells (:mod:`imports.cells`), finds the
record the row is about (its ``external_id``, else a natural key where one is safe), applies the
cells to it, validates it with the model's own ``full_clean()`` (or the service that owns the write),
and reports the row as new, changed (column by column, old → new), unchanged or in error. Nothing
here knows a model: the kinds (:mod:`imports.kinds`) say which columns a kind has and how it finds
its records.

Every lookup of an existing record goes through the one visibility rule
(``casetracker.visibility.restrict``): a row that names a record the user may not see reads as
naming no record at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_lazy

from casetracker.approximate_dates import ApproximateDate
from casetracker.choices import Confidentiality
from casetracker.visibility import LEVEL_FIELD, VIEW_CONFIDENTIAL, can_publish, level_change_error, restrict

from . import cells
from .cells import CellError

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"
ERROR = "error"
STATUSES = (NEW, CHANGED, UNCHANGED, ERROR)

#: Rows per query when records are looked up in bulk (well under SQLite's limit on query parameters).
CHUNK = 500


@dataclass
class Issue:
    """One thing wrong with a row: the column (``None`` for the row as a whole) and what is wrong."""

    row: int
    column: str | None
    message: str

    def __str__(self):
        if self.column is None:
            return gettext("row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return gettext("row %(row)d, column `%(column)s`: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Change:
    column: str
    old: str
    new: str


@dataclass
class RowResult:
    """What a row does (or would do): new, changed, unchanged, or an error, with its changes or errors."""

    row: int
    status: str = UNCHANGED
    record: str = ""
    changes: list[Change] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "status": self.status,
            "record": self.record,
            "changes": [{"column": c.column, "old": c.old, "new": c.new} for c in self.changes],
            "errors": [{"column": e.column, "message": e.message, "text": str(e)} for e in self.errors],
        }


class RowFailed(Exception):
    """Stop working on a row: its issues are recorded on its result."""


@dataclass
class Column:
    """A column of a kind: its name (the header), what it means, and how a cell becomes field values.

    ``read(cell, run, row)`` returns the model field values the cell sets (``row`` holds every cell of
    the row by column name, for columns read together, such as ``defendant`` with ``case``).
    ``show(instance)`` is how the column's value reads in a preview, before and after the row applies.
    """

    name: str
    help: Any
    example: str
    read: Callable[[Any, Run, dict], dict]
    show: Callable[[models.Model], str]
    fields: tuple[str, ...] = ()
    #: needed to create a record
    required: bool = False
    #: only finds the record (or a related one); never set on it
    finds_only: bool = False


@dataclass
class Run:
    """One import: who, which file, which kind, and the state shared by its rows."""

    kind: Any
    user: Any
    filename: str
    columns: list[Column]
    cache: dict = field(default_factory=dict)
    #: the kind's own records by external_id, as created or found so far (a second row with the same id)
    seen_external_ids: dict[str, int] = field(default_factory=dict)


# -- shared readers --------------------------------------------------------------


def display(value) -> str:
    """A stored value as a preview shows it."""
    if value is None:
        return ""
    if isinstance(value, ApproximateDate):
        return value.isoformat()
    return str(value)


def text_column(name, help, example="", *, field_name=None, required=False, max_length=None) -> Column:
    field_name = field_name or name

    def read(cell, run, row):
        limit = max_length or run.kind.model._meta.get_field(field_name).max_length
        return {field_name: cells.text(cell, max_length=limit)}

    return Column(
        name, help, example, read, lambda obj: display(getattr(obj, field_name)), (field_name,), required=required
    )


def choice_column(name, help, choices_class, example="", *, field_name=None, required=False) -> Column:
    field_name = field_name or name
    mapping = cells.choice_map(choices_class.choices)
    labels = dict(choices_class.choices)

    def read(cell, run, row):
        return {field_name: cells.choice(cell, choices_class.choices, mapping)}

    def show(obj):
        value = getattr(obj, field_name)
        return str(labels.get(value, value or ""))

    return Column(name, help, example, read, show, (field_name,), required=required)


def date_column(name, help, example="2012-02", *, field_name=None) -> Column:
    field_name = field_name or name
    return Column(
        name,
        help,
        example,
        lambda cell, run, row: {field_name: cells.date(cell)},
        lambda obj: display(getattr(obj, field_name)),
        (field_name,),
    )


def external_id_column() -> Column:
    return text_column(
        "external_id",
        gettext_lazy(
            "Your own identifier for the record (optional, unique). A row with an identifier already recorded "
            "updates that record; import the same sheet again and nothing changes."
        ),
        "P-0001",
    )


# -- the generic upsert ------------------------------------------------------------


class Kind:
    """A kind of record a sheet can hold (persons, cases, sentences …): its columns and how rows apply.

    Subclasses declare ``name``, ``model``, ``columns()`` and, where one is safe, ``natural_match``.
    """

    name: str = ""
    label: Any = ""
    model: type[models.Model]
    #: headers of other sheets (the sentence summaries) and what they mean here; ``None``: ignored
    aliases: dict[str, str | None] = {}

    def columns(self) -> list[Column]:
        raise NotImplementedError

    @property
    def column_map(self) -> dict[str, Column]:
        if not hasattr(self, "_column_map"):
            self._column_map = {column.name: column for column in self.columns()}
        return self._column_map

    def permission(self, action: str) -> str:
        return f"{self.model._meta.app_label}.{action}_{self.model._meta.model_name}"

    def may_import(self, user) -> bool:
        """Whether ``user`` may import this kind at all (the admin's pages and the API alike); each row
        then needs the permission to add or to change its record."""
        return user.has_perm(self.permission("add")) or user.has_perm(self.permission("change"))

    def record_label(self, obj) -> str:
        return str(obj)

    # -- bulk loading ------------------------------------------------------------

    def prepare(self, run: Run, rows: list[tuple[int, dict]]) -> None:
        """Load, in a few queries for the whole sheet, the records rows will look up."""
        ids = {cells_text(row.get("external_id")) for _number, row in rows} - {""}
        found = {}
        for chunk in chunks(sorted(ids)):
            for obj in self.base_queryset().filter(external_id__in=chunk):
                found[obj.external_id] = obj
        visible = set()
        for chunk in chunks([obj.pk for obj in found.values()]):
            visible.update(
                restrict(self.model._base_manager.filter(pk__in=chunk), run.user).values_list("pk", flat=True)
            )
        run.cache["own"] = {key: obj for key, obj in found.items() if obj.pk in visible}
        run.cache["own_hidden"] = {key for key, obj in found.items() if obj.pk not in visible}

    def base_queryset(self):
        return self.model._base_manager.all()

    # -- one row -----------------------------------------------------------------

    def apply_row(self, run: Run, number: int, row: dict) -> RowResult:
        result = RowResult(row=number)
        try:
            values = self.read_cells(run, result, row)
            instance = self.find(run, result, values, row)
            self.write(run, result, instance, values, row)
        except RowFailed:
            result.status = ERROR
            result.changes = []
        return result

    def read_cells(self, run: Run, result: RowResult, row: dict) -> dict[str, dict]:
        values = {}
        for column in run.columns:
            cell = row.get(column.name)
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            try:
                values[column.name] = column.read(cell, run, row)
            except CellError as error:
                result.errors.append(Issue(result.row, column.name, str(error)))
        if result.errors:
            raise RowFailed
        return values

    def find(self, run: Run, result: RowResult, values: dict, row: dict):
        """The record this row is about: by its ``external_id``, else by a safe natural key, else ``None``."""
        external_id = values.get("external_id", {}).get("external_id")
        if external_id:
            if external_id in run.seen_external_ids:
                fail(
                    result,
                    "external_id",
                    gettext("%(id)s is also the identifier of row %(other)d; each record is one row")
                    % {"id": cells.shown(external_id), "other": run.seen_external_ids[external_id]},
                )
            run.seen_external_ids[external_id] = result.row
            if external_id in run.cache["own_hidden"]:
                # Taken by a record this user may not see: say only that it is taken, as a unique field would.
                fail(
                    result,
                    "external_id",
                    gettext("%(id)s cannot be used; choose another identifier") % {"id": cells.shown(external_id)},
                )
            found = run.cache["own"].get(external_id)
            if found is not None:
                return found
        instance = self.natural_match(run, result, values, row)
        if instance is not None and external_id and getattr(instance, "external_id", None) not in (None, external_id):
            return None  # the natural key names a record known by another identifier: a different record
        return instance

    def natural_match(self, run: Run, result: RowResult, values: dict, row: dict):
        return None

    def new_instance(self, run: Run, values: dict):
        return self.model()

    def write(self, run: Run, result: RowResult, instance, values: dict, row: dict) -> None:
        creating = instance is None
        if creating:
            missing = [column.name for column in self.columns() if column.required and column.name not in values]
            for name in missing:
                result.errors.append(Issue(result.row, name, gettext("a new record needs a value here")))
            if result.errors:
                raise RowFailed
            instance = self.new_instance(run, values)
        self.check_permission(run, result, "add" if creating else "change")
        before = {} if creating else self.snapshot(run, instance)
        old_level = None if creating else getattr(instance, LEVEL_FIELD, None)
        for name, field_values in values.items():
            if run.kind.column_map[name].finds_only:
                continue
            for field_name, value in field_values.items():
                setattr(instance, field_name, value)
        after = self.snapshot(run, instance)
        result.changes = [
            Change(name, before.get(name, ""), value) for name, value in after.items() if value != before.get(name, "")
        ]
        result.record = self.record_label(instance)
        if not creating and not result.changes:
            result.status = UNCHANGED
            return
        self.check_level(run, result, instance, old_level, creating)
        self.validate(run, result, instance)
        self.save(run, instance, creating)
        result.status = NEW if creating else CHANGED
        if getattr(instance, "external_id", None):
            run.cache["own"][instance.external_id] = instance

    def snapshot(self, run: Run, instance) -> dict[str, str]:
        return {column.name: column.show(instance) for column in run.columns if not column.finds_only}

    def check_permission(self, run: Run, result: RowResult, action: str) -> None:
        permission = self.permission(action)
        if not run.user.has_perm(permission):
            fail(
                result,
                None,
                gettext("your account lacks the permission to %(action)s %(kind)s (%(permission)s)")
                % {
                    "action": gettext("add") if action == "add" else gettext("change"),
                    "kind": self.label,
                    "permission": permission,
                },
            )

    def check_level(self, run: Run, result: RowResult, instance, old_level, creating: bool) -> None:
        """The project's publishing rule, and the import's: public rows need a Senior editor."""
        if not hasattr(instance, LEVEL_FIELD):
            return
        level = getattr(instance, LEVEL_FIELD)
        message = level_change_error(run.user, old=old_level, new=level)
        if message is None and level == Confidentiality.CONFIDENTIAL and not run.user.has_perm(VIEW_CONFIDENTIAL):
            message = gettext("confidential records may be imported only by staff allowed to see them")
        if message is None and level == Confidentiality.PUBLIC and not can_publish(run.user):
            # An import writes many records at once: writing public ones is publishing them, whoever made them.
            message = gettext(
                "only Senior editors (who may publish) may import public records; make the row restricted or "
                "confidential, or ask a Senior editor to import it"
            )
        if message:
            fail(result, "confidentiality", message)

    def validate(self, run: Run, result: RowResult, instance) -> None:
        try:
            instance.full_clean()
        except ValidationError as error:
            report_validation_error(run, result, error)

    def save(self, run: Run, instance, creating: bool) -> None:
        instance._history_user = run.user if run.user.is_authenticated else None
        instance.save()


def report_validation_error(run: Run, result: RowResult, error: ValidationError) -> None:
    by_field = {}
    for column in run.kind.columns():
        for field_name in column.fields:
            by_field.setdefault(field_name, column.name)
    for field_name, messages in error.message_dict.items():
        column = None if field_name == NON_FIELD_ERRORS else by_field.get(field_name, field_name)
        for message in messages:
            result.errors.append(Issue(result.row, column, message))
    raise RowFailed


def fail(result: RowResult, column: str | None, message: str):
    result.errors.append(Issue(result.row, column, message))
    raise RowFailed


def cells_text(value) -> str:
    return " ".join(cells.unescaped(value).split())


def chunks(items: Iterable, size: int = CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]
