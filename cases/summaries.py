"""Sentence summaries: one row per sentence, for advocates' reports and letters.

:func:`sentence_summary_row` is the ONE place a sentence becomes a row; the
CSV, XLSX and JSON writers (``cases.exports``), the API, the admin actions and
the ``export_sentences`` command all use it, so every format says the same.

A row is a ``dict`` keyed by :data:`COLUMNS` keys, in their order. Values are
plain Python: ``str``, ``int``, :class:`ApproximateDate` for dates (kept at
their precision: ``2012-10`` stays ``2012-10``), or ``None`` when unknown.
Each writer decides how to show them (ISO text in CSV and JSON; a real date
in XLSX when the date is known to the day).

The row function expects a sentence loaded by
``cases.selectors.sentence_summary_queryset`` (person, case, trial, court and
place selected in the same query) whose charges and sources were loaded for
its whole batch by :func:`attach_summary_extras`; given any other sentence it
loads what it lacks itself, a few queries at a time. Exports hand it the
lighter :func:`summary_sentences` instead of model instances (same attributes).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casetracker.approximate_dates import ApproximateDate, months_between
from casetracker.choices import Qualifier
from casetracker.visibility import LEVEL_ORDER, condition, visible_at
from people.choices import RecognitionKind
from people.models import Recognition, person_str
from sources.models import Citation

from .choices import TERM_KINDS, SentenceKind, SentenceStatus
from .models import (
    Charge,
    Defendant,
    Sentence,
    Trial,
    dated_status,
    legal_article_str,
    sentence_status_str,
    term_in_words,
)

PROTECTED_PERSON = "Protected person"
PROTECTED_CASE = "Protected case"

# The annotation (``cases.selectors.with_sort_keys``) that says a reader may not see the sentence.
MASKED = "summary_masked"

# What a masked row keeps: what cannot identify anyone (see :func:`sentence_summary_row`).
MASKED_ROW_KEEPS = ("sentence_kind", "term", "term_months", "term_qualifier", "status")

# Where attach_summary_extras puts a sentence's charge labels and source titles.
EXTRAS_ATTR = "_summary_extras"

# The labels are translated lazily: rows hold them as text (str()), since csv and openpyxl write text only.
KIND_LABELS = dict(SentenceKind.choices)
STATUS_LABELS = dict(SentenceStatus.choices)
QUALIFIER_LABELS = dict(Qualifier.choices)
RECOGNITION_LABELS = dict(RecognitionKind.choices)
PUBLIC = LEVEL_ORDER[0]

# A sentence in one of these states no longer runs, whatever its expected end says.
ENDED_STATUSES = {
    SentenceStatus.COMPLETED,
    SentenceStatus.RELEASED_EARLY,
    SentenceStatus.PARDONED,
    SentenceStatus.AMNESTIED,
    SentenceStatus.OVERTURNED,
}

TEXT = "text"
NUMBER = "number"
DATE = "date"


@dataclass(frozen=True)
class Column:
    """One column of a sentence summary: its key (JSON), header (CSV/XLSX) and kind of value."""

    key: str
    header: str
    kind: str = TEXT
    width: int = 16  # characters, for the XLSX column
    description: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "defendant", _("Defendant"), width=30, description=_("The person sentenced, or the group of unnamed persons.")
    ),
    Column("case", _("Case"), width=36, description=_("The case the sentence was given in.")),
    Column(
        "charges",
        _("Charges"),
        width=48,
        description=_(
            "The articles charged (code, article, title), or the offence as described when the article "
            "is unknown; several separated by ';'."
        ),
    ),
    Column("court", _("Court"), width=28, description=_("The court that passed the sentence, if named.")),
    Column("verdict_date", _("Verdict date"), DATE, 13, _("When the verdict was given, at the precision known.")),
    Column(
        "sentence_kind", _("Sentence"), width=20, description=_("The kind of sentence (imprisonment, probation …).")
    ),
    Column(
        "term",
        _("Term"),
        width=22,
        description=_(
            "The term in words with its qualifier ('7 years 6 months', 'up to 12 years'); for a fine, "
            "the amount and currency."
        ),
    ),
    Column("term_months", _("Term (months)"), NUMBER, 10, _("The term in months (7½ years = 90).")),
    Column(
        "term_qualifier",
        _("Term stated as"),
        width=12,
        description=_("How the source states the term: exactly, up to, at least …"),
    ),
    Column("start", _("Start"), DATE, 12, _("When the sentence began, at the precision known.")),
    Column("expected_end", _("Expected end"), DATE, 13, _("Start plus term, at the start's precision.")),
    Column("actual_release", _("Actual release"), DATE, 13, _("When the person was actually released, if they were.")),
    Column(
        "status",
        _("Status"),
        width=26,
        description=_(
            "Where the sentence stands, with the date it is known as of when a source reported it: "
            "'Serving (as of 2012-12)' says what was true then, not today."
        ),
    ),
    Column(
        "status_as_of",
        _("Status as of"),
        DATE,
        13,
        _(
            "The date the status is known as of (the date of the source that reports it); empty when staff keep "
            "the status current."
        ),
    ),
    Column(
        "time_served",
        _("Time served"),
        width=20,
        description=_(
            "Time served as of the export date, in words; 'about' when the start is not known to the day. "
            "When the status is known only as of an earlier date, 'at least' the time served by then. Empty when "
            "the start is unknown."
        ),
    ),
    Column(
        "time_remaining",
        _("Time remaining"),
        width=20,
        description=_(
            "Time left to serve as of the export date, in words ('up to' when the status is known only as "
            "of an earlier date); empty when the start is unknown or for a sentence that has no term."
        ),
    ),
    Column(
        "recognised_by",
        _("Recognised by"),
        width=40,
        description=_(
            "The organizations that recognise the person as a political prisoner, prisoner of conscience "
            "… (recognitions not withdrawn), with the kind and date: 'Memorial: Political prisoner (2012-10)'; "
            "several separated by ';'."
        ),
    ),
    Column(
        "place_of_detention",
        _("Current place of detention"),
        width=36,
        description=_(
            "Where the defendant is held now, from the custody history (the latest stay without an end), "
            "with since when and the date it is known as of: 'Colony 157 since 2013-02 (as of 2014-06)'."
        ),
    ),
    Column(
        "detained_there_since",
        _("Held there since"),
        DATE,
        13,
        _("When the current stay began, at the precision known; empty when the source does not say."),
    ),
    Column(
        "time_there",
        _("Time held there"),
        width=20,
        description=_(
            "How long the defendant has been at the current place of detention as of the export date "
            "(or 'at least' as of the date it is known as of when the start is unknown), in words; 'about' when "
            "the start is not known to the day."
        ),
    ),
    Column(
        "sources",
        _("Sources"),
        width=60,
        description=_(
            "Titles of the sources cited for the sentence, its defendant, trial and charges; several separated by ';'."
        ),
    ),
)

COLUMN_KEYS: tuple[str, ...] = tuple(column.key for column in COLUMNS)
LIST_SEPARATOR = "; "


def column_headers(*, as_of: datetime.date) -> list[str]:
    """The headers a person reads, in column order and the active language; time served/remaining name their
    date. (The JSON keys are :data:`COLUMN_KEYS`, the same in every language.)"""
    headers = []
    for column in COLUMNS:
        if column.key in ("time_served", "time_remaining", "time_there"):
            headers.append(gettext("%(header)s (as of %(date)s)") % {"header": column.header, "date": as_of})
        else:
            headers.append(str(column.header))
    return headers


def sentence_summary_row(sentence: Sentence, *, as_of: datetime.date, levels: Collection[str]) -> dict:
    """Turn a sentence into a summary row (see :data:`COLUMNS`).

    ``as_of`` is the day time served and remaining are counted to.
    ``levels`` are the confidentiality levels the reader may see
    (``casetracker.visibility.visible_levels``). A sentence the reader may not
    see (by the project's one rule) is masked, not dropped, so counts stay
    true: it keeps only what cannot identify anyone — the kind, the term with
    its qualifier and the status (:data:`MASKED_ROW_KEEPS`). The person and
    case become "Protected person" and "Protected case"; the offence text,
    court, verdict date, start, expected end, release date, time served and
    the sources are left out, since any of them can pick out one person in a
    small case. Which sentences a reader gets at all is the selector's
    business (``cases.selectors.sentence_summary_queryset``).
    """
    masked = getattr(sentence, MASKED, None)
    if masked is None:  # a sentence not loaded by the selector
        masked = not visible_at(sentence, levels)
    if masked:
        return masked_row(sentence)
    defendant = sentence.defendant
    person = defendant.person
    case = defendant.case
    trial = sentence.trial
    served, remaining = time_served_and_remaining(sentence, as_of=as_of)
    extras = getattr(sentence, EXTRAS_ATTR, None)
    if extras is None:
        extras = attach_summary_extras([sentence], levels=levels)[sentence.pk]
    return {
        "defendant": person_str(
            name=person.name,
            kind=person.kind,
            group_size=person.group_size,
            group_size_qualifier=person.group_size_qualifier,
            group_size_as_of=person.group_size_as_of,
        ),
        "case": case.title,
        "charges": _joined(extras.charges),
        "court": court_text(trial),
        "verdict_date": trial.verdict_date if trial is not None else None,
        "sentence_kind": str(KIND_LABELS.get(sentence.kind, sentence.kind)),
        "term": term_text(sentence),
        "term_months": sentence.term_months,
        "term_qualifier": str(QUALIFIER_LABELS.get(sentence.term_qualifier, sentence.term_qualifier))
        if sentence.term_qualifier
        else None,
        "start": sentence.start,
        "expected_end": sentence.expected_end,
        "actual_release": sentence.actual_release,
        "status": sentence_status_str(sentence.status, sentence.status_as_of),
        "status_as_of": sentence.status_as_of,
        "time_served": served,
        "time_remaining": remaining,
        "recognised_by": _joined(extras.recognitions),
        **custody_columns(defendant, as_of=as_of),
        "sources": _joined(extras.sources),
    }


def custody_columns(defendant, *, as_of: datetime.date) -> dict:
    """The current place of detention, since when, and for how long as of ``as_of`` (see :data:`COLUMNS`)."""
    facility = getattr(defendant, "current_facility", None)
    if facility is None:
        return {"place_of_detention": None, "detained_there_since": None, "time_there": None}
    since: ApproximateDate | None = defendant.custody_since
    known_as_of: ApproximateDate | None = defendant.custody_as_of
    place = dated_status(facility.name, took_effect=since, as_of=known_as_of)
    time_there = None
    if since is not None and since.earliest() <= as_of:
        months = months_between(since.earliest(), as_of)
        time_there = term_in_words(months, Qualifier.ABOUT if since.precision != "day" and months else Qualifier.EXACT)
    elif known_as_of is not None and known_as_of.earliest() <= as_of:
        months = months_between(known_as_of.latest(), as_of) if known_as_of.latest() <= as_of else 0
        time_there = term_in_words(months, Qualifier.AT_LEAST if months else Qualifier.EXACT)
    return {"place_of_detention": place, "detained_there_since": since, "time_there": time_there}


def masked_row(sentence) -> dict:
    """The row of a sentence the reader may not see: :data:`MASKED_ROW_KEEPS` and nothing else."""
    row = dict.fromkeys(COLUMN_KEYS)
    row.update(
        {
            "defendant": PROTECTED_PERSON,
            "case": PROTECTED_CASE,
            "sentence_kind": str(KIND_LABELS.get(sentence.kind, sentence.kind)),
            "term": term_text(sentence),
            "term_months": sentence.term_months,
            "term_qualifier": str(QUALIFIER_LABELS.get(sentence.term_qualifier, sentence.term_qualifier))
            if sentence.term_qualifier
            else None,
            "status": masked_status_text(sentence),
        }
    )
    return row


def masked_status_text(sentence) -> str:
    """A masked row's status: never the date it is known as of (a report's date can pick out a person),
    but never read as today's either."""
    label = str(STATUS_LABELS.get(sentence.status, sentence.status))
    if sentence.status_as_of is None:
        return label
    return gettext("%(status)s (as of a date not shown)") % {"status": label}


# The columns a summary row reads, for ``values_list``: see :func:`summary_sentences`.
SUMMARY_VALUES = (
    "id",
    "defendant_id",
    "trial_id",
    "kind",
    "term_months",
    "term_qualifier",
    "fine_amount",
    "fine_currency",
    "start",
    "expected_end",
    "actual_release",
    "status",
    "status_as_of",
    "defendant__person__name",
    "defendant__person__kind",
    "defendant__person__group_size",
    "defendant__person__group_size_qualifier",
    "defendant__person__group_size_as_of",
    "defendant__person__confidentiality",
    "defendant__person_id",
    "defendant__case__title",
    "defendant__case__confidentiality",
    "trial__verdict_date",
    "trial__court__name",
    "trial__place__name",
    "defendant__current_facility__name",
    "defendant__custody_since",
    "defendant__custody_as_of",
    MASKED,
)


def summary_sentences(rows: Iterable[tuple]) -> Iterator[SimpleNamespace]:
    """Sentences as :func:`sentence_summary_row` reads them, from ``values_list(*SUMMARY_VALUES)`` rows.

    The same attributes as a sentence from ``sentence_summary_queryset`` (``defendant.person.name``,
    ``trial.court.name`` …), without building seven model instances per sentence (sentence,
    defendant, person, case, trial, court, place): on a 100,000-row export that was most of the
    time. Dates still come as :class:`ApproximateDate` (the field converts them).
    """
    for (
        pk, defendant_id, trial_id, kind, term_months, term_qualifier, fine_amount, fine_currency,
        start, expected_end, actual_release, status, status_as_of,
        person_name, person_kind, group_size, group_size_qualifier, group_size_as_of, person_confidentiality,
        person_id, case_title, case_confidentiality,
        verdict_date, court_name, place_name, facility_name, custody_since, custody_as_of, masked,
    ) in rows:  # fmt: skip
        person = SimpleNamespace(
            name=person_name,
            kind=person_kind,
            group_size=group_size,
            group_size_qualifier=group_size_qualifier,
            group_size_as_of=group_size_as_of,
            confidentiality=person_confidentiality,
        )
        case = SimpleNamespace(title=case_title, confidentiality=case_confidentiality)
        trial = None
        if trial_id is not None:
            trial = SimpleNamespace(
                verdict_date=verdict_date,
                court=None if court_name is None else SimpleNamespace(name=court_name),
                place=None if place_name is None else SimpleNamespace(name=place_name),
            )
        yield SimpleNamespace(
            pk=pk,
            id=pk,
            defendant_id=defendant_id,
            trial_id=trial_id,
            kind=kind,
            term_months=term_months,
            term_qualifier=term_qualifier,
            fine_amount=fine_amount,
            fine_currency=fine_currency,
            start=start,
            expected_end=expected_end,
            actual_release=actual_release,
            status=status,
            status_as_of=status_as_of,
            defendant=SimpleNamespace(
                person=person,
                person_id=person_id,
                case=case,
                current_facility=None if facility_name is None else SimpleNamespace(name=facility_name),
                custody_since=custody_since,
                custody_as_of=custody_as_of,
            ),
            trial=trial,
            **{MASKED: bool(masked)},
        )


def court_text(trial) -> str | None:
    if trial is None:
        return None
    if trial.court is not None:
        return trial.court.name
    if trial.place is not None:
        return f"court in {trial.place.name}"
    return None


def term_text(sentence: Sentence) -> str | None:
    """The term in words; for a fine, the amount and currency."""
    if sentence.kind == SentenceKind.FINE and sentence.fine_amount is not None:
        amount = f"{Decimal(sentence.fine_amount):,.2f}".removesuffix(".00")
        return f"{amount} {sentence.fine_currency}".strip()
    return term_in_words(sentence.term_months, sentence.term_qualifier) or None


@dataclass(frozen=True, slots=True)
class SummaryExtras:
    """What a row needs from the sentence's to-many relations: charge labels and cited source titles."""

    charges: tuple[str, ...]
    sources: tuple[str, ...]
    recognitions: tuple[str, ...] = ()


def attach_summary_extras(
    sentences: list[Sentence], *, levels: Collection[str] = (PUBLIC,)
) -> dict[int, SummaryExtras]:
    """Load the charges, cited sources and recognitions of a batch of sentences in THREE queries, whatever its size.

    Recognitions are those not withdrawn that a reader of ``levels`` may see.

    Each sentence gets its :class:`SummaryExtras` (also returned by id). The
    sources are those cited for the sentence, its defendant, its trial and
    the defendant's charges, in that order, each title once. Plain tuples
    rather than prefetched model instances: on a 100,000-row export, building
    a model (and a related manager) per charge and per citation would cost
    more than the row itself.
    """
    if not sentences:
        return {}
    defendant_ids = {sentence.defendant_id for sentence in sentences}
    charges: dict[int, list[tuple[int, str]]] = {}
    for charge_id, defendant_id, description, code, article, title in (
        Charge.objects.filter(defendant_id__in=_one_of(defendant_ids))
        .order_by("id")
        .values_list("id", "defendant_id", "offence_description", "article__code", "article__article", "article__title")
    ):
        label = description if article is None else legal_article_str(code=code, article=article, title=title)
        charges.setdefault(defendant_id, []).append((charge_id, label))

    types = ContentType.objects.get_for_models(Sentence, Defendant, Trial, Charge)
    sentence_type, defendant_type, trial_type, charge_type = (
        types[model].pk for model in (Sentence, Defendant, Trial, Charge)
    )
    targets = {
        sentence_type: {sentence.pk for sentence in sentences},
        defendant_type: defendant_ids,
        trial_type: {sentence.trial_id for sentence in sentences if sentence.trial_id is not None},
        charge_type: {charge_id for labels in charges.values() for charge_id, _label in labels},
    }
    # One branch per kind of record, joined with UNION ALL: each branch is answered from the
    # (content_type, object_id) index, where one OR of the four made PostgreSQL scan every citation.
    branches = [
        Citation.objects.filter(content_type_id=content_type_id, object_id__in=_one_of(object_ids))
        .order_by()
        .values_list("id", "content_type_id", "object_id", "source__title")
        for content_type_id, object_ids in targets.items()
        if object_ids
    ]
    titles: dict[tuple[int, int], list[str]] = {}
    citations = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    for _id, content_type_id, object_id, title in citations.order_by("id"):
        titles.setdefault((content_type_id, object_id), []).append(title)

    person_ids = {sentence.defendant.person_id for sentence in sentences}
    recognitions: dict[int, list[str]] = {}
    found = Recognition.objects.current().filter(person_id__in=_one_of(person_ids))
    where = condition(Recognition, levels) if len(levels) < len(LEVEL_ORDER) else None
    if where is not None:
        found = found.filter(where)
    for person_id, organization, kind, date in found.order_by("date", "id").values_list(
        "person_id", "organization__name", "kind", "date"
    ):
        label = gettext("%(organization)s: %(kind)s") % {
            "organization": organization,
            "kind": RECOGNITION_LABELS.get(kind, kind),
        }
        recognitions.setdefault(person_id, []).append(f"{label} ({date})" if date is not None else label)

    extras = {}
    for sentence in sentences:
        own_charges = charges.get(sentence.defendant_id, [])
        keys = [(sentence_type, sentence.pk), (defendant_type, sentence.defendant_id)]
        if sentence.trial_id is not None:
            keys.append((trial_type, sentence.trial_id))
        keys.extend((charge_type, charge_id) for charge_id, _label in own_charges)
        sources = dict.fromkeys(title for key in keys for title in titles.get(key, ()))
        extra = SummaryExtras(
            charges=tuple(label for _id, label in own_charges),
            sources=tuple(sources),
            recognitions=tuple(recognitions.get(sentence.defendant.person_id, ())),
        )
        setattr(sentence, EXTRAS_ATTR, extra)
        extras[sentence.pk] = extra
    return extras


def _one_of(ids: Collection[int]):
    """The right-hand side of an ``__in`` filter on ids: one array parameter on PostgreSQL.

    A plain list becomes one SQL parameter per id, each prepared by Django and bound by psycopg:
    for the thousands of ids of an export chunk that cost more than running the query.
    """
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))
    return ids


def time_served_and_remaining(sentence: Sentence, *, as_of: datetime.date) -> tuple[str | None, str | None]:
    """Time served and time left as of ``as_of``, in words, from what is known and nothing more.

    Counted from the earliest day the start could be, to the release (if
    any), else to ``as_of``, and never beyond the term. Both are empty when
    the start is unknown or the sentence has no term (a fine); the remainder
    is "0 months" once the person is released, or when the sentence's status
    says it has ended (completed, pardoned …) and no release date is known. When
    the start is known only to the month or year the figures are "about";
    when the term is "up to" a length, so is the remainder.

    A status known only as of an earlier date ("serving", as reported in
    December 2012) says nothing of what came after: the time served is then
    "at least" what had certainly been served by that date (from the latest
    day the start could be to the first day of that date), and the remainder
    "up to" the rest of the term.
    """
    start: ApproximateDate | None = sentence.start
    if start is None or sentence.kind not in TERM_KINDS:
        return None, None
    status_as_of: ApproximateDate | None = getattr(sentence, "status_as_of", None)
    ended_status = sentence.status in ENDED_STATUSES
    known_until = None
    if (
        sentence.actual_release is None
        and status_as_of is not None
        and not ended_status
        and status_as_of.earliest() < as_of
    ):
        known_until = status_as_of.earliest()
    term = sentence.term_months
    if known_until is not None:
        served = months_between(start.latest(), known_until) if known_until >= start.latest() else 0
        if term is not None:
            served = min(served, term)
        served_text = term_in_words(served, Qualifier.AT_LEAST if served else Qualifier.EXACT)
        if term is None:
            return served_text, None
        remaining = term - served
        bounded = sentence.term_qualifier in ("", Qualifier.EXACT, Qualifier.UP_TO)
        qualifier = Qualifier.UP_TO if bounded else Qualifier.ABOUT
        return served_text, term_in_words(remaining, qualifier if remaining else Qualifier.EXACT)
    until = as_of
    if sentence.actual_release is not None:
        until = min(until, sentence.actual_release.earliest())
    served = months_between(start.earliest(), until) if until >= start.earliest() else 0
    if term is not None:
        served = min(served, term)
    approximate = start.precision != "day"
    served_text = term_in_words(served, Qualifier.ABOUT if approximate and served else Qualifier.EXACT)
    if term is None:
        return served_text, None
    if sentence.actual_release is not None:
        ended = as_of >= sentence.actual_release.earliest()
    else:
        # The status is today's; it cannot end a sentence before the sentence began.
        ended = ended_status and as_of >= start.earliest()
    remaining = 0 if ended else term - served
    if remaining and sentence.term_qualifier and sentence.term_qualifier != Qualifier.EXACT:
        qualifier = sentence.term_qualifier
    elif remaining and approximate:
        qualifier = Qualifier.ABOUT
    else:
        qualifier = Qualifier.EXACT
    return served_text, term_in_words(remaining, qualifier)


def _joined(parts) -> str | None:
    text = LIST_SEPARATOR.join(part for part in parts if part)
    return text or None
