"""Reading a spreadsheet: CSV (stdlib ``csv``) or XLSX (openpyxl, already used for the exports).

No parser of our own: each format is read by its well-kept library, and this module only turns
the first sheet into a header and rows of text (numbers and dates as the cell holds them).
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)

#: No sheet is larger: a tracker's whole data set fits, a mistaken upload of a database dump does not.
MAX_ROWS = 50_000


class FileError(ValueError):
    """The file as a whole cannot be read (not a CSV or XLSX, empty, too large …)."""


@dataclass
class Sheet:
    headers: list[str]
    #: (row number as the spreadsheet shows it, the row's cells)
    rows: list[tuple[int, list]]


def file_format(filename: str, content: bytes) -> str:
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return XLSX
    return CSV


def read_sheet(content: bytes, filename: str) -> Sheet:
    """The first sheet of ``content`` (CSV or XLSX, told by its name and first bytes)."""
    if not content:
        raise FileError(gettext("The file is empty."))
    rows = _xlsx_rows(content) if file_format(filename, content) == XLSX else _csv_rows(content)
    numbered = [(number, cells) for number, cells in enumerate(rows, start=1)]
    if not numbered:
        raise FileError(gettext("The file has no header row."))
    (_, header), *body = numbered
    body = [(number, cells) for number, cells in body if any(_filled(cell) for cell in cells)]
    if len(body) > MAX_ROWS:
        raise FileError(
            gettext("The file has %(count)d rows; import at most %(max)d at a time.")
            % {"count": len(body), "max": MAX_ROWS}
        )
    return Sheet(headers=["" if cell is None else str(cell) for cell in header], rows=body)


def _filled(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def _csv_rows(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileError(
            gettext("The file is not UTF-8 text. Save it as “CSV UTF-8”, or as an Excel workbook (.xlsx).")
        ) from None
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        # Only the delimiter is guessed (Excel writes ';' in some locales). The quote is always '"', as every
        # spreadsheet writes it: the sniffer takes a cell such as 'quoted' (or the exports' formula escape,
        # a leading ') for a quoting character and would drop the quotes the text holds.
        return list(csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter))
    except csv.Error as error:
        raise FileError(gettext("The CSV file cannot be read: %(error)s") % {"error": error}) from None


def _xlsx_rows(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        # Not data_only: a formula is read as its text ("=SUM(A1:A3)") and refused, never its cached result.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise FileError(
            gettext("The file is not an Excel workbook (.xlsx) that can be read: %(error)s") % {"error": error}
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [[_xlsx_value(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _xlsx_value(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date()
    return value
