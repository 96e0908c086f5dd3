"""``manage.py export_sentences``: files in each format, filters, who the export is for."""

import csv
import datetime
import io
import json
import sys

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.tests.summary_data import build_seed_like

pytestmark = pytest.mark.django_db

KOZLOV = "Vladimir Kozlov"


def export(*args):
    err = io.StringIO()
    out = io.StringIO()
    call_command("export_sentences", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def csv_names(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [record["Defendant"] for record in csv.DictReader(handle)]


def test_csv_file_holds_public_records_by_default(tmp_path):
    build_seed_like()
    target = tmp_path / "out.csv"
    _, message = export("--output", str(target), "--as-of", "2016-02-15")
    names = csv_names(target)
    assert sorted(names) == sorted([KOZLOV, "Convicted Zhanaozen protesters (group of more than 30)"])
    assert "Wrote 2 sentences to" in message
    assert "public records only" in message
    with open(target, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[14] == "Time served (as of 2016-02-15)"
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_xlsx_file_reads_back_with_openpyxl(tmp_path):
    build_seed_like()
    target = tmp_path / "summaries.xlsx"
    export("--format", "xlsx", "--output", str(target), "--as-of", "2016-02-15")
    sheet = openpyxl.load_workbook(target)["Sentence summaries"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[KOZLOV][6] == "7 years 6 months"
    assert rows[KOZLOV][4] == datetime.datetime(2012, 10, 8)


def test_json_to_standard_output(tmp_path):
    build_seed_like()
    out, message = export("--format", "json", "--output", "-", "--q", "kozlov")
    document = json.loads(out)
    assert [row["defendant"] for row in document["rows"]] == [KOZLOV]
    assert document["rows"][0]["term"] == "7 years 6 months"
    assert "to standard output" in message


def test_filters_are_those_of_the_sentence_list(tmp_path):
    seed = build_seed_like()
    target = tmp_path / "out.csv"
    export("--output", str(target), "--case", str(seed.protesters.defendant.case_id))
    assert csv_names(target) == ["Convicted Zhanaozen protesters (group of more than 30)"]
    export("--output", str(target), "--kind", "probation", "--kind", "imprisonment", "--term-max", "100")
    assert csv_names(target) == [KOZLOV]
    export("--output", str(target), "--ordering=-term_months")  # "=" since the value starts with "-"
    assert csv_names(target)[0].startswith("Convicted Zhanaozen protesters")


def test_as_user_staff_without_permission_gets_protected_person(tmp_path, staff_user):
    build_seed_like()
    target = tmp_path / "out.csv"
    _, message = export("--output", str(target), "--as-user", staff_user.username)
    names = csv_names(target)
    assert len(names) == 4
    assert "Protected person" in names
    assert "Anonymous resident" not in names
    assert f"as {staff_user.username} may see it" in message


def test_include_protected_names_everyone(tmp_path):
    build_seed_like()
    target = tmp_path / "out.csv"
    export("--output", str(target), "--include-protected")
    assert {"Anonymous resident", "Restricted defendant", KOZLOV} <= set(csv_names(target))


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_only(tmp_path, monkeypatch):
    build_seed_like()
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    export("--output", str(tmp_path / "out.csv"))
    assert "Exporting csv" in terminal.getvalue()
    assert "2/2" in terminal.getvalue()
    quiet = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    export("--output", str(tmp_path / "out.csv"), "--no-progress")
    assert quiet.getvalue() == ""


def test_bom_for_excel(tmp_path):
    build_seed_like()
    target = tmp_path / "out.csv"
    export("--output", str(target), "--bom")
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--output", "out.txt"], "Say which format"),
        (["--output", "-"], "Say which format"),
        (["--output", "x.csv", "--as-of", "15/02/2016"], "--as-of '15/02/2016' is not a date"),
        (["--output", "x.json", "--bom"], "--bom applies to CSV only"),
        (["--output", "x.csv", "--as-user", "nobody"], "No user named 'nobody'"),
        (["--output", "x.csv", "--term-min", "seven"], "--term-min"),
        (["--output", "x.csv", "--verdict-after", "someday"], "--verdict-after"),
        (["--output", "x.csv", "--confidentiality", "confidential"], "--as-user STAFF_USERNAME"),
        (["--output", "/no/such/dir/x.csv"], "does not exist"),
    ],
)
def test_bad_options_say_what_to_do(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError, match=message):
        export(*args)
    assert list(tmp_path.iterdir()) == []


def test_who_options_exclude_each_other():
    with pytest.raises(CommandError):
        export("--output", "x.csv", "--public", "--include-protected")


def test_xlsx_needs_a_binary_output():
    with pytest.raises(CommandError, match="write it to a file"):
        export("--format", "xlsx", "--output", "-")


def test_seed_data_kozlov_row_in_every_format(tmp_path):
    call_command("load_seed", stdout=io.StringIO())
    csv_path, xlsx_path, json_path = (tmp_path / f"seed.{fmt}" for fmt in ("csv", "xlsx", "json"))
    for path in (csv_path, xlsx_path, json_path):
        export("--output", str(path), "--as-of", "2016-02-15")

    with open(csv_path, encoding="utf-8", newline="") as handle:
        records = {record["Defendant"]: record for record in csv.DictReader(handle)}
    kozlov = records[KOZLOV]
    assert kozlov["Case"] == "Trial of Kozlov, Sapargali and Aminov"
    assert kozlov["Sentence"] == "Imprisonment"
    assert kozlov["Term"] == "7 years 6 months"
    assert kozlov["Term (months)"] == "90"
    assert kozlov["Charges"] == "Inciting social hatred"
    assert kozlov["Verdict date"] == "2012-10"
    assert kozlov["Sources"]
    assert any(record["Term"] == "up to 12 years" for record in records.values())
    assert not any("Anonymous" in name for name in records)

    document = json.loads(json_path.read_bytes())
    [json_kozlov] = [row for row in document["rows"] if row["defendant"] == KOZLOV]
    assert json_kozlov["term"] == "7 years 6 months"
    assert json_kozlov["term_months"] == 90
    assert json_kozlov["charges"] == "Inciting social hatred"

    sheet = openpyxl.load_workbook(xlsx_path)["Sentence summaries"]
    header = [cell.value for cell in sheet[1]]
    xlsx_rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    [xlsx_kozlov] = [row for row in xlsx_rows if row["Defendant"] == KOZLOV]
    assert xlsx_kozlov["Term"] == "7 years 6 months"
    assert xlsx_kozlov["Verdict date"] == "2012-10"  # month precision: text, no invented day
    assert len(xlsx_rows) == len(records) == len(document["rows"])
