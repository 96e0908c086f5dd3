"""Approximate dates: a date known to the day, the month or only the year.

Sources rarely give full dates ("arrested in February 2012", "a trial in
October"). An :class:`ApproximateDate` keeps exactly what is known and is
written as ISO 8601 reduced precision (the Popolo pattern): ``2012``,
``2012-02`` or ``2012-02-14``.

It is stored by :class:`ApproximateDateField` as that string. ISO strings of
mixed precision sort correctly as text ("2012" < "2012-02" < "2012-02-14" <
"2012-03"), so ordering and range filters work in SQL on every engine without
a second column.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime
import re
from dataclasses import dataclass
from functools import lru_cache, total_ordering

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils.dates import MONTHS, MONTHS_ALT
from django.utils.translation import get_language, gettext, pgettext

DAY = "day"
MONTH = "month"
YEAR = "year"

PRECISIONS = (YEAR, MONTH, DAY)

_ISO = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
# Russian month names as people write them: nominative (февраль 2012), genitive (14 февраля 2012),
# prepositional (в феврале 2012) and the usual abbreviations (фев., февр.).
_RUSSIAN_MONTHS = (
    "январь января январе янв",
    "февраль февраля феврале фев февр",
    "март марта марте мар",
    "апрель апреля апреле апр",
    "май мая мае",
    "июнь июня июне июн",
    "июль июля июле июл",
    "август августа августе авг",
    "сентябрь сентября сентябре сен сент",
    "октябрь октября октябре окт",
    "ноябрь ноября ноябре ноя нояб",
    "декабрь декабря декабре дек",
)
# Kazakh month names; written with the Kazakh letters or without them (ақпан, акпан), and with the case
# endings a date takes (ақпанда "in February", ақпанның "of February", ақпаны).
_KAZAKH_MONTHS = (
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
)
_KAZAKH_ENDINGS = ("", "да", "де", "та", "те", "нда", "нде", "ы", "і", "ның", "нің", "дың", "дің", "тың", "тің")
_LETTERS_AS_RUSSIAN = str.maketrans("әғқңөұүһі", "агкноуухи")
for _number, _forms in enumerate(_RUSSIAN_MONTHS, start=1):
    _MONTHS.update(dict.fromkeys(_forms.split(), _number))
for _number, _name in enumerate(_KAZAKH_MONTHS, start=1):
    for _ending in _KAZAKH_ENDINGS:
        _MONTHS.setdefault(_name + _ending, _number)
        _MONTHS.setdefault((_name + _ending).translate(_LETTERS_AS_RUSSIAN), _number)
_WORD = r"[^\W\d_]+"
_MONTH_YEAR = re.compile(rf"^(?P<month>{_WORD})\.?,?\s+(?P<year>\d{{4}})$")
_DAY_MONTH_YEAR = re.compile(rf"^(?P<day>\d{{1,2}})\s+(?P<month>{_WORD})\.?,?\s+(?P<year>\d{{4}})$")
_MONTH_DAY_YEAR = re.compile(rf"^(?P<month>{_WORD})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})$")
# Kazakh writes the year first: "2012 жылғы 14 ақпан", "2012 ж. ақпан", "2012 жылы ақпанда".
_YEAR_DAY_MONTH = re.compile(rf"^(?P<year>\d{{4}}),?\s+(?:(?P<day>\d{{1,2}})\s+)?(?P<month>{_WORD})\.?$")
# The word for "year" after it: 2012 года, 2012 г., 2012 жылғы, 2012 ж.; and a leading "в"/"во" (в феврале 2012).
_YEAR_WORD = re.compile(r"(?<=\d{4})\s*(?:годы|года|год|г\.|г|жылғы|жылы|жылдың|жылдын|жылгы|ж\.|ж)(?=\s|,|$)", re.I)
_IN = re.compile(r"^(?:в|во)\s+", re.I)
_SLASHED = re.compile(r"^(?P<year>\d{4})[/.](?P<month>\d{1,2})(?:[/.](?P<day>\d{1,2}))?$")
# Day first, as most of the world writes it: "14.02.2012", "02.2012", "02/2012". Dots only for a full date:
# "02/03/2012" is 2 March in Europe and 3 February in the United States, so it is refused, not guessed.
_DAY_FIRST = re.compile(r"^(?:(?P<day>\d{1,2})\.)?(?P<month>\d{1,2})\.(?P<year>\d{4})$")
_MONTH_SLASH_YEAR = re.compile(r"^(?P<month>\d{1,2})/(?P<year>\d{4})$")

INVALID_MESSAGE = (
    "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD (for example 2012, 2012-02 or "
    "2012-02-14), day first with dots (14.02.2012, 02.2012), or in words such as 'February 2012', "
    "'14 February 2012', 'февраль 2012' or 'ақпан 2012'."
)


@total_ordering
@dataclass(frozen=True)
class ApproximateDate:
    """A calendar date known only to a given precision (year, month or day)."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self):
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is out of range")
        if self.month is None and self.day is not None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is out of range")
        if self.day is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise ValueError(f"day {self.day} is out of range for {self.year}-{self.month:02d}")

    # -- construction -----------------------------------------------------

    @classmethod
    def parse(cls, value) -> ApproximateDate | None:
        """Read ISO reduced precision, a ``date``, or a date in English, Russian or Kazakh words.

        Returns ``None`` for empty input; raises ``ValueError`` for anything
        that is not a real date.
        """
        if value is None or isinstance(value, ApproximateDate):
            return value
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return cls(value.year, value.month, value.day)
        text = str(value).strip()
        if not text:
            return None
        try:
            return cls._parse_text(text)
        except ValueError as error:
            if str(error).startswith(repr(text)):
                raise
            raise ValueError(f"{text!r} is not a real date ({error}). {INVALID_MESSAGE}") from error

    @classmethod
    def _parse_text(cls, text: str) -> ApproximateDate:
        for pattern in (_ISO, _SLASHED, _DAY_FIRST, _MONTH_SLASH_YEAR):
            match = pattern.match(text)
            if match:
                parts = match.groupdict()
                return cls(
                    int(parts["year"]),
                    int(parts["month"]) if parts["month"] else None,
                    int(parts["day"]) if parts.get("day") else None,
                )
        words = " ".join(_IN.sub("", _YEAR_WORD.sub("", text)).split())
        if words != text and re.fullmatch(r"\d{4}", words):
            return cls(int(words))  # "2012 год", "2012 ж."
        for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _MONTH_YEAR, _YEAR_DAY_MONTH):
            match = pattern.match(words)
            if match:
                parts = match.groupdict()
                month = _MONTHS.get(parts["month"].lower())
                if month is None:
                    break
                day = int(parts["day"]) if parts.get("day") else None
                return cls(int(parts["year"]), month, day)
        raise ValueError(f"{text!r} is not a date. {INVALID_MESSAGE}")

    # -- reading ----------------------------------------------------------

    @property
    def precision(self) -> str:
        if self.day is not None:
            return DAY
        if self.month is not None:
            return MONTH
        return YEAR

    def isoformat(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    __str__ = isoformat

    def display(self) -> str:
        """The date for a reader, in the active language and at its precision: ``February 2012``,
        ``14 February 2012``; ``февраль 2012``, ``14 февраля 2012``; ``2012 ж. ақпан``. Parsed back by
        :meth:`parse` (the exports are read by the import). Stored values and the API keep ISO."""
        if self.month is None:
            return str(self.year)
        name = str(MONTHS[self.month])
        if (get_language() or "").startswith("ru"):
            # Russian says a month alone in the nominative, with a day in the genitive (Django's "alt. month").
            name = name.lower() if self.day is None else str(MONTHS_ALT[self.month])
        elif (get_language() or "").startswith("kk"):
            name = name.lower()
        values = {"day": self.day, "month": name, "year": self.year}
        if self.day is None:
            # Translators: a date known to the month, e.g. "February 2012". Kazakh: "%(year)s ж. %(month)s".
            return pgettext("approximate date", "%(month)s %(year)s") % values
        # Translators: a date, e.g. "14 February 2012". Kazakh: "%(year)s ж. %(day)s %(month)s".
        return pgettext("approximate date", "%(day)s %(month)s %(year)s") % values

    def earliest(self) -> datetime.date:
        """The first day this date could be."""
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> datetime.date:
        """The last day this date could be."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return datetime.date(self.year, month, day)

    def is_certainly_before(self, other: ApproximateDate) -> bool:
        """True when every day this date could be is before every day of ``other``."""
        return self.latest() < other.earliest()

    def is_certainly_after(self, other: ApproximateDate) -> bool:
        return self.earliest() > other.latest()

    def add_months(self, months: int) -> ApproximateDate:
        """The date ``months`` later, kept at the same precision.

        A year-precision date moves to the year in which the period ends if it
        started on the first day of that year (2012 + 90 months is 2019): the
        earliest the end can be, at the precision the start was known to.
        """
        if self.month is None:
            return ApproximateDate(self.year + months // 12)
        index = self.year * 12 + (self.month - 1) + months
        year, month = divmod(index, 12)
        month += 1
        day = None
        if self.day is not None:
            day = min(self.day, calendar.monthrange(year, month)[1])
        return ApproximateDate(year, month, day)

    def _key(self):
        return self.isoformat()

    def __lt__(self, other):
        if not isinstance(other, ApproximateDate):
            return NotImplemented
        return self._key() < other._key()


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (never negative)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def _whole_years(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class Age:
    """An age derived from two approximate dates: the youngest and oldest it can be, and in words."""

    youngest: int
    oldest: int

    @property
    def exact(self) -> bool:
        return self.youngest == self.oldest

    def __str__(self) -> str:
        if self.exact:
            return str(self.youngest)
        if self.oldest - self.youngest == 1:
            # Born 1972, arrested 2012: 39 or 40, "about 40".
            return gettext("about %(age)d") % {"age": self.oldest}
        return gettext("%(youngest)d to %(oldest)d") % {"youngest": self.youngest, "oldest": self.oldest}


def age_at(born: ApproximateDate | None, on: ApproximateDate | None) -> Age | None:
    """The age of someone born ``born`` on the date ``on``, at the precision both are known to.

    Exact when both dates are days (or the precisions leave no doubt); otherwise the range of
    ages the dates allow ("about 40" when only the years are known). ``None`` when a date is
    unknown or ``on`` is certainly before ``born``.
    """
    if born is None or on is None or on.is_certainly_before(born):
        return None
    youngest = max(_whole_years(born.latest(), on.earliest()), 0)
    oldest = max(_whole_years(born.earliest(), on.latest()), 0)
    return Age(youngest, oldest)


def with_as_of(text: str, as_of: ApproximateDate | None) -> str:
    """``text`` with the date it is known as of: ``Serving (as of 2012-12)``.

    What a source reports as current ("he is serving", "more than 30 jailed") is known on the
    day the source was written, not since then and not necessarily still: wherever such a
    value is shown, the date goes with it. ``text`` alone when that date is not recorded.
    """
    if not text or as_of is None:
        return text
    return gettext("%(text)s (as of %(date)s)") % {"text": text, "date": as_of}


def prefixes(value: ApproximateDate) -> list[str]:
    """The coarser ISO strings that contain ``value`` (for precision-aware filters)."""
    text = value.isoformat()
    return [text[:length] for length in (4, 7) if length < len(text)]


@lru_cache(maxsize=1 << 16)
def _parse_stored(text: str) -> ApproximateDate:
    """A stored date, parsed once per distinct text.

    Stored dates repeat (a few thousand days, months and years cover a whole data set) and an
    :class:`ApproximateDate` is immutable, so rows can share one: a 100,000-row export reads
    400,000 dates, and parsing each again was a fifth of its time.
    """
    return ApproximateDate.parse(text)


class ApproximateDateFormField(forms.CharField):
    """A text input that accepts ``2012``, ``2012-02``, ``14 February 2012`` …"""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", "YYYY, YYYY-MM or YYYY-MM-DD")
        kwargs.pop("max_length")
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("placeholder", "e.g. 2012-02")
        self.widget.attrs.setdefault("size", 12)

    def prepare_value(self, value):
        if isinstance(value, ApproximateDate):
            return value.isoformat()
        return value

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return ApproximateDate.parse(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from error


def known(value) -> ApproximateDate | None:
    """``value`` if it is a valid approximate date, else ``None`` (for cross-field checks in ``clean``)."""
    return value if isinstance(value, ApproximateDate) else None


class ApproximateDateDescriptor(DeferredAttribute):
    """Turns assigned text ("2012-02") into an :class:`ApproximateDate` at once.

    Text that is not a date is kept as it is, so that ``full_clean()`` reports
    it against the field instead of assignment raising.
    """

    def __set__(self, instance, value):
        if isinstance(value, str | datetime.date):
            # Not a date: keep the text so that full_clean() names the field.
            with contextlib.suppress(ValueError):
                value = ApproximateDate.parse(value)
        instance.__dict__[self.field.attname] = value


class ApproximateDateField(models.CharField):
    """A date with its precision, stored as ISO 8601 reduced precision text."""

    description = "An approximate date (year, month or day precision)"
    descriptor_class = ApproximateDateDescriptor

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 10
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return None
        return _parse_stored(value)

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return ApproximateDate.parse(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from error

    def run_validators(self, value):
        # CharField's max-length validator measures text, not the value object.
        super().run_validators(value.isoformat() if isinstance(value, ApproximateDate) else value)

    def get_prep_value(self, value):
        value = self.to_python(value)
        return value.isoformat() if value is not None else None

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return value.isoformat() if value is not None else ""

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", ApproximateDateFormField)
        return super().formfield(**kwargs)
