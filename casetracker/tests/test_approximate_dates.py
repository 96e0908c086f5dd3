import datetime

import pytest
from django.core.exceptions import ValidationError

from casetracker.approximate_dates import (
    ApproximateDate,
    ApproximateDateField,
    ApproximateDateFormField,
    months_between,
    prefixes,
)


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("2012", "2012", "year"),
        ("2012-02", "2012-02", "month"),
        ("2012-02-14", "2012-02-14", "day"),
        ("February 2012", "2012-02", "month"),
        ("Feb 2012", "2012-02", "month"),
        ("14 February 2012", "2012-02-14", "day"),
        ("December 16, 2011", "2011-12-16", "day"),
        ("2012/2/3", "2012-02-03", "day"),
        (datetime.date(2011, 12, 16), "2011-12-16", "day"),
    ],
)
def test_parse_keeps_the_precision_the_input_gives(text, iso, precision):
    value = ApproximateDate.parse(text)
    assert value.isoformat() == iso
    assert value.precision == precision


@pytest.mark.parametrize("text", ["2012-13", "2012-02-30", "February", "12/02/2012", "next week", "2012-2"])
def test_parse_refuses_what_is_not_a_real_date(text):
    with pytest.raises(ValueError, match="YYYY"):
        ApproximateDate.parse(text)


def test_earliest_and_latest_span_the_precision():
    assert ApproximateDate.parse("2012-02").earliest() == datetime.date(2012, 2, 1)
    assert ApproximateDate.parse("2012-02").latest() == datetime.date(2012, 2, 29)
    assert ApproximateDate.parse("2012").latest() == datetime.date(2012, 12, 31)


def test_certainly_before_only_when_the_ranges_do_not_overlap():
    feb = ApproximateDate.parse("2012-02")
    assert not ApproximateDate.parse("2012").is_certainly_before(feb)
    assert ApproximateDate.parse("2012-01-31").is_certainly_before(feb)
    assert not ApproximateDate.parse("2012-02-10").is_certainly_before(feb)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2012-10", 90, "2020-04"),
        ("2012-01-31", 1, "2012-02-29"),
        ("2012-10-08", 90, "2020-04-08"),
        ("2012", 24, "2014"),
    ],
)
def test_add_months_keeps_the_precision(start, months, end):
    assert ApproximateDate.parse(start).add_months(months).isoformat() == end


def test_text_order_is_date_order():
    values = ["2012-03", "2012", "2011-12-16", "2012-02-14", "2012-02"]
    assert sorted(values) == [str(v) for v in sorted(ApproximateDate.parse(v) for v in values)]


def test_prefixes_are_the_coarser_dates_containing_a_date():
    assert prefixes(ApproximateDate.parse("2012-10-08")) == ["2012", "2012-10"]
    assert prefixes(ApproximateDate.parse("2012")) == []


def test_months_between_counts_whole_months():
    assert months_between(datetime.date(2012, 10, 8), datetime.date(2013, 10, 7)) == 11
    assert months_between(datetime.date(2012, 10, 8), datetime.date(2013, 10, 8)) == 12
    assert months_between(datetime.date(2013, 1, 1), datetime.date(2012, 1, 1)) == 0


def test_model_field_validates_and_serialises():
    field = ApproximateDateField()
    assert field.get_prep_value("2012-02") == "2012-02"
    assert field.to_python("") is None
    with pytest.raises(ValidationError):
        field.clean("2012-02-31", None)
    assert field.clean("2012-02", None) == ApproximateDate(2012, 2)


def test_form_field_accepts_dates_in_words():
    form_field = ApproximateDateFormField(required=False)
    assert form_field.clean("February 2012") == ApproximateDate(2012, 2)
    assert form_field.clean("") is None
    with pytest.raises(ValidationError):
        form_field.clean("sometime")


# -- typed in Russian and Kazakh (issue 15) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        # Russian: nominative, genitive with a day, prepositional, abbreviations, the year word
        ("февраль 2013", "2013-02"),
        ("Февраль 2013", "2013-02"),
        ("февраля 2013", "2013-02"),
        ("14 февраля 2013", "2013-02-14"),
        ("14 февраля 2013 г.", "2013-02-14"),
        ("14 февраля 2013 года", "2013-02-14"),
        ("в феврале 2013", "2013-02"),
        ("в феврале 2013 года", "2013-02"),
        ("фев. 2013", "2013-02"),
        ("февр. 2013", "2013-02"),
        ("май 2012", "2012-05"),
        ("мая 2012", "2012-05"),
        ("16 декабря 2011", "2011-12-16"),
        ("сент. 2012", "2012-09"),
        ("2012 год", "2012"),
        ("2012 г.", "2012"),
        # Kazakh: month first or year first, with the year word and case endings, with or without Kazakh letters
        ("ақпан 2013", "2013-02"),
        ("Ақпан 2013", "2013-02"),
        ("акпан 2013", "2013-02"),
        ("14 ақпан 2013", "2013-02-14"),
        ("2013 жылғы 14 ақпан", "2013-02-14"),
        ("2013 ж. ақпан", "2013-02"),
        ("2013 жылы ақпанда", "2013-02"),
        ("желтоқсан 2011", "2011-12"),
        ("16 желтоқсан 2011", "2011-12-16"),
        ("2011 жылғы 16 желтоқсан", "2011-12-16"),
        ("қыркүйек 2012", "2012-09"),
        ("сәуір 2012", "2012-04"),
        ("2012 ж.", "2012"),
    ],
)
def test_dates_typed_in_russian_and_kazakh(text, iso):
    assert ApproximateDate.parse(text).isoformat() == iso


@pytest.mark.parametrize("text", ["фобраль 2012", "31 февраля 2012", "ақпан", "жылғы 2012", "в 2012 foo"])
def test_russian_and_kazakh_text_that_is_not_a_date_is_refused(text):
    with pytest.raises(ValueError, match="YYYY"):
        ApproximateDate.parse(text)


@pytest.mark.parametrize(
    ("language", "iso", "shown"),
    [
        ("en", "2012", "2012"),
        ("en", "2012-02", "February 2012"),
        ("en", "2012-02-14", "14 February 2012"),
        ("ru", "2012-02", "февраль 2012"),
        ("ru", "2012-02-14", "14 февраля 2012"),
        ("ru", "2011-12-16", "16 декабря 2011"),
        ("kk", "2012-02", "2012 ж. ақпан"),
        ("kk", "2011-12-16", "2011 ж. 16 желтоқсан"),
    ],
)
def test_dates_are_shown_in_the_readers_language_and_read_back(language, iso, shown):
    from django.utils import translation

    value = ApproximateDate.parse(iso)
    with translation.override(language):
        assert value.display() == shown
        assert value.isoformat() == iso == str(value)  # stored and API form unchanged
    assert ApproximateDate.parse(shown) == value
