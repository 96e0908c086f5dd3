"""``GET /api/v1/changes/?since=<cursor>``: every change to the records a user may see, in order.

A front end keeps an offline copy in step by reading this feed instead of re-reading every list:
each entry says which record (``kind``, ``id``, ``url``) was ``created``, ``updated`` (with the
fields that changed) or ``deleted``, and when. The entries come from the django-simple-history
tables of every API resource, merged in one order (time, kind, history id), so a client that
stores the page's ``cursor`` and asks again with ``since=<cursor>`` gets exactly what happened
after it, however many changes there were in between.

Who sees what is the one rule (:mod:`casetracker.visibility`) applied to each history row: the
level stored in that version of the record, and the current records it depends on. A client sees
a record's changes only while it may see the record:

- a version it may see, after one it may not (or after none): ``created``;
- a version it may not see, after one it could (made confidential, moved to a hidden case):
  ``deleted``, so the client drops its copy;
- versions it may not see, after others it could not either: nothing at all.

Each page costs a fixed number of queries: one to merge the history tables, and three per kind
of record on the page (the rows with their previous versions, and which of them the user may see).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from django.db import connection
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from casetracker.visibility import hidden_fields, restrict

from .fields import absolute_url
from .pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, _positive_int, link_header
from .views import QueryParameterCheckMixin

#: what a change did, as the feed says it (the ``action`` of an entry)
CHANGE_ACTIONS = [("created", "created"), ("updated", "updated"), ("deleted", "deleted")]
#: columns of a historical row that are bookkeeping, not the record's fields
HISTORY_COLUMNS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user", "updated"}


class FeedEntrySerializer(serializers.Serializer):
    """One change to one record."""

    kind = serializers.CharField(help_text=gettext_lazy("The resource, as in its address: `persons`, `defendants` …"))
    id = serializers.IntegerField(help_text=gettext_lazy("The record's id."))
    action = serializers.ChoiceField(
        choices=CHANGE_ACTIONS,
        help_text=gettext_lazy(
            "`created`: fetch the record (new, or newly visible to you); `updated`: fetch it again; "
            "`deleted`: drop your copy (deleted, or no longer visible to you)."
        ),
    )
    time = serializers.DateTimeField(help_text=gettext_lazy("When the change was made."))
    changed = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy(
            "For `updated`: the fields whose stored value changed (may be empty for a link change)."
        ),
    )
    url = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("The record's address; null when it was deleted.")
    )


class ChangeFeedPageSerializer(serializers.Serializer):
    """A page of the change feed."""

    cursor = serializers.CharField(
        help_text=gettext_lazy(
            "Where this page ends: keep it, and ask for `?since=<cursor>` to get what happened after."
        )
    )
    next = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy("The next page, or null when there is nothing newer yet (poll with `cursor`)."),
    )
    results = FeedEntrySerializer(many=True)


def encode_cursor(position: tuple[datetime, str, int]) -> str:
    moment, kind, history_id = position
    raw = json.dumps([moment.isoformat(), kind, history_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[datetime, str, int] | None:
    if text == "":
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        moment, kind, history_id = json.loads(raw)
        position = (datetime.fromisoformat(moment), str(kind), int(history_id))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise ValidationError(
            {"since": [_("Not a cursor this feed gave out: send the cursor of a page, or since= to start.")]}
        ) from None
    return position


def _after(kind: str, position) -> Q:
    """History rows of ``kind`` after ``position`` in (time, kind, history id) order."""
    if position is None:
        return Q()
    moment, after_kind, history_id = position
    if kind > after_kind:
        return Q(history_date__gte=moment)
    if kind < after_kind:
        return Q(history_date__gt=moment)
    return Q(history_date__gt=moment) | Q(history_date=moment, history_id__gt=history_id)


def _diff(row, previous) -> list[str]:
    names = [field.attname for field in row._meta.concrete_fields if field.attname not in HISTORY_COLUMNS]
    return [name.removesuffix("_id") for name in names if getattr(row, name) != getattr(previous, name)]


class ChangesView(QueryParameterCheckMixin, APIView):
    """The records you may see that were created, updated or deleted since a cursor."""

    permission_classes = [AllowAny]
    allowed = frozenset({"since", "page_size", "format"})
    #: the API's routers: every resource whose model keeps a history is in the feed
    routers: tuple = ()

    def allowed_query_parameters(self) -> set[str]:
        return set(self.allowed)

    def resources(self) -> dict[str, type]:
        """``{kind: model}`` for every resource with a history, kinds as in the resources' addresses."""
        found = {}
        for router in self.routers:
            for prefix, viewset, _basename in router.registry:
                model = viewset.queryset.model
                if hasattr(model, "history"):
                    found[prefix] = model
        return dict(sorted(found.items()))

    def scan(self, resources, position, size: int) -> list[tuple]:
        """The next ``size`` history rows of every resource after ``position``: (time, kind, history id)."""
        parts = []
        slicing = connection.features.supports_slicing_ordering_in_compound
        for kind, model in resources.items():
            part = (
                model.history.filter(_after(kind, position))
                .annotate(feed_kind=Value(kind, output_field=CharField()))
                .values_list("history_date", "feed_kind", "history_id")
                .order_by()
            )
            if slicing:  # each table stops at the page's size (PostgreSQL); SQLite sorts them all
                part = part.order_by("history_date", "history_id")[:size]
            parts.append(part)
        merged = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        return list(merged.order_by("history_date", "feed_kind", "history_id")[:size])

    def entries(self, resources, scanned, user) -> list[dict]:
        """The page's changes as the user may know them (see the module docstring)."""
        by_kind: dict[str, list[int]] = {}
        for _moment, kind, history_id in scanned:
            by_kind.setdefault(kind, []).append(history_id)
        rows, previous, visible = {}, {}, set()
        for kind, history_ids in by_kind.items():
            history = resources[kind].history
            earlier = history.filter(id=OuterRef("id")).filter(
                Q(history_date__lt=OuterRef("history_date"))
                | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
            )
            page_rows = history.filter(history_id__in=history_ids).annotate(
                previous_id=Subquery(earlier.order_by("-history_date", "-history_id").values("history_id")[:1])
            )
            for row in page_rows:
                rows[kind, row.history_id] = row
            previous_ids = {row.previous_id for row in rows.values() if row.previous_id is not None}
            for row in history.filter(history_id__in=previous_ids - set(history_ids)):
                previous[kind, row.history_id] = row
            shown = restrict(history.filter(history_id__in=set(history_ids) | previous_ids), user)
            visible |= {(kind, history_id) for history_id in shown.values_list("history_id", flat=True)}
        results = []
        for moment, kind, history_id in scanned:
            row = rows[kind, history_id]
            before = row.previous_id
            was_visible = before is not None and (kind, before) in visible
            now_visible = (kind, history_id) in visible and row.history_type != "-"
            if now_visible:
                action = "updated" if was_visible else "created"
            elif was_visible or ((kind, history_id) in visible and row.history_type == "-"):
                action = "deleted"
            else:
                continue
            changed = []
            if action == "updated":
                earlier_row = rows.get((kind, before)) or previous.get((kind, before))
                changed = _diff(row, earlier_row) if earlier_row is not None else []
                # Fields the reader may not see (special-category data) are neither named nor hinted at:
                # a change to them alone is no change for this reader.
                hidden = hidden_fields(resources[kind], user)
                if hidden and changed:
                    shown_changes = [name for name in changed if name not in hidden]
                    if not shown_changes:
                        continue
                    changed = shown_changes
            url = None if action == "deleted" else absolute_url(self.request, f"/api/v1/{kind}/{row.id}/")
            results.append(
                {"kind": kind, "id": row.id, "action": action, "time": moment, "changed": changed, "url": url}
            )
        return results

    @extend_schema(
        summary="What changed since a cursor",
        parameters=[
            OpenApiParameter(
                "since",
                {"type": "string", "pattern": "^[A-Za-z0-9_-]*$"},
                description=gettext_lazy(
                    "The `cursor` of the last page you read; empty (`since=`) or left out to start from the "
                    "first change. Opaque: send it back as given."
                ),
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                description=format_lazy(
                    gettext_lazy(
                        "History rows read per page, 1 to {maximum} (default {default}); "
                        "a page shows only the changes you may see among them, so it may hold fewer."
                    ),
                    maximum=MAX_PAGE_SIZE,
                    default=DEFAULT_PAGE_SIZE,
                ),
            ),
        ],
        responses={200: ChangeFeedPageSerializer},
        tags=["changes"],
    )
    def get(self, request):
        """Every creation, change and deletion of the records you may see, oldest first. Read pages until
        `next` is null, keep the last `cursor`, and later ask again with `since=<cursor>` for what happened
        since. A record you may no longer see (made confidential, for instance) appears as `deleted`; one
        you may now see appears as `created`."""
        position = decode_cursor(request.query_params.get("since", ""))
        size = _positive_int(request, "page_size", maximum=MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE
        resources = self.resources()
        scanned = self.scan(resources, position, size + 1)
        more = len(scanned) > size
        scanned = scanned[:size]
        end = scanned[-1] if scanned else position
        cursor = encode_cursor(end) if end is not None else ""
        results = self.entries(resources, scanned, request.user)
        next_url = absolute_url(request, f"{request.path}?since={cursor}&page_size={size}") if more else None
        first_url = absolute_url(request, f"{request.path}?page_size={size}")
        response = Response({"cursor": cursor, "next": next_url, "results": results})
        response["Link"] = link_header({"next": next_url, "first": first_url})
        return response
