"""Formula-safe exports: no stored text becomes a live formula in a CSV or XLSX anyone downloads.

OWASP ("CSV Injection"): a cell whose text starts with ``=``, ``+``, ``-``, ``@``, tab or
carriage return is run as a formula by Excel, LibreOffice and Google Sheets; prefixed with a
single quote it shows as the text it is. ``cases.exports.spreadsheet_text`` does it for every
text cell of CSV and XLSX; numbers stay numbers; JSON carries the text as stored.
"""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from rest_framework.test import APIClient

from cases.exports import csv_chunks, spreadsheet_text, write_xlsx
from cases.summaries import COLUMN_KEYS, COLUMNS
from cases.tests.factories import (
    CaseFactory,
    ChargeFactory,
    CitationFactory,
    DefendantFactory,
    SentenceFactory,
    SourceFactory,
)
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example","click")'
AS_OF = datetime.date(2016, 2, 15)
DEFENDANT = COLUMNS[0].header
TERM_MONTHS = COLUMN_KEYS.index("term_months")


@pytest.fixture
def poisoned():
    """A public sentence whose person, case, charge and source were named by an attacker."""
    defendant = DefendantFactory(person=PersonFactory(name=EVIL), case=CaseFactory(title="+cmd|' /C calc'!A0"))
    charge = ChargeFactory(defendant=defendant, article=None, offence_description="-2+3+cmd|' /C calc'!A0")
    sentence = SentenceFactory(defendant=defendant, term_months=90)
    CitationFactory(source=SourceFactory(title="@SUM(1+1)*cmd|' /C calc'!A0"), content_object=charge)
    return sentence


def anonymous_download(url: str) -> bytes:
    response = APIClient().get(url, {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_anonymous_csv_download_quotes_every_formula(poisoned):
    data = anonymous_download("/api/v1/sentence-summaries.csv")
    [record] = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert record[DEFENDANT] == "'" + EVIL
    assert record["Case"] == "'+cmd|' /C calc'!A0"
    assert record["Charges"] == "'-2+3+cmd|' /C calc'!A0"
    assert record["Sources"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert record["Term (months)"] == "90"  # a number, untouched


def test_anonymous_xlsx_download_holds_no_formula_and_keeps_numbers_numeric(poisoned):
    workbook = openpyxl.load_workbook(io.BytesIO(anonymous_download("/api/v1/sentence-summaries.xlsx")))
    sheet = workbook["Sentence summaries"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"], "a cell is a live formula"
    row = next(sheet.iter_rows(min_row=2))
    assert row[0].value == "'" + EVIL
    assert row[0].data_type == "s"
    assert row[TERM_MONTHS].value == 90
    assert row[TERM_MONTHS].data_type == "n"


def test_json_carries_the_text_as_stored(poisoned):
    response = APIClient().get("/api/v1/sentence-summaries/")
    assert response.status_code == 200
    [row] = json.loads(response.content)["results"]
    assert row["defendant"] == EVIL
    assert row["case"] == "+cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-3", "'-3"),  # text that looks like a number is still text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("\r\n=1+1", "'\r\n=1+1"),
        ("\x07=1+1", "'=1+1"),  # a control character cannot hide the formula
        ("Vladimir Kozlov", "Vladimir Kozlov"),
        ("a = b", "a = b"),
        ("", ""),
    ],
)
def test_spreadsheet_text_quotes_what_a_spreadsheet_would_run(text, cell):
    assert spreadsheet_text(text) == cell


def hand_row(**values) -> dict:
    row = dict.fromkeys(COLUMN_KEYS)
    row.update(values)
    return row


def test_a_negative_number_stays_a_number_in_csv_and_xlsx():
    rows = [hand_row(defendant="-3", term_months=-3)]
    [record] = list(csv.DictReader(io.StringIO(b"".join(csv_chunks(rows, as_of=AS_OF)).decode())))
    assert record[DEFENDANT] == "'-3"
    assert record["Term (months)"] == "-3"
    target = io.BytesIO()
    write_xlsx(rows, target, as_of=AS_OF)
    row = next(openpyxl.load_workbook(target)["Sentence summaries"].iter_rows(min_row=2))
    assert row[0].value == "'-3" and row[0].data_type == "s"
    assert row[TERM_MONTHS].value == -3 and row[TERM_MONTHS].data_type == "n"
