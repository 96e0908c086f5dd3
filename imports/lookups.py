"""Finding the records a row names (a person, a case, a defendant, a source), for a whole sheet at once.

Each lookup is loaded once per sheet, in a few queries per 500 rows, and always through the one
visibility rule (``restrict``): a record the user may not see is not found, and the error says
only that no such record is known, exactly as for one that does not exist.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.utils.translation import gettext

from casetracker.visibility import restrict

from .cells import CellError, shown, unescaped
from .engine import chunks

# The sentence summaries write a group as "Protesters (group of more than 30 as of 2012-12)".
_GROUP_SUFFIX = re.compile(r"\s+\(group of [^()]*\)$")


def key(text) -> str:
    """A cell as the text records are found by: single-spaced, the exports' formula escape undone."""
    return " ".join(unescaped(text).split())


class RecordLookup:
    """Records of ``model`` by ``external_id`` or by their exact name (``name_field``)."""

    def __init__(self, model, user, *, name_field: str | None, noun: str, select=()):
        self.model, self.user, self.name_field, self.noun, self.select = model, user, name_field, noun, select
        self.by_external_id: dict[str, object] = {}
        self.by_name: dict[str, list] = defaultdict(list)

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

    def add(self, obj) -> None:
        """A record created by this sheet, for later rows to find."""
        if getattr(obj, "external_id", None):
            self.by_external_id[obj.external_id] = obj
        if self.name_field:
            self.by_name[getattr(obj, self.name_field)].append(obj)

    def candidates(self, text) -> list:
        text = key(text)
        if text in self.by_external_id:
            return [self.by_external_id[text]]
        if not self.name_field:
            return []
        return self.by_name.get(text) or self.by_name.get(_GROUP_SUFFIX.sub("", text)) or []

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
