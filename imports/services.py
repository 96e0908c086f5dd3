"""Importing a sheet: the one service the admin, the command and the API call.

:func:`records_import` reads the file, works through every row inside one transaction and, unless
it is told to write and nothing went wrong, rolls that transaction back. So the preview (a dry run)
runs exactly the code that writes: the models' own validation, the services, the permissions and
the visibility rule, with nothing left behind.

A preview ends with a *token*: a hash of the file, the kind and everything the preview says (each
row's outcome, its changes old → new, its errors). To write, the admin and the API send the file
again with that token; the import runs again and writes only if it comes to the same token, that
is, if it would do exactly what was previewed. If the records changed in between, it writes nothing
and says so.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext

from casetracker.visibility import hidden_fields

from .engine import CHANGED, ERROR, NEW, STATUSES, UNCHANGED, Issue, RowResult, Run
from .history import importing
from .kinds import KINDS
from .reading import FileError, read_sheet

IGNORED = object()


@dataclass
class ImportResult:
    """What an import did or would do."""

    kind: str
    filename: str
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    #: problems with the file or its header row (no row result can hold them)
    problems: list[Issue] = field(default_factory=list)
    token: str = ""
    applied: bool = False
    #: the records changed between the preview and the confirmation: nothing was written
    stale: bool = False
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return self.problems + [issue for row in self.rows for issue in row.errors]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.stale

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.status for row in self.rows)
        return {status: counted.get(status, 0) for status in STATUSES}

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "file": self.filename,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "stale": self.stale,
            "token": self.token,
            "counts": self.counts,
            "errors": [str(issue) for issue in self.errors],
            "ignored_columns": self.ignored_columns,
            "rows": [row.as_dict() for row in self.rows],
        }


def canonical_header(header: str, kind) -> object:
    """A header as the kind's column name; ``IGNORED`` for a derived column of an export; else as written."""
    text = " ".join(str(header).split()).casefold()
    # "Time served (as of 2026-05-01)": the summaries' headers carry the date they were counted to.
    bare = re.sub(r"\s*\(as of [^()]*\)$", "", text)
    if bare in kind.aliases:
        return kind.aliases[bare] or IGNORED
    return text.replace(" ", "_").replace("-", "_")


def records_import(
    *,
    content: bytes,
    filename: str,
    kind: str,
    user,
    dry_run: bool = True,
    token: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import (or, with ``dry_run``, preview) the records of a CSV or XLSX sheet of ``kind``, as ``user``.

    All or nothing: with any error, nothing is written. Without ``dry_run``, a ``token`` from the
    preview makes the write conditional on doing exactly what was previewed (``stale`` when not).
    ``progress`` is called after each row with the number of rows done.
    """
    definition = KINDS[kind]
    result = ImportResult(kind=kind, filename=filename, dry_run=dry_run)
    try:
        sheet = read_sheet(content, filename)
    except FileError as error:
        result.problems.append(Issue(0, None, str(error)))
        return finished(result, content)
    columns = map_headers(sheet.headers, definition, result, user=user)
    if result.problems:
        return finished(result, content)
    rows = [
        (number, {name: cells[index] for index, name in columns.items() if index < len(cells)})
        for number, cells in sheet.rows
    ]
    run = Run(
        kind=definition,
        user=user,
        filename=filename,
        columns=[definition.column_map[name] for name in dict.fromkeys(columns.values())],
    )
    with transaction.atomic(), importing(user=user, filename=filename):
        definition.prepare(run, rows)
        for done, (number, row) in enumerate(rows, start=1):
            result.rows.append(definition.apply_row(run, number, row))
            if progress is not None:
                progress(done)
        finished(result, content)
        if not result.ok or dry_run:
            transaction.set_rollback(True)
        elif token is not None and token != result.token:
            result.stale = True
            transaction.set_rollback(True)
        else:
            result.applied = True
    return result


def map_headers(headers: list[str], definition, result: ImportResult, *, user=None) -> dict[int, str]:
    """Column index → column name; unknown, repeated and missing required columns are problems.

    A column setting a field ``user`` may not see (:data:`casetracker.visibility.FIELD_RULES`: a person's
    ethnicity and religion) is a problem too: importing it would write what the user may not read.
    """
    hide = hidden_fields(definition.model, user)
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        if not str(header).strip():
            continue
        name = canonical_header(header, definition)
        if name is IGNORED:
            result.ignored_columns.append(str(header))
            continue
        if name not in definition.column_map:
            result.problems.append(
                Issue(
                    1,
                    str(header),
                    gettext("not a column of %(kind)s; the columns are: %(columns)s")
                    % {"kind": definition.label, "columns": ", ".join(definition.column_map)},
                )
            )
            continue
        if set(definition.column_map[name].fields) & hide:
            result.problems.append(
                Issue(
                    1,
                    str(header),
                    gettext(
                        "this column holds special-category data you may not see; remove it, or ask someone "
                        "allowed to see it to import the sheet"
                    ),
                )
            )
            continue
        if name in seen:
            result.problems.append(Issue(1, str(header), gettext("this column appears twice")))
            continue
        seen[name] = index
        columns[index] = name
    for column in definition.columns():
        if column.required and column.name not in seen:
            result.problems.append(Issue(1, column.name, gettext("this column is missing; every row needs it")))
    return columns


def finished(result: ImportResult, content: bytes) -> ImportResult:
    result.token = preview_token(content, result)
    return result


def preview_token(content: bytes, result: ImportResult) -> str:
    """The hash of the file and of everything the preview says: what a confirmation must come to again."""
    digest = hashlib.sha256()
    digest.update(hashlib.sha256(content).digest())
    state = {
        "kind": result.kind,
        "rows": [row.as_dict() for row in result.rows],
        "problems": [str(issue) for issue in result.problems],
    }
    digest.update(json.dumps(state, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def summary_lines(result: ImportResult, *, verbose: bool = True) -> list[str]:
    """The preview as lines of text (the command prints them): each row's outcome, changes and errors."""
    labels = {
        NEW: gettext("new"),
        CHANGED: gettext("changed"),
        UNCHANGED: gettext("unchanged"),
        ERROR: gettext("error"),
    }
    lines = [str(issue) for issue in result.problems]
    for row in result.rows:
        if row.status == UNCHANGED and not verbose:
            continue
        lines.append(
            gettext("row %(row)d: %(status)s %(record)s")
            % {"row": row.row, "status": labels[row.status], "record": row.record}
        )
        for change in row.changes:
            lines.append(f"    {change.column}: {change.old!r} → {change.new!r}")
        for issue in row.errors:
            lines.append(f"    {issue}")
    counts = result.counts
    lines.append(gettext("%(new)d new, %(changed)d changed, %(unchanged)d unchanged, %(error)d with errors") % counts)
    if result.ignored_columns:
        lines.append(
            gettext("Columns left alone (derived by the export): %(columns)s")
            % {"columns": ", ".join(result.ignored_columns)}
        )
    return lines
