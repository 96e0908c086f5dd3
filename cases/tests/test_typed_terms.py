"""Terms and figures as people write them in English, Russian and Kazakh (issue 15), wherever one is typed."""

import pytest

from cases.models import parse_term
from casetracker.choices import parse_qualified, split_qualifier

TERMS = [
    # English (as before)
    ("7 years 6 months", 90, "exact"),
    ("up to 12 years", 144, "up_to"),
    ("90 months", 90, "exact"),
    ("7.5 years", 90, "exact"),
    # Russian
    ("7 лет 6 месяцев", 90, "exact"),
    ("7 лет и 6 месяцев", 90, "exact"),
    ("1 год", 12, "exact"),
    ("2 года 2 месяца", 26, "exact"),
    ("6 месяцев", 6, "exact"),
    ("6 мес.", 6, "exact"),
    ("7,5 лет", 90, "exact"),
    ("3 г.", 36, "exact"),
    ("до 12 лет", 144, "up_to"),
    ("не более 12 лет", 144, "up_to"),
    ("не менее 5 лет", 60, "at_least"),
    ("свыше 3 лет", 36, "more_than"),
    ("более 3 лет", 36, "more_than"),
    ("менее 2 лет", 24, "fewer_than"),
    ("около 4 лет", 48, "about"),
    # Kazakh: qualifiers before the number, and after it with the number's case ending
    ("7 жыл 6 ай", 90, "exact"),
    ("7 жыл және 6 ай", 90, "exact"),
    ("12 жылға дейін", 144, "up_to"),
    ("5 жылдан астам", 60, "more_than"),
    ("5 жылдан кем", 60, "fewer_than"),
    ("кемінде 5 жыл", 60, "at_least"),
    ("шамамен 4 жыл", 48, "about"),
    ("6 ай", 6, "exact"),
]


@pytest.mark.parametrize(("text", "months", "qualifier"), TERMS)
def test_terms_typed_in_any_of_the_three_languages(text, months, qualifier):
    assert parse_term(text) == (months, qualifier)


@pytest.mark.parametrize("text", ["12", "12 яблок", "доклад 5 лет", "до", "12 жылға дейін дейін", "лет 5"])
def test_what_is_not_a_term_is_refused_saying_what_to_write(text):
    with pytest.raises(ValueError, match="up to 12 years"):
        parse_term(text)


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("около 30", (30, "about")),
        ("более 30", (30, "more_than")),
        ("не менее 16", (16, "at_least")),
        ("30-дан астам", (30, "more_than")),
        ("30дан астам", (30, "more_than")),
        ("шамамен 40", (40, "about")),
        ("кемінде 16", (16, "at_least")),
        ("more than 30", (30, "more_than")),
    ],
)
def test_figures_typed_in_any_of_the_three_languages(text, figure):
    assert parse_qualified(text) == figure


def test_a_qualifier_must_be_a_whole_word():
    assert split_qualifier("доклад") == ("", "доклад")
    assert split_qualifier("до 5 лет") == ("up_to", "5 лет")
