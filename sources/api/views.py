"""Sources, citations, documents and search."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models.functions import Length
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from casetracker.api.pagination import MAX_PAGE, MAX_PAGE_SIZE, _PageNumbers
from casetracker.api.views import QueryParameterCheckMixin, RecordViewSet

from ..citable import targets_prefetch
from ..filtersets import CitationFilterSet, SourceFilterSet
from ..models import Citation, Document, Source, documents_storage
from ..search import SEARCH_KINDS, attach_snippets, search_hits
from ..services import document_add, document_prepare
from .serializers import (
    CitationSerializer,
    DocumentDetailSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    SearchHitSerializer,
    SourceSerializer,
)


class SourceViewSet(RecordViewSet):
    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    filterset_class = SourceFilterSet

    @extend_schema(
        methods=["GET"],
        summary="The source's documents",
        responses={200: DocumentSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a document (a file) to the source",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={
            200: OpenApiResponse(
                DocumentSerializer, description=_("The source already had these bytes: that document.")
            ),
            201: OpenApiResponse(DocumentSerializer, description=_("The new document.")),
            400: OpenApiResponse(description=_("No file, or an empty, oversized, unreadable or unaccepted one.")),
        },
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="documents",
        permission_model=Document,
        filterset_class=None,
        pagination_class=None,
        parser_classes=[MultiPartParser, FormParser],
    )
    def documents(self, request, pk=None):
        """GET: the source's stored files. POST (multipart, field ``file``): attach a file; 201 with the new
        document, or 200 with the existing one when the source already has these exact bytes."""
        source = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            documents = (
                Document.objects.filter(source=source)
                .select_related("source")
                .defer("text")
                .annotate(text_length=Length("text"))
                .order_by("id")
            )
            return Response(DocumentSerializer(documents, many=True, context=context).data)
        upload = DocumentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            prepared = document_prepare(upload.validated_data["file"])
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        document = document_add(source=source, prepared=prepared, user=request.user)
        data = DocumentSerializer(document, context=context).data
        code = status.HTTP_200_OK if document.already_recorded else status.HTTP_201_CREATED
        return Response(data, status=code, headers={"Location": data["url"]})


class CitationViewSet(RecordViewSet):
    queryset = Citation.objects.select_related("source", "content_type", "verified_document__source")
    serializer_class = CitationSerializer
    filterset_class = CitationFilterSet

    def shape_queryset(self, queryset):
        return queryset.prefetch_related(targets_prefetch())


class DocumentViewSet(RecordViewSet):
    """Stored files of sources. Added through ``POST /api/v1/sources/{id}/documents/``; never changed."""

    http_method_names = ["get", "head", "options"]
    queryset = Document.objects.select_related("source").defer("text").annotate(text_length=Length("text"))
    serializer_class = DocumentSerializer
    detail_serializer_class = DocumentDetailSerializer
    filterset_class = None

    def shape_detail_queryset(self, queryset):
        return queryset.defer(None)

    def initial(self, request, *args, **kwargs):
        # Documents are never written here: a PUT or DELETE is a 405, before any parameter is looked at.
        if request.method.lower() not in self.http_method_names or not hasattr(self, request.method.lower()):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        summary="The document's file",
        # Any type: the file's own, detected from its content (application/pdf, image/png, …).
        responses={(200, "*/*"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path="download", filterset_class=None, pagination_class=None)
    def download(self, request, pk=None):
        """The stored bytes, streamed, with the detected type and the original file name."""
        return document_file_response(self.get_object())


def document_file_response(document: Document) -> FileResponse:
    """The document's bytes as an attachment (``Content-Disposition`` with an RFC 6266 ``filename*``)."""
    try:
        handle = documents_storage().open(document.file.name, "rb")
    except FileNotFoundError as error:
        raise Http404(_("The document's file is missing from storage; run manage.py verify_documents.")) from error
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.media_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # The file is evidence, maybe a confidential one: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


class SearchPagination(_PageNumbers):
    page_size = 20


class SearchView(QueryParameterCheckMixin, APIView):
    """Full-text search across sources, documents, citations, persons, cases and events."""

    permission_classes = [AllowAny]
    pagination_class = SearchPagination
    allowed = frozenset({"q", "kind", "page", "page_size", "format"})

    def allowed_query_parameters(self) -> set[str]:
        return set(self.allowed)

    def repeatable_query_parameters(self) -> set[str]:
        return {"kind"}

    @extend_schema(
        summary="Search every record's text",
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^\\u0000]*\\S[^\\u0000]*$"},
                required=True,
                description=_("Words to find (web-search syntax on PostgreSQL: quoted phrases, or, -word)."),
            ),
            OpenApiParameter(
                "kind",
                {"type": "array", "items": {"type": "string", "enum": SEARCH_KINDS}, "minItems": 1},
                description=_("Only hits of these kinds (repeat it, `kind=case&kind=person`, or comma-separate them)."),
            ),
            OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
            OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}),
        ],
        responses={200: SearchHitSerializer(many=True)},
        tags=["search"],
    )
    def get(self, request):
        q = request.query_params.get("q", "").strip()
        if not q:
            raise ValidationError({"q": [_("Say what to search for, e.g. ?q=Zhanaozen.")]})
        if len(q) > 200:
            raise ValidationError({"q": [_("At most 200 characters.")]})
        kinds = [k.strip() for raw in request.query_params.getlist("kind") for k in raw.split(",") if k.strip()]
        wrong = sorted(set(kinds) - set(SEARCH_KINDS))
        if wrong:
            message = _("Unknown kind %(kinds)s; choose from %(choices)s.")
            raise ValidationError({"kind": [message % {"kinds": ", ".join(wrong), "choices": ", ".join(SEARCH_KINDS)}]})
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(search_hits(q, user=request.user, kinds=kinds or None), request, view=self)
        page = attach_snippets(page, q, user=request.user)
        data = SearchHitSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)
