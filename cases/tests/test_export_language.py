"""Exports in the reader's language (issue 15): headers and labels follow Accept-Language or ``--language``;
JSON keys and ISO dates never change.

The Russian and Kazakh catalogs are written elsewhere (``locale/``); so that these tests prove the
export *asks* gettext in the reader's language (and do not depend on how complete the catalogs
are), the ``russian_catalog`` fixture puts a handful of translations of our own into Django's
Russian catalog for the test and takes them out after it.
"""

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import trans_real
from rest_framework.test import APIClient

from cases.models import term_in_words
from cases.summaries import COLUMN_KEYS
from cases.tests.summary_data import build_seed_like

pytestmark = pytest.mark.django_db

CSV = "/api/v1/sentence-summaries.csv"
XLSX = "/api/v1/sentence-summaries.xlsx"

RUSSIAN = {
    "Defendant": "Подсудимый",
    "Case": "Дело",
    "Term": "Срок",
    "%(header)s (as of %(date)s)": "%(header)s (на %(date)s)",
    "Time served": "Отбыто",
    "Start": "Начало",
    "Sentence summaries": "Сводка приговоров",
    ("%(count)d year", 0): "%(count)d год",
    ("%(count)d year", 1): "%(count)d года",
    ("%(count)d year", 2): "%(count)d лет",
    ("%(count)d month", 0): "%(count)d месяц",
    ("%(count)d month", 1): "%(count)d месяца",
    ("%(count)d month", 2): "%(count)d месяцев",
}


@pytest.fixture(autouse=True)
def language_left_as_found():
    """A request answered in Russian leaves Russian active in this thread (LocaleMiddleware): not for later tests."""
    yield
    translation.deactivate()


@pytest.fixture
def russian_catalog():
    catalog = trans_real.translation("ru")._catalog._catalogs[0]
    before = {key: catalog[key] for key in RUSSIAN if key in catalog}
    catalog.update(RUSSIAN)
    yield
    for key in RUSSIAN:
        catalog.pop(key, None)
    catalog.update(before)


def csv_rows(response) -> list[list[str]]:
    data = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(data)))


def test_csv_headers_follow_accept_language(russian_catalog):
    build_seed_like()
    api = APIClient()
    russian = csv_rows(api.get(CSV, {"as_of": "2016-02-15"}, HTTP_ACCEPT_LANGUAGE="ru"))
    english = csv_rows(api.get(CSV, {"as_of": "2016-02-15"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert russian[0][:2] == ["Подсудимый", "Дело"]
    assert "Отбыто (на 2016-02-15)" in russian[0]
    assert english[0][:2] == ["Defendant", "Case"]
    assert "Time served (as of 2016-02-15)" in english[0]
    # The rows are the same records; terms are written in words in the reader's language, dates stay ISO.
    term = russian[0].index("Срок")
    by_defendant = {row[0]: row for row in russian[1:]}
    kozlov = by_defendant["Vladimir Kozlov"]
    assert kozlov[term] == "7 лет 6 месяцев"
    # (a group's label is in the reader's language too, so the rows are compared by their start dates alone)
    assert sorted(row[english[0].index("Start")] for row in english[1:]) == sorted(
        row[russian[0].index("Начало")] for row in russian[1:]
    )


def test_json_keys_never_change_only_the_headers_and_words_do(russian_catalog, tmp_path):
    build_seed_like()
    listed = APIClient().get("/api/v1/sentence-summaries/", {"as_of": "2016-02-15"}, HTTP_ACCEPT_LANGUAGE="ru")
    rows = {row["defendant"]: row for row in listed.json()["results"]}
    assert list(rows["Vladimir Kozlov"]) == list(COLUMN_KEYS)
    assert rows["Vladimir Kozlov"]["term"] == "7 лет 6 месяцев"
    assert rows["Vladimir Kozlov"]["verdict_date"] == "2012-10-08"  # ISO in every language
    target = tmp_path / "ru.json"
    call_command(
        "export_sentences",
        "--output",
        str(target),
        "--as-of",
        "2016-02-15",
        "--language",
        "ru",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    body = json.loads(target.read_text())
    assert [column["key"] for column in body["columns"]] == list(COLUMN_KEYS)
    assert body["columns"][0]["header"] == "Подсудимый"
    assert all(list(row) == list(COLUMN_KEYS) for row in body["rows"])


def test_xlsx_headers_and_about_sheet_follow_accept_language(russian_catalog):
    build_seed_like()
    response = APIClient().get(XLSX, {"as_of": "2016-02-15"}, HTTP_ACCEPT_LANGUAGE="ru")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]][:2] == ["Подсудимый", "Дело"]
    assert workbook["About"]["A1"].value == "Сводка приговоров"


def test_the_command_writes_the_language_it_is_given(russian_catalog, tmp_path):
    build_seed_like()
    for language, header in (("ru", "Подсудимый"), ("en", "Defendant")):
        target = tmp_path / f"{language}.csv"
        call_command(
            "export_sentences",
            "--output",
            str(target),
            "--as-of",
            "2016-02-15",
            "--language",
            language,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        with open(target, encoding="utf-8-sig", newline="") as handle:
            assert next(csv.reader(handle))[0] == header


def test_the_command_refuses_a_language_it_does_not_have(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="language"):
        call_command("export_sentences", "--output", str(tmp_path / "x.csv"), "--language", "de")


@pytest.mark.parametrize(
    ("months", "qualifier", "english", "russian"),
    [
        (90, "exact", "7 years 6 months", "7 лет 6 месяцев"),
        (12, "exact", "1 year", "1 год"),
        (26, "exact", "2 years 2 months", "2 года 2 месяца"),
        (5, "exact", "5 months", "5 месяцев"),
        (144, "up_to", "up to 12 years", None),
    ],
)
def test_terms_are_written_in_the_readers_language_and_read_back(russian_catalog, months, qualifier, english, russian):
    from cases.models import parse_term

    assert term_in_words(months, qualifier) == english
    with translation.override("ru"):
        written = term_in_words(months, qualifier)
        if russian is not None:
            assert written == russian
        assert parse_term(written) == (months, qualifier)
