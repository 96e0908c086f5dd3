"""Full-text search over every kind of record: the registry, the index and the one selector.

Each app registers the models it wants found, with the fields that hold their text, right
after defining them (``register_searchable(Person, kind="person", fields=(…))``), as it
registers citable models. Every registered record has one :class:`sources.models.SearchEntry`
holding its text case-folded, kept in step by ``post_save``/``post_delete`` signals (and by
``manage.py rebuild_search_index`` after bulk writes).

:func:`search_hits` is the one query: on PostgreSQL ``websearch_to_tsquery`` against
``to_tsvector('simple', text)``, served by a GIN index on that expression (migration
``sources.0005``, a stored generated column) and ranked by ``ts_rank``. The ``simple`` configuration splits on
non-letters and keeps every word whole: PostgreSQL ships no Kazakh stemmer, and the Russian
one would stem Kazakh (and the Latin transliterations the sources use) wrongly, so whole
words in any script it is; the text is case-folded in Python first, so case never depends on
the database's locale. On SQLite every word of the query must occur as a substring
(``contains`` on the case-folded text), newest records first. Either way an entry is also found
when every word of the query, folded across scripts and spellings (:mod:`casetracker.translit`),
occurs in its ``folded`` key (trigram-indexed on PostgreSQL): such hits come after the entries
that hold the words as typed. Either way, each hit is kept
only when the user may see the record it stands for (:func:`casetracker.visibility.restrict`).
"""

from __future__ import annotations

import html
import logging
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, connections
from django.db.models import Case, IntegerField, Model, OuterRef, Q, QuerySet, Value, When
from django.db.models.signals import post_delete, post_save

from casetracker.translit import fold_words
from casetracker.visibility import (
    RULES,
    content_type_id,
    effective_level,
    follows,
    level_expression,
    protected_by,
    protected_fields,
    restrict,
    restricts,
    visible_levels,
)

logger = logging.getLogger(__name__)

#: Text beyond this many characters is not searched (PostgreSQL's tsvector holds at most 1 MB).
SEARCH_TEXT_MAX_CHARS = 400_000
SNIPPET_CHARS = 160


@dataclass(frozen=True)
class Searchable:
    model: type[Model]
    kind: str
    fields: tuple[str, ...]
    #: foreign keys the label reads (joined when the index is rebuilt, not fetched per record)
    joins: tuple[str, ...] = ()

    @property
    def view_name(self) -> str:
        return f"api:{self.model._meta.model_name}-detail"

    def label(self, obj: Model) -> str:
        """The record's one label (its ``__str__``), cut to the index's column."""
        return str(obj)[:500]

    def text(self, obj: Model) -> str:
        """The record's searchable text as written (for snippets)."""
        return "\n".join(str(getattr(obj, name) or "") for name in self.fields if getattr(obj, name, None))


_BY_MODEL: dict[type[Model], Searchable] = {}
_BY_KIND: dict[str, Searchable] = {}
#: The kinds of record search finds, in registration order (the ``kind`` filter's choices).
SEARCH_KINDS: list[str] = []


def register_searchable(
    model: type[Model], *, kind: str, fields: tuple[str, ...], joins: tuple[str, ...] = ()
) -> type[Model]:
    """Say that records of ``model`` are found by search, by the text of ``fields``.

    A field the field-level rule protects (:data:`casetracker.visibility.FIELD_RULES`) is refused: the
    index is one text per record, shown to whoever may see the record.
    """
    special = set(fields) & set(protected_fields(model))
    if special:
        raise ValueError(
            f"{model._meta.label}: {', '.join(sorted(special))} may be seen only with a permission "
            "(casetracker.visibility.FIELD_RULES) and cannot be searched by everyone who sees the record."
        )
    entry = Searchable(model, kind, tuple(fields), tuple(joins))
    if model in _BY_MODEL or kind in _BY_KIND:
        if (_BY_MODEL.get(model) or _BY_KIND[kind]) == entry:
            return model
        raise ValueError(f"{model._meta.label} or the kind {kind!r} is already registered as searchable.")
    _BY_MODEL[model] = entry
    _BY_KIND[kind] = entry
    SEARCH_KINDS.append(kind)
    uid = f"search-index-{model._meta.label_lower}"
    post_save.connect(_index_saved, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(_unindex_deleted, sender=model, dispatch_uid=uid, weak=False)
    return model


def searchables() -> list[Searchable]:
    return list(_BY_MODEL.values())


def searchable_for(model: type[Model]) -> Searchable | None:
    return _BY_MODEL.get(model)


# -- the index ----------------------------------------------------------------------------------------


def search_key(text: str) -> str:
    """Text as it is indexed and matched: case-folded, single-spaced, cut to :data:`SEARCH_TEXT_MAX_CHARS`."""
    return " ".join(text[:SEARCH_TEXT_MAX_CHARS].casefold().split())


def folded_key(text: str) -> str:
    """The text's words folded across scripts and spellings (:mod:`casetracker.translit`), space-separated:
    what a query's folded words are looked for in (Козлов finds Kozlov, Jana Ozen finds Zhanaozen)."""
    return " ".join(fold_words(text[:SEARCH_TEXT_MAX_CHARS]))


def entry_for(obj: Model, searchable: Searchable, level: str | None = None):
    """The search entry of ``obj``; ``level`` when the caller computed it in bulk, else from the rule."""
    from .models import SearchEntry

    text = search_key(searchable.text(obj))
    return SearchEntry(
        content_type_id=content_type_id(type(obj)),
        object_id=obj.pk,
        kind=searchable.kind,
        label=searchable.label(obj),
        text=text,
        folded=folded_key(text),
        level=level or stored_level(obj),
    )


def stored_level(obj: Model) -> str:
    """``obj``'s level by the rule, as the database has it now (one query; loaded relations may be stale).

    The statement is the whole rule compiled for one primary key: it is compiled once per model and
    database (:func:`_level_statement`) and run with each record's key, since building and compiling the
    rule was most of the cost of saving a record.
    """
    model = type(obj)
    alias = model._base_manager.filter(pk=obj.pk).db
    statement = _level_statement(model, alias)
    if statement is None:
        records = model._base_manager.using(alias).filter(pk=obj.pk).annotate(search_level=level_expression(model))
        return records.values_list("search_level", flat=True).first() or effective_level(obj)
    sql, params, key_at = statement
    params = list(params)
    params[key_at] = model._meta.pk.get_db_prep_value(obj.pk, connections[alias])
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return (row[0] if row else None) or effective_level(obj)


#: A key no record has, standing for the record's key while the rule is compiled.
_KEY_STANDIN = -7_348_291_065_113
#: (model label, database alias) → (SQL, parameters, index of the record's key among them), or ``None`` where
#: the key could not be told apart from the rule's own parameters. The rule holds content type ids, which a
#: flushed test database renumbers: emptied whenever migrations run (``flush`` runs ``post_migrate`` too).
_LEVEL_STATEMENTS: dict[tuple[str, str], tuple[str, tuple, int] | None] = {}


def _level_statement(model: type[Model], alias: str) -> tuple[str, tuple, int] | None:
    key = (model._meta.label, alias)
    if key not in _LEVEL_STATEMENTS:
        statement = None
        if isinstance(model._meta.pk, IntegerField):  # AutoField and BigAutoField too
            records = model._base_manager.using(alias).filter(pk=_KEY_STANDIN)
            records = records.annotate(search_level=level_expression(model)).values_list("search_level")[:1]
            sql, params = records.query.get_compiler(alias).as_sql()
            at = [index for index, value in enumerate(params) if value == _KEY_STANDIN]
            if len(at) == 1:
                statement = (sql, tuple(params), at[0])
        _LEVEL_STATEMENTS[key] = statement
    return _LEVEL_STATEMENTS[key]


def forget_level_statements(**kwargs) -> None:
    """``pre_migrate``/``post_migrate``: content types may be renumbered; compile the rule again."""
    _LEVEL_STATEMENTS.clear()


def search_index_update(obj: Model) -> None:
    """(Re)write the search entry of one record."""
    from .models import SearchEntry

    searchable = searchable_for(type(obj))
    if searchable is None:
        return
    entry = entry_for(obj, searchable)
    SearchEntry.objects.update_or_create(
        content_type_id=entry.content_type_id,
        object_id=entry.object_id,
        defaults={
            "kind": entry.kind,
            "label": entry.label,
            "text": entry.text,
            "folded": entry.folded,
            "level": entry.level,
        },
    )


def _index_saved(sender, instance, raw=False, **kwargs):
    search_index_update(instance)


def _unindex_deleted(sender, instance, **kwargs):
    from .models import SearchEntry

    SearchEntry.objects.filter(content_type_id=content_type_id(type(instance)), object_id=instance.pk).delete()


# -- levels kept in step -----------------------------------------------------------------------------


def relevel(searchable: Searchable, records: QuerySet | list) -> int:
    """Recompute, in the database, the stored level of the entries of ``records`` (ids of ``searchable``)."""
    from django.db.models import Subquery

    from .models import SearchEntry

    model = searchable.model
    level = model._base_manager.filter(pk=OuterRef("object_id")).annotate(search_level=level_expression(model))
    return SearchEntry.objects.filter(content_type_id=content_type_id(model), object_id__in=records).update(
        level=Subquery(level.values("search_level")[:1])
    )


def dependents(instance: Model) -> list[tuple[Searchable, QuerySet]]:
    """The indexed records whose level follows ``instance`` (its level or its links), per searchable kind."""
    found = []
    for searchable in searchables():
        where = protected_by(searchable.model, type(instance), instance.pk)
        if where is not None:
            found.append((searchable, searchable.model._base_manager.filter(where).values("pk")))
    return found


def relevel_dependents(sender, instance, created=False, raw=False, **kwargs):
    """``post_save`` of a record that protects others: their entries take their new level (one UPDATE per kind).

    Not for a record just created: a record follows another through a link to it (a foreign key, a
    citation's object id), and no committed row links to a record that did not exist, so nothing has
    followed it yet. The UPDATE is compiled from the whole rule (``level_expression``) and was most of
    the cost of creating a record.
    """
    if raw or created:
        return
    for searchable, records in dependents(instance):
        relevel(searchable, records)


def _remember_dependents(sender, instance, **kwargs):
    # Before a delete: once it is gone (or its links are set to NULL), no query finds who followed it.
    instance._search_dependents = [(searchable, list(records)) for searchable, records in dependents(instance)]


def _relevel_remembered(sender, instance, **kwargs):
    for searchable, rows in getattr(instance, "_search_dependents", ()):
        relevel(searchable, [row["pk"] for row in rows])


def connect_level_signals() -> None:
    """Keep stored levels in step: every model some indexed record's visibility follows (``AppConfig.ready``)."""
    from django.apps import apps
    from django.db.models.signals import pre_delete

    for label in RULES:
        model = apps.get_model(label)
        if not any(follows(s.model, model) for s in searchables()):
            continue
        uid = f"search-levels-{label}"
        post_save.connect(relevel_dependents, sender=model, dispatch_uid=uid, weak=False)
        pre_delete.connect(_remember_dependents, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(_relevel_remembered, sender=model, dispatch_uid=uid, weak=False)


def search_index_rebuild(*, batch_size: int = 2_000, progress=None) -> int:
    """Rewrite every search entry from the records (after bulk writes that sent no signals)."""
    from .models import SearchEntry

    written = 0
    for searchable in searchables():
        type_id = content_type_id(searchable.model)
        SearchEntry.objects.filter(content_type_id=type_id).delete()
        # Whole rows: the entry's label is the record's __str__, which may read any of its columns.
        records = searchable.model._base_manager.select_related(*searchable.joins).annotate(
            search_level=level_expression(searchable.model)
        )
        batch = []
        for obj in records.order_by("pk").iterator(chunk_size=batch_size):
            batch.append(entry_for(obj, searchable, obj.search_level))
            if len(batch) >= batch_size:
                SearchEntry.objects.bulk_create(batch)
                written += len(batch)
                batch = []
                if progress:
                    progress(searchable.kind, written)
        SearchEntry.objects.bulk_create(batch)
        written += len(batch)
    return written


def search_index_prune() -> int:
    """Remove the entries of records that no longer exist (after raw deletes that sent no signals)."""
    from .models import SearchEntry

    removed = 0
    for searchable in searchables():
        stale = SearchEntry.objects.filter(content_type_id=content_type_id(searchable.model)).exclude(
            object_id__in=searchable.model._base_manager.values("pk")
        )
        removed += stale._raw_delete(stale.db)
    return removed


# -- the query ------------------------------------------------------------------------------------------


def stored_vector():
    """PostgreSQL's ``vector`` column: ``to_tsvector('simple', text)``, generated and GIN-indexed
    (migration ``sources.0005``; Django's model does not declare it, SQLite has none)."""
    from django.contrib.postgres.search import SearchVectorField
    from django.db.models.expressions import RawSQL

    return RawSQL('"sources_searchentry"."vector"', [], output_field=SearchVectorField())


def query_words(q: str) -> list[str]:
    """The words of a query, case-folded, without the quotes and operators of web search syntax."""
    return [word for word in re.findall(r"\w[\w'’-]*", q.casefold()) if word not in ("or",)]


def visible_entries(user) -> Q | None:
    """The search entries whose records ``user`` may see (``None``: all of them).

    Each entry stores its record's level by the rule (:func:`casetracker.visibility.effective_level`),
    kept in step when the record or any record protecting it changes (:func:`relevel_dependents`), so
    this is an indexed ``level IN (…)``, not a query per hit. :func:`attach_snippets` still checks the
    records of the page it shows against the rule itself.
    """
    if not restricts(user):
        return None
    return Q(level__in=visible_levels(user))


def folded_match(q: str) -> Q | None:
    """Every word of ``q``, folded and stemmed, occurs in the entry's folded key (``None``: ``q`` has no word)."""
    words = [word for word in fold_words(q, stem=True) if word not in ("or",)]
    if not words:
        return None
    condition = Q()
    for word in dict.fromkeys(words):
        condition &= Q(folded__contains=word)
    return condition


def search_hits(q: str, *, user, kinds: list[str] | None = None) -> QuerySet:
    """The search entries matching ``q`` that ``user`` may see, best first (a lazy query; paginate it, do not
    nest it in another query: on PostgreSQL it names ``sources_searchentry.vector`` directly)."""
    from .models import SearchEntry

    entries = SearchEntry.objects.all()
    if kinds:
        entries = entries.filter(kind__in=kinds)
    visible = visible_entries(user)
    if visible is not None:
        entries = entries.filter(visible)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        query = SearchQuery(search_key(q), config="simple", search_type="websearch")
        vector = stored_vector()
        words = Q(match=query)
        folded = folded_match(q)
        if folded is not None:
            words |= folded
        # Whole words as typed rank by ts_rank; entries found only across scripts or spellings rank 0, after them.
        return (
            entries.alias(match=vector)
            .filter(words)
            .annotate(rank=SearchRank(vector, query))
            .order_by("-rank", "-id")
            .only("id", "content_type_id", "object_id", "kind", "label")
        )
    typed = Q()
    for word in query_words(q):
        typed &= Q(text__contains=word)
    folded = folded_match(q)
    matches = typed | folded if folded is not None else typed
    # Entries holding every word as typed first, then those found only across scripts or spellings.
    exact = Case(When(typed, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        entries.filter(matches)
        .alias(exact=exact)
        .order_by("exact", "-id")
        .only("id", "content_type_id", "object_id", "kind", "label")
    )


def snippet(text: str, words: list[str]) -> str:
    """About :data:`SNIPPET_CHARS` characters of ``text`` around the first word found, HTML-escaped, with
    each found word in ``<mark>``; the start of the text when no word is found."""
    text = " ".join(text.split())
    if not words:
        return html.escape(text[:SNIPPET_CHARS])
    pattern = re.compile("|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True)), re.I)
    first = pattern.search(text)
    start = max(0, first.start() - SNIPPET_CHARS // 3) if first else 0
    window = text[start : start + SNIPPET_CHARS]
    parts, last = [], 0
    for match in pattern.finditer(window):
        parts.append(html.escape(window[last : match.start()]))
        parts.append(f"<mark>{html.escape(match.group())}</mark>")
        last = match.end()
    parts.append(html.escape(window[last:]))
    prefix = "…" if start else ""
    suffix = "…" if start + SNIPPET_CHARS < len(text) else ""
    return prefix + "".join(parts) + suffix


def attach_snippets(entries: list, q: str, *, user=None) -> list:
    """The entries of a page that ``user`` may see, each with its ``snippet`` from its record's current text.

    One query per kind, through the visibility rule itself: the stored level narrowed the search, and
    this checks the records actually shown, so a level that fell out of step hides a hit, never leaks
    one (and is logged, to be fixed by ``manage.py rebuild_search_index``).
    """
    words = query_words(q)
    by_kind: dict[str, list] = defaultdict(list)
    for entry in entries:
        by_kind[entry.kind].append(entry)
    shown = set()
    for kind, group in by_kind.items():
        searchable = _BY_KIND.get(kind)
        if searchable is None:
            continue
        records = restrict(searchable.model._base_manager.only("pk", *searchable.fields), user)
        objects = records.in_bulk([e.object_id for e in group])
        for entry in group:
            obj = objects.get(entry.object_id)
            if obj is None:
                logger.warning(
                    "Search entry %s (%s %s) is out of step with its record.", entry.pk, kind, entry.object_id
                )
                continue
            entry.snippet = snippet(searchable.text(obj), words)
            entry.view_name = searchable.view_name
            shown.add(entry.pk)
    return [entry for entry in entries if entry.pk in shown]
