"""CSV, XLSX and JSON writers: the same rows, each format read back as a reader would."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.models import AnonymousUser

from cases.admin_actions import export_sentence_summaries_csv
from cases.exports import (
    csv_chunks,
    export_chunks,
    export_filename,
    json_chunks,
    write_xlsx,
    xlsx_chunks,
)
from cases.models import Sentence
from cases.selectors import sentence_summary_rows
from cases.summaries import COLUMN_KEYS, column_headers
from cases.tests.summary_data import build_seed_like

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2016, 2, 15)
KOZLOV = "Vladimir Kozlov"
GROUP = "Convicted Zhanaozen protesters (group of more than 30)"


def rows(user=None, **filters):
    return sentence_summary_rows(filters=filters, user=user, as_of=AS_OF)


def read_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def read_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_csv_holds_kozlov_and_the_group_in_words_a_person_reads():
    build_seed_like()
    data = b"".join(csv_chunks(rows(), as_of=AS_OF))
    assert not data.startswith(b"\xef\xbb\xbf")
    records = {record["Defendant"]: record for record in read_csv(data)}
    assert set(records) == {KOZLOV, GROUP}
    kozlov = records[KOZLOV]
    assert list(kozlov) == column_headers(as_of=AS_OF)
    assert kozlov["Case"] == "Trial of Kozlov, Sapargali and Aminov"
    assert kozlov["Charges"] == "Criminal Code art. 164(3) – Inciting social hatred"
    assert kozlov["Court"] == "Mangystau Regional Court"
    assert kozlov["Verdict date"] == "2012-10-08"
    assert kozlov["Sentence"] == "Imprisonment"
    assert kozlov["Term"] == "7 years 6 months"
    assert kozlov["Term (months)"] == "90"
    assert kozlov["Start"] == "2012-01-23"
    assert kozlov["Expected end"] == "2019-07-23"
    assert kozlov["Actual release"] == ""
    assert kozlov["Time served (as of 2016-02-15)"] == "4 years"
    assert "Kazakhstan: Opposition leader jailed after unfair trial" in kozlov["Sources"]
    group = records[GROUP]
    assert group["Term"] == "up to 12 years"
    assert group["Term stated as"] == "up to"
    assert group["Verdict date"] == "2012-06"  # at its precision, not 2012-06-01
    assert group["Time served (as of 2016-02-15)"] == ""


def test_csv_bom_for_excel_and_cyrillic_survives():
    seed = build_seed_like()
    person = seed.kozlov.defendant.person
    person.name = "Владимир Козлов"
    person.save()
    data = b"".join(csv_chunks(rows(), as_of=AS_OF, bom=True))
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Владимир Козлов" in {record["Defendant"] for record in read_csv(data)}


def test_csv_header_is_sent_before_any_row_is_read():
    def never_read():
        raise AssertionError("rows were read before the header was sent")
        yield  # pragma: no cover

    first = next(csv_chunks(never_read(), as_of=AS_OF))
    assert first.decode().startswith("Defendant,Case,Charges,Court,Verdict date")


def test_csv_quotes_commas_quotes_and_newlines():
    row = dict.fromkeys(COLUMN_KEYS)
    row.update(defendant='Kozlov, "Vladimir"', charges="one\ntwo")
    [record] = read_csv(b"".join(csv_chunks([row], as_of=AS_OF)))
    assert record["Defendant"] == 'Kozlov, "Vladimir"'
    assert record["Charges"] == "one\ntwo"


def test_json_document_explains_its_columns_and_holds_the_rows():
    build_seed_like()
    document = json.loads(b"".join(json_chunks(rows(), as_of=AS_OF)))
    assert document["as_of"] == "2016-02-15"
    assert [column["key"] for column in document["columns"]] == list(COLUMN_KEYS)
    assert document["columns"][0]["header"] == "Defendant"
    by_name = {row["defendant"]: row for row in document["rows"]}
    kozlov = by_name[KOZLOV]
    assert list(kozlov) == list(COLUMN_KEYS)
    assert kozlov["term"] == "7 years 6 months"
    assert kozlov["term_months"] == 90
    assert kozlov["sentence_kind"] == "Imprisonment"
    assert kozlov["verdict_date"] == "2012-10-08"
    assert kozlov["actual_release"] is None
    assert kozlov["charges"] == "Criminal Code art. 164(3) – Inciting social hatred"
    assert by_name[GROUP]["term"] == "up to 12 years"
    assert by_name[GROUP]["verdict_date"] == "2012-06"


def test_json_with_no_rows_is_still_valid():
    document = json.loads(b"".join(json_chunks(iter(()), as_of=AS_OF)))
    assert document["rows"] == []


def test_json_streams_many_rows_in_several_chunks():
    row = dict.fromkeys(COLUMN_KEYS)
    row["defendant"] = "x"
    chunks = list(json_chunks([row] * 450, as_of=AS_OF))
    assert len(chunks) > 3
    assert len(json.loads(b"".join(chunks))["rows"]) == 450


def test_xlsx_has_bold_frozen_header_widths_and_real_dates():
    build_seed_like()
    workbook = read_xlsx(b"".join(xlsx_chunks(rows(), as_of=AS_OF)))
    assert workbook.sheetnames == ["Sentence summaries", "About"]
    sheet = workbook["Sentence summaries"]
    header = [cell.value for cell in sheet[1]]
    assert header == column_headers(as_of=AS_OF)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:U3"
    assert sheet.column_dimensions["A"].width == 30
    assert sheet.column_dimensions["U"].width == 60
    records = {
        values[0]: dict(zip(header, values, strict=True)) for values in sheet.iter_rows(min_row=2, values_only=True)
    }
    kozlov = records[KOZLOV]
    assert kozlov["Term"] == "7 years 6 months"
    assert kozlov["Term (months)"] == 90
    assert kozlov["Verdict date"] == datetime.datetime(2012, 10, 8)  # a real date cell
    assert kozlov["Start"] == datetime.datetime(2012, 1, 23)
    assert kozlov["Actual release"] is None
    assert kozlov["Charges"] == "Criminal Code art. 164(3) – Inciting social hatred"
    verdict_cell = sheet.cell(row=2 + list(records).index(KOZLOV), column=5)
    assert verdict_cell.is_date and verdict_cell.number_format == "yyyy-mm-dd"
    # A month-precision date stays text at its precision: no invented day.
    assert records[GROUP]["Verdict date"] == "2012-06"
    assert records[GROUP]["Term"] == "up to 12 years"
    about = dict(workbook["About"].iter_rows(values_only=True))
    assert about["Sentence summaries"] == "2 sentences"
    assert about["Time counted to"] == datetime.datetime(2016, 2, 15)


def test_xlsx_with_no_rows_still_opens(tmp_path):
    path = tmp_path / "empty.xlsx"
    assert write_xlsx(iter(()), path, as_of=AS_OF) == 0
    sheet = openpyxl.load_workbook(path)["Sentence summaries"]
    assert sheet.max_row == 1


def test_every_format_masks_protected_people_for_staff_without_permission(staff_user):
    build_seed_like()
    csv_data = b"".join(export_chunks("csv", rows(staff_user), as_of=AS_OF)).decode()
    json_data = b"".join(export_chunks("json", rows(staff_user), as_of=AS_OF)).decode()
    sheet = read_xlsx(b"".join(export_chunks("xlsx", rows(staff_user), as_of=AS_OF)))["Sentence summaries"]
    xlsx_names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    for text in (csv_data, json_data, repr(xlsx_names)):
        assert "Protected person" in text
        assert "Anonymous resident" not in text
        assert "Interview with an anonymous resident" not in text
        assert "Restricted defendant" in text  # staff may see restricted people
    assert len(xlsx_names) == 4


def test_anonymous_files_hold_no_restricted_or_confidential_person():
    build_seed_like()
    for fmt in ("csv", "json", "xlsx"):
        data = b"".join(export_chunks(fmt, rows(AnonymousUser()), as_of=AS_OF))
        if fmt == "xlsx":
            sheet = read_xlsx(data)["Sentence summaries"]
            text = repr(list(sheet.iter_rows(values_only=True)))
        else:
            text = data.decode()
        for hidden in ("Anonymous resident", "Restricted defendant", "Protected person", "witness at risk"):
            assert hidden not in text, (fmt, hidden)
        assert KOZLOV in text


def test_unknown_format_says_which_exist():
    with pytest.raises(ValueError, match="csv, xlsx, json"):
        export_chunks("pdf", [], as_of=AS_OF)


def test_filename_carries_the_date():
    assert export_filename("csv", as_of=datetime.date(2026, 11, 22)) == "sentence-summaries-2026-11-22.csv"


# -- admin actions ---------------------------------------------------------------------------------


def run_admin_action(client, user, model: str, action: str, ids):
    client.force_login(user)
    response = client.post(
        f"/admin/cases/{model}/",
        {"action": action, "_selected_action": [str(pk) for pk in ids], "index": 0},
    )
    assert response.status_code == 200, response
    return response


def test_admin_exports_selected_sentences_as_csv(client, staff_user):
    seed = build_seed_like()
    response = run_admin_action(
        client, staff_user, "sentence", "export_sentence_summaries_csv", [seed.kozlov.pk, seed.protesters.pk]
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = datetime.date.today().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="sentence-summaries-{today}.csv"'
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    names = sorted(record["Defendant"] for record in read_csv(data))
    assert names == sorted([KOZLOV, GROUP])


def test_admin_exports_the_sentences_of_selected_defendants_as_xlsx(client, staff_user):
    seed = build_seed_like()
    response = run_admin_action(
        client, staff_user, "defendant", "export_sentence_summaries_xlsx", [seed.kozlov.defendant_id]
    )
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = read_xlsx(b"".join(response.streaming_content))["Sentence summaries"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [KOZLOV]
    assert rows[0][6] == "7 years 6 months"


def test_admin_export_masks_for_staff_without_permission_even_if_selected(rf, staff_user, senior_user):
    seed = build_seed_like()
    selected = Sentence.objects.filter(pk=seed.confidential.pk)
    for user, expected in ((staff_user, "Protected person"), (senior_user, "Anonymous resident")):
        request = rf.post("/admin/cases/sentence/")
        request.user = user
        response = export_sentence_summaries_csv(django_admin.site._registry[Sentence], request, selected)
        [record] = read_csv(b"".join(response.streaming_content))
        assert record["Defendant"] == expected


def test_admin_offers_both_exports_on_both_change_lists(client, staff_user):
    build_seed_like()  # the admin shows actions only above a non-empty list
    client.force_login(staff_user)
    for model in ("sentence", "defendant"):
        page = client.get(f"/admin/cases/{model}/").content.decode()
        assert "Export selected as CSV (sentence summaries)" in page
        assert "Export selected as XLSX (sentence summaries)" in page
