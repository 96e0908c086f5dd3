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
(``contains`` on the case-folded text), newest records first. Either way, each hit is kept
only when the user may see the record it stands for (:func:`casetracker.visibility.restrict`).
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.db.models.signals import post_delete, post_save

from casetracker.visibility import condition, content_type_id, protected_fields, restricts, visible_levels

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


def entry_for(obj: Model, searchable: Searchable):
    from .models import SearchEntry

    return SearchEntry(
        content_type_id=content_type_id(type(obj)),
        object_id=obj.pk,
        kind=searchable.kind,
        label=searchable.label(obj),
        text=search_key(searchable.text(obj)),
    )


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
        defaults={"kind": entry.kind, "label": entry.label, "text": entry.text},
    )


def _index_saved(sender, instance, raw=False, **kwargs):
    search_index_update(instance)


def _unindex_deleted(sender, instance, **kwargs):
    from .models import SearchEntry

    SearchEntry.objects.filter(content_type_id=content_type_id(type(instance)), object_id=instance.pk).delete()


def search_index_rebuild(*, batch_size: int = 2_000, progress=None) -> int:
    """Rewrite every search entry from the records (after bulk writes that sent no signals)."""
    from .models import SearchEntry

    written = 0
    for searchable in searchables():
        type_id = content_type_id(searchable.model)
        SearchEntry.objects.filter(content_type_id=type_id).delete()
        # Whole rows: the entry's label is the record's __str__, which may read any of its columns.
        records = searchable.model._base_manager.select_related(*searchable.joins)
        batch = []
        for obj in records.order_by("pk").iterator(chunk_size=batch_size):
            batch.append(entry_for(obj, searchable))
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
    """The search entries whose records ``user`` may see (``None``: all of them)."""
    if not restricts(user):
        return None
    levels = visible_levels(user)
    result = Q(pk__in=[])
    for searchable in searchables():
        type_id = content_type_id(searchable.model)
        where = condition(searchable.model, levels)
        if where is None:
            result |= Q(content_type_id=type_id)
        else:
            # EXISTS per matching entry (an index lookup each), not IN over every visible record of the table:
            # a search matches a few rows of tables of 100,000.
            visible = searchable.model._base_manager.filter(where, pk=OuterRef("object_id"))
            result |= Q(Q(content_type_id=type_id) & Exists(visible))
    return result


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
        return (
            entries.alias(match=vector)
            .filter(match=query)
            .annotate(rank=SearchRank(vector, query))
            .order_by("-rank", "-id")
            .only("id", "content_type_id", "object_id", "kind", "label")
        )
    for word in query_words(q):
        entries = entries.filter(text__contains=word)
    return entries.order_by("-id").only("id", "content_type_id", "object_id", "kind", "label")


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


def attach_snippets(entries: list, q: str) -> None:
    """Give each entry of a page its ``snippet``, from its record's current text (one query per kind)."""
    words = query_words(q)
    by_kind: dict[str, list] = defaultdict(list)
    for entry in entries:
        by_kind[entry.kind].append(entry)
    for kind, group in by_kind.items():
        searchable = _BY_KIND.get(kind)
        if searchable is None:
            continue
        objects = searchable.model._base_manager.only("pk", *searchable.fields).in_bulk([e.object_id for e in group])
        for entry in group:
            obj = objects.get(entry.object_id)
            entry.snippet = snippet(searchable.text(obj), words) if obj is not None else ""
            entry.view_name = searchable.view_name
