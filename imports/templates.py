"""Templates: an empty sheet per kind, with its columns, in CSV or XLSX (the XLSX explains each column)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .kinds import KINDS
from .reading import CSV

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def template_filename(kind: str, fmt: str) -> str:
    return f"import-{kind}.{fmt}"


def template_bytes(kind: str, fmt: str) -> bytes:
    """The header row of ``kind`` (CSV: UTF-8 with a BOM, so Excel reads it as UTF-8)."""
    columns = KINDS[kind].columns()
    if fmt == CSV:
        buffer = io.StringIO()
        csv.writer(buffer).writerow([column.name for column in columns])
        return ("\ufeff" + buffer.getvalue()).encode()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind
    sheet.append([column.name for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(14, len(column.name) + 4)
    help_sheet = workbook.create_sheet("Columns")
    help_sheet.append(["column", "required for a new record", "what to write", "example"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in columns:
        help_sheet.append([column.name, "yes" if column.required else "", str(column.help), column.example])
    help_sheet.column_dimensions["C"].width = 90
    for row in help_sheet.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
