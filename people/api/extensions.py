"""What other apps add to the person and organization API: the hook that keeps ``people`` below them.

``people`` must not import the apps built on it (``docs/architecture.md``), yet a person's
page shows the cases they are prosecuted in and the events they took part in. So the
apps above register, at app-ready time, the detail fields they contribute, what those
fields read (prefetches), and the list filters they add (``cases/api/people.py``);
the people serializers, viewsets and filtersets here apply whatever is registered.
"""

from collections.abc import Callable

PERSON = "person"
ORGANIZATION = "organization"

# resource -> {field name: a function returning a fresh read-only serializer field}
_detail_fields: dict[str, dict[str, Callable]] = {PERSON: {}, ORGANIZATION: {}}
# resource -> [a function of the viewset returning a prefetch lookup or Prefetch]
_detail_prefetches: dict[str, list[Callable]] = {PERSON: [], ORGANIZATION: []}


def add_detail_field(resource: str, name: str, make_field: Callable, *, prefetch: Callable | None = None) -> None:
    """Show ``make_field()`` as ``name`` on the resource's detail; ``prefetch(viewset)`` loads what it reads."""
    _detail_fields[resource][name] = make_field
    if prefetch is not None:
        _detail_prefetches[resource].append(prefetch)


def detail_fields(resource: str) -> dict:
    """Fresh instances of the registered detail fields, in registration order."""
    return {name: make_field() for name, make_field in _detail_fields[resource].items()}


def detail_prefetches(resource: str, viewset) -> list:
    return [prefetch(viewset) for prefetch in _detail_prefetches[resource]]


def add_filter(filterset_class, name: str, filter_) -> None:
    """Add a list filter to a people filterset (its ``base_filters``, which every request copies)."""
    if filter_.field_name is None:
        filter_.field_name = name  # as django-filter does for a filter declared on the class
    filterset_class.base_filters[name] = filter_
