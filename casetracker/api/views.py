"""The base viewset every resource uses.

A resource's viewset states its model query (``queryset`` with
``select_related``/``prefetch_related``), its serializers and its filterset;
this base class adds what every resource must do the same way:

- only records the user may see (``casetracker.visibility``); hidden ones are 404;
- an unknown query parameter is a 400 listing the allowed ones;
- what serializer fields read for a whole page (citations) fetched once per page (:meth:`RecordViewSet.prepare`);
- ``ETag`` on detail responses, ``If-None-Match`` → 304, stale ``If-Match`` → 412;
- writes answer with the detail representation (the body a GET would give);
- deletion through ``casetracker.deletion.record_delete`` (409 naming dependants).
"""

from __future__ import annotations

import hashlib

import django_filters
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response

from casetracker.db import lock_row
from casetracker.deletion import record_delete
from casetracker.visibility import LEVEL_FIELD, is_governed, restrict, restrict_prefetches, rule_for, visible_prefetch

from .exceptions import PreconditionFailed, PreconditionRequired
from .fields import prefetched_attr
from .filters import MAX_ID
from .renderers import ORJSONRenderer

ALWAYS_ALLOWED = frozenset({"format"})
PAGINATION_PARAMETERS = frozenset({"page", "page_size", "cursor"})


def brief_columns(model) -> tuple[str, ...]:
    """The columns a brief of a ``model`` record needs: those its label reads (the model's ``label_fields``),
    and those the visibility rule reads (its level, the links it is seen through)."""
    columns = tuple(model.label_fields)
    if is_governed(model):
        rule = rule_for(model)
        columns += ((LEVEL_FIELD,) if rule.level else ()) + tuple(rule.through)
    return tuple(dict.fromkeys(columns))


def load_for_briefs(queryset: QuerySet, *paths: str) -> QuerySet:
    """``queryset`` with every column of its own model but, of the related record at each of ``paths``
    (joined by ``select_related``), only :func:`brief_columns`.

    A list shows related records as briefs; loading and building them from every column (descriptions,
    search text, timestamps) was a large part of a list page. A column left out here and read anyway
    costs a query per row, which the query-count tests catch.
    """
    columns = [field.name for field in queryset.model._meta.concrete_fields]
    for path in paths:
        model = queryset.model
        for part in path.split("__"):
            model = model._meta.get_field(part).related_model
        columns += [f"{path}__{name}" for name in brief_columns(model)]
    return queryset.only(*columns)


def prefetch_briefs(model, *lookups: str) -> list[Prefetch]:
    """Prefetches of the to-many relations ``lookups`` of ``model`` shown as briefs, loading only
    :func:`brief_columns` of each related record (narrowed per reader by
    :func:`casetracker.visibility.restrict_prefetches`, which narrows a copy).

    Each is kept as a plain list (:func:`~casetracker.api.fields.prefetched_attr`), which
    :class:`~casetracker.api.fields.VisibleManyRelatedField` reads: Django's own prefetch cache would build
    a related manager and a filtered queryset for every row and relation only to hold the rows, and the
    field would build the manager again to read them (a third of a list page of cases).
    """
    prefetches = []
    for lookup in lookups:
        related = model._meta.get_field(lookup).related_model
        queryset = related._base_manager.only(*brief_columns(related))
        prefetches.append(Prefetch(lookup, queryset=queryset, to_attr=prefetched_attr(lookup)))
    return prefetches


class UnknownQueryParameter(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "unknown_query_parameter"


class QueryParameterCheckMixin:
    """An unknown query parameter is a 400 listing the allowed ones, so a typo in a filter never
    silently returns everything. The one check of the API: every view states what it allows in
    :meth:`allowed_query_parameters`."""

    def allowed_query_parameters(self) -> set[str]:
        return set(ALWAYS_ALLOWED)

    def repeatable_query_parameters(self) -> set[str]:
        """The parameters that take several values (``?kind=a&kind=b``, ``?ordering=a&ordering=b``): the
        filterset's multiple-choice filters and its ordering. Every other one is given at most once."""
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is None:
            return set()
        return {
            name
            for name, query_filter in filterset_class.base_filters.items()
            if isinstance(query_filter, (django_filters.MultipleChoiceFilter, django_filters.OrderingFilter))
        }

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.check_query_parameters(request)

    def check_query_parameters(self, request):
        allowed = self.allowed_query_parameters()
        unknown = sorted(set(request.query_params) - allowed)
        if not unknown:
            repeatable = self.repeatable_query_parameters()
            repeated = sorted(
                name for name, values in request.query_params.lists() if len(values) > 1 and name not in repeatable
            )
            if repeated:
                raise exceptions.ValidationError(
                    {
                        name: [
                            exceptions.ErrorDetail(
                                _("Give %(name)s once: it takes one value, and it was given %(count)d times.")
                                % {"name": name, "count": len(request.query_params.getlist(name))},
                                code="repeated",
                            )
                        ]
                        for name in repeated
                    }
                )
        if unknown:
            raise UnknownQueryParameter(
                {
                    "detail": ngettext(
                        "Unknown query parameter: %(unknown)s. Allowed here: %(allowed)s.",
                        "Unknown query parameters: %(unknown)s. Allowed here: %(allowed)s.",
                        len(unknown),
                    )
                    % {"unknown": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))},
                    "unknown": unknown,
                    "allowed": sorted(allowed),
                }
            )


class RecordFilterBackend(DjangoFilterBackend):
    """django-filter, with the request passed to the filterset (for visibility and staff-only filters)."""


def etag_for(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _etags(header: str, *, weak: bool = True) -> list[str]:
    """The entity tags listed in an ``If-Match``/``If-None-Match`` header.

    ``weak=False`` is RFC 9110's strong comparison (``If-Match``): a weak tag (``W/"…"``) never
    matches. ``If-None-Match`` compares weakly: ``W/"x"`` matches ``"x"``.
    """
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    if weak:
        return [tag.removeprefix("W/") for tag in tags]
    return [tag for tag in tags if not tag.startswith("W/")]


class RecordViewSet(QueryParameterCheckMixin, viewsets.ModelViewSet):
    """Base for every ``/api/v1/`` resource."""

    filter_backends = [RecordFilterBackend]
    #: the serializer for one record (retrieve, and the answer to writes); defaults to ``serializer_class``
    detail_serializer_class = None
    #: the model whose add/change/delete permission a write needs, when not the queryset's
    permission_model = None

    # -- queries --------------------------------------------------------------

    def get_queryset(self) -> QuerySet:
        return self.build_queryset(detail=bool(self.detail))

    def build_queryset(self, *, detail: bool) -> QuerySet:
        """The resource's records the user may see, shaped for a list or for one record's detail."""
        queryset = self.base_queryset()
        queryset = self.shape_detail_queryset(queryset) if detail else self.shape_list_queryset(queryset)
        queryset = self.shape_queryset(queryset)
        # The records, and every record prefetched for them, narrowed by the one rule.
        return restrict_prefetches(restrict(queryset, self.request.user), self.request.user)

    def base_queryset(self) -> QuerySet:
        """Hook: the resource's query (a selector, or the ``queryset`` attribute)."""
        return super().get_queryset()

    def shape_queryset(self, queryset: QuerySet) -> QuerySet:
        """Hook: prefetches that depend on the user (e.g. only the persons they may see)."""
        return queryset

    def shape_detail_queryset(self, queryset: QuerySet) -> QuerySet:
        """Hook: the extra prefetches a detail representation needs."""
        return queryset

    def shape_list_queryset(self, queryset: QuerySet) -> QuerySet:
        """Hook: what a list page may leave out (e.g. :func:`load_for_briefs`)."""
        return queryset

    def visible_prefetch(self, lookup: str, queryset: QuerySet, to_attr: str | None = None) -> Prefetch:
        """A ``Prefetch`` of only the related records the user may see."""
        return visible_prefetch(lookup, queryset, self.request.user, to_attr=to_attr)

    def get_object(self, *, lock: bool = False):
        """The record named in the URL, if the user may see it (404 otherwise).

        ``lock=True`` (writes) first locks its row until the request's transaction ends, so a
        conditional write's check and save cannot interleave with another writer's.
        """
        pk = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
        if not (pk.isascii() and pk.isdigit()) or int(pk) > MAX_ID or int(pk) < 1:
            raise exceptions.NotFound(gettext("No record with id %(id)r: ids are whole numbers from 1.") % {"id": pk})
        if lock:
            lock_row(self.get_queryset().model, int(pk))
        try:
            obj = self.get_queryset().get(pk=int(pk))
        except self.get_queryset().model.DoesNotExist as error:
            raise exceptions.NotFound(
                gettext("No record with id %(id)s (or not one you may see).") % {"id": pk}
            ) from error
        self.check_object_permissions(self.request, obj)
        return obj

    # -- request checks -------------------------------------------------------

    def allowed_query_parameters(self) -> set[str]:
        allowed = super().allowed_query_parameters()
        if self.action == "destroy":
            allowed.add("cascade")
        if self.action == "list":
            allowed |= PAGINATION_PARAMETERS
            filterset_class = getattr(self, "filterset_class", None)
            if filterset_class is not None:
                allowed |= set(filterset_class.base_filters)
        return allowed

    # -- representations ------------------------------------------------------

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return super().get_serializer_class()

    def prepare(self, objects: list, serializer_class=None) -> None:
        """Attach what the serializer reads but must not query per row (a page's citations).

        Each declared field with a ``prepare_page(objects, *, user)`` (``sources``' ``CitationsField``)
        fetches its data for the whole page at once; this package names no such field.
        """
        serializer_class = serializer_class or self.get_serializer_class()
        for field in serializer_class._declared_fields.values():
            prepare_page = getattr(field, "prepare_page", None)
            if prepare_page is not None:
                prepare_page(objects, user=self.request.user)

    def detail_data(self, instance) -> dict:
        serializer_class = self.detail_serializer_class or self.serializer_class
        self.prepare([instance], serializer_class)
        return serializer_class(instance, context=self.get_serializer_context()).data

    def etag_of(self, data) -> str:
        return etag_for(ORJSONRenderer().render(data))

    def detail_response(self, instance, *, status_code=status.HTTP_200_OK) -> Response:
        """The record as a GET would show it, with its ETag."""
        data = self.detail_data(instance)
        return Response(data, status=status_code, headers={"ETag": self.etag_of(data)})

    def refetch(self, instance):
        """The instance again through the detail queryset, so nested lists are fresh."""
        return self.build_queryset(detail=True).get(pk=instance.pk)

    def saved_response(self, instance, *, status_code=status.HTTP_200_OK) -> Response:
        """The answer to a write: the record as a GET would show it, or, when the writer gave it a
        level they may not see themselves (an Editor filing a confidential record), only its id."""
        try:
            instance = self.refetch(instance)
        except ObjectDoesNotExist:
            detail = _("Saved. The record is now at a level you may not see, so it is not shown to you.")
            return Response({"id": instance.pk, "detail": detail}, status=status_code)
        response = self.detail_response(instance, status_code=status_code)
        if self.action == "create":
            response["Location"] = response.data["url"]
        return response

    def check_if_match(self, instance) -> None:
        """412 unless ``If-Match`` names the record's current ETag (strong comparison); 428 when
        ``API_REQUIRE_IF_MATCH`` is on and the header is missing. Call it with the row locked."""
        header = self.request.headers.get("If-Match")
        if header is None:
            if settings.API_REQUIRE_IF_MATCH:
                raise PreconditionRequired()
            return
        wanted = _etags(header, weak=False)
        if "*" in wanted:
            return
        current = self.etag_of(self.detail_data(instance))
        if current not in wanted:
            raise PreconditionFailed(
                gettext(
                    "The record changed since you read it (its ETag is now %(etag)s). "
                    "GET it again, re-apply your change and send the new ETag in If-Match."
                )
                % {"etag": current}
            )

    # -- actions --------------------------------------------------------------

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        objects = list(page) if page is not None else list(queryset)
        self.prepare(objects)
        data = self.get_serializer(objects, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.detail_data(instance)
        etag = self.etag_of(data)
        if etag in _etags(request.headers.get("If-None-Match", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        # A service may answer with the record already there (a retried POST): 200, not a second 201.
        repeated = getattr(serializer.instance, "already_recorded", False)
        return self.saved_response(
            serializer.instance, status_code=status.HTTP_200_OK if repeated else status.HTTP_201_CREATED
        )

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.get_object(lock=True)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            # A malformed body is a 400 whatever the ETag; a well-formed one must still be fresh.
            serializer.is_valid(raise_exception=True)
            self.check_if_match(instance)
            self.perform_update(serializer)
        return self.saved_response(serializer.instance)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_object(lock=True)
            self.check_if_match(instance)
            self._deleting = instance
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, instance):
        record_delete(instance=instance, user=self.request.user, cascade=self.cascade_requested())

    def cascade_requested(self) -> bool:
        """``?cascade=true``: the client agrees that links, citations and figures go with the record."""
        value = self.request.query_params.get("cascade", "false").strip().lower()
        if value not in ("true", "false"):
            raise exceptions.ValidationError({"cascade": [_("Say true or false.")]})
        return value == "true"
