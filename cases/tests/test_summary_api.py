"""``/api/v1/sentence-summaries/``: JSON rows, CSV and XLSX downloads, statistics."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from cases.choices import SentenceKind, SentenceStatus
from cases.summaries import COLUMN_KEYS
from cases.tests.factories import CaseFactory, DefendantFactory, SentenceFactory
from cases.tests.summary_data import build_seed_like
from casetracker.choices import Qualifier
from casetracker.problems import errors_by_field
from people.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/sentence-summaries/"
CSV = "/api/v1/sentence-summaries.csv"
XLSX = "/api/v1/sentence-summaries.xlsx"
STATS = "/api/v1/sentence-summaries/stats/"
KOZLOV = "Vladimir Kozlov"
# ATOMIC_REQUESTS: inside a test's transaction each request opens and releases a savepoint.
REQUEST_TRANSACTION = 2
GROUP = "Convicted Zhanaozen protesters (group of more than 30)"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def unthrottled(settings):
    """Query counts are the view's own: the anonymous throttle's counter lives in a database table
    (the shared cache), and its queries are left out by turning the throttle off."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "anon": None}}


def signed_in(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def csv_records(response) -> list[dict]:
    data = b"".join(response.streaming_content)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# -- JSON rows -------------------------------------------------------------------------------------


def test_list_gives_paginated_rows_with_every_column(api):
    build_seed_like()
    response = api.get(LIST, {"as_of": "2016-02-15"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    rows = {row["defendant"]: row for row in body["results"]}
    kozlov = rows[KOZLOV]
    assert list(kozlov) == list(COLUMN_KEYS)
    assert kozlov["term"] == "7 years 6 months"
    assert kozlov["term_months"] == 90
    assert kozlov["sentence_kind"] == "Imprisonment"
    assert kozlov["verdict_date"] == "2012-10-08"
    assert kozlov["charges"] == "Criminal Code art. 164(3) – Inciting social hatred"
    assert kozlov["time_served"] == "4 years"
    assert rows[GROUP]["term"] == "up to 12 years"
    assert rows[GROUP]["verdict_date"] == "2012-06"


def test_list_pages_and_cursor(api):
    for _ in range(3):
        SentenceFactory()
    first = api.get(LIST, {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    second = api.get(LIST, {"page_size": 2, "page": 2}).json()
    assert len(second["results"]) == 1
    crawled = api.get(LIST, {"cursor": "", "page_size": 2}).json()
    assert "count" not in crawled and len(crawled["results"]) == 2


def test_list_filters_like_the_sentence_list(api):
    seed = build_seed_like()
    names = [row["defendant"] for row in api.get(LIST, {"case": seed.protesters.defendant.case_id}).json()["results"]]
    assert names == [GROUP]
    names = [row["defendant"] for row in api.get(LIST, {"q": "KOZLOV"}).json()["results"]]
    assert names == [KOZLOV]
    names = [row["defendant"] for row in api.get(LIST, {"term_max": 100, "kind": "imprisonment"}).json()["results"]]
    assert names == [KOZLOV]


def test_list_query_count_does_not_grow_with_rows(api, django_assert_num_queries, unthrottled):
    SentenceFactory()
    # count, the page of sentences with person/case/trial/court/place/facility, charges, citations, recognitions
    with django_assert_num_queries(REQUEST_TRANSACTION + 5):
        assert len(api.get(LIST).json()["results"]) == 1
    for _ in range(49):
        SentenceFactory()
    with django_assert_num_queries(REQUEST_TRANSACTION + 5):
        assert len(api.get(LIST).json()["results"]) == 50


# -- protection ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, CSV, XLSX, STATS])
def test_anonymous_client_gets_no_restricted_or_confidential_person(api, url):
    build_seed_like()
    response = api.get(url)
    assert response.status_code == 200
    if url == XLSX:
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Sentence summaries"]
        text = repr(list(sheet.iter_rows(values_only=True)))
    elif url == CSV:
        text = b"".join(response.streaming_content).decode()
    else:
        text = response.content.decode()
    for hidden in ("Anonymous resident", "Restricted defendant", "Protected person", "witness at risk"):
        assert hidden not in text
    if url == STATS:
        assert response.json()["count"] == 2
    else:
        assert KOZLOV in text


def test_staff_without_permission_see_protected_person_and_true_counts(staff_user):
    build_seed_like()
    client = signed_in(staff_user)
    body = client.get(LIST).json()
    assert body["count"] == 4
    names = [row["defendant"] for row in body["results"]]
    assert "Protected person" in names and "Anonymous resident" not in names
    assert "Anonymous resident" not in client.get(CSV).getvalue().decode()
    assert client.get(STATS).json()["count"] == 4
    # A search cannot confirm that a protected person exists.
    assert client.get(LIST, {"q": "anonymous"}).json()["count"] == 0


def test_staff_with_permission_see_everyone(senior_user):
    build_seed_like()
    names = [row["defendant"] for row in signed_in(senior_user).get(LIST).json()["results"]]
    assert "Anonymous resident" in names and "Protected person" not in names


def test_signed_in_user_who_is_not_staff_gets_public_records_only(django_user_model):
    build_seed_like()
    user = django_user_model.objects.create_user(username="reader", password="reader-pass-123")
    names = [row["defendant"] for row in signed_in(user).get(LIST).json()["results"]]
    assert sorted(names) == sorted([KOZLOV, GROUP])


# -- files -----------------------------------------------------------------------------------------


def test_csv_download_is_streamed_with_a_dated_name(api):
    build_seed_like()
    response = api.get(CSV, {"as_of": "2016-02-15"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="sentence-summaries-2016-02-15.csv"'
    records = {record["Defendant"]: record for record in csv_records(response)}
    assert records[KOZLOV]["Term"] == "7 years 6 months"
    assert records[KOZLOV]["Time served (as of 2016-02-15)"] == "4 years"


def test_csv_default_name_carries_today(api):
    response = api.get(CSV)
    today = datetime.date.today().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="sentence-summaries-{today}.csv"'


def test_csv_bom_on_request(api):
    build_seed_like()
    assert b"".join(api.get(CSV, {"bom": "1"}).streaming_content).startswith(b"\xef\xbb\xbf")
    assert not b"".join(api.get(CSV, {"bom": "0"}).streaming_content).startswith(b"\xef\xbb\xbf")


def test_csv_answers_whatever_the_accept_header(api):
    response = api.get(CSV, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200


def test_xlsx_download_reads_back(api):
    build_seed_like()
    response = api.get(XLSX, {"q": "kozlov", "as_of": "2016-02-15"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="sentence-summaries-2016-02-15.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Sentence summaries"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    [row] = list(sheet.iter_rows(min_row=2, values_only=True))
    assert row[0] == KOZLOV and row[6] == "7 years 6 months"
    assert row[4] == datetime.datetime(2012, 10, 8)


def test_file_query_count_does_not_grow_with_rows(api, django_assert_num_queries, unthrottled):
    SentenceFactory()
    # the sentences with person/case/trial/court/place/facility, then per chunk: charges, citations, recognitions
    with django_assert_num_queries(REQUEST_TRANSACTION + 4):
        assert len(csv_records(api.get(CSV))) == 1
    for _ in range(49):
        SentenceFactory()
    with django_assert_num_queries(REQUEST_TRANSACTION + 4):
        assert len(csv_records(api.get(CSV))) == 50


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        (LIST, {"as_of": "yesterday"}, "as_of"),
        (LIST, {"as_of": "2016-02"}, "as_of"),
        (CSV, {"as_of": ""}, "as_of"),
        (CSV, {"bom": ""}, "bom"),
        (LIST, {"term_min": "seven"}, "term_min"),
        (CSV, {"verdict_after": "someday"}, "verdict_after"),
        (CSV, {"bom": "maybe"}, "bom"),
        (XLSX, {"kind": "caning"}, "kind"),
        (STATS, {"case": "0"}, "case"),
        (LIST, {"page_size": "1000"}, "page_size"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, url, params, field):
    response = api.get(url, params)
    assert response.status_code == 400, response
    assert field in errors_by_field(response.json())


@pytest.mark.parametrize("url", [LIST, CSV, XLSX, STATS])
def test_unknown_parameter_is_a_400_listing_the_allowed_ones(api, url):
    response = api.get(url, {"kinds": "fine"})
    assert response.status_code == 400
    body = response.json()
    assert body["unknown"] == ["kinds"]
    assert "kind" in body["allowed"]


def test_bom_is_not_a_parameter_of_the_xlsx(api):
    assert api.get(XLSX, {"bom": "1"}).status_code == 400


def test_confidentiality_filter_is_refused_to_anonymous_clients(api):
    assert api.get(LIST, {"confidentiality": "public"}).status_code == 403
    assert api.get(CSV, {"confidentiality": "public"}).status_code == 403


# -- statistics ------------------------------------------------------------------------------------


def test_stats_count_kinds_statuses_and_terms(api):
    case = CaseFactory(title="A case")
    other = CaseFactory(title="B case")
    for months, qualifier in ((90, Qualifier.EXACT), (144, Qualifier.UP_TO), (36, Qualifier.EXACT)):
        SentenceFactory(defendant=DefendantFactory(case=case), term_months=months, term_qualifier=qualifier)
    SentenceFactory(
        defendant=DefendantFactory(case=other),
        kind=SentenceKind.PROBATION,
        term_months=60,
        status=SentenceStatus.COMPLETED,
    )
    SentenceFactory(
        defendant=DefendantFactory(case=other),
        kind=SentenceKind.FINE,
        term_months=None,
        term_qualifier="",
        fine_amount="1000",
        fine_currency="KZT",
    )
    body = api.get(STATS).json()
    assert (body["count"], body["sentences_of_individuals"], body["sentences_of_groups"]) == (5, 5, 0)
    assert {item["kind"]: item["count"] for item in body["by_kind"]} == {"imprisonment": 3, "probation": 1, "fine": 1}
    assert {item["status"]: item["count"] for item in body["by_status"]} == {"serving": 4, "completed": 1}
    up_to_12_years = {
        "qualifier": "up_to",
        "label": "up to",
        "sentences": 1,
        "shortest_months": 144,
        "shortest": "up to 12 years",
        "longest_months": 144,
        "longest": "up to 12 years",
    }
    assert body["term"] == {
        "sentences_with_term": 4,
        "sentences_without_term": 1,  # the fine
        # 90, 36 and 60 months: the "up to 12 years" is a bound, never added in.
        "exact": {
            "sentences": 3,
            "total_months": 186,
            "total": "15 years 6 months",
            "median_months": 60,
            "median": "5 years",
            "shortest_months": 36,
            "shortest": "3 years",
            "longest_months": 90,
            "longest": "7 years 6 months",
        },
        "qualified": [up_to_12_years],
    }
    cases = {item["case"]["title"]: item for item in body["cases"]}
    assert [item["case"]["title"] for item in body["cases"]] == ["A case", "B case"]
    assert cases["A case"]["count"] == 3
    assert cases["A case"]["term"]["exact"]["median_months"] == 63  # (36 + 90) / 2
    assert cases["A case"]["term"]["exact"]["total_months"] == 126
    assert cases["A case"]["term"]["exact"]["longest_months"] == 90
    assert cases["A case"]["term"]["qualified"] == [up_to_12_years]
    assert cases["B case"]["count"] == 2
    assert cases["B case"]["term"]["sentences_with_term"] == 1
    assert cases["B case"]["term"]["exact"]["median_months"] == 60
    assert cases["B case"]["term"]["qualified"] == []


def test_stats_never_add_up_or_average_terms_stated_with_a_qualifier(api):
    for months, qualifier in ((144, Qualifier.UP_TO), (60, Qualifier.UP_TO), (24, Qualifier.AT_LEAST)):
        SentenceFactory(term_months=months, term_qualifier=qualifier)

    term = api.get(STATS).json()["term"]

    assert term["exact"]["sentences"] == 0
    assert term["exact"]["total_months"] is None and term["exact"]["median_months"] is None
    assert [(item["label"], item["sentences"], item["shortest"], item["longest"]) for item in term["qualified"]] == [
        ("at least", 1, "at least 2 years", "at least 2 years"),
        ("up to", 2, "up to 5 years", "up to 12 years"),
    ]


def test_a_groups_sentence_is_one_sentence_never_its_people(api):
    group = GroupFactory(group_size=300, group_size_qualifier=Qualifier.MORE_THAN)
    SentenceFactory(defendant=DefendantFactory(person=group), term_months=60, term_qualifier=Qualifier.EXACT)
    SentenceFactory(term_months=24, term_qualifier=Qualifier.EXACT)

    body = api.get(STATS).json()

    assert (body["count"], body["sentences_of_individuals"], body["sentences_of_groups"]) == (2, 1, 1)
    assert body["term"]["exact"]["total_months"] == 84
    assert sum(item["count"] for item in body["by_status"]) == 2


def test_stats_follow_filters(api):
    build_seed_like()
    body = api.get(STATS, {"kind": "imprisonment", "term_min": 100}).json()
    assert body["count"] == 1
    assert body["term"]["qualified"][0]["longest"] == "up to 12 years"
    assert body["term"]["exact"]["sentences"] == 0
    assert body["cases"][0]["case"]["title"] == "Convicted Zhanaozen protesters"


def test_stats_of_nothing(api):
    body = api.get(STATS).json()
    assert body["count"] == 0
    assert body["term"]["exact"]["median_months"] is None and body["term"]["exact"]["total"] is None
    assert body["term"]["qualified"] == []
    assert body["cases"] == []


def test_stats_name_a_hidden_case_protected_case(staff_user):
    SentenceFactory(defendant=DefendantFactory(case=CaseFactory(title="Secret", confidentiality="confidential")))
    body = signed_in(staff_user).get(STATS).json()
    assert [item["case"]["title"] for item in body["cases"]] == ["Protected case"]


def test_stats_query_count_does_not_grow_with_rows(api, django_assert_num_queries, unthrottled):
    SentenceFactory()
    # totals, by kind, by status, qualified terms (per case), the median, per case, per-case medians
    with django_assert_num_queries(REQUEST_TRANSACTION + 7):
        api.get(STATS)
    for _ in range(30):
        SentenceFactory()
    with django_assert_num_queries(REQUEST_TRANSACTION + 7):
        assert api.get(STATS).json()["count"] == 31


def test_seed_data_kozlov_from_the_api(api):
    call_command("load_seed", stdout=io.StringIO())
    rows = api.get(LIST).json()["results"]
    [kozlov] = [row for row in rows if row["defendant"] == KOZLOV]
    assert kozlov["term"] == "7 years 6 months"
    assert kozlov["charges"] == "Inciting social hatred"
    assert kozlov["case"] == "Trial of Kozlov, Sapargali and Aminov"
    assert not any(row["defendant"].startswith("Anonymous") for row in rows)
    records = csv_records(api.get(CSV))
    assert {record["Defendant"] for record in records} == {row["defendant"] for row in rows}
    stats = api.get(STATS).json()
    assert stats["term"]["exact"]["longest"] == "7 years 6 months"
    assert stats["term"]["qualified"][0]["longest"] == "up to 12 years"
    assert stats["sentences_of_groups"] == 1
