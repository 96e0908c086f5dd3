"""Attach each record's citations for a whole page of records in one query.

``cases.Citation`` points at any record through a generic foreign key. People
models have no ``GenericRelation`` (the ``people`` app does not know about
``cases``), so rather than prefetching per model the API groups a page's
records by content type and fetches every citation with its source at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.db.models import Model, Q

_ATTRIBUTE = "_api_citations"


def _citation_model():
    return apps.get_model("cases", "Citation")


def attach_citations(objects: Iterable[Model], *, user) -> None:
    """Fetch the citations of ``objects`` (any mix of models) that ``user`` may see, in one query, and attach them.

    A citation is hidden when its source is (an interview with a witness), whatever the record it supports.
    """
    from casetracker.visibility import content_type_id, restrict

    objects = [obj for obj in objects if obj is not None]
    if not objects:
        return
    by_type: dict[int, dict[int, list[Model]]] = defaultdict(lambda: defaultdict(list))
    type_ids: dict[type[Model], int] = {}  # looked up once per model, not once per record
    for obj in objects:
        model = type(obj)
        if model not in type_ids:
            type_ids[model] = content_type_id(model)
        by_type[type_ids[model]][obj.pk].append(obj)
        setattr(obj, _ATTRIBUTE, [])
    condition = Q(pk__in=[])
    for type_id, by_pk in by_type.items():
        condition |= Q(content_type_id=type_id, object_id__in=list(by_pk))
    citations = (
        restrict(_citation_model().objects.filter(condition), user)
        .select_related("source")
        .only("id", "content_type_id", "object_id", "excerpt", "locator", "source__id", "source__title")
        .order_by("id")
    )
    for citation in citations:
        for obj in by_type[citation.content_type_id][citation.object_id]:
            getattr(obj, _ATTRIBUTE).append(citation)


def citations_of(obj: Model, *, user) -> list:
    """The citations of ``obj`` that ``user`` may see (fetching them if nobody attached them)."""
    if not hasattr(obj, _ATTRIBUTE):
        attach_citations([obj], user=user)
    return getattr(obj, _ATTRIBUTE)
