"""Writers for sentence summaries: CSV, XLSX and JSON from the same rows.

Every writer takes the rows of ``cases.selectors.sentence_summary_rows``
(each built by the one row function, ``cases.summaries.sentence_summary_row``)
and never holds more than a small batch of them:

- CSV and JSON are produced row by row as a stream of byte chunks;
- XLSX is a zip archive, so the workbook is written with openpyxl's
  write-only mode into a temporary file (rows go to disk as they come) and
  that file is then streamed in chunks.

Dates keep their precision. CSV and JSON write ISO 8601 text (``2012-10-08``,
``2012-10``, ``2012``). XLSX writes a date known to the day as a real date
(formatted ``yyyy-mm-dd``, so it sorts and computes in a spreadsheet) and a
date known only to the month or year as the same ISO text: turning
"October 2012" into 1 October 2012 would state a day nobody knows.

Text cells of CSV and XLSX go through :func:`spreadsheet_text`: a text that a
spreadsheet would run as a formula (``=HYPERLINK(…)``) gets a leading quote, as
OWASP recommends against CSV injection, and characters a workbook cannot hold
are dropped, so no stored text can make an export fail half-way. Numbers stay
numbers. JSON is data, not a spreadsheet: it carries the text as stored.
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Iterable, Iterator

import orjson
from django.http import StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from casetracker.approximate_dates import DAY, ApproximateDate
from casetracker.text import clean_text

from .summaries import COLUMN_KEYS, COLUMNS, column_headers

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_CONTENT_TYPE = "application/json"

FORMATS = {
    "csv": CSV_CONTENT_TYPE,
    "xlsx": XLSX_CONTENT_TYPE,
    "json": JSON_CONTENT_TYPE,
}

# Rows per chunk sent down the wire: large enough to keep the per-chunk
# overhead negligible, small enough that the first bytes leave at once.
ROWS_PER_CHUNK = 200
FILE_CHUNK_BYTES = 64 * 1024
BOM = "\ufeff"

SHEET_TITLE = "Sentence summaries"


def export_filename(fmt: str, *, as_of: datetime.date) -> str:
    """``sentence-summaries-2026-11-22.csv``: the date the figures are counted to."""
    return f"sentence-summaries-{as_of.isoformat()}.{fmt}"


# A cell whose text starts with one of these is read as a formula by Excel, LibreOffice or
# Google Sheets (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """``text`` as a CSV or XLSX cell may safely hold it.

    Characters a workbook cannot hold (:mod:`casetracker.text`) are dropped: the model refuses
    them, but a value stored before that rule, or written around it, must not break an export.
    A text a spreadsheet would run as a formula is prefixed with a single quote, so it shows
    as the text it is. Only text goes through here: a number such as -3 stays a number.
    """
    text = clean_text(text)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def text_value(value) -> str:
    """A row value as CSV text: ISO dates at their precision, empty for unknown, text formula-safe."""
    if value is None:
        return ""
    if isinstance(value, ApproximateDate):
        return value.isoformat()
    if isinstance(value, str):
        return spreadsheet_text(value)
    return str(value)


def json_value(value):
    if isinstance(value, ApproximateDate):
        return value.isoformat()
    return value


def xlsx_value(value):
    """A real date when known to the day; the ISO text of a coarser date; formula-safe text; numbers as they are."""
    if isinstance(value, ApproximateDate):
        if value.precision == DAY:
            return datetime.date(value.year, value.month, value.day)
        return value.isoformat()
    if isinstance(value, str):
        return spreadsheet_text(value)
    return value


# -- CSV ------------------------------------------------------------------------


def csv_chunks(rows: Iterable[dict], *, as_of: datetime.date, bom: bool = False) -> Iterator[bytes]:
    """The CSV file, UTF-8, as byte chunks; the header comes first, before any row is read.

    ``bom`` starts the file with a byte-order mark so that Excel opens it as
    UTF-8 (Cyrillic names stay readable).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write(BOM)
    writer.writerow(column_headers(as_of=as_of))
    yield _drain(buffer)
    keys = COLUMN_KEYS
    pending = 0
    for row in rows:
        writer.writerow([text_value(row[key]) for key in keys])
        pending += 1
        if pending >= ROWS_PER_CHUNK:
            yield _drain(buffer)
            pending = 0
    if pending:
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


# -- JSON -----------------------------------------------------------------------


def json_chunks(rows: Iterable[dict], *, as_of: datetime.date) -> Iterator[bytes]:
    """A JSON document as byte chunks: ``{"as_of", "columns", "rows": [...]}``, one row at a time.

    ``columns`` gives each key's header and meaning, so the file explains
    itself; ``rows`` are objects keyed by column key, ``null`` when unknown.
    """
    head = {
        "as_of": as_of.isoformat(),
        "columns": [
            {"key": column.key, "header": header, "description": str(column.description)}
            for column, header in zip(COLUMNS, column_headers(as_of=as_of), strict=True)
        ],
    }
    yield orjson.dumps(head)[:-1] + b',"rows":['
    keys = COLUMN_KEYS
    parts: list[bytes] = []
    separator = b"\n"
    for row in rows:
        parts.append(separator)
        parts.append(orjson.dumps({key: json_value(row[key]) for key in keys}))
        separator = b",\n"
        if len(parts) >= 2 * ROWS_PER_CHUNK:
            yield b"".join(parts)
            parts.clear()
    if parts:
        yield b"".join(parts)
    yield b"]}\n"


def json_row(row: dict) -> dict:
    """One row with JSON-ready values (the paginated API list uses it)."""
    return {column.key: json_value(row[column.key]) for column in COLUMNS}


# -- XLSX -----------------------------------------------------------------------


def write_xlsx(rows: Iterable[dict], destination, *, as_of: datetime.date) -> int:
    """Write the workbook to ``destination`` (a path or a binary file); returns the number of rows.

    One sheet of summaries with a bold header row that stays in view when
    scrolling (frozen pane), an auto-filter on it, a width per column, real
    dates where the day is known; and an "About" sheet saying what date
    the figures are counted to and how dates are written. openpyxl's
    write-only mode sends each row to disk as it is appended.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    header_cells = []
    for header in column_headers(as_of=as_of):
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        cell.alignment = wrap
        header_cells.append(cell)
    sheet.append(header_cells)
    keys = COLUMN_KEYS
    count = 0
    for row in rows:
        sheet.append([xlsx_value(row[key]) for key in keys])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"

    about = workbook.create_sheet("About")
    about.column_dimensions["A"].width = 26
    about.column_dimensions["B"].width = 90
    for label, text in (
        ("Sentence summaries", f"{count} sentence{'s' if count != 1 else ''}"),
        ("Time counted to", as_of),
        (
            "Dates",
            "A date known to the day is a real date. A date known only to the month or the year is "
            "written as text at that precision (2012-10, 2012), never as an invented day.",
        ),
        (
            "Protected people",
            "Rows marked 'Protected person' are sentences of people whose identity is withheld; "
            "they are counted but not named.",
        ),
    ):
        label_cell = WriteOnlyCell(about, value=label)
        label_cell.font = bold
        about.append([label_cell, text])
    workbook.save(destination)
    return count


def xlsx_chunks(rows: Iterable[dict], *, as_of: datetime.date) -> Iterator[bytes]:
    """The workbook as byte chunks: written to a temporary file first (a zip needs its end), then streamed."""
    with tempfile.TemporaryFile(suffix=".xlsx") as spool:
        write_xlsx(rows, spool, as_of=as_of)
        spool.seek(0)
        while chunk := spool.read(FILE_CHUNK_BYTES):
            yield chunk


def export_chunks(fmt: str, rows: Iterable[dict], *, as_of: datetime.date, bom: bool = False) -> Iterator[bytes]:
    """The export in ``fmt`` (csv, xlsx or json) as byte chunks."""
    if fmt == "csv":
        return csv_chunks(rows, as_of=as_of, bom=bom)
    if fmt == "xlsx":
        return xlsx_chunks(rows, as_of=as_of)
    if fmt == "json":
        return json_chunks(rows, as_of=as_of)
    raise ValueError(f"Unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}.")


def streaming_export_response(fmt: str, rows: Iterable[dict], *, as_of: datetime.date, bom: bool = False):
    """A ``StreamingHttpResponse`` that downloads the export as a dated file."""
    response = StreamingHttpResponse(export_chunks(fmt, rows, as_of=as_of, bom=bom), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(fmt, as_of=as_of)}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
