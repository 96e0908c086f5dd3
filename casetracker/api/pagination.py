"""Page numbers by default; cursors for crawling a large table without ``COUNT(*)``.

Every page also names the others in an RFC 8288 ``Link`` header (``next``, ``prev``, ``first``;
``last`` in page-number mode), the same URLs as the body's ``next`` and ``previous``.

- ``?page=2&page_size=100``: numbered pages (``page_size`` up to 500), with a ``count``. The count
  is exact up to ``API_EXACT_COUNT_LIMIT`` matches (counted with ``LIMIT``, so never more rows than
  that are read); above it, on PostgreSQL, it is the query planner's estimate and the response says
  ``"count_is_exact": false``. SQLite (small installations) always counts exactly.
- ``?cursor=`` (empty to start): cursor mode. Records come in id order and the
  response has no ``count``; follow ``next`` until it is ``null``. The cost of a
  page does not grow with how deep into the table it is.
"""

from __future__ import annotations

import json
from collections import OrderedDict

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .counts import cached_count
from .fields import NO_NUL

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_PAGE = 2**31 - 1


def _positive_int(request, name: str, *, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or (maximum and int(raw) > maximum):
        if maximum:
            message = gettext("Must be a whole number of at least 1 and at most %(max)d; got %(raw)r.")
        else:
            message = gettext("Must be a whole number of at least 1; got %(raw)r.")
        raise ValidationError({name: [message % {"max": maximum, "raw": raw}]})
    return int(raw)


def link_header(links: dict[str, str | None]) -> str:
    """An RFC 8288 ``Link`` header: ``<url>; rel="next", <url>; rel="first"`` (links that are None left out)."""
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)


def planner_estimate(queryset) -> int:
    """How many rows PostgreSQL's planner expects ``queryset`` to return (``EXPLAIN``, nothing run)."""
    queryset = queryset.order_by()
    if queryset._fields is None:
        queryset = queryset.values("pk")  # the same rows, planned without the annotations only shown
    connection = connections[queryset.db]
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, (str, bytes)):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class _BoundedPage(Page):
    """A page of a paginator whose count may be an estimate: whether there is a next page is known
    from the rows themselves (one row more than the page is fetched), not from the count."""

    def __init__(self, object_list, number, paginator, *, more: bool | None = None):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return super().has_next() if self.more is None else self.more


class BoundedCountPaginator(Paginator):
    """Django's paginator, counting exactly only up to ``exact_limit`` matches.

    The count reads at most ``exact_limit + 1`` rows (``SELECT COUNT(*) FROM (… LIMIT n + 1)``), so
    its cost does not grow with the table. When more match, PostgreSQL's planner estimate is given
    instead (at least ``exact_limit + 1``) and :attr:`count_is_exact` is false; pages then stop
    when the rows do. Other databases count exactly.
    """

    def __init__(self, object_list, per_page, *, exact_limit: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.exact_limit = exact_limit
        self.count_is_exact = True

    def _bounded(self) -> bool:
        return hasattr(self.object_list, "query") and connections[self.object_list.db].vendor == "postgresql"

    @cached_property
    def count(self):
        if not hasattr(self.object_list, "query"):
            return len(self.object_list)
        # Only the ids: an annotation shown on the page (a case's correlated count of defendants) is not
        # computed for each of the rows counted; one the filters use stays in the WHERE clause.
        matches = self.object_list.order_by()
        if matches._fields is None:
            matches = matches.values("pk")
        counted, self.count_is_exact = cached_count(matches, lambda: self._count(matches))
        return counted

    def _count(self, matches) -> tuple[int, bool]:
        """``(count, count_is_exact)`` of ``matches``, counted now."""
        if not self._bounded():
            return matches.count(), True
        counted = matches[: self.exact_limit + 1].count()
        if counted <= self.exact_limit:
            return counted, True
        return max(planner_estimate(self.object_list), self.exact_limit + 1), False

    def validate_number(self, number):
        if self.count_is_exact:
            return super().validate_number(number)
        # An estimate is no upper bound: a page past the last row is found empty (below).
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        return number

    def page(self, number):
        self.count  # noqa: B018 (decides count_is_exact before the number is checked)
        if self.count_is_exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(_("That page contains no results"))
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        # The estimate never claims fewer records than the pages have shown to exist.
        self.count = max(self.count, bottom + len(rows) + int(more))
        return _BoundedPage(rows, number, self, more=more)


class _PageNumbers(pagination.PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    last_page_strings = ()

    def get_page_size(self, request):
        return _positive_int(request, self.page_size_query_param, maximum=self.max_page_size) or self.page_size

    def get_page_number(self, request, paginator):
        return _positive_int(request, self.page_query_param, maximum=MAX_PAGE) or 1

    def django_paginator_class(self, object_list, per_page):
        return BoundedCountPaginator(object_list, per_page, exact_limit=settings.API_EXACT_COUNT_LIMIT)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        response = Response(
            OrderedDict(
                [
                    ("count", paginator.count),
                    ("count_is_exact", paginator.count_is_exact),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )
        url = self.request.build_absolute_uri()
        links = {
            "next": self.get_next_link(),
            "prev": self.get_previous_link(),
            "first": remove_query_param(url, self.page_query_param),
        }
        if paginator.count_is_exact:  # an estimated count knows no last page
            links["last"] = replace_query_param(url, self.page_query_param, paginator.num_pages)
        response["Link"] = link_header(links)
        return response

    def get_paginated_response_schema(self, schema):
        body = super().get_paginated_response_schema(schema)
        body["properties"]["count_is_exact"] = {
            "type": "boolean",
            "example": True,
            "description": (
                "Whether `count` is exact. False when more than "
                f"{settings.API_EXACT_COUNT_LIMIT:,} records match and `count` is the database's estimate."
            ),
        }
        body["required"] = ["count", "count_is_exact", "next", "previous", "results"]
        return body

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            last = self.django_paginator_class(queryset, self.get_page_size(request)).num_pages
            raise NotFound(
                _("There is no page %(page)s: the pages go from 1 to %(last)d.")
                % {"page": request.query_params.get(self.page_query_param), "last": last},
                code="page_not_found",
            ) from error


class _IdCursor(pagination.CursorPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("id",)

    def get_page_size(self, request):
        return _positive_int(request, self.page_size_query_param, maximum=self.max_page_size) or self.page_size

    def get_ordering(self, request, queryset, view):
        return self.ordering

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        first = replace_query_param(self.base_url, self.cursor_query_param, "")
        links = {"next": self.get_next_link(), "prev": self.get_previous_link(), "first": first}
        response["Link"] = link_header(links)
        return response

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise NotFound(
                _("This cursor is not one the API gave out: start again with an empty cursor= and follow next."),
                code="invalid_cursor",
            ) from error


class RecordPagination(pagination.BasePagination):
    """Page-number pagination, or cursor pagination when the request carries ``cursor``."""

    cursor_query_param = "cursor"

    def __init__(self):
        self.paginator = None

    def uses_cursor(self, request) -> bool:
        return self.cursor_query_param in request.query_params

    def paginate_queryset(self, queryset, request, view=None):
        # Checked in both modes, so a malformed value is a 400 even where it is not used.
        _positive_int(request, "page", maximum=MAX_PAGE)
        _positive_int(request, "page_size", maximum=MAX_PAGE_SIZE)
        self.paginator = _IdCursor() if self.uses_cursor(request) else _PageNumbers()
        return self.paginator.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return self.paginator.get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "example": 1,
                    "description": (
                        "How many records match, over all pages (page-number mode only). Exact up to "
                        f"{settings.API_EXACT_COUNT_LIMIT:,} matches; above that, on PostgreSQL, the database's "
                        "estimate (see `count_is_exact`)."
                    ),
                },
                "count_is_exact": {
                    "type": "boolean",
                    "example": True,
                    "description": (
                        "Whether `count` is exact (page-number mode only). False when more than "
                        f"{settings.API_EXACT_COUNT_LIMIT:,} records match and `count` is the database's "
                        "estimate; follow `next` until it is null to reach the last page."
                    ),
                },
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "example": None,
                    "description": "The next page, or null on the last page.",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "example": None,
                    "description": "The previous page, or null on the first page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": "Page number (page-number mode), from 1. Ignored in cursor mode.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"Records per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": (
                    "Cursor mode, for crawling a large table: send an empty `cursor=` to start, then follow "
                    "`next` until it is null. Records come in id order (`ordering` is ignored) and there is "
                    "no `count`, so every page costs the same however deep it is. An unknown cursor is a 404."
                ),
                # No NUL character: a request carrying one is a 400, so the schema does not offer it.
                "schema": {"type": "string", "pattern": NO_NUL},
                "allowEmptyValue": True,
            },
        ]
