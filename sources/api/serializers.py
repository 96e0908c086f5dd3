"""Serializers for sources and citations, and the ``citations`` field of every citable record.

Which records a citation may support, what the API calls them and how it
labels them is :mod:`sources.citable`'s one list.
"""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from casetracker.api.examples import seed_examples
from casetracker.api.fields import (
    BriefRelatedField,
    StrictCharField,
    StrictIntegerField,
    absolute_url,
    brief,
    detail_path,
)
from casetracker.api.filters import MAX_ID
from casetracker.api.serializers import BriefSerializer, RecordSerializer, SelfUrlField
from casetracker.visibility import restrict

from ..citable import CITABLE_NAMES, citable_for, citable_named
from ..models import Citation, Document, Source, citation_target_error
from .citations import attach_citations, citations_of


class CitationBriefSerializer(serializers.Serializer):
    """A source supporting the record, with the passage quoted from it."""

    id = serializers.IntegerField(help_text=_("The citation's id (see /api/v1/citations/)."))
    source = BriefSerializer(help_text=_("The document cited."))
    excerpt = serializers.CharField(help_text=_("The exact words of the source that support the record."))
    locator = serializers.CharField(help_text=_("Where in the document: page, paragraph or timestamp."))


@extend_schema_field(CitationBriefSerializer(many=True))
class CitationsField(serializers.Field):
    """The record's citations; viewsets attach them for a whole page in one query."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("help_text", "The sources that support this record, with the passage quoted from each.")
        super().__init__(**kwargs)

    def to_representation(self, instance):
        request = self.context.get("request")
        return [
            {
                "id": citation.id,
                "source": brief(citation.source, "api:source-detail", request),
                "excerpt": citation.excerpt,
                "locator": citation.locator,
            }
            for citation in citations_of(instance, user=getattr(request, "user", None))
        ]

    @staticmethod
    def prepare_page(objects: list, *, user) -> None:
        """Fetch the citations of a whole page in one query (:meth:`casetracker.api.views.RecordViewSet.prepare`)."""
        attach_citations(objects, user=user)


# -- sources and citations -----------------------------------------------------

# A link, or an empty string when the document is not online.
# (Not "format: uri" with a blank alternative: fuzzers then call the blank string a bad URI.)
DOCUMENT_URL_SCHEMA = {"type": "string", "maxLength": 1000}


@extend_schema_field(DOCUMENT_URL_SCHEMA)
class DocumentUrlField(StrictCharField):
    """An http(s) address, or an empty string when the document is not online."""


@extend_schema_serializer(examples=seed_examples("sources", detail=False))
class SourceSerializer(RecordSerializer):
    """A document that supports facts in the tracker."""

    url = SelfUrlField("api:source-detail")
    document_url = DocumentUrlField(
        source="url",
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text=_("Where the document can be read online (an http or https address), or an empty string."),
    )
    citations = CitationsField(help_text=_("Passages that establish facts about the document itself (e.g. its date)."))

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "title",
            "kind",
            "publisher",
            "author",
            "document_url",
            "reference",
            "published",
            "language",
            "notes",
            "confidentiality",
            "citations",
            "created",
            "updated",
        ]


class CitationTargetSerializer(BriefSerializer):
    """The record a citation supports."""

    type = serializers.ChoiceField(choices=CITABLE_NAMES, help_text=_("The kind of record."))


@extend_schema_field(CitationTargetSerializer)
class CitationTargetField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, citation):
        target = citation.content_object
        citable = citable_for(type(target)) if target is not None else None
        if citable is None:
            return None
        return {
            "type": citable.name,
            "id": target.pk,
            "label": str(target),
            "url": absolute_url(self.context.get("request"), detail_path(citable.view_name, target.pk)),
        }


@extend_schema_serializer(examples=seed_examples("citations", detail=False))
class CitationSerializer(RecordSerializer):
    """A record ↔ source link, with the passage of the source that supports the record."""

    url = SelfUrlField("api:citation-detail")
    source = BriefRelatedField(view_name="api:source-detail", queryset=Source.objects.all())
    target = CitationTargetField(
        allow_null=True, help_text=_("The record the citation supports (null if that record has been deleted).")
    )
    target_type = serializers.ChoiceField(
        choices=CITABLE_NAMES, write_only=True, help_text=_("The kind of record the citation supports.")
    )
    target_id = StrictIntegerField(
        min_value=1, max_value=MAX_ID, write_only=True, help_text=_("The id of the record the citation supports.")
    )
    verified = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text=(
            _(
                "Whether the excerpt occurs in the text of one of the source's documents (whitespace, quotes, dashes "
                "and case aside); null while the source has no document text."
            )
        ),
    )
    verified_document = BriefRelatedField(
        view_name="api:document-detail",
        read_only=True,
        allow_null=True,
        help_text=_("The document in whose text the excerpt was found."),
    )

    class Meta:
        model = Citation
        fields = [
            "id",
            "url",
            "source",
            "target",
            "target_type",
            "target_id",
            "excerpt",
            "locator",
            "note",
            "verified",
            "verified_document",
            "created",
            "updated",
        ]
        read_only_fields = ["verified", "verified_document"]

    def get_fields(self):
        fields = super().get_fields()
        fields["target_type"].model_fields = ("content_type",)
        fields["target_id"].model_fields = ("object_id",)
        return fields

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        target_type = values.pop("target_type", None)
        target_id = values.pop("target_id", None)
        if self.instance is not None:
            current = citable_for(self.instance.content_type.model_class())
            target_type = target_type or (current.name if current else None)
            target_id = target_id or self.instance.object_id
        if target_type is not None and target_id is not None:
            model = citable_named(target_type).model
            request = self.context.get("request")
            visible = restrict(model.objects.all(), getattr(request, "user", None))
            # Whether the target exists is Citation.clean()'s rule; whether this user may see it is asked
            # here, with the same message, so a hidden record cannot be told from a missing one.
            if not visible.filter(pk=target_id).exists():
                raise serializers.ValidationError({"target_id": [citation_target_error(model, target_id)]})
            values["content_type"] = ContentType.objects.get_for_model(model)
            values["object_id"] = target_id
        return values


# -- documents and search ------------------------------------------------------------------------------


class DocumentSerializer(serializers.ModelSerializer):
    """A stored file of a source, with its hash; its bytes at ``download_url``."""

    url = SelfUrlField("api:document-detail")
    source = BriefRelatedField(view_name="api:source-detail", read_only=True)
    download_url = serializers.SerializerMethodField(help_text=_("Where the file's bytes are downloaded."))
    text_length = serializers.SerializerMethodField(help_text=_("How many characters of text were extracted."))

    class Meta:
        model = Document
        fields = [
            "id",
            "url",
            "source",
            "original_name",
            "media_type",
            "size",
            "sha256",
            "download_url",
            "text_length",
            "extraction_note",
            "created",
        ]
        read_only_fields = fields

    def get_download_url(self, document) -> str:
        return absolute_url(self.context.get("request"), detail_path("api:document-detail", document.pk) + "download/")

    def get_text_length(self, document) -> int:
        # Lists annotate it (the text itself is not loaded for a list).
        length = getattr(document, "text_length", None)
        return length if length is not None else len(document.text)


class DocumentDetailSerializer(DocumentSerializer):
    """A stored file of a source, with the text extracted from it."""

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "text"]
        read_only_fields = fields


class DocumentUploadSerializer(serializers.Serializer):
    """A file to attach to the source (multipart/form-data)."""

    file = serializers.FileField(
        allow_empty_file=True,  # the service says why an empty file is refused, naming the field
        help_text=_("The file: PDF, DOCX, HTML, plain text or an image (JPEG, PNG, TIFF, GIF, WebP)."),
    )


class SearchHitSerializer(serializers.Serializer):
    """A record whose text matches the query."""

    kind = serializers.CharField(help_text=_("The kind of record: source, document, citation, person, case, event."))
    id = serializers.IntegerField(source="object_id", help_text=_("The record's id."))
    label = serializers.CharField(help_text=_("How the record is named."))
    snippet = serializers.CharField(
        help_text=_("Text of the record around the match, HTML-escaped, with matched words in <mark>…</mark>.")
    )
    url = serializers.SerializerMethodField(help_text=_("The record's address in the API."))

    def get_url(self, entry) -> str:
        return absolute_url(self.context.get("request"), detail_path(entry.view_name, entry.object_id))
