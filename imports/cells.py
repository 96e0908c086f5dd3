"""Reading one cell: text, choices, dates, figures, terms, as people write them.

Each reader takes the cell's value and returns what the model stores, or raises :class:`CellError`
with a sentence saying what is wrong and what to write instead. The date, figure and term rules
are the project's own (``casetracker.approximate_dates``, ``casetracker.choices.parse_qualified``,
``cases.models.parse_term``); this module only adds what a spreadsheet cell needs on top:
formulas and over-long values refused, control characters refused (the same rule as the models,
``casetracker.text``), choices by value or by label in any of the interface's languages.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from casetracker.approximate_dates import ApproximateDate
from casetracker.text import control_character_error

# A cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection"; the same list
# the exports escape, cases.exports.FORMULA_TRIGGERS): refused, so nothing imported runs when exported again.
FORMULA_STARTS = ("=", "+", "-", "@")

#: No cell is longer, whatever its column (a field's own max_length is checked too).
MAX_CELL_CHARS = 10_000


class CellError(ValueError):
    """What is wrong with one cell, in a sentence that says what to write instead."""


def shown(value) -> str:
    """A cell's value quoted for an error message, cut so a huge cell does not flood the page."""
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "…")


def is_escaped(text: str) -> bool:
    """Whether ``text`` (stripped) starts with the exports' escape of a formula.

    The exports (``cases.exports.spreadsheet_text``) put a single quote before text a spreadsheet would
    run as a formula, so it shows as the text it is. Read back, such a cell is that text, so a sheet
    exported, edited and imported again changes only what was edited. Only the export's own escape is
    undone (a quote followed by a formula character); any other quote is part of the text.
    """
    return text.startswith("'") and text[1:2] in FORMULA_STARTS


def unescaped(value) -> str:
    """A cell's text without the exports' formula escape (for keys that find records before cells are read)."""
    result = "" if value is None else str(value).strip()
    return result[1:] if is_escaped(result) else result


def text(value, *, max_length: int | None = None) -> str:
    """A cell as clean text: stripped; the exports' formula escape undone; formulas, control characters and
    over-long text refused."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    result = str(value).strip()
    escaped = is_escaped(result)
    if escaped:
        result = result[1:]
    limit = min(max_length or MAX_CELL_CHARS, MAX_CELL_CHARS)
    if len(result) > limit:
        raise CellError(
            gettext("the text has %(length)d characters; at most %(max)d fit here")
            % {"length": len(result), "max": limit}
        )
    if not escaped and result.startswith(FORMULA_STARTS) and not isinstance(value, int | float | Decimal):
        raise CellError(
            gettext(
                "%(value)s starts with %(char)s, so a spreadsheet reads it as a formula; write the value "
                "itself, without the leading %(char)s"
            )
            % {"value": shown(result), "char": repr(result[0])}
        )
    error = control_character_error(result)
    if error is not None:
        raise CellError(error.messages[0])
    return result


def interface_languages() -> list[str]:
    """The languages the interface is offered in: ``LANGUAGES`` when the project sets it, else its one language."""
    if settings.is_overridden("LANGUAGES"):
        return [code for code, _name in settings.LANGUAGES]
    return [settings.LANGUAGE_CODE]


def choice_map(choices) -> dict[str, str]:
    """Every way a choice may be written (its value, its label in each language), case-folded, to its value."""
    mapping = {}
    for value, label in choices:
        mapping[str(value).casefold()] = str(value)
        mapping[str(value).replace("_", " ").casefold()] = str(value)
        for code in interface_languages():
            with translation.override(code):
                mapping[str(label).casefold()] = str(value)
    return mapping


def choice(value, choices, mapping: dict[str, str]) -> str:
    raw = text(value)
    found = mapping.get(" ".join(raw.split()).casefold())
    if found is None:
        options = ", ".join(f"'{value}' ({label})" for value, label in choices)
        raise CellError(gettext("%(value)s is not one of: %(options)s") % {"value": shown(raw), "options": options})
    return found


def date(value) -> ApproximateDate | None:
    if isinstance(value, datetime.date):
        return ApproximateDate.parse(value)
    raw = text(value)
    if not raw:
        return None
    try:
        return ApproximateDate.parse(raw)
    except ValueError:
        raise CellError(
            gettext(
                "%(value)s is not a date; write e.g. '14.02.2012', '2012-02-14', 'February 2012', '2012-02' or '2012'"
            )
            % {"value": shown(raw)}
        ) from None


def parsed(value, parser) -> tuple:
    """``parser`` (``parse_qualified``, ``parse_term``) applied to a cell, its ValueError a CellError."""
    raw = text(value)
    try:
        return parser(raw)
    except ValueError as error:
        raise CellError(str(error)) from None


_AMOUNT = re.compile(r"^(?P<amount>\d[\d ,\u00a0]*(?:\.\d{1,2})?)\s*(?P<currency>[A-Za-z]{3})$")


def amount(value) -> tuple[Decimal, str]:
    """'200,000 KZT' → (Decimal('200000'), 'KZT'): a fine as the summaries write it."""
    raw = text(value)
    match = _AMOUNT.match(raw)
    if not match:
        raise CellError(gettext("%(value)s is not an amount; write e.g. '200,000 KZT'") % {"value": shown(raw)})
    try:
        number = Decimal(re.sub(r"[ ,\u00a0]", "", match.group("amount")))
    except InvalidOperation:
        raise CellError(
            gettext("%(value)s is not an amount; write e.g. '200,000 KZT'") % {"value": shown(raw)}
        ) from None
    return number, match.group("currency").upper()


def variants(value, *, max_length: int) -> list[str]:
    """'Nazarbaev; Назарбаев' → ['Nazarbaev', 'Назарбаев']."""
    raw = text(value)
    names = [" ".join(part.split()) for part in raw.split(";")]
    names = list(dict.fromkeys(name for name in names if name))
    for name in names:
        text(name, max_length=max_length)
    return names


def coordinate(value) -> Decimal:
    """'43.3412' → Decimal('43.3412'): decimal degrees (the model says which range)."""
    raw = text(value)
    try:
        number = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise CellError(
            gettext("%(value)s is not a coordinate; write decimal degrees, e.g. 43.3412") % {"value": shown(raw)}
        )
    return number.quantize(Decimal("0.000001"))
