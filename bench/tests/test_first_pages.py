"""The first-page benchmark's targets (bench/first_pages.py): what passes and what is missed."""

from bench.first_pages import FIRST_PAGES, measures_of
from bench.run import missed


def test_a_fast_page_close_to_its_sql_meets_both_targets():
    results = {"sentences": {"ours_ms": 12.0, "raw_ms": 9.0, "sentences": 1_000_000}}
    measures = measures_of(results)
    assert [m.name for m in measures] == [
        "sentences first page: p50",
        "sentences first page: speed vs its SQL raw",
    ]
    assert missed(measures) == []
    assert round(measures[1].ratio, 2) == 0.75


def test_a_slow_page_or_one_far_from_its_sql_is_missed():
    measures = measures_of({"cases": {"ours_ms": 45.0, "raw_ms": 9.0, "sentences": 10}})
    assert [m.name for m in missed(measures)] == ["cases first page: p50", "cases first page: speed vs its SQL raw"]


def test_every_main_list_and_the_summaries_are_measured():
    assert {"sentences", "defendants", "cases", "persons ?q=ov", "sentence summaries"} <= set(FIRST_PAGES)
