"""Finding the records a row names (a person, a case, a defendant, a source), for a whole sheet at once.

A name is found as written, or else spelt in another script or spelling
(:func:`load_folded`: "Козлов" in a sheet finds the person recorded as "Kozlov"). Each lookup is
loaded once per sheet, in a few queries per 500 rows, and always through the one
visibility rule (``restrict``): a record the user may not see is not found, and the error says
only that no such record is known, exactly as for one that does not exist.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext

from casetracker.translit import fold
from casetracker.visibility import restrict

from .cells import CellError, shown, unescaped
from .engine import chunks

# The sentence summaries write a group as "Protesters (group of more than 30 as of 2012-12)".
_GROUP_SUFFIX = re.compile(r"\s+\(group of [^()]*\)$")


def load_folded(queryset, texts) -> dict[str, list]:
    """Records of ``queryset`` with a name (or recorded variant, or title) spelt like one of ``texts`` in another
    script or spelling (:func:`casetracker.translit.fold`: "Владимир Козлов" is Vladimir Kozlov), by the
    text's stemmed key. One query per 500 texts, served by the trigram index of ``search_folded`` on
    PostgreSQL; a whole name must match, never a part of one ("Kozlov" is not "Vladimir Kozlov")."""
    wanted = {fold(text, stem=True): text for text in texts} if _has_folded(queryset.model) else {}
    wanted.pop("", None)
    found: dict[str, list] = defaultdict(list)
    for chunk in chunks(sorted(wanted)):
        condition = Q(pk__in=[])
        for folded in chunk:
            condition |= Q(search_folded__contains=folded)
        for obj in queryset.filter(condition).order_by("pk"):
            for line in set(obj.search_folded.split("\n")) & set(chunk):
                found[line].append(obj)
    return found


def _has_folded(model) -> bool:
    return any(field.name == "search_folded" for field in model._meta.fields)


def key(text) -> str:
    """A cell as the text records are found by: single-spaced, the exports' formula escape undone."""
    return " ".join(unescaped(text).split())


class RecordLookup:
    """Records of ``model`` by ``external_id`` or by their exact name (``name_field``)."""

    def __init__(self, model, user, *, name_field: str | None, noun: str, select=()):
        self.model, self.user, self.name_field, self.noun, self.select = model, user, name_field, noun, select
        self.by_external_id: dict[str, object] = {}
        self.by_name: dict[str, list] = defaultdict(list)
        self.by_folded: dict[str, list] = defaultdict(list)

    def queryset(self):
        return restrict(self.model._base_manager.select_related(*self.select), self.user)

    def load(self, texts) -> None:
        texts = sorted({key(text) for text in texts} - {""})
        names = sorted({_GROUP_SUFFIX.sub("", text) for text in texts} | set(texts))
        has_external_id = any(field.name == "external_id" for field in self.model._meta.fields)
        for chunk in chunks(texts if has_external_id else []):
            for obj in self.queryset().filter(external_id__in=chunk):
                self.by_external_id[obj.external_id] = obj
        if self.name_field:
            for chunk in chunks(names):
                for obj in self.queryset().filter(**{f"{self.name_field}__in": chunk}).order_by("pk"):
                    self.by_name[getattr(obj, self.name_field)].append(obj)
            unmatched = [name for name in names if name not in self.by_name and name not in self.by_external_id]
            self.by_folded = load_folded(self.queryset(), unmatched)

    def add(self, obj) -> None:
        """A record created by this sheet, for later rows to find."""
        if getattr(obj, "external_id", None):
            self.by_external_id[obj.external_id] = obj
        if self.name_field:
            self.by_name[getattr(obj, self.name_field)].append(obj)
            if _has_folded(self.model):
                self.by_folded[fold(getattr(obj, self.name_field), stem=True)].append(obj)

    def candidates(self, text) -> list:
        text = key(text)
        if text in self.by_external_id:
            return [self.by_external_id[text]]
        if not self.name_field:
            return []
        plain = _GROUP_SUFFIX.sub("", text)
        return (
            self.by_name.get(text)
            or self.by_name.get(plain)
            or self.by_folded.get(fold(text, stem=True))
            or self.by_folded.get(fold(plain, stem=True))
            or []
        )

    def get(self, text):
        found = self.candidates(text)
        if not found:
            raise CellError(
                gettext(
                    "no %(noun)s %(text)s is known (by external_id or exact name); "
                    "import it first, or check the spelling"
                )
                % {"noun": self.noun, "text": shown(key(text))}
            )
        if len(found) > 1:
            raise CellError(
                gettext("%(count)d records are called %(text)s; write the external_id of the one you mean")
                % {"count": len(found), "text": shown(key(text))}
            )
        return found[0]


class DefendantLookup:
    """A defendant by its ``external_id``, or by its person (external_id or exact name) and, if needed, its case."""

    def __init__(self, user, persons: RecordLookup, cases: RecordLookup):
        from cases.models import Defendant

        self.model, self.user, self.persons, self.cases = Defendant, user, persons, cases
        self.by_external_id: dict[str, object] = {}
        self.by_person: dict[int, list] = defaultdict(list)

    def queryset(self):
        return restrict(self.model._base_manager.select_related("person", "case"), self.user)

    def load(self, texts) -> None:
        texts = sorted({key(text) for text in texts} - {""})
        for chunk in chunks(texts):
            for obj in self.queryset().filter(external_id__in=chunk):
                self.by_external_id[obj.external_id] = obj
        self.persons.load(texts)
        person_ids = {obj.pk for objs in self.persons.by_name.values() for obj in objs}
        person_ids |= {obj.pk for obj in self.persons.by_external_id.values()}
        for chunk in chunks(sorted(person_ids)):
            for obj in self.queryset().filter(person_id__in=chunk).order_by("pk"):
                self.by_person[obj.person_id].append(obj)

    def get(self, text, case=None):
        text = key(text)
        if text in self.by_external_id:
            found = self.by_external_id[text]
            if case is not None and found.case_id != case.pk:
                raise CellError(
                    gettext("defendant %(text)s is in another case than the one in column `case`")
                    % {"text": shown(text)}
                )
            return found
        person = self.persons.get(text)
        found = [obj for obj in self.by_person.get(person.pk, []) if case is None or obj.case_id == case.pk]
        if not found:
            raise CellError(
                gettext("%(text)s is not a defendant in any case you can see; import the defendant first")
                % {"text": shown(text)}
                if case is None
                else gettext("%(text)s is not a defendant in that case; import the defendant first")
                % {"text": shown(text)}
            )
        if len(found) > 1:
            raise CellError(
                gettext("%(text)s is a defendant in several cases; name the case in column `case`")
                % {"text": shown(text)}
            )
        return found[0]
