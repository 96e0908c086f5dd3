"""The kinds of sheet an import reads, and their columns (documented in ``docs/imports.md``).

persons, organizations, cases, defendants, charges, sentences, status changes and citations. Each
column is named in plain words; the templates (:mod:`imports.templates`) and the documentation are
made from these definitions, so they cannot disagree with what the import reads.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext, gettext_lazy

from cases.choices import CaseKind, ChargeOutcome, DefendantStatus, FacilityKind, SentenceKind, SentenceStatus
from cases.models import (
    Case,
    Charge,
    CustodyStay,
    Defendant,
    Facility,
    LegalArticle,
    Place,
    Sentence,
    StatusChange,
    parse_term,
    term_in_words,
)
from cases.services import defendant_change_status
from casetracker.choices import Confidentiality, parse_qualified, qualified
from casetracker.translit import fold
from casetracker.visibility import restrict
from people.choices import OccupationCategory, OrganizationKind, PersonKind, RecognitionKind, Right, Sex
from people.models import Organization, Person, Recognition
from sources.citable import citable_for, citables
from sources.models import Citation, Source

from . import cells
from .cells import CellError
from .engine import (
    NEW,
    UNCHANGED,
    Column,
    Kind,
    RowFailed,
    Run,
    choice_column,
    date_column,
    display,
    external_id_column,
    fail,
    report_validation_error,
    text_column,
)
from .lookups import DefendantLookup, RecordLookup, key, load_folded

# -- lookups shared by kinds ---------------------------------------------------------


def persons(run: Run) -> RecordLookup:
    if "persons" not in run.cache:
        run.cache["persons"] = RecordLookup(Person, run.user, name_field="name", noun=gettext("person"))
    return run.cache["persons"]


def case_lookup(run: Run) -> RecordLookup:
    if "cases" not in run.cache:
        run.cache["cases"] = RecordLookup(Case, run.user, name_field="title", noun=gettext("case"))
    return run.cache["cases"]


def sources(run: Run) -> RecordLookup:
    if "sources" not in run.cache:
        run.cache["sources"] = RecordLookup(Source, run.user, name_field="title", noun=gettext("source"))
    return run.cache["sources"]


def organizations(run: Run) -> RecordLookup:
    if "organizations" not in run.cache:
        run.cache["organizations"] = RecordLookup(
            Organization, run.user, name_field="name", noun=gettext("organization")
        )
    return run.cache["organizations"]


def places(run: Run) -> RecordLookup:
    if "places" not in run.cache:
        run.cache["places"] = RecordLookup(Place, run.user, name_field="name", noun=gettext("place"))
    return run.cache["places"]


def facilities(run: Run) -> RecordLookup:
    if "facilities" not in run.cache:
        run.cache["facilities"] = RecordLookup(Facility, run.user, name_field="name", noun=gettext("facility"))
    return run.cache["facilities"]


def defendants(run: Run) -> DefendantLookup:
    if "defendants" not in run.cache:
        run.cache["defendants"] = DefendantLookup(run.user, persons(run), case_lookup(run))
    return run.cache["defendants"]


def row_case(run: Run, row: dict):
    """The case named in the row's ``case`` column, or None."""
    text = key(row.get("case"))
    return case_lookup(run).get(text) if text else None


def reference_column(name, help, example, lookup, field_name, *, required=False, label=str) -> Column:
    def read(cell, run, row):
        return {field_name: lookup(run).get(cells.text(cell))}

    def show(obj):
        related = getattr(obj, field_name, None) if getattr(obj, f"{field_name}_id", None) else None
        return label(related) if related is not None else ""

    return Column(name, help, example, read, show, (field_name,), required=required)


def defendant_column(required=True) -> Column:
    def read(cell, run, row):
        try:
            case = row_case(run, row)
        except CellError:
            return {}  # the case column reports its own error
        return {"defendant": defendants(run).get(cells.text(cell), case)}

    return Column(
        "defendant",
        gettext_lazy(
            "The defendant: its external_id, or the person's external_id or exact name (with column `case` when "
            "the person is a defendant in several cases)."
        ),
        "D-0001",
        read,
        lambda obj: str(obj.defendant.person) if obj.defendant_id else "",
        ("defendant",),
        required=required,
    )


def case_finder_column() -> Column:
    return Column(
        "case",
        gettext_lazy("The defendant's case (external_id or exact title), when the person is in several cases."),
        "C-0001",
        lambda cell, run, row: {"case": case_lookup(run).get(cells.text(cell))},
        lambda obj: "",
        (),
        finds_only=True,
    )


def confidentiality_column() -> Column:
    return choice_column(
        "confidentiality",
        gettext_lazy(
            "public, restricted or confidential. Only Senior editors may import public records; confidential "
            "ones need the permission to see them. Empty: public for a new record, unchanged for one recorded."
        ),
        Confidentiality,
        "restricted",
    )


def choice_list_column(name: str, help, choices_class, example: str) -> Column:
    """Several choices in one cell, separated by ';' (a :class:`casetracker.base_models.ChoiceListField`)."""
    mapping = cells.choice_map(choices_class.choices)
    labels = dict(choices_class.choices)

    def read(cell, run, row):
        raw = cells.text(cell)
        parts = [part for part in (" ".join(piece.split()) for piece in raw.split(";")) if part]
        return {name: sorted({cells.choice(part, choices_class.choices, mapping) for part in parts})}

    def show(obj):
        return "; ".join(str(labels.get(value, value)) for value in getattr(obj, name) or [])

    return Column(name, help, example, read, show, (name,))


def name_variants_column(noun: str) -> Column:
    def read(cell, run, row):
        limit = run.kind.model.names.rel.related_model._meta.get_field("name").max_length
        return {"_import_variants": cells.variants(cell, max_length=limit)}

    def show(obj):
        recorded = [variant.name for variant in obj.names.all()] if obj.pk else []
        added = [name for name in getattr(obj, "_import_variants", []) if name not in recorded]
        return "; ".join(recorded + added)

    return Column(
        "name_variants",
        gettext_lazy(
            "Other spellings of the %(noun)s's name (transliterations, scripts), separated by ';'. Variants not "
            "yet recorded are added; none is removed."
        )
        % {"noun": noun},
        "Nazarbaev; Назарбаев",
        read,
        show,
        (),
    )


class NamedKind(Kind):
    """Persons and organizations: names with variants, matched by exact name where that is safe, else by the
    name in another script or spelling (:func:`imports.lookups.load_folded`)."""

    def base_queryset(self):
        return super().base_queryset().prefetch_related("names")

    def prepare(self, run, rows):
        super().prepare(run, rows)
        names = {key(row.get("name")) for _n, row in rows} - {""}
        by_name: dict[str, list] = {}
        for chunk in _chunks(sorted(names)):
            queryset = restrict(self.base_queryset().filter(name__in=chunk), run.user).order_by("pk")
            for obj in queryset:
                by_name.setdefault(obj.name, []).append(obj)
        run.cache["by_name"] = by_name
        unmatched = [name for name in names if name not in by_name]
        run.cache["by_folded"] = load_folded(restrict(self.base_queryset(), run.user), unmatched)

    def natural_candidates(self, run, values):
        name = values.get("name", {}).get("name")
        if not name:
            return []
        return list(run.cache["by_name"].get(name) or run.cache["by_folded"].get(fold(name, stem=True), []))

    def natural_match(self, run, result, values, row):
        found = self.natural_candidates(run, values)
        if len(found) > 1:
            fail(
                result,
                "name",
                gettext("%(count)d records are called %(name)s; give the row the external_id of the one you mean")
                % {"count": len(found), "name": cells.shown(values["name"]["name"])},
            )
        return found[0] if found else None

    def save(self, run, instance, creating):
        super().save(run, instance, creating)
        if creating:
            run.cache["by_name"].setdefault(instance.name, []).append(instance)
            run.cache["by_folded"].setdefault(fold(instance.name, stem=True), []).append(instance)
        recorded = {variant.name for variant in instance.names.all()} if not creating else set()
        variant_model = instance.names.model
        owner = instance.names.field.name
        for name in getattr(instance, "_import_variants", []):
            if name in recorded:
                continue
            variant = variant_model(**{owner: instance, "name": name})
            variant.full_clean(exclude=[owner])
            variant._history_user = instance._history_user
            variant.save()
        if hasattr(instance, "_prefetched_objects_cache"):
            instance._prefetched_objects_cache.pop("names", None)


def _chunks(items):
    from .engine import chunks

    return chunks(items)


class PersonKindDef(NamedKind):
    name = "persons"
    label = gettext_lazy("persons")
    model = Person

    def columns(self):
        return [
            external_id_column(),
            text_column(
                "name",
                gettext_lazy("The name most sources use; for a group, a description."),
                "Roza Tuletaeva",
                required=True,
            ),
            choice_column(
                "kind",
                gettext_lazy("individual or group (of persons not identified by name). Empty: individual."),
                PersonKind,
                "individual",
            ),
            name_variants_column(gettext("person")),
            Column(
                "group_size",
                gettext_lazy("For a group: how many, as the source states it, e.g. 'more than 30', 'about 30', '12'."),
                "more than 30",
                lambda cell, run, row: dict(
                    zip(("group_size", "group_size_qualifier"), cells.parsed(cell, parse_qualified), strict=True)
                ),
                lambda obj: qualified(obj.group_size, obj.group_size_qualifier),
                ("group_size", "group_size_qualifier"),
            ),
            date_column("group_size_as_of", gettext_lazy("For a group: the date the size is known as of."), "2012-12"),
            confidentiality_column(),
            text_column("description", gettext_lazy("Who this is, in a sentence or two."), ""),
            choice_column(
                "sex", gettext_lazy("As the sources state it: female, male or other. Empty: not stated."), Sex
            ),
            date_column("birth_date", gettext_lazy("Date of birth at the precision known (1972, 1972-05)."), "1972"),
            choice_column(
                "occupation_category",
                gettext_lazy("A category to filter on: worker, oil_worker, journalist, lawyer, …"),
                OccupationCategory,
                "oil_worker",
            ),
            text_column("occupation", gettext_lazy("The occupation in the sources' words."), "oil worker"),
            choice_list_column(
                "rights",
                gettext_lazy("The rights the person was exercising, separated by ';': assembly; labour; …"),
                Right,
                "assembly; labour",
            ),
            text_column(
                "ethnicity",
                gettext_lazy("Special-category: only staff allowed to see it may import this column."),
                "",
            ),
            text_column(
                "religion",
                gettext_lazy("Special-category: only staff allowed to see it may import this column."),
                "",
            ),
        ]

    def natural_candidates(self, run, values):
        kind = values.get("kind", {}).get("kind", PersonKind.INDIVIDUAL)
        return [obj for obj in super().natural_candidates(run, values) if obj.kind == kind]


class OrganizationKindDef(NamedKind):
    name = "organizations"
    label = gettext_lazy("organizations")
    model = Organization

    def columns(self):
        return [
            external_id_column(),
            text_column("name", gettext_lazy("The name most sources use."), "Aktau City Court", required=True),
            choice_column(
                "kind",
                gettext_lazy("What sort of organization (court, ngo, media, party …)."),
                OrganizationKind,
                "court",
                required=True,
            ),
            name_variants_column(gettext("organization")),
            text_column("country", gettext_lazy("ISO 3166-1 alpha-2 code, e.g. 'KZ'."), "KZ"),
            text_column("description", gettext_lazy("What the organization is and does."), ""),
        ]


class CaseKindDef(Kind):
    name = "cases"
    label = gettext_lazy("cases")
    model = Case

    def columns(self):
        return [
            external_id_column(),
            text_column(
                "title", gettext_lazy("A short title readers will recognise."), "Trial of 37 oil workers", required=True
            ),
            choice_column(
                "kind",
                gettext_lazy("criminal, administrative, media_closure, investigation or other."),
                CaseKind,
                "criminal",
            ),
            text_column("description", gettext_lazy("What the case is about."), ""),
            text_column("country", gettext_lazy("ISO 3166-1 alpha-2 code of the prosecuting state."), "KZ"),
            date_column("opened", gettext_lazy("When proceedings began, at the precision known."), "2012-03"),
            confidentiality_column(),
        ]

    def prepare(self, run, rows):
        super().prepare(run, rows)
        lookup = case_lookup(run)
        lookup.load(key(row.get("title")) for _n, row in rows)

    def natural_match(self, run, result, values, row):
        title = values.get("title", {}).get("title")
        found = list(case_lookup(run).by_name.get(title, [])) if title else []
        if len(found) > 1:
            fail(
                result,
                "title",
                gettext("several cases have this title; give the row the external_id of the one you mean"),
            )
        return found[0] if found else None

    def save(self, run, instance, creating):
        super().save(run, instance, creating)
        if creating:
            case_lookup(run).add(instance)


class DefendantKindDef(Kind):
    name = "defendants"
    label = gettext_lazy("defendants")
    model = Defendant

    def columns(self):
        return [
            external_id_column(),
            reference_column(
                "person",
                gettext_lazy("The person (or group): their external_id or exact name."),
                "P-0001",
                persons,
                "person",
                required=True,
            ),
            reference_column(
                "case",
                gettext_lazy("The case: its external_id or exact title."),
                "C-0001",
                case_lookup,
                "case",
                required=True,
            ),
            date_column(
                "arrested",
                gettext_lazy("When they were arrested or detained, at the precision known."),
                "February 2012",
            ),
            text_column("description", gettext_lazy("The defendant's role in the case."), ""),
        ]

    def prepare(self, run, rows):
        super().prepare(run, rows)
        persons(run).load(key(row.get("person")) for _n, row in rows)
        case_lookup(run).load(key(row.get("case")) for _n, row in rows)
        person_ids = {obj.pk for objs in persons(run).by_name.values() for obj in objs}
        person_ids |= {obj.pk for obj in persons(run).by_external_id.values()}
        pairs = {}
        for chunk in _chunks(sorted(person_ids)):
            for obj in restrict(Defendant._base_manager.filter(person_id__in=chunk), run.user):
                pairs[(obj.person_id, obj.case_id)] = obj
        run.cache["pairs"] = pairs

    def natural_match(self, run, result, values, row):
        person = values.get("person", {}).get("person")
        case = values.get("case", {}).get("case")
        if person is None or case is None:
            return None
        return run.cache["pairs"].get((person.pk, case.pk))

    def record_label(self, obj):
        return str(obj) if obj.person_id and obj.case_id else ""

    def save(self, run, instance, creating):
        super().save(run, instance, creating)
        run.cache["pairs"][(instance.person_id, instance.case_id)] = instance


class ChildOfDefendant(Kind):
    """Charges and sentences: rows of a defendant, found by the defendant (and its case)."""

    def prepare(self, run, rows):
        super().prepare(run, rows)
        case_lookup(run).load(key(row.get("case")) for _n, row in rows)
        defendants(run).load(key(row.get("defendant")) for _n, row in rows)
        ids = {obj.pk for obj in defendants(run).by_external_id.values()}
        ids |= {obj.pk for objs in defendants(run).by_person.values() for obj in objs}
        children: dict[int, list] = {}
        for chunk in _chunks(sorted(ids)):
            queryset = self.model._base_manager.filter(defendant_id__in=chunk).select_related("defendant__person")
            for obj in restrict(queryset, run.user).order_by("pk"):
                children.setdefault(obj.defendant_id, []).append(obj)
        run.cache["children"] = children

    def save(self, run, instance, creating):
        super().save(run, instance, creating)
        if creating:
            run.cache["children"].setdefault(instance.defendant_id, []).append(instance)


class ChargeKindDef(ChildOfDefendant):
    name = "charges"
    label = gettext_lazy("charges")
    model = Charge

    def columns(self):
        return [
            external_id_column(),
            defendant_column(),
            case_finder_column(),
            Column(
                "article",
                gettext_lazy(
                    "The legal article as 'country | code | article', e.g. 'KZ | Criminal Code (1997) | 241(1)'. A "
                    "provision not yet recorded is added."
                ),
                "KZ | Criminal Code (1997) | 241(1)",
                read_article,
                lambda obj: article_text(obj.article) if obj.article_id else "",
                ("article",),
            ),
            text_column(
                "offence",
                gettext_lazy("The offence as the sources describe it (needed without an article)."),
                "",
                field_name="offence_description",
            ),
            choice_column(
                "outcome",
                gettext_lazy("pending, convicted, acquitted, dropped or unknown."),
                ChargeOutcome,
                "convicted",
            ),
        ]

    def natural_match(self, run, result, values, row):
        defendant = values.get("defendant", {}).get("defendant")
        if defendant is None:
            return None
        article = values.get("article", {}).get("article")
        offence = values.get("offence", {}).get("offence_description")
        found = [
            obj
            for obj in run.cache["children"].get(defendant.pk, [])
            if (article is not None and article.pk is not None and obj.article_id == article.pk)
            or (article is None and offence and obj.offence_description == offence)
        ]
        if len(found) > 1:
            fail(result, "article", gettext("the defendant has several such charges; give the row an external_id"))
        return found[0] if found else None


def _issue(result, column, error):
    from .engine import Issue

    return Issue(result.row, column, "; ".join(getattr(error, "messages", [str(error)])))


def article_key(article) -> tuple[str, str, str]:
    return (article.country, article.code, article.article)


def article_text(article) -> str:
    return f"{article.country} | {article.code} | {article.article}"


def read_article(cell, run, row):
    raw = cells.text(cell)
    parts = [" ".join(part.split()) for part in raw.split("|")]
    if len(parts) != 3 or not all(parts):
        raise CellError(
            gettext(
                "%(value)s is not an article; write 'country | code | article', "
                "e.g. 'KZ | Criminal Code (1997) | 241(1)'"
            )
            % {"value": cells.shown(raw)}
        )
    articles = run.cache.setdefault("articles", {})
    found = articles.get(tuple(parts))
    if found is None:
        found = LegalArticle.objects.filter(country=parts[0], code=parts[1], article=parts[2]).first()
        if found is None:
            found = new_article(run, *parts)
        articles[tuple(parts)] = found
    return {"article": found}


def new_article(run, country, code, article) -> LegalArticle:
    """A provision the sheet names that is not recorded yet: added (and undone with the rest if the import fails)."""
    from django.core.exceptions import ValidationError

    if not run.user.has_perm("cases.add_legalarticle"):
        raise CellError(gettext("this article is not recorded, and your account may not add legal articles"))
    found = LegalArticle(country=country, code=code, article=article)
    try:
        found.full_clean()
    except ValidationError as error:
        raise CellError("; ".join(error.messages)) from None
    found._history_user = run.user
    found.save()
    return found


class SentenceKindDef(ChildOfDefendant):
    name = "sentences"
    label = gettext_lazy("sentences")
    model = Sentence
    # A sheet exported from the sentence summaries (cases/summaries.py) imports back: its headers are read as
    # these columns, and its derived columns (expected end, time served …) are left alone.
    aliases = {
        "sentence": "kind",
        "charges": None,
        "court": None,
        "verdict date": None,
        "term (months)": None,
        "term stated as": None,
        "expected end": None,
        "time served": None,
        "time remaining": None,
        "recognised by": None,
        "current place of detention": None,
        "held there since": None,
        "time held there": None,
        "sources": None,
    }

    def columns(self):
        return [
            external_id_column(),
            defendant_column(),
            case_finder_column(),
            choice_column(
                "kind",
                gettext_lazy("imprisonment, probation, suspended, restricted_freedom, fine …"),
                SentenceKind,
                "imprisonment",
                required=True,
            ),
            Column(
                "term",
                gettext_lazy(
                    "The term as the source states it: '7 years 6 months', 'up to 12 years', '90 months'. For a fine, "
                    "the amount and currency: '200,000 KZT'."
                ),
                "7 years 6 months",
                read_term,
                show_term,
                ("term_months", "term_qualifier", "fine_amount", "fine_currency"),
            ),
            date_column("start", gettext_lazy("When the sentence began, at the precision known."), "2012-06-04"),
            Column(
                "status",
                gettext_lazy(
                    "serving, completed, released_early, pardoned, amnestied, overturned, not_started or unknown."
                ),
                "serving",
                read_sentence_status,
                lambda obj: str(dict(SentenceStatus.choices).get(obj.status, obj.status)),
                ("status",),
            ),
            date_column(
                "status_as_of", gettext_lazy("The date the status is known as of (the report's date)."), "2012-12"
            ),
            date_column("actual_release", gettext_lazy("When the person was actually released, if they were."), ""),
            text_column("note", gettext_lazy("Anything else: appeals, conditions of probation."), ""),
        ]

    def natural_match(self, run, result, values, row):
        defendant = values.get("defendant", {}).get("defendant")
        kind = values.get("kind", {}).get("kind")
        if defendant is None or kind is None:
            return None
        found = [obj for obj in run.cache["children"].get(defendant.pk, []) if obj.kind == kind]
        if len(found) > 1:
            term = values.get("term", {})
            found = [
                obj
                for obj in found
                if (obj.term_months, obj.term_qualifier) == (term.get("term_months"), term.get("term_qualifier"))
            ]
            if len(found) != 1:
                fail(
                    result,
                    "defendant",
                    gettext(
                        "the defendant has several sentences of this kind; give the row the sentence's external_id"
                    ),
                )
        return found[0] if found else None

    def record_label(self, obj):
        return str(obj) if obj.defendant_id else ""


_STATUS_MAP = cells.choice_map(SentenceStatus.choices)


def read_sentence_status(cell, run, row):
    import re

    raw = re.sub(r"\s*\(as of [^()]*\)$", "", cells.text(cell))  # "Serving (as of 2012-12)", as the summaries write it
    return {"status": cells.choice(raw, SentenceStatus.choices, _STATUS_MAP)}


def read_term(cell, run, row):
    kind = key(row.get("kind") or row.get("sentence"))
    if kind and cells.choice_map(SentenceKind.choices).get(kind.casefold()) == SentenceKind.FINE:
        amount, currency = cells.amount(cell)
        return {"fine_amount": amount, "fine_currency": currency}
    months, qualifier = cells.parsed(cell, parse_term)
    return {"term_months": months, "term_qualifier": qualifier}


def show_term(obj) -> str:
    if obj.kind == SentenceKind.FINE and obj.fine_amount is not None:
        return f"{obj.fine_amount:,.2f}".removesuffix(".00") + f" {obj.fine_currency}"
    return term_in_words(obj.term_months, obj.term_qualifier)


class StatusChangeKindDef(Kind):
    """Status changes go through ``defendant_change_status``, the one service that records them.

    They are dated records that are never edited, so they have no ``external_id``: a row the service
    finds already recorded (same defendant, dates, status and source) is unchanged.
    """

    name = "status-changes"
    label = gettext_lazy("status changes")
    model = StatusChange

    def columns(self):
        return [
            defendant_column(),
            case_finder_column(),
            date_column("date", gettext_lazy("When the status took effect, if the source says."), "14.02.2012"),
            date_column(
                "known_as_of", gettext_lazy("The date the source shows the status holding (the report's date)."), ""
            ),
            choice_column(
                "status",
                gettext_lazy("detained, convicted, imprisoned, released, pardoned …"),
                DefendantStatus,
                "detained",
                required=True,
            ),
            reference_column(
                "source",
                gettext_lazy("The source's exact title."),
                "Kazakhstan: Striking oil workers on trial",
                sources,
                "source",
            ),
            text_column("excerpt", gettext_lazy("The source's exact words for the change (at most 30 words)."), ""),
            text_column("note", gettext_lazy("What happened, in our own words; needed without a source."), ""),
        ]

    def prepare(self, run, rows):
        run.cache["own"], run.cache["own_hidden"] = {}, set()
        case_lookup(run).load(key(row.get("case")) for _n, row in rows)
        defendants(run).load(key(row.get("defendant")) for _n, row in rows)
        sources(run).load(key(row.get("source")) for _n, row in rows)

    def permission(self, action):
        return "cases.add_statuschange"

    def write(self, run, result, instance, values, row):
        missing = [c.name for c in self.columns() if c.required and c.name not in values]
        if "defendant" not in values or not values["defendant"]:
            missing.insert(0, "defendant")
        for name in missing:
            result.errors.append(_issue(result, name, Exception(gettext("a status change needs a value here"))))
        if result.errors:
            raise RowFailed
        self.check_permission(run, result, "add")
        fields = {}
        for name, field_values in values.items():
            if not self.column_map[name].finds_only:
                fields.update(field_values)
        from django.core.exceptions import ValidationError

        try:
            change = defendant_change_status(
                defendant=fields["defendant"],
                status=fields["status"],
                date=fields.get("date"),
                known_as_of=fields.get("known_as_of"),
                note=fields.get("note", ""),
                source=fields.get("source"),
                excerpt=fields.get("excerpt", ""),
                user=run.user,
            )
        except ValidationError as error:
            report_validation_error(run, result, error)
        result.record = f"{change.defendant.person}: {change}"
        if change.already_recorded:
            result.status = UNCHANGED
            return
        result.status = NEW
        result.changes = [
            self_change(column, column.show(change))
            for column in run.columns
            if not column.finds_only and column.show(change)
        ]


def self_change(column, value):
    from .engine import Change

    return Change(column.name, "", value)


class CitationKindDef(Kind):
    """A citation of any citable record by its kind and external_id (or a person's name, a case's title)."""

    name = "citations"
    label = gettext_lazy("citations")
    model = Citation

    def columns(self):
        names = ", ".join(entry.name for entry in citables() if hasattr(entry.model, "external_id"))
        return [
            Column(
                "record_kind",
                gettext_lazy("The kind of record cited: %(kinds)s.") % {"kinds": names},
                "defendant",
                read_record_kind,
                lambda obj: citable_for(obj.content_type.model_class()).name if obj.content_type_id else "",
                ("content_type",),
                required=True,
                finds_only=True,
            ),
            Column(
                "record",
                gettext_lazy(
                    "The record cited: its external_id (a person's exact name or a case's exact title also do)."
                ),
                "D-0001",
                read_record,
                lambda obj: str(obj.content_object) if obj.object_id else "",
                ("object_id",),
                required=True,
                finds_only=True,
            ),
            reference_column(
                "source",
                gettext_lazy("The source's exact title."),
                "Kazakhstan: Striking oil workers on trial",
                sources,
                "source",
                required=True,
            ),
            text_column(
                "excerpt",
                gettext_lazy("The exact words of the source (at most 30 words)."),
                "sentenced to seven years",
                required=True,
            ),
            text_column("locator", gettext_lazy("Where in the document: page, paragraph."), "p. 3"),
            text_column("note", gettext_lazy("What the passage supports, if not obvious."), ""),
        ]

    def prepare(self, run, rows):
        run.cache["own"], run.cache["own_hidden"] = {}, set()
        sources(run).load(key(row.get("source")) for _n, row in rows)
        wanted: dict[str, set] = {}
        for _n, row in rows:
            wanted.setdefault(key(row.get("record_kind")), set()).add(key(row.get("record")))
        lookups = {}
        for entry in citables():
            if entry.name in wanted and hasattr(entry.model, "external_id"):
                name_field = {"person": "name", "organization": "name", "case": "title"}.get(entry.name)
                lookup = RecordLookup(entry.model, run.user, name_field=name_field, noun=entry.name)
                lookup.load(wanted[entry.name])
                lookups[entry.name] = lookup
        run.cache["records"] = lookups
        source_ids = {obj.pk for objs in sources(run).by_name.values() for obj in objs}
        existing = {}
        for chunk in _chunks(sorted(source_ids)):
            for obj in restrict(Citation._base_manager.filter(source_id__in=chunk), run.user):
                existing[(obj.content_type_id, obj.object_id, obj.source_id, obj.excerpt)] = obj
        run.cache["citations"] = existing

    def natural_match(self, run, result, values, row):
        target = values.get("record", {}).get("_target")
        source = values.get("source", {}).get("source")
        excerpt = values.get("excerpt", {}).get("excerpt")
        if target is None or source is None or not excerpt:
            return None
        return run.cache["citations"].get((ContentType.objects.get_for_model(target).id, target.pk, source.pk, excerpt))

    def new_instance(self, run, values):
        return Citation(content_object=values["record"]["_target"])

    def write(self, run, result, instance, values, row):
        if "record" not in values and "record_kind" in values:
            fail(result, "record", gettext("a citation needs the record it supports"))
        super().write(run, result, instance, values, row)

    def record_label(self, obj):
        return str(obj)

    def save(self, run, instance, creating):
        super().save(run, instance, creating)
        run.cache["citations"][(instance.content_type_id, instance.object_id, instance.source_id, instance.excerpt)] = (
            instance
        )


def read_record_kind(cell, run, row):
    name = cells.text(cell).casefold()
    lookups = run.cache.get("records", {})
    if name not in lookups:
        kinds = ", ".join(entry.name for entry in citables() if hasattr(entry.model, "external_id"))
        raise CellError(
            gettext("%(value)s is not a kind of record a citation can import; write one of: %(kinds)s")
            % {"value": cells.shown(name), "kinds": kinds}
        )
    return {"kind": name}


def read_record(cell, run, row):
    name = key(row.get("record_kind")).casefold()
    lookup = run.cache.get("records", {}).get(name)
    if lookup is None:
        return {}
    return {"_target": lookup.get(cells.text(cell))}


def coordinate_column(name: str, help) -> Column:
    def read(cell, run, row):
        return {name: cells.coordinate(cell)}

    return Column(name, help, "43.3412", read, lambda obj: display(getattr(obj, name)), (name,))


class FacilityKindDef(NamedKind):
    name = "facilities"
    label = gettext_lazy("facilities")
    model = Facility

    def columns(self):
        return [
            external_id_column(),
            text_column("name", gettext_lazy("The name most sources use."), "Penal colony UG-157/11", required=True),
            choice_column(
                "kind",
                gettext_lazy("police_custody, pre_trial, prison, penal_colony, psychiatric, house_arrest or other."),
                FacilityKind,
                "penal_colony",
                required=True,
            ),
            name_variants_column(gettext("facility")),
            reference_column(
                "place", gettext_lazy("The town or region: its exact name."), "Zhanaozen", places, "place"
            ),
            coordinate_column("latitude", gettext_lazy("Latitude in decimal degrees (-90 to 90); with longitude.")),
            coordinate_column("longitude", gettext_lazy("Longitude in decimal degrees (-180 to 180); with latitude.")),
            text_column("description", gettext_lazy("What is known of the place."), ""),
        ]

    def prepare(self, run, rows):
        super().prepare(run, rows)
        places(run).load(key(row.get("place")) for _n, row in rows)


class CustodyStayKindDef(ChildOfDefendant):
    """Custody stays: where a defendant was held, from when to when; the current place follows from them."""

    name = "custody-stays"
    label = gettext_lazy("custody stays")
    model = CustodyStay

    def columns(self):
        return [
            external_id_column(),
            defendant_column(),
            case_finder_column(),
            reference_column(
                "facility",
                gettext_lazy("The facility: its external_id or exact name."),
                "Penal colony UG-157/11",
                facilities,
                "facility",
                required=True,
            ),
            date_column("start", gettext_lazy("When the stay began, at the precision known."), "2012-10"),
            date_column("end", gettext_lazy("When it ended (transfer, release); empty while it lasts."), ""),
            date_column(
                "known_as_of",
                gettext_lazy("The date the source shows the person held there; needed when the start is unknown."),
                "2013-02",
            ),
            text_column("note", gettext_lazy("How it is known, in our own words (needed without a source)."), ""),
            reference_column(
                "source", gettext_lazy("The source: its external_id or exact title."), "S-0001", sources, "source"
            ),
            text_column("excerpt", gettext_lazy("The source's exact words (at most 30 words)."), ""),
        ]

    def prepare(self, run, rows):
        super().prepare(run, rows)
        facilities(run).load(key(row.get("facility")) for _n, row in rows)
        sources(run).load(key(row.get("source")) for _n, row in rows)


class RecognitionKindDef(Kind):
    """Recognitions as political prisoners; a row with the external_id of one recorded updates it (a withdrawal)."""

    name = "recognitions"
    label = gettext_lazy("recognitions")
    model = Recognition

    def columns(self):
        return [
            external_id_column(),
            reference_column(
                "person",
                gettext_lazy("The person recognised: their external_id or exact name."),
                "P-0001",
                persons,
                "person",
                required=True,
            ),
            reference_column(
                "organization",
                gettext_lazy("Who recognises them: the organization's external_id or exact name."),
                "Memorial",
                organizations,
                "organization",
                required=True,
            ),
            choice_column(
                "kind",
                gettext_lazy(
                    "political_prisoner, conscience, politically_motivated or other. Empty: political_prisoner."
                ),
                RecognitionKind,
                "political_prisoner",
            ),
            date_column("date", gettext_lazy("When the recognition was made, at the precision known."), "2012-10"),
            text_column("grounds", gettext_lazy("The grounds stated, in our own words."), ""),
            reference_column(
                "source",
                gettext_lazy("The source: its external_id or exact title."),
                "S-0001",
                sources,
                "source",
                required=True,
            ),
            text_column("excerpt", gettext_lazy("The source's exact words (at most 30 words)."), ""),
            date_column("withdrawn", gettext_lazy("When the recognition was withdrawn, if it was."), ""),
            reference_column(
                "withdrawal_source",
                gettext_lazy("The source reporting the withdrawal (external_id or exact title)."),
                "",
                sources,
                "withdrawal_source",
            ),
            text_column("withdrawal_excerpt", gettext_lazy("The withdrawal source's exact words."), ""),
        ]

    def prepare(self, run, rows):
        super().prepare(run, rows)
        persons(run).load(key(row.get("person")) for _n, row in rows)
        organizations(run).load(key(row.get("organization")) for _n, row in rows)
        sources(run).load(key(row.get(column)) for _n, row in rows for column in ("source", "withdrawal_source"))


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        PersonKindDef(),
        OrganizationKindDef(),
        CaseKindDef(),
        DefendantKindDef(),
        ChargeKindDef(),
        SentenceKindDef(),
        StatusChangeKindDef(),
        FacilityKindDef(),
        CustodyStayKindDef(),
        RecognitionKindDef(),
        CitationKindDef(),
    )
}

#: The kind a model's change list imports (the admin's "Import" button).
KIND_OF_MODEL = {kind.model: kind for kind in KINDS.values()}


def display_value(value) -> str:
    return display(value)
