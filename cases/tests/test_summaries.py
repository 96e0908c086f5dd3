"""The one function that turns a sentence into a summary row, and the selector that feeds it."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from cases.choices import SentenceKind, SentenceStatus
from cases.selectors import sentence_summary_queryset, sentence_summary_rows
from cases.summaries import COLUMN_KEYS, COLUMNS, MASKED_ROW_KEEPS, column_headers, sentence_summary_row
from cases.tests.factories import (
    CaseFactory,
    ChargeFactory,
    CitationFactory,
    DefendantFactory,
    SentenceFactory,
    SourceFactory,
)
from cases.tests.summary_data import build_seed_like
from casetracker.approximate_dates import ApproximateDate
from casetracker.choices import Confidentiality, Qualifier
from people.tests.factories import PersonFactory, PersonNameFactory

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2016, 2, 15)
ALL_LEVELS = list(Confidentiality.values)
PUBLIC = [Confidentiality.PUBLIC]


def row_for(sentence, *, as_of=AS_OF, levels=ALL_LEVELS):
    return sentence_summary_row(sentence, as_of=as_of, levels=levels)


def rows_by_defendant(**kwargs):
    return {row["defendant"]: row for row in sentence_summary_rows(as_of=AS_OF, **kwargs)}


def test_columns_are_in_the_fixed_order_with_headers_a_person_reads():
    assert COLUMN_KEYS == (
        "defendant",
        "case",
        "charges",
        "court",
        "verdict_date",
        "sentence_kind",
        "term",
        "term_months",
        "term_qualifier",
        "start",
        "expected_end",
        "actual_release",
        "status",
        "status_as_of",
        "time_served",
        "time_remaining",
        "recognised_by",
        "place_of_detention",
        "detained_there_since",
        "time_there",
        "sources",
    )
    headers = column_headers(as_of=AS_OF)
    assert headers[:7] == ["Defendant", "Case", "Charges", "Court", "Verdict date", "Sentence", "Term"]
    assert headers[13] == "Status as of"
    assert headers[14] == "Time served (as of 2016-02-15)"
    assert headers[15] == "Time remaining (as of 2016-02-15)"
    assert all(column.description for column in COLUMNS)


def test_kozlov_row_has_his_trial_charge_term_and_sources():
    seed = build_seed_like()
    row = row_for(seed.kozlov)
    assert list(row) == list(COLUMN_KEYS)
    assert row["defendant"] == "Vladimir Kozlov"
    assert row["case"] == "Trial of Kozlov, Sapargali and Aminov"
    assert row["charges"] == "Criminal Code art. 164(3) – Inciting social hatred"
    assert row["court"] == "Mangystau Regional Court"
    assert row["verdict_date"] == ApproximateDate(2012, 10, 8)
    assert row["sentence_kind"] == "Imprisonment"
    assert row["term"] == "7 years 6 months"
    assert row["term_months"] == 90
    assert row["term_qualifier"] == "exactly"
    assert row["start"] == ApproximateDate(2012, 1, 23)
    assert row["expected_end"] == ApproximateDate(2019, 7, 23)
    assert row["actual_release"] is None
    assert row["status"] == "Serving"
    assert row["time_served"] == "4 years"
    assert row["time_remaining"] == "3 years 6 months"
    # Sentence and charge cite the same verdict: listed once; the trial's report too.
    assert row["sources"] == "Kazakhstan: Opposition leader jailed after unfair trial; Striking Oil, Striking Workers"


def test_group_row_keeps_its_size_and_up_to_term():
    seed = build_seed_like()
    row = row_for(seed.protesters)
    assert row["defendant"] == "Convicted Zhanaozen protesters (group of more than 30)"
    assert row["term"] == "up to 12 years"
    assert row["term_months"] == 144
    assert row["term_qualifier"] == "up to"
    assert row["charges"] == "Participation in mass disorder"
    assert row["court"] == "court in Aqtau"
    assert row["verdict_date"] == ApproximateDate(2012, 6)
    assert row["verdict_date"].isoformat() == "2012-06"
    assert row["sources"] == "Striking Oil, Striking Workers"


def test_time_served_and_remaining_are_empty_when_the_start_is_unknown():
    seed = build_seed_like()
    row = row_for(seed.protesters)
    assert row["start"] is None
    assert (row["time_served"], row["time_remaining"]) == (None, None)


def test_time_served_is_about_when_the_start_is_known_only_to_the_month():
    sentence = SentenceFactory(start="2012-02", term_months=90)
    row = row_for(sentence, as_of=datetime.date(2013, 3, 10))
    assert row["expected_end"] == ApproximateDate(2019, 8)
    assert row["time_served"] == "about 1 year 1 month"
    assert row["time_remaining"] == "about 6 years 5 months"


def test_up_to_term_leaves_an_up_to_remainder():
    sentence = SentenceFactory(start="2012-01-01", term_months=144, term_qualifier=Qualifier.UP_TO)
    row = row_for(sentence, as_of=datetime.date(2014, 1, 1))
    assert row["time_served"] == "2 years"
    assert row["time_remaining"] == "up to 10 years"


def test_release_stops_time_served_and_leaves_nothing_remaining():
    sentence = SentenceFactory(
        kind=SentenceKind.PROBATION,
        start="2012-10-08",
        term_months=36,
        actual_release="2013-04-08",
        status=SentenceStatus.RELEASED_EARLY,
    )
    row = row_for(sentence)
    assert row["time_served"] == "6 months"
    assert row["time_remaining"] == "0 months"


def test_time_served_never_exceeds_the_term_and_counts_from_the_start():
    sentence = SentenceFactory(start="2010-01-01", term_months=12, status=SentenceStatus.COMPLETED)
    assert row_for(sentence)["time_served"] == "1 year"
    assert row_for(sentence)["time_remaining"] == "0 months"
    before_start = row_for(sentence, as_of=datetime.date(2009, 6, 1))
    assert before_start["time_served"] == "0 months"
    assert before_start["time_remaining"] == "1 year"


def test_fine_shows_its_amount_and_no_time():
    sentence = SentenceFactory(
        kind=SentenceKind.FINE, term_months=None, term_qualifier="", fine_amount="500000.00", fine_currency="KZT"
    )
    row = row_for(sentence)
    assert row["term"] == "500,000 KZT"
    assert row["term_months"] is None
    assert (row["time_served"], row["time_remaining"]) == (None, None)


def test_confidential_person_is_masked_but_kept_for_readers_below_their_level():
    seed = build_seed_like()
    masked = row_for(seed.confidential, levels=[Confidentiality.PUBLIC, Confidentiality.RESTRICTED])
    assert masked["defendant"] == "Protected person"
    # In a small case the case title, court or dates pick the person out: a masked row keeps none of them.
    assert masked["case"] == "Protected case"
    assert masked["sources"] is None  # "Interview with an anonymous resident" could name them
    assert masked["term"] == "3 years"
    kept = {key for key, value in masked.items() if value is not None and key not in ("defendant", "case")}
    assert kept <= set(MASKED_ROW_KEEPS)
    assert all(masked[key] is None for key in ("charges", "court", "verdict_date", "start", "expected_end"))
    assert all(masked[key] is None for key in ("actual_release", "time_served", "time_remaining"))
    clear = row_for(seed.confidential)
    assert clear["defendant"] == "Anonymous resident"
    assert clear["sources"] == "Interview with an anonymous resident"


def test_confidential_case_hides_its_title_and_its_people():
    sentence = SentenceFactory(
        defendant=DefendantFactory(case=CaseFactory(title="Secret case", confidentiality="confidential"))
    )
    row = row_for(sentence, levels=[Confidentiality.PUBLIC, Confidentiality.RESTRICTED])
    assert (row["defendant"], row["case"]) == ("Protected person", "Protected case")


# -- the selector --------------------------------------------------------------------------------


def test_anonymous_rows_hold_no_restricted_or_confidential_person():
    build_seed_like()
    rows = rows_by_defendant(user=AnonymousUser())
    assert set(rows) == {"Vladimir Kozlov", "Convicted Zhanaozen protesters (group of more than 30)"}
    assert "Protected person" not in rows


def test_staff_without_permission_get_protected_person_row_so_counts_stay_true(staff_user):
    build_seed_like()
    rows = list(sentence_summary_rows(user=staff_user, as_of=AS_OF))
    assert len(rows) == 4
    names = [row["defendant"] for row in rows]
    assert "Anonymous resident" not in names
    assert names.count("Protected person") == 1
    assert "Restricted defendant" in names
    assert not any("anonymous resident" in (row["sources"] or "").lower() for row in rows)


def test_staff_with_permission_see_everyone(senior_user):
    build_seed_like()
    rows = rows_by_defendant(user=senior_user)
    assert {"Anonymous resident", "Restricted defendant", "Vladimir Kozlov"} <= set(rows)
    assert "Protected person" not in rows


def test_search_never_matches_a_masked_person(staff_user, senior_user):
    seed = build_seed_like()
    PersonNameFactory(person=seed.confidential.defendant.person, name="Тайный свидетель")
    assert list(sentence_summary_rows(filters={"q": "anonymous"}, user=staff_user)) == []
    assert list(sentence_summary_rows(filters={"q": "свидетель"}, user=staff_user)) == []
    assert list(sentence_summary_rows(filters={"person": seed.confidential.defendant.person_id}, user=staff_user)) == []
    found = list(sentence_summary_rows(filters={"q": "свидетель"}, user=senior_user))
    assert [row["defendant"] for row in found] == ["Anonymous resident"]


def test_rows_follow_the_sentence_list_filters():
    seed = build_seed_like()
    by_case = rows_by_defendant(filters={"case": seed.kozlov.defendant.case_id})
    assert set(by_case) == {"Vladimir Kozlov"}
    by_term = rows_by_defendant(filters={"term_min": 100})
    assert set(by_term) == {"Convicted Zhanaozen protesters (group of more than 30)"}
    by_kind = rows_by_defendant(filters={"kind": ["imprisonment"], "q": "kozlov"})
    assert set(by_kind) == {"Vladimir Kozlov"}
    by_verdict = rows_by_defendant(filters={"verdict_after": "2012-10"})
    assert set(by_verdict) == {"Vladimir Kozlov"}


def test_invalid_filter_raises_a_validation_error_naming_the_field():
    with pytest.raises(ValidationError) as caught:
        sentence_summary_rows(filters={"term_min": "seven", "verdict_after": "someday"})
    assert set(caught.value.message_dict) == {"term_min", "verdict_after"}


def test_confidentiality_filter_is_for_staff_only(staff_user):
    build_seed_like()
    with pytest.raises(PermissionDenied):
        list(sentence_summary_rows(filters={"confidentiality": "confidential"}, user=AnonymousUser()))
    rows = list(sentence_summary_rows(filters={"confidentiality": "confidential"}, user=staff_user))
    assert [row["defendant"] for row in rows] == ["Protected person"]


def test_default_order_is_case_then_person():
    build_seed_like()
    cases = [row["case"] for row in sentence_summary_rows()]
    assert cases == sorted(cases)


def test_ordering_filter_is_respected():
    build_seed_like()
    terms = [row["term_months"] for row in sentence_summary_rows(filters={"ordering": "-term_months"})]
    assert terms == [144, 90]


def make_cited_sentences(count):
    for _ in range(count):
        sentence = SentenceFactory()
        charge = ChargeFactory(defendant=sentence.defendant)
        source = SourceFactory()
        for record in (sentence, sentence.defendant, sentence.trial, charge):
            CitationFactory(source=source, content_object=record)


# 1 query for the sentences with their person, case, trial, court and place; then per chunk
# 3: the charges with their articles, the citations (with source titles) of the
# sentences, defendants, trials and charges, and the current recognitions of the persons.
QUERIES_PER_CHUNK = 3  # charges, cited sources, recognitions


def test_query_count_does_not_grow_with_rows(django_assert_num_queries):
    make_cited_sentences(1)
    with django_assert_num_queries(1 + QUERIES_PER_CHUNK):
        assert len(list(sentence_summary_rows())) == 1
    make_cited_sentences(49)
    with django_assert_num_queries(1 + QUERIES_PER_CHUNK):
        rows = list(sentence_summary_rows())
    assert len(rows) == 50
    assert all(row["charges"] and row["sources"] for row in rows)


def test_prefetching_runs_per_chunk_not_per_row(django_assert_num_queries):
    make_cited_sentences(25)
    with django_assert_num_queries(1 + 3 * QUERIES_PER_CHUNK):
        assert len(list(sentence_summary_rows(chunk_size=10))) == 25


def test_queryset_selects_only_what_rows_need():
    build_seed_like()
    queryset = sentence_summary_queryset()
    sql = str(queryset.query)
    assert "search_text" not in sql
    assert "description" not in sql


def test_a_masked_row_sorts_by_its_mask_not_by_the_hidden_name(staff_user):
    case = CaseFactory(title="One case")
    for name, level in (("Bob", "public"), ("Quinn", "public"), ("Aaron", "confidential")):
        SentenceFactory(defendant=DefendantFactory(case=case, person=PersonFactory(name=name, confidentiality=level)))
    # The default order is by case: a masked row sorts under "Protected case", not inside "One case".
    by_case = [(row["case"], row["defendant"]) for row in sentence_summary_rows(user=staff_user)]
    assert by_case == [("One case", "Bob"), ("One case", "Quinn"), ("Protected case", "Protected person")]
    expected = ["Bob", "Protected person", "Quinn"]
    by_person = sentence_summary_rows(filters={"ordering": "person"}, user=staff_user)
    assert [row["defendant"] for row in by_person] == expected
    backwards = sentence_summary_rows(filters={"ordering": "-person"}, user=staff_user)
    assert [row["defendant"] for row in backwards] == expected[::-1]
