"""Synthetic data at scale, for load testing and the benchmark in ``bench/``.

``synthetic_seed`` writes a realistic, deterministic data set (by default
100,000 persons with name variants, 20,000 cases with 100,000 defendants,
150,000 charges, 100,000 sentences, status histories and citations) and
``synthetic_delete`` removes it again, and nothing else.

How synthetic data is kept apart from real records:

- Person, Organization, Place, Source, Event, Case and LegalArticle rows carry
  ``synthetic=True``. Every other synthetic row (name variants, memberships,
  defendants, status changes, charges, trials, sentences, citations, event
  figures, many-to-many links) belongs to a synthetic parent, which is how
  ``synthetic_delete`` finds it.
- Names and titles say so: persons, organizations, places, events, cases and
  sources carry a ``[synthetic]`` tag, and free-text fields (descriptions,
  notes, excerpts) start with it, so an export or a screenshot of synthetic
  data cannot be mistaken for a real prosecution.
- Every synthetic citation points to one source, "[synthetic] Synthetic data
  generator".

Synthetic data has **no history**: rows are written with the managers'
``bulk_create`` (not django-simple-history's ``bulk_create_with_history``),
which calls neither ``save()`` nor signals. Everything ``save()`` would derive
is computed here instead: ``search_text`` of persons, organizations and
places, ``Sentence.expected_end``, and ``Defendant.status``/``status_date``
(the latest entry of the generated status history, in the same order
``defendant_refresh_status`` uses).

Determinism: every model draws from its own ``random.Random`` seeded with
``f"{seed}:{name}"``, and nothing depends on database ids, the batch size or
today's date (all dates fall between 2005 and 2024), so the same seed and
counts give the same rows on every engine.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import Q

from cases.choices import (
    CaseKind,
    ChargeOutcome,
    DefendantStatus,
    EventKind,
    FacilityKind,
    FigureMeasure,
    SentenceKind,
    SentenceStatus,
)
from cases.models import (
    Case,
    Charge,
    CustodyStay,
    Defendant,
    Event,
    EventFigure,
    Facility,
    FacilityName,
    LegalArticle,
    Place,
    PlaceName,
    Sentence,
    StatusChange,
    Trial,
)
from casetracker.approximate_dates import ApproximateDate
from casetracker.base_models import search_text_for
from casetracker.choices import Confidentiality, Qualifier
from casetracker.translit import folded_lines
from people.choices import OccupationCategory, OrganizationKind, PersonKind, RecognitionKind, Right, Sex
from people.models import Membership, Organization, OrganizationName, Person, PersonName, Recognition
from sources.choices import SourceKind
from sources.models import Citation, Document, Source, document_path, documents_storage
from sources.search import search_index_prune, search_index_rebuild

TAG = "[synthetic]"
GENERATOR_SOURCE_TITLE = f"{TAG} Synthetic data generator"
GENERATOR_PUBLISHER = "casetracker seed_synthetic"
SYNTHETIC_CODE = f"{TAG} Criminal Code"

# All generated dates fall in this window, so the data never depends on today.
FIRST_DAY = datetime.date(2005, 1, 1).toordinal()
LAST_DAY = datetime.date(2024, 12, 31).toordinal()
# Cases open early enough for their first verdict to fall inside the window.
LAST_CASE_OPENED = datetime.date(2022, 12, 31).toordinal()

DAY, MONTH, YEAR = "day", "month", "year"

# Models whose rows carry the ``synthetic`` flag themselves.
FLAGGED_MODELS = (Person, Organization, Place, Source, Event, Case, LegalArticle, Facility)


@dataclass(frozen=True)
class SyntheticCounts:
    """How many rows of each kind to generate (name variants, memberships' dates,
    status changes, event figures and links follow from these)."""

    persons: int = 100_000
    organizations: int = 2_000
    places: int = 500
    sources: int = 1_000
    legal_articles: int = 300
    events: int = 1_000
    cases: int = 20_000
    trials: int = 24_000
    defendants: int = 100_000
    charges: int = 150_000
    sentences: int = 100_000
    citations: int = 100_000
    memberships: int = 10_000
    documents: int = 10_000
    facilities: int = 300
    recognitions: int = 5_000

    # The smallest data set that still has every kind of row.
    MINIMUMS = {
        "persons": 1,
        "organizations": 2,
        "places": 2,
        "sources": 1,
        "legal_articles": 1,
        "events": 1,
        "cases": 1,
    }

    @classmethod
    def names(cls) -> list[str]:
        return [field.name for field in dataclasses.fields(cls)]

    def scaled(self, factor: float) -> SyntheticCounts:
        """Every count multiplied by ``factor`` (rounded; never below the minimums)."""
        if factor <= 0:
            raise ValueError(f"The scale must be positive (got {factor}); 1 is the default data set.")
        values = {}
        for name in self.names():
            values[name] = max(round(getattr(self, name) * factor), self.MINIMUMS.get(name, 0))
        return SyntheticCounts(**values)

    def replace(self, **counts: int | None) -> SyntheticCounts:
        return dataclasses.replace(self, **{name: value for name, value in counts.items() if value is not None})

    def errors(self) -> list[str]:
        """What makes these counts impossible, in words that say what to change."""
        problems = []
        for name in self.names():
            value = getattr(self, name)
            minimum = self.MINIMUMS.get(name, 0)
            if value < minimum:
                problems.append(f"--{name.replace('_', '-')} must be at least {minimum} (got {value}).")
        if self.defendants and self.defendants > self.cases * self.persons:
            problems.append(
                f"{self.defendants} defendants do not fit in {self.cases} cases of at most "
                f"{self.persons} persons each; add persons or cases."
            )
        for child in ("charges", "sentences"):
            if getattr(self, child) and not self.defendants:
                problems.append(f"--{child} needs defendants; set --defendants above 0.")
        return problems


@dataclass
class StepReport:
    """One line of the summary: what was written (or deleted), how many rows, how long it took."""

    label: str
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


class SyntheticDataError(Exception):
    """Seeding or deleting cannot go ahead; the message says what to do."""


# -- pools of names ------------------------------------------------------------

# (Latin, another Latin transliteration, Cyrillic)
MALE_FIRST = [
    ("Aidos", "Aidos", "Айдос"),
    ("Akzhol", "Akjol", "Акжол"),
    ("Arman", "Arman", "Арман"),
    ("Askar", "Asqar", "Аскар"),
    ("Asylbek", "Asylbek", "Асылбек"),
    ("Bauyrzhan", "Baurzhan", "Бауыржан"),
    ("Berik", "Berik", "Берик"),
    ("Daniyar", "Daniiar", "Данияр"),
    ("Erlan", "Yerlan", "Ерлан"),
    ("Galym", "Ghalym", "Галым"),
    ("Kairat", "Qairat", "Кайрат"),
    ("Marat", "Marat", "Марат"),
    ("Maksat", "Maqsat", "Максат"),
    ("Nurlan", "Nurlan", "Нурлан"),
    ("Rustam", "Rustem", "Рустам"),
    ("Serik", "Serik", "Серик"),
    ("Talgat", "Talghat", "Талгат"),
    ("Timur", "Temir", "Тимур"),
    ("Vladimir", "Wladimir", "Владимир"),
    ("Vadim", "Vadim", "Вадим"),
    ("Sergei", "Sergey", "Сергей"),
    ("Aleksandr", "Alexander", "Александр"),
    ("Zhanbolat", "Janbolat", "Жанболат"),
    ("Yerzhan", "Erzhan", "Ержан"),
    ("Olzhas", "Oljas", "Олжас"),
    ("Saken", "Saken", "Сакен"),
    ("Dulat", "Dulat", "Дулат"),
    ("Murat", "Murat", "Мурат"),
    ("Kanat", "Qanat", "Канат"),
    ("Roman", "Roman", "Роман"),
]
FEMALE_FIRST = [
    ("Aigul", "Aigül", "Айгуль"),
    ("Ainur", "Aynur", "Айнур"),
    ("Aliya", "Aliia", "Алия"),
    ("Asel", "Assel", "Асель"),
    ("Dana", "Dana", "Дана"),
    ("Gulnara", "Gülnara", "Гульнара"),
    ("Zhanar", "Janar", "Жанар"),
    ("Roza", "Rosa", "Роза"),
    ("Saule", "Saule", "Сауле"),
    ("Natalia", "Natalya", "Наталья"),
    ("Elena", "Yelena", "Елена"),
    ("Madina", "Madina", "Мадина"),
    ("Dinara", "Dinara", "Динара"),
    ("Kamila", "Kamilla", "Камила"),
    ("Zhuldyz", "Juldyz", "Жулдыз"),
    ("Lyazzat", "Liazzat", "Ляззат"),
]
# Male forms; the female form adds "a" / "а".
SURNAMES = [
    ("Sapargaliev", "Sapargaliyev", "Сапаргалиев"),
    ("Nurmagambetov", "Nurmaghambetov", "Нурмагамбетов"),
    ("Kozhakhmetov", "Kojakhmetov", "Кожахметов"),
    ("Abilov", "Abilov", "Абилов"),
    ("Tuleshov", "Tuleshov", "Тулешов"),
    ("Zhaksylykov", "Jaqsylyqov", "Жаксылыков"),
    ("Bekbolatov", "Bekbolatov", "Бекболатов"),
    ("Omarbekov", "Omarbekov", "Омарбеков"),
    ("Uteshev", "Uteshev", "Утешев"),
    ("Dzhaksybekov", "Jaksybekov", "Джаксыбеков"),
    ("Kenzhebekov", "Kenjebekov", "Кенжебеков"),
    ("Amanov", "Amanov", "Аманов"),
    ("Yesenov", "Esenov", "Есенов"),
    ("Sarsenov", "Sarsenov", "Сарсенов"),
    ("Zhumagaliev", "Jumagaliyev", "Жумагалиев"),
    ("Karabaev", "Karabayev", "Карабаев"),
    ("Tokhtarov", "Tokhtarov", "Тохтаров"),
    ("Mukhamedov", "Mukhamedov", "Мухамедов"),
    ("Seitkaliev", "Seitkaliyev", "Сейткалиев"),
    ("Baimuratov", "Baymuratov", "Баймуратов"),
    ("Dosmagambetov", "Dosmaghambetov", "Досмагамбетов"),
    ("Kuanyshev", "Quanyshev", "Куанышев"),
    ("Shaimerdenov", "Shaymerdenov", "Шаймерденов"),
    ("Tasbolatov", "Tasbolatov", "Тасболатов"),
    ("Akhmetov", "Akhmetov", "Ахметов"),
    ("Ospanov", "Ospanov", "Оспанов"),
    ("Serikbaev", "Serikbayev", "Серикбаев"),
    ("Khalelov", "Halelov", "Халелов"),
    ("Nazarbaev", "Nazarbayev", "Назарбаев"),
    ("Ermekov", "Yermekov", "Ермеков"),
    ("Ivanov", "Iwanow", "Иванов"),
    ("Petrenko", "Petrenko", "Петренко"),
    ("Kuzmin", "Kouzmin", "Кузьмин"),
    ("Orlov", "Orlow", "Орлов"),
    ("Zhunusov", "Junusov", "Жунусов"),
    ("Iskakov", "Yskakov", "Искаков"),
    ("Mamyrov", "Mamyrov", "Мамыров"),
    ("Tulegenov", "Tulegenov", "Тулегенов"),
    ("Sultanbekov", "Sultanbekov", "Султанбеков"),
    ("Bolatov", "Bolatov", "Болатов"),
]
# Male first names that form a Russian patronymic with -ович / -овна.
PATRONYMIC_BASES = ["Марат", "Серик", "Ерлан", "Нурлан", "Берик", "Айдос", "Аскар", "Кайрат", "Талгат", "Мурат"]

PLACE_ROOTS = [
    ("Karaozen", "Qaraozen", "Караозен"),
    ("Zhetybai", "Jetybay", "Жетыбай"),
    ("Kurykozek", "Quryqozek", "Курыкозек"),
    ("Shetpe", "Shetpe", "Шетпе"),
    ("Beineu", "Beyneu", "Бейнеу"),
    ("Akshukur", "Aqshuqyr", "Акшукур"),
    ("Tauchik", "Tauşyq", "Таучик"),
    ("Kyzylsai", "Qyzylsay", "Кызылсай"),
    ("Sayotes", "Sayotes", "Сайотес"),
    ("Tengizshevroil", "Tengiz", "Тенгиз"),
    ("Borankul", "Boranqul", "Боранкул"),
    ("Munaishy", "Munayshy", "Мунайшы"),
]
OFFENCES = [
    "Inciting social discord",
    "Organising mass riots",
    "Participation in mass riots",
    "Calls to seize power",
    "Hooliganism",
    "Resisting a public official",
    "Abuse of office",
    "Torture",
    "Theft of property",
    "Dissemination of false information",
    "Participation in a banned organisation",
    "Illegal assembly",
    "Damage to property",
    "Financing of extremism",
    "Insulting a public official",
]
ROLES = ["member", "leader", "lawyer", "spokesperson", "journalist", "chair", "activist", "researcher"]
ORG_KINDS = [
    OrganizationKind.NGO,
    OrganizationKind.MEDIA,
    OrganizationKind.PARTY,
    OrganizationKind.STATE_BODY,
    OrganizationKind.COMPANY,
    OrganizationKind.INTERNATIONAL,
]
ORG_WORDS = {
    OrganizationKind.NGO: ("Human Rights Bureau", "Бюро по правам человека"),
    OrganizationKind.MEDIA: ("Independent Weekly", "Независимый еженедельник"),
    OrganizationKind.PARTY: ("Democratic Choice Movement", "Движение Демократический выбор"),
    OrganizationKind.STATE_BODY: ("Prosecutor's Office", "Прокуратура"),
    OrganizationKind.COMPANY: ("Oil Services Company", "Нефтесервисная компания"),
    OrganizationKind.INTERNATIONAL: ("Monitoring Mission", "Миссия наблюдателей"),
}
COUNTRIES = ["KZ"] * 16 + ["KG", "RU", "BY", "UZ"]


# -- small helpers -----------------------------------------------------------


def _rng(seed: int, name: str) -> random.Random:
    return random.Random(f"{seed}:{name}")


def _precision(rng: random.Random) -> str:
    roll = rng.random()
    return DAY if roll < 0.6 else MONTH if roll < 0.9 else YEAR


def _approx(ordinal: int, precision: str) -> ApproximateDate:
    day = datetime.date.fromordinal(ordinal)
    if precision == DAY:
        return ApproximateDate(day.year, day.month, day.day)
    if precision == MONTH:
        return ApproximateDate(day.year, day.month)
    return ApproximateDate(day.year)


def _maybe(rng: random.Random, ordinal: int) -> ApproximateDate:
    return _approx(ordinal, _precision(rng))


def _confidentiality(rng: random.Random, restricted: float, confidential: float) -> str:
    roll = rng.random()
    if roll < confidential:
        return Confidentiality.CONFIDENTIAL
    if roll < confidential + restricted:
        return Confidentiality.RESTRICTED
    return Confidentiality.PUBLIC


def _qualifier(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.88:
        return Qualifier.EXACT
    return rng.choice([Qualifier.UP_TO, Qualifier.AT_LEAST, Qualifier.ABOUT, Qualifier.MORE_THAN, Qualifier.FEWER_THAN])


def _add_months(ordinal: int, months: int) -> int:
    return ordinal + round(months * 30.4375)


def _spread(total: int, buckets: int, rng: random.Random, *, weights=None, cap: int | None = None) -> list[int]:
    """Split ``total`` items over ``buckets``: one each while they last, the rest by ``weights``."""
    if buckets <= 0:
        return []
    if total < buckets:
        counts = [0] * buckets
        for index in rng.sample(range(buckets), total):
            counts[index] = 1
        return counts
    counts = [1] * buckets
    for index in rng.choices(range(buckets), weights=weights, k=total - buckets):
        counts[index] += 1
    if cap is not None:
        overflow = sum(max(count - cap, 0) for count in counts)
        counts = [min(count, cap) for count in counts]
        while overflow:
            index = rng.randrange(buckets)
            if counts[index] < cap:
                counts[index] += 1
                overflow -= 1
    return counts


def _dated_steps(rng: random.Random, steps: list[tuple[str, int]]) -> list[tuple[str, ApproximateDate]]:
    """Dates at mixed precision whose ISO text strictly increases, so the last step is the latest.

    ``steps`` have strictly increasing ordinals; a step whose truncated date would
    not sort after the previous one is kept at day precision instead.
    """
    dated = []
    previous = ""
    for status, ordinal in steps:
        value = _maybe(rng, ordinal)
        if value.isoformat() <= previous:
            value = _approx(ordinal, DAY)
        previous = value.isoformat()
        dated.append((status, value))
    return dated


# -- writing -----------------------------------------------------------------


class _Writer:
    """Writes unsaved instances with ``bulk_create`` in batches, with a progress bar and timings."""

    def __init__(self, *, batch_size: int, progress: bool, reports: list[StepReport]):
        self.batch_size = batch_size
        self.progress = progress
        self.reports = reports

    def write(self, label: str, model: type[models.Model], rows: Iterable[models.Model], total: int) -> list[int]:
        """Insert ``rows`` and return their primary keys, in order."""
        from tqdm import tqdm

        started = time.perf_counter()
        pks: list[int] = []
        batch: list[models.Model] = []
        with tqdm(total=total, desc=f"{label:<22}", unit=" rows", disable=not self.progress, leave=True) as bar:
            for row in rows:
                batch.append(row)
                if len(batch) >= self.batch_size:
                    pks.extend(obj.pk for obj in model.objects.bulk_create(batch, batch_size=self.batch_size))
                    bar.update(len(batch))
                    batch = []
            if batch:
                pks.extend(obj.pk for obj in model.objects.bulk_create(batch, batch_size=self.batch_size))
                bar.update(len(batch))
        self.reports.append(StepReport(label, len(pks), time.perf_counter() - started))
        return pks


@dataclass
class _DefendantPlan:
    case: int
    person: int
    convicted: bool
    outcome: str  # the charge outcome that fits the path


class _Generator:
    """Generates one data set. Indices (not database ids) drive every random choice."""

    def __init__(self, *, counts: SyntheticCounts, seed: int, writer: _Writer):
        self.counts = counts
        self.seed = seed
        self.w = writer

    # Every step draws from its own generator, so changing one count leaves the others' rows alone.
    def rng(self, name: str) -> random.Random:
        return _rng(self.seed, name)

    def run(self) -> None:
        self.sources()
        self.places()
        self.organizations()
        self.legal_articles()
        self.facilities()
        self.persons()
        self.memberships()
        self.events()
        self.cases()
        self.trials()
        self.defendants()
        self.charges()
        self.sentences()
        self.recognitions()
        self.citations()
        self.documents()

    def documents(self) -> None:
        """Stored text documents on the synthetic sources (files written, hashed and content-addressed)."""
        import hashlib

        from django.core.files.base import ContentFile

        rng = self.rng("documents")
        storage = documents_storage()

        def rows():
            for index in range(self.counts.documents):
                text = synthetic_document_text(rng, rng.randint(100, 1500))
                data = text.encode()
                sha256 = hashlib.sha256(data).hexdigest()
                name = document_path(sha256)
                if not storage.exists(name):
                    storage.save(name, ContentFile(data))
                yield Document(
                    source_id=self.source_pks[index % len(self.source_pks)],
                    file=name,
                    sha256=sha256,
                    size=len(data),
                    media_type="text/plain",
                    original_name=f"synthetic-{index + 1:05d}.txt",
                    text=text,
                    synthetic=True,
                )

        self.w.write("documents", Document, rows(), self.counts.documents)

    # -- reference data -------------------------------------------------------

    def sources(self) -> None:
        rng = self.rng("sources")
        generator = Source(
            title=GENERATOR_SOURCE_TITLE,
            kind=SourceKind.OTHER,
            publisher=GENERATOR_PUBLISHER,
            notes=(
                f"{TAG} Every synthetic citation points here. The records citing it were generated for load "
                "testing by 'manage.py seed_synthetic' and are not real; remove them with "
                "'manage.py seed_synthetic --delete'."
            ),
            synthetic=True,
        )
        kinds = [SourceKind.ARTICLE, SourceKind.REPORT, SourceKind.VERDICT, SourceKind.STATEMENT, SourceKind.INTERVIEW]

        def rows():
            yield generator
            for index in range(self.counts.sources):
                kind = rng.choice(kinds)
                yield Source(
                    title=f"{TAG} {kind.label} no. {index + 1:05d}",
                    kind=kind,
                    publisher=f"{TAG} Publisher {rng.randint(1, 60)}",
                    published=_maybe(rng, rng.randint(FIRST_DAY, LAST_DAY)),
                    language=rng.choice(["en", "ru", "kk"]),
                    notes=f"{TAG} Generated document; it does not exist.",
                    synthetic=True,
                )

        pks = self.w.write("sources", Source, rows(), self.counts.sources + 1)
        self.generator_source, self.source_pks = pks[0], pks[1:] or pks[:1]

    def places(self) -> None:
        rng = self.rng("places")
        regions = max(1, self.counts.places // 20)
        variants: list[tuple[int, str, str]] = []

        def place(index: int, kind: str, region: int | None) -> Place:
            latin, other, cyrillic = PLACE_ROOTS[index % len(PLACE_ROOTS)]
            suffix = f"-{index + 1}"
            name = f"{latin}{suffix} {TAG}" if kind == "city" else f"{latin} Region {index + 1} {TAG}"
            names = [(f"{cyrillic}{suffix}", "ru")]
            if other != latin:
                names.append((f"{other}{suffix}", "kk-Latn"))
            variants.extend((index, text, language) for text, language in names)
            return Place(
                name=name,
                kind=kind,
                country=rng.choice(COUNTRIES),
                region_id=region,
                search_text=search_text_for([name, *(n for n, _ in names)]),
                search_folded=folded_lines([name, *(n for n, _ in names)]),
                synthetic=True,
            )

        region_pks = self.w.write(
            "places (regions)", Place, (place(index, "region", None) for index in range(regions)), regions
        )
        cities = self.counts.places - regions
        city_pks = self.w.write(
            "places",
            Place,
            (place(regions + index, "city", rng.choice(region_pks)) for index in range(cities)),
            cities,
        )
        self.place_pks = region_pks + city_pks
        self.city_pks = city_pks or region_pks
        self.w.write(
            "place names",
            PlaceName,
            (
                PlaceName(place_id=self.place_pks[index], name=text, language=language, note=f"{TAG} spelling")
                for index, text, language in variants
            ),
            len(variants),
        )

    def organizations(self) -> None:
        rng = self.rng("organizations")
        courts = max(1, self.counts.organizations // 5)
        variants: list[tuple[int, str, str]] = []
        kinds: list[str] = []

        def rows():
            for index in range(self.counts.organizations):
                if index < courts:
                    kind = OrganizationKind.COURT
                    latin, _, cyrillic = PLACE_ROOTS[index % len(PLACE_ROOTS)]
                    name = f"{TAG} {latin} District Court no. {index + 1}"
                    variant = f"Районный суд {cyrillic} № {index + 1}"
                else:
                    kind = rng.choice(ORG_KINDS)
                    english, russian = ORG_WORDS[kind]
                    name = f"{TAG} {english} {index + 1}"
                    variant = f"{russian} {index + 1}"
                variants.append((index, variant, "ru"))
                kinds.append(kind)
                yield Organization(
                    name=name,
                    kind=kind,
                    country=rng.choice(COUNTRIES),
                    description=f"{TAG} Generated organization; it does not exist.",
                    search_text=search_text_for([name, variant]),
                    search_folded=folded_lines([name, variant]),
                    synthetic=True,
                )

        self.organization_pks = self.w.write("organizations", Organization, rows(), self.counts.organizations)
        self.court_pks = self.organization_pks[:courts]
        self.other_org_pks = self.organization_pks[courts:] or self.court_pks
        self.media_pks = [pk for pk, kind in zip(self.organization_pks, kinds, strict=True) if kind == "media"]
        self.w.write(
            "organization names",
            OrganizationName,
            (
                OrganizationName(organization_id=self.organization_pks[index], name=text, language=language)
                for index, text, language in variants
            ),
            len(variants),
        )

    def legal_articles(self) -> None:
        rng = self.rng("legal_articles")

        def rows():
            for index in range(self.counts.legal_articles):
                yield LegalArticle(
                    country="KZ",
                    code=SYNTHETIC_CODE,
                    article=f"{100 + index // 4}({index % 4 + 1})",
                    title=rng.choice(OFFENCES),
                    synthetic=True,
                )

        self.article_pks = self.w.write("legal articles", LegalArticle, rows(), self.counts.legal_articles)

    # -- people ---------------------------------------------------------------

    def facilities(self) -> None:
        rng = self.rng("facilities")
        kinds = [
            (FacilityKind.POLICE_CUSTODY, 2),
            (FacilityKind.PRE_TRIAL, 3),
            (FacilityKind.PRISON, 2),
            (FacilityKind.PENAL_COLONY, 4),
            (FacilityKind.PSYCHIATRIC, 1),
        ]
        self.facility_kinds: list[str] = []
        variants: list[tuple[int, str]] = []

        def rows():
            for index in range(self.counts.facilities):
                kind = rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
                self.facility_kinds.append(kind)
                name = f"{FacilityKind(kind).label} no. {index + 1} {TAG}"
                names = [f"УГ-{index + 1}/{rng.randint(1, 20)}"] if rng.random() < 0.5 else []
                variants.extend((index, text) for text in names)
                mapped = rng.random() < 0.7
                yield Facility(
                    name=name,
                    kind=kind,
                    place_id=rng.choice(self.city_pks) if self.city_pks else None,
                    latitude=Decimal(f"{rng.uniform(41, 55):.6f}") if mapped else None,
                    longitude=Decimal(f"{rng.uniform(47, 87):.6f}") if mapped else None,
                    description=f"{TAG} Generated place of detention.",
                    search_text=search_text_for([name, *names]),
                    synthetic=True,
                )

        self.facility_pks = self.w.write("facilities", Facility, rows(), self.counts.facilities)
        self.w.write(
            "facility names",
            FacilityName,
            (FacilityName(facility_id=self.facility_pks[index], name=text, language="ru") for index, text in variants),
            len(variants),
        )

    def _facility(self, rng, kinds: tuple[str, ...]) -> int | None:
        """A facility of one of ``kinds`` (any facility when none is of those kinds), or None without any."""
        if not self.facility_pks:
            return None
        for _ in range(8):
            index = rng.randrange(len(self.facility_pks))
            if self.facility_kinds[index] in kinds:
                return self.facility_pks[index]
        return self.facility_pks[rng.randrange(len(self.facility_pks))]

    def persons(self) -> None:
        rng = self.rng("persons")
        variants: list[tuple[int, str, str]] = []
        self.person_surnames: list[str] = []

        def individual(index: int) -> tuple[str, str, list[tuple[str, str]]]:
            female = rng.random() < 0.3
            first, first_other, first_cyr = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
            surname, surname_other, surname_cyr = rng.choice(SURNAMES)
            if female and surname[-1] in "vn":
                surname, surname_other, surname_cyr = surname + "a", surname_other + "a", surname_cyr + "а"
            names = []
            if rng.random() < 0.6:
                if rng.random() < 0.5:
                    patronymic = rng.choice(PATRONYMIC_BASES) + ("овна" if female else "ович")
                    names.append((f"{surname_cyr} {first_cyr} {patronymic}", "ru"))
                else:
                    names.append((f"{first_cyr} {surname_cyr}", "ru"))
            if (first_other, surname_other) != (first, surname) and rng.random() < 0.5:
                names.append((f"{first_other} {surname_other}", "en"))
            if rng.random() < 0.15:
                names.append((f"{surname.upper()} {first}", "kk-Latn"))
            return f"{first} {surname} {TAG}", surname, names

        profile_rng = self.rng("profiles")  # its own generator: the names stay as they were without profiles

        def profile(female: bool) -> dict:
            if profile_rng.random() < 0.4:
                return {}
            born = profile_rng.randint(1940, 2000)
            return {
                "sex": Sex.FEMALE if female else Sex.MALE,
                "birth_date": ApproximateDate(born) if profile_rng.random() < 0.6 else ApproximateDate(born, 6),
                "occupation_category": profile_rng.choice(OccupationCategory.values),
                "occupation": f"{TAG} occupation",
                "rights": sorted(set(profile_rng.sample(Right.values, profile_rng.randint(1, 3)))),
            }

        def rows():
            for index in range(self.counts.persons):
                if rng.random() < 0.03:
                    size = rng.randint(3, 200)
                    place = PLACE_ROOTS[rng.randrange(len(PLACE_ROOTS))]
                    name = f"{TAG} Group of protesters from {place[0]} no. {index + 1}"
                    names = [(f"Группа протестующих из {place[2]} № {index + 1}", "ru")] if rng.random() < 0.3 else []
                    kind, group_size, group_qualifier, surname = PersonKind.GROUP, size, _qualifier(rng), place[0]
                    extra = {}
                else:
                    name, surname, names = individual(index)
                    kind, group_size, group_qualifier = PersonKind.INDIVIDUAL, None, ""
                    extra = profile(female=surname.endswith("a"))
                self.person_surnames.append(surname)
                variants.extend((index, text, language) for text, language in names)
                yield Person(
                    name=name,
                    kind=kind,
                    group_size=group_size,
                    group_size_qualifier=group_qualifier,
                    description=f"{TAG} Generated for load testing; not a real person.",
                    confidentiality=_confidentiality(rng, 0.07, 0.03),
                    search_text=search_text_for([name, *(n for n, _ in names)]),
                    search_folded=folded_lines([name, *(n for n, _ in names)]),
                    synthetic=True,
                    **extra,
                )
                self.person_individual.append(kind == PersonKind.INDIVIDUAL)

        self.person_individual: list[bool] = []
        self.person_pks = self.w.write("persons", Person, rows(), self.counts.persons)
        self.w.write(
            "person names",
            PersonName,
            (
                PersonName(person_id=self.person_pks[index], name=text, language=language, note=f"{TAG} spelling")
                for index, text, language in variants
            ),
            len(variants),
        )

    def memberships(self) -> None:
        rng = self.rng("memberships")

        def rows():
            for _ in range(self.counts.memberships):
                start = rng.randint(FIRST_DAY, LAST_DAY - 400)
                end = rng.randint(start + 30, LAST_DAY) if rng.random() < 0.4 else None
                yield Membership(
                    person_id=rng.choice(self.person_pks),
                    organization_id=rng.choice(self.other_org_pks),
                    role=rng.choice(ROLES),
                    start=_maybe(rng, start) if rng.random() < 0.8 else None,
                    end=_maybe(rng, end) if end else None,
                )

        self.w.write("memberships", Membership, rows(), self.counts.memberships)

    # -- events and cases -----------------------------------------------------

    def events(self) -> None:
        rng = self.rng("events")
        kinds = [EventKind.STRIKE, EventKind.PROTEST, EventKind.SHOOTING, EventKind.ARRESTS, EventKind.MEDIA_CLOSURE]
        starts: list[int] = []

        def rows():
            for index in range(self.counts.events):
                kind = rng.choice(kinds)
                start = rng.randint(FIRST_DAY, LAST_CASE_OPENED - 30)
                starts.append(start)
                end = start + rng.randint(0, 200) if rng.random() < 0.6 else None
                yield Event(
                    title=f"{TAG} {kind.label} no. {index + 1:05d}",
                    kind=kind,
                    description=f"{TAG} Generated event; it did not happen.",
                    place_id=rng.choice(self.city_pks),
                    start=_maybe(rng, start),
                    end=_maybe(rng, end) if end else None,
                    synthetic=True,
                )

        self.event_pks = self.w.write("events", Event, rows(), self.counts.events)
        self.event_starts = starts
        people = [
            Event.persons.through(event_id=pk, person_id=person)
            for pk in self.event_pks
            for person in rng.sample(self.person_pks, min(3, len(self.person_pks)))
        ]
        self.w.write("event persons", Event.persons.through, people, len(people))
        orgs = [
            Event.organizations.through(event_id=pk, organization_id=rng.choice(self.other_org_pks))
            for pk in self.event_pks
            if rng.random() < 0.5
        ]
        self.w.write("event organizations", Event.organizations.through, orgs, len(orgs))
        figures = []
        for pk in self.event_pks:
            measure = rng.choice([FigureMeasure.DEATHS, FigureMeasure.ARRESTED, FigureMeasure.INJURED])
            value = rng.randint(1, 300)
            for claim in range(2 if rng.random() < 0.3 else 1):  # a contested figure has two claims
                claimed = value + claim * rng.randint(1, 20)
                qualifier = _qualifier(rng)
                figures.append(
                    EventFigure(
                        event_id=pk,
                        measure=measure,
                        value=claimed,
                        qualifier=qualifier,
                        source_id=rng.choice(self.source_pks),
                        excerpt=f"{TAG} {Qualifier(qualifier).label} {claimed} {measure.label.lower()}",
                    )
                )
        self.w.write("event figures", EventFigure, figures, len(figures))

    def cases(self) -> None:
        rng = self.rng("cases")
        counts = self.counts
        weights = [min(rng.paretovariate(1.3), 40.0) for _ in range(counts.cases)]
        sizes = _spread(counts.defendants, counts.cases, rng, weights=weights, cap=counts.persons)
        self.case_members: list[list[int]] = []
        for size in sizes:
            if size * 2 > counts.persons:
                members = rng.sample(range(counts.persons), size)
            else:
                chosen: dict[int, None] = {}
                while len(chosen) < size:
                    chosen.setdefault(rng.randrange(counts.persons))
                members = list(chosen)
            self.case_members.append(members)
        self.case_opened = [rng.randint(FIRST_DAY, LAST_CASE_OPENED) for _ in range(counts.cases)]
        kinds = [CaseKind.CRIMINAL] * 8 + [CaseKind.ADMINISTRATIVE, CaseKind.MEDIA_CLOSURE, CaseKind.INVESTIGATION]
        self.case_kinds = [rng.choice(kinds) for _ in range(counts.cases)]

        def rows():
            for index, members in enumerate(self.case_members):
                if members:
                    lead = self.person_surnames[members[0]]
                    others = ""
                    if len(members) > 1:
                        others = f" and {len(members) - 1} other{'s' if len(members) > 2 else ''}"
                    title = f"{TAG} Prosecution of {lead}{others} (no. {index + 1:05d})"
                else:
                    title = f"{TAG} Matter no. {index + 1:05d}"
                yield Case(
                    title=title,
                    kind=self.case_kinds[index],
                    description=f"{TAG} Generated case; it is not a real prosecution.",
                    country=rng.choice(COUNTRIES),
                    opened=_maybe(rng, self.case_opened[index]),
                    confidentiality=_confidentiality(rng, 0.05, 0.01),
                    synthetic=True,
                )

        self.case_pks = self.w.write("cases", Case, rows(), counts.cases)
        links = [
            Case.events.through(case_id=pk, event_id=rng.choice(self.event_pks))
            for pk in self.case_pks
            if rng.random() < 0.7
        ]
        self.w.write("case events", Case.events.through, links, len(links))
        media = [
            Case.organizations.through(case_id=pk, organization_id=rng.choice(self.media_pks or self.other_org_pks))
            for pk, kind in zip(self.case_pks, self.case_kinds, strict=True)
            if kind == CaseKind.MEDIA_CLOSURE
        ]
        self.w.write("case organizations", Case.organizations.through, media, len(media))

    def trials(self) -> None:
        rng = self.rng("trials")
        per_case = _spread(self.counts.trials, self.counts.cases, rng)
        # (pk, start ordinal, verdict ordinal or None) of each case's trials, first instance first.
        self.case_trials: list[list[tuple[int, int | None]]] = [[] for _ in range(self.counts.cases)]
        plans = []

        def rows():
            for case, number in enumerate(per_case):
                start = self.case_opened[case] + rng.randint(90, 300)
                for instance in range(number):
                    end = start + rng.randint(0, 60)
                    verdict = end + rng.randint(0, 14)
                    if verdict > LAST_DAY:
                        end = verdict = None
                    if start > LAST_DAY:
                        start = None
                    plans.append((case, start, verdict))
                    yield Trial(
                        case_id=self.case_pks[case],
                        court_id=rng.choice(self.court_pks) if rng.random() < 0.95 else None,
                        place_id=rng.choice(self.city_pks) if rng.random() < 0.9 else None,
                        start=_maybe(rng, start) if start else None,
                        end=_maybe(rng, end) if end else None,
                        verdict_date=_approx(verdict, DAY if rng.random() < 0.8 else MONTH) if verdict else None,
                        observer_findings=f"{TAG} Generated findings of trial observers "
                        f"({'appeal' if instance else 'first instance'}).",
                    )
                    if start is None:
                        break
                    start = (verdict or end or start) + rng.randint(30, 200)

        pks = self.w.write("trials", Trial, rows(), self.counts.trials)
        for pk, (case, start, verdict) in zip(pks, plans, strict=True):
            self.case_trials[case].append((pk, start, verdict))

    # -- defendants and what follows from them ---------------------------------

    def defendants(self) -> None:
        rng = self.rng("defendants")
        counts = self.counts
        total = sum(len(members) for members in self.case_members)
        convicted_count = min(total, round(total * 0.8), counts.sentences)
        convicted = set(rng.sample(range(total), convicted_count))
        extra = Counter(rng.choices(sorted(convicted), k=counts.sentences - convicted_count) if convicted else [])
        self.plans: list[_DefendantPlan] = []
        self.sentence_specs: list[tuple] = []
        histories: list[list[tuple[str, ApproximateDate]]] = []
        custody_rng = self.rng("custody")  # its own generator: defendants stay as they were without facilities
        stays: list[list[tuple[int, ApproximateDate, ApproximateDate | None]]] = []

        def custody(dated) -> list[tuple[int, ApproximateDate, ApproximateDate | None]]:
            """Pre-trial detention from the first detention to the next step; prison from imprisonment on."""
            result = []
            for position, (status, date) in enumerate(dated):
                following = dated[position + 1][1] if position + 1 < len(dated) else None
                if status == DefendantStatus.DETAINED:
                    facility = self._facility(custody_rng, (FacilityKind.PRE_TRIAL, FacilityKind.POLICE_CUSTODY))
                elif status == DefendantStatus.IMPRISONED:
                    facility = self._facility(custody_rng, (FacilityKind.PENAL_COLONY, FacilityKind.PRISON))
                else:
                    continue
                if facility is not None:
                    result.append((facility, date, following))
            return result

        def rows():
            index = 0
            for case, members in enumerate(self.case_members):
                trials = self.case_trials[case]
                first_trial = trials[0] if trials else None
                for person in members:
                    is_convicted = index in convicted
                    steps, outcome = self._path(rng, case, first_trial, is_convicted, index, extra[index])
                    dated = _dated_steps(rng, steps)
                    histories.append(dated)
                    self.plans.append(_DefendantPlan(case=case, person=person, convicted=is_convicted, outcome=outcome))
                    status, status_date = dated[-1]
                    own_stays = custody(dated)
                    stays.append(own_stays)
                    current = own_stays[-1] if own_stays and own_stays[-1][2] is None else None
                    yield Defendant(
                        case_id=self.case_pks[case],
                        person_id=self.person_pks[person],
                        arrested=dated[0][1],
                        status=status,
                        status_date=status_date,
                        current_facility_id=current[0] if current else None,
                        custody_since=current[1] if current else None,
                        description=f"{TAG} Generated defendant.",
                    )
                    index += 1

        self.defendant_pks = self.w.write("defendants", Defendant, rows(), total)

        def changes():
            for pk, dated in zip(self.defendant_pks, histories, strict=True):
                for status, date in dated:
                    sourced = rng.random() < 0.75
                    yield StatusChange(
                        defendant_id=pk,
                        status=status,
                        date=date,
                        source_id=rng.choice(self.source_pks) if sourced else None,
                        excerpt=f"{TAG} {DefendantStatus(status).label.lower()}" if sourced else "",
                        note="" if sourced else f"{TAG} Generated status change.",
                    )

        self.w.write("status changes", StatusChange, changes(), sum(len(dated) for dated in histories))

        def custody_stays():
            for pk, own_stays in zip(self.defendant_pks, stays, strict=True):
                for facility, start, end in own_stays:
                    yield CustodyStay(
                        defendant_id=pk,
                        facility_id=facility,
                        start=start,
                        end=end,
                        source_id=custody_rng.choice(self.source_pks),
                        excerpt=f"{TAG} held there",
                    )

        self.w.write("custody stays", CustodyStay, custody_stays(), sum(len(own) for own in stays))

    def recognitions(self) -> None:
        """Recognitions of convicted individuals by NGOs; about one in ten withdrawn."""
        rng = self.rng("recognitions")
        convicted = [
            plan.person for plan in getattr(self, "plans", []) if plan.convicted and self.person_individual[plan.person]
        ]
        if not convicted or not self.other_org_pks or not self.source_pks:
            return
        total = self.counts.recognitions

        def rows():
            for _ in range(total):
                made = rng.randint(FIRST_DAY + 400, LAST_DAY - 400)
                withdrawn = rng.random() < 0.1
                yield Recognition(
                    person_id=self.person_pks[rng.choice(convicted)],
                    organization_id=rng.choice(self.other_org_pks),
                    kind=rng.choice(RecognitionKind.values),
                    date=_maybe(rng, made),
                    grounds=f"{TAG} Generated grounds.",
                    source_id=rng.choice(self.source_pks),
                    withdrawn=_maybe(rng, rng.randint(made + 30, LAST_DAY)) if withdrawn else None,
                    withdrawal_source_id=rng.choice(self.source_pks) if withdrawn else None,
                )

        self.w.write("recognitions", Recognition, rows(), total)

    def _path(self, rng, case, first_trial, convicted, index, extra_sentences):
        """The status steps of one defendant (strictly increasing days) and the charge outcome that fits.

        For a convicted defendant, also plans the sentences (``self.sentence_specs``).
        """
        arrest = self.case_opened[case] + rng.randint(0, 60)
        steps = [(DefendantStatus.SUSPECT if rng.random() < 0.1 else DefendantStatus.ARRESTED, arrest)]

        def then(status, day) -> bool:
            day = max(day, steps[-1][1] + 1)
            if day > LAST_DAY:
                return False
            steps.append((status, day))
            return True

        decided = first_trial is not None and first_trial[2] is not None
        trial_start = first_trial[1] if first_trial and first_trial[1] else arrest + rng.randint(60, 200)
        verdict = first_trial[2] if decided else trial_start + rng.randint(10, 60)
        if rng.random() < 0.7:
            then(DefendantStatus.DETAINED, arrest + rng.randint(1, 3))
        if not convicted:
            roll = rng.random()
            if roll < 0.45:  # still pending: stop somewhere before a verdict
                for status, day in ((DefendantStatus.CHARGED, arrest + 30), (DefendantStatus.ON_TRIAL, trial_start)):
                    if rng.random() < 0.5 or not then(status, day):
                        break
                return steps, ChargeOutcome.PENDING
            then(DefendantStatus.ON_TRIAL, trial_start)
            if roll < 0.65:
                then(DefendantStatus.ACQUITTED, verdict)
                return steps, ChargeOutcome.ACQUITTED
            if roll < 0.85:
                then(DefendantStatus.CHARGES_DROPPED, trial_start + rng.randint(1, 30))
                return steps, ChargeOutcome.DROPPED
            if roll < 0.95:
                then(DefendantStatus.DISMISSED, trial_start + rng.randint(1, 30))
                return steps, ChargeOutcome.DROPPED
            then(DefendantStatus.DECEASED, trial_start + rng.randint(1, 300))
            return steps, ChargeOutcome.UNKNOWN

        # A conviction always falls inside the window (cases open early enough for that).
        verdict = min(verdict, LAST_DAY - 20)
        then(DefendantStatus.ON_TRIAL, min(trial_start, verdict - 1))
        then(DefendantStatus.CONVICTED, verdict)
        verdict = steps[-1][1]
        trial_pk = first_trial[0] if decided else None
        appeals = [trial for trial in self.case_trials[case] if trial[2] is not None]
        appeal_pk = appeals[-1][0] if appeals else trial_pk
        roll = rng.random()
        kind = (
            SentenceKind.IMPRISONMENT
            if roll < 0.6
            else SentenceKind.SUSPENDED
            if roll < 0.7
            else SentenceKind.PROBATION
            if roll < 0.78
            else SentenceKind.RESTRICTED_FREEDOM
            if roll < 0.88
            else SentenceKind.FINE
            if roll < 0.94
            else SentenceKind.COMMUNITY_SERVICE
            if roll < 0.97
            else SentenceKind.OTHER
        )
        self._sentence(rng, index, kind, arrest, verdict, trial_pk, steps=steps, then=then)
        for _ in range(extra_sentences):
            extra_kind = rng.choice([SentenceKind.BAN, SentenceKind.FINE, SentenceKind.RESTRICTED_FREEDOM])
            self._sentence(rng, index, extra_kind, arrest, verdict, appeal_pk)
        return steps, ChargeOutcome.CONVICTED

    def _sentence(self, rng, index, kind, arrest, verdict, trial_pk, *, steps=None, then=None) -> None:
        """Plan one sentence. For the main sentence (``then`` given), also add the defendant's
        status steps that follow from it, so the status history and the sentence agree."""
        term = None
        qualifier, fine_amount, fine_currency = "", None, ""
        if kind == SentenceKind.FINE:
            fine_amount = Decimal(rng.randrange(50, 5_000)) * 1000
            fine_currency = "KZT"
        elif kind == SentenceKind.IMPRISONMENT:
            if rng.random() < 0.96:
                term = rng.choice([6, 12, 18, 24, 36, 48, 60, 72, 84, 90, 96, 108, 120, 144, 180])
        elif kind == SentenceKind.OTHER:
            term = rng.choice([None, 6, 12])
        else:
            term = rng.choice([3, 6, 12, 18, 24, 36, 48, 60])
        if term is not None:
            qualifier = _qualifier(rng)
        start = arrest if (kind == SentenceKind.IMPRISONMENT and rng.random() < 0.5) else verdict
        if then is not None:
            if kind == SentenceKind.IMPRISONMENT:
                then(DefendantStatus.IMPRISONED, verdict + rng.randint(0, 15))
            elif kind in (SentenceKind.SUSPENDED, SentenceKind.PROBATION, SentenceKind.RESTRICTED_FREEDOM):
                then(DefendantStatus.ON_PROBATION, verdict + rng.randint(0, 5))
        earliest_release = (steps[-1][1] if steps else verdict) + 1
        status, release = SentenceStatus.UNKNOWN, None
        if kind == SentenceKind.FINE:
            status = SentenceStatus.COMPLETED
        elif term is not None:
            end = _add_months(start, term)
            roll = rng.random()
            if kind == SentenceKind.IMPRISONMENT and roll < 0.1:
                status, release = SentenceStatus.PARDONED, rng.randint(verdict + 1, max(end, verdict + 2))
            elif kind == SentenceKind.IMPRISONMENT and roll < 0.15:
                status, release = SentenceStatus.AMNESTIED, rng.randint(verdict + 1, max(end, verdict + 2))
            elif kind == SentenceKind.IMPRISONMENT and roll < 0.3:
                status, release = SentenceStatus.RELEASED_EARLY, start + int((end - start) * rng.uniform(0.5, 0.9))
            elif roll > 0.97 if kind != SentenceKind.IMPRISONMENT else roll < 0.33:
                status, release = SentenceStatus.OVERTURNED, verdict + rng.randint(60, 200)
            else:
                status, release = SentenceStatus.COMPLETED, end
            release = max(release, earliest_release)
            if release > LAST_DAY:
                status, release = SentenceStatus.SERVING, None
        elif kind == SentenceKind.IMPRISONMENT:
            status = SentenceStatus.SERVING
        if then is not None and release is not None:
            follow = {
                SentenceStatus.PARDONED: DefendantStatus.PARDONED,
                SentenceStatus.AMNESTIED: DefendantStatus.AMNESTIED,
                SentenceStatus.OVERTURNED: DefendantStatus.ACQUITTED,
            }.get(status, DefendantStatus.RELEASED if kind == SentenceKind.IMPRISONMENT else None)
            if follow is not None:
                then(follow, release)
        start_date = _maybe(rng, start)
        release_date = _maybe(rng, release) if release else None
        self.sentence_specs.append(
            (index, trial_pk, kind, term, qualifier, fine_amount, fine_currency, start_date, release_date, status)
        )

    def charges(self) -> None:
        rng = self.rng("charges")
        per_defendant = _spread(self.counts.charges, len(self.defendant_pks), rng)

        def rows():
            for pk, plan, number in zip(self.defendant_pks, self.plans, per_defendant, strict=True):
                for _ in range(number):
                    outcome = plan.outcome
                    if outcome == ChargeOutcome.CONVICTED and rng.random() < 0.1:
                        outcome = rng.choice([ChargeOutcome.ACQUITTED, ChargeOutcome.DROPPED])
                    by_article = rng.random() < 0.75
                    yield Charge(
                        defendant_id=pk,
                        article_id=rng.choice(self.article_pks) if by_article else None,
                        offence_description="" if by_article else f"{TAG} {rng.choice(OFFENCES).lower()}",
                        outcome=outcome,
                    )

        self.w.write("charges", Charge, rows(), self.counts.charges if self.defendant_pks else 0)

    def sentences(self) -> None:
        def rows():
            for spec in self.sentence_specs:
                index, trial, kind, term, qualifier, amount, currency, start, release, status = spec
                sentence = Sentence(
                    defendant_id=self.defendant_pks[index],
                    trial_id=trial,
                    kind=kind,
                    term_months=term,
                    term_qualifier=qualifier,
                    fine_amount=amount,
                    fine_currency=currency,
                    start=start,
                    actual_release=release,
                    status=status,
                    note=f"{TAG} Generated sentence.",
                )
                # bulk_create skips save(), which is where expected_end is derived.
                sentence.expected_end = sentence.derive_expected_end()
                yield sentence

        self.w.write("sentences", Sentence, rows(), len(self.sentence_specs))

    def citations(self) -> None:
        rng = self.rng("citations")
        targets = [
            (Defendant, self.defendant_pks, 40),
            (Sentence, None, 25),
            (Case, self.case_pks, 15),
            (Person, self.person_pks, 10),
            (Trial, None, 5),
            (Event, self.event_pks, 3),
            (Place, self.place_pks, 1),
            (LegalArticle, self.article_pks, 1),
        ]
        # Sentence and trial ids are read back rather than kept from the insert, to save memory.
        resolved = []
        for model, pks, weight in targets:
            if pks is None:
                parent = {"case__synthetic": True} if model is Trial else {"defendant__case__synthetic": True}
                pks = list(model.objects.filter(**parent).order_by("pk").values_list("pk", flat=True))
            if pks:
                resolved.append((ContentType.objects.get_for_model(model).pk, pks, weight))
        weights = [weight for _, _, weight in resolved]
        choices = rng.choices(range(len(resolved)), weights=weights, k=self.counts.citations)

        def rows():
            for number, which in enumerate(choices):
                content_type, pks, _ = resolved[which]
                yield Citation(
                    source_id=self.generator_source,
                    content_type_id=content_type,
                    object_id=rng.choice(pks),
                    excerpt=f"{TAG} generated passage no. {number + 1}",
                    locator=f"p. {rng.randint(1, 40)}",
                )

        self.w.write("citations", Citation, rows(), self.counts.citations if resolved else 0)


# -- public entry points -------------------------------------------------------


#: Words of synthetic documents: real ones, so searches for them find something (Latin, Cyrillic, Kazakh).
DOCUMENT_WORDS = (  # noqa: SIM905  (three scripts of words read better as running text)
    "court verdict sentence appeal prosecutor lawyer witness testimony strike oil workers police protest square "
    "december shooting detention colony hearing judge defendant charge article unrest organising hatred "
    "суд приговор апелляция прокурор адвокат свидетель показания забастовка нефтяники полиция протест площадь "
    "декабрь задержание колония заседание судья подсудимый обвинение статья беспорядки разжигание "
    "сот үкім шағым прокурор адвокат куәгер жұмысшылар наразылық алаң желтоқсан тергеу қамау"
).split()


def synthetic_document_text(rng: random.Random, words: int) -> str:
    """A synthetic document's text: ``words`` words, common ones far more often than rare ones, and a
    few made-up names that occur in only a handful of documents."""
    body = rng.choices(DOCUMENT_WORDS, weights=[1 / (rank + 1) for rank in range(len(DOCUMENT_WORDS))], k=words)
    rare = [f"name{rng.randint(1, 5000):04d}" for _ in range(3)]
    for word in rare:
        body.insert(rng.randrange(len(body)), word)
    return f"{TAG} " + " ".join(body)


def synthetic_exists() -> bool:
    """True when any synthetic record is present."""
    return any(model.objects.filter(synthetic=True).exists() for model in FLAGGED_MODELS)


def synthetic_seed(
    *,
    counts: SyntheticCounts,
    seed: int = 1,
    batch_size: int = 5_000,
    progress: bool = False,
) -> list[StepReport]:
    """Write a synthetic data set in one transaction and return what was written, step by step.

    Refuses (``SyntheticDataError``) when synthetic data is already present, so
    two runs never mix; delete it first with :func:`synthetic_delete`.
    """
    problems = counts.errors()
    if problems:
        raise SyntheticDataError(" ".join(problems))
    if batch_size < 1:
        raise SyntheticDataError(f"--batch-size must be at least 1 (got {batch_size}).")
    if synthetic_exists():
        raise SyntheticDataError(
            f"Synthetic data is already loaded ({Person.objects.filter(synthetic=True).count()} synthetic persons). "
            "Run 'manage.py seed_synthetic --delete' first, then seed again."
        )
    reports: list[StepReport] = []
    writer = _Writer(batch_size=batch_size, progress=progress, reports=reports)
    with transaction.atomic():
        _Generator(counts=counts, seed=seed, writer=writer).run()
        # bulk_create sends no signals: the search index learns of the new records here.
        started = time.perf_counter()
        entries = search_index_rebuild(batch_size=batch_size)
        reports.append(StepReport("search index", entries, time.perf_counter() - started))
    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics: the row counts just changed by orders of magnitude
        reports.append(StepReport("analyze", 0, time.perf_counter() - started))
    return reports


def _citation_targets() -> list[tuple[type[models.Model], Q]]:
    """Every model a synthetic citation may point at, with the filter selecting its synthetic rows."""
    return [
        (Person, Q(synthetic=True)),
        (Organization, Q(synthetic=True)),
        (Place, Q(synthetic=True)),
        (Source, Q(synthetic=True)),
        (Event, Q(synthetic=True)),
        (Case, Q(synthetic=True)),
        (LegalArticle, Q(synthetic=True)),
        (PersonName, Q(person__synthetic=True)),
        (OrganizationName, Q(organization__synthetic=True)),
        (PlaceName, Q(place__synthetic=True)),
        (Membership, Q(person__synthetic=True) | Q(organization__synthetic=True)),
        (EventFigure, Q(event__synthetic=True)),
        (Defendant, Q(case__synthetic=True)),
        (Trial, Q(case__synthetic=True)),
        (Charge, Q(defendant__case__synthetic=True)),
        (Sentence, Q(defendant__case__synthetic=True)),
        (StatusChange, Q(defendant__case__synthetic=True)),
    ]


def _delete_steps() -> list[tuple[str, type[models.Model], Q]]:
    """What ``synthetic_delete`` removes, children before parents."""
    citation_q = Q(source__synthetic=True)
    for model, q in _citation_targets():
        citation_q |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=model.objects.filter(q).values("pk"),
        )
    person_or_org = Q(person__synthetic=True) | Q(organization__synthetic=True)
    return [
        ("citations", Citation, citation_q),
        ("sentences", Sentence, Q(defendant__case__synthetic=True)),
        ("charges", Charge, Q(defendant__case__synthetic=True)),
        ("status changes", StatusChange, Q(defendant__case__synthetic=True)),
        ("custody stays", CustodyStay, Q(defendant__case__synthetic=True) | Q(facility__synthetic=True)),
        ("defendants", Defendant, Q(case__synthetic=True)),
        ("trials", Trial, Q(case__synthetic=True)),
        ("case events", Case.events.through, Q(case__synthetic=True) | Q(event__synthetic=True)),
        ("case organizations", Case.organizations.through, Q(case__synthetic=True) | Q(organization__synthetic=True)),
        ("cases", Case, Q(synthetic=True)),
        ("event figures", EventFigure, Q(event__synthetic=True)),
        ("event persons", Event.persons.through, Q(event__synthetic=True) | Q(person__synthetic=True)),
        (
            "event organizations",
            Event.organizations.through,
            Q(event__synthetic=True) | Q(organization__synthetic=True),
        ),
        ("events", Event, Q(synthetic=True)),
        ("memberships", Membership, person_or_org),
        ("recognitions", Recognition, person_or_org),
        ("person names", PersonName, Q(person__synthetic=True)),
        ("persons", Person, Q(synthetic=True)),
        ("organization names", OrganizationName, Q(organization__synthetic=True)),
        ("organizations", Organization, Q(synthetic=True)),
        ("facility names", FacilityName, Q(facility__synthetic=True)),
        ("facilities", Facility, Q(synthetic=True)),
        ("place names", PlaceName, Q(place__synthetic=True)),
        ("places", Place, Q(synthetic=True)),
        ("legal articles", LegalArticle, Q(synthetic=True)),
        ("documents", Document, Q(source__synthetic=True)),
        ("sources", Source, Q(synthetic=True)),
    ]


def _real_rows_depending_on_synthetic() -> list[str]:
    """Real records that point at synthetic ones and would be left dangling; deletion refuses while any exist."""
    checks = [
        ("defendants in real cases are synthetic persons", Defendant, Q(case__synthetic=False, person__synthetic=True)),
        (
            "charges of real defendants cite synthetic legal articles",
            Charge,
            Q(defendant__case__synthetic=False, article__synthetic=True),
        ),
        (
            "sentences of real defendants name trials of synthetic cases",
            Sentence,
            Q(defendant__case__synthetic=False, trial__case__synthetic=True),
        ),
        ("real trials are held by synthetic courts", Trial, Q(case__synthetic=False, court__synthetic=True)),
        ("real trials are held in synthetic places", Trial, Q(case__synthetic=False, place__synthetic=True)),
        (
            "real status changes cite synthetic sources",
            StatusChange,
            Q(defendant__case__synthetic=False, source__synthetic=True),
        ),
        (
            "figures of real events cite synthetic sources",
            EventFigure,
            Q(event__synthetic=False, source__synthetic=True),
        ),
        ("real events happened in synthetic places", Event, Q(synthetic=False, place__synthetic=True)),
        ("real places lie in synthetic regions", Place, Q(synthetic=False, region__synthetic=True)),
    ]
    problems = []
    for text, model, q in checks:
        ids = list(model.objects.filter(q).order_by("pk").values_list("pk", flat=True)[:6])
        if ids:
            shown = ", ".join(str(pk) for pk in ids[:5]) + (" …" if len(ids) > 5 else "")
            problems.append(f"{model._meta.verbose_name_plural} {shown}: {text}")
    return problems


def synthetic_row_counts() -> dict[str, int]:
    """How many rows ``synthetic_delete`` would remove, step by step."""
    return {label: model.objects.filter(q).count() for label, model, q in _delete_steps()}


def synthetic_delete(*, progress: bool = False) -> list[StepReport]:
    """Remove every synthetic record, and nothing else, children before parents; return the counts.

    Rows go with plain ``DELETE … WHERE`` statements (no per-row signals, so no
    history rows are written for the deletion and name variants do not rebuild
    search text row by row). History rows of synthetic records, if staff
    edited any, are removed with them. Refuses (``SyntheticDataError``) when
    real records point at synthetic ones, naming them.
    """
    from tqdm import tqdm

    problems = _real_rows_depending_on_synthetic()
    if problems:
        raise SyntheticDataError(
            "Real records depend on synthetic ones, so nothing was deleted. Reassign or delete them first: "
            + "; ".join(problems)
            + "."
        )
    reports = []
    steps = _delete_steps()
    with transaction.atomic(), tqdm(steps, desc="deleting", unit=" step", disable=not progress) as bar:
        for label, model, q in bar:
            bar.set_postfix_str(label)
            started = time.perf_counter()
            history = getattr(model, "history", None)
            if history is not None:
                _raw_delete(history.model.objects.filter(id__in=model.objects.filter(q).values("pk")))
                if "synthetic" in {field.name for field in model._meta.fields}:
                    _raw_delete(history.model.objects.filter(synthetic=True))
            rows = _raw_delete(model.objects.filter(q))
            reports.append(StepReport(label, rows, time.perf_counter() - started))
        started = time.perf_counter()
        reports.append(StepReport("search index", search_index_prune(), time.perf_counter() - started))
    return reports


def _raw_delete(queryset: models.QuerySet) -> int:
    # QuerySet.delete() collects every row and sends pre/post_delete per row: minutes for a million
    # rows, and simple_history would write a "deleted" history row for each. Django's own fast-delete
    # path is _raw_delete (one DELETE statement); the database still enforces the foreign keys.
    return queryset._raw_delete(queryset.db)


def format_reports(reports: list[StepReport], *, verb: str = "written") -> str:
    """The summary table printed by the command."""
    width = max([len(report.label) for report in reports] + [5])
    lines = [f"{'step':<{width}}  {'rows ' + verb:>14}  {'seconds':>8}  {'rows/s':>9}"]
    for report in reports:
        rate = f"{report.rows_per_second:,.0f}" if report.rows and report.seconds > 0 else "-"
        lines.append(f"{report.label:<{width}}  {report.rows:>14,}  {report.seconds:>8.2f}  {rate:>9}")
    total_rows = sum(report.rows for report in reports)
    total_seconds = sum(report.seconds for report in reports)
    rate = total_rows / max(total_seconds, 1e-9)
    lines.append(f"{'total':<{width}}  {total_rows:>14,}  {total_seconds:>8.2f}  {rate:>9,.0f}")
    return "\n".join(lines)
