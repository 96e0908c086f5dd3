"""Attach each record's citations for a whole page of records in one query.

``sources.Citation`` points at any record through a generic foreign key.
Rather than prefetching per model the API groups a page's records by content
type and fetches every citation with its source at once. Viewsets call it for
every serializer with a :class:`sources.api.serializers.CitationsField`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Model, Q

from casetracker.visibility import content_type_id, is_visible, restrict

from ..models import Citation

_ATTRIBUTE = "_api_citations"


def attach_citations(objects: Iterable[Model], *, user) -> None:
    """Fetch the citations of ``objects`` (any mix of models) that ``user`` may see, in one query, and attach them.

    A citation is hidden when its source is (an interview with a witness), whatever the record it supports.
    """
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
    # The records are loaded (with the links that protect them): the rule is applied to them here, in
    # Python, rather than by a subquery over their tables (most of this query's planning time).
    visible = {
        type_id: [pk for pk, same in by_pk.items() if is_visible(same[0], user)] for type_id, by_pk in by_type.items()
    }
    condition = Q(pk__in=[])
    for type_id, pks in visible.items():
        condition |= Q(content_type_id=type_id, object_id__in=pks)
    citations = (
        restrict(Citation.objects.filter(condition), user, cited=visible, cited_checked=True)
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
