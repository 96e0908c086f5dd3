"""Serializers for persons, organizations and memberships."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from casetracker.api.examples import seed_examples
from casetracker.api.fields import ApproximateDateField, BriefRelatedField, QualifiedFigureField
from casetracker.api.serializers import NameVariantSerializer, RecordSerializer, SelfUrlField
from casetracker.base_models import validate_country_code
from people.choices import Right
from people.models import Membership, Organization, Person, Recognition
from sources.api.serializers import CitationsField

from . import extensions


@extend_schema_serializer(examples=seed_examples("persons", detail=False))
class PersonSerializer(RecordSerializer):
    """A person, or a group of persons not identified by name."""

    names_relation = "names"

    url = SelfUrlField("api:person-detail")
    group_size = QualifiedFigureField(
        value_field="group_size",
        qualifier_field="group_size_qualifier",
        required=False,
        allow_null=True,
        help_text=_("For a group: how many people, as the source states it (null when unknown or an individual)."),
    )
    names = NameVariantSerializer(
        many=True,
        required=False,
        help_text=_("Other ways the name is written (transliterations, scripts). Sending a list replaces the old one."),
    )
    citations = CitationsField()
    rights = serializers.ListField(
        child=serializers.ChoiceField(choices=Right.choices),
        required=False,
        help_text=Person._meta.get_field("rights").help_text,
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "url",
            "name",
            "kind",
            "group_size",
            "group_size_as_of",
            "description",
            "sex",
            "birth_date",
            "occupation_category",
            "occupation",
            "rights",
            # Special-category: left out by RecordSerializer for readers without people.view_special_category.
            "ethnicity",
            "religion",
            "confidentiality",
            "names",
            "citations",
            "created",
            "updated",
        ]


class PersonMembershipSerializer(serializers.Serializer):
    """A person's role in an organization, seen from the person."""

    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("api:membership-detail")
    organization = BriefRelatedField(read_only=True, view_name="api:organization-detail")
    role = serializers.CharField(read_only=True)
    start = ApproximateDateField(read_only=True, allow_null=True)
    end = ApproximateDateField(read_only=True, allow_null=True)


class PersonRecognitionSerializer(serializers.Serializer):
    """Who recognises the person as what, since when, on what grounds; withdrawn ones are kept."""

    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("api:recognition-detail")
    organization = BriefRelatedField(read_only=True, view_name="api:organization-detail")
    kind = serializers.CharField(read_only=True)
    date = ApproximateDateField(read_only=True, allow_null=True)
    grounds = serializers.CharField(read_only=True)
    source = BriefRelatedField(read_only=True, view_name="api:source-detail")
    excerpt = serializers.CharField(read_only=True)
    withdrawn = ApproximateDateField(read_only=True, allow_null=True)


@extend_schema_serializer(examples=seed_examples("persons", detail=True))
class PersonDetailSerializer(PersonSerializer):
    """A person with their memberships, recognitions, the cases they are prosecuted in, and events."""

    memberships = PersonMembershipSerializer(many=True, read_only=True)
    recognitions = PersonRecognitionSerializer(
        many=True, read_only=True, help_text=_("Recognitions as a political prisoner (or prisoner of conscience …).")
    )

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "memberships", "recognitions"]

    def get_fields(self):
        # The cases and events come from the ``cases`` app (registered in people.api.extensions).
        return {**super().get_fields(), **extensions.detail_fields(extensions.PERSON)}


@extend_schema_serializer(examples=seed_examples("organizations", detail=False))
class OrganizationSerializer(RecordSerializer):
    """A party, NGO, media outlet, company, court or state body."""

    names_relation = "names"

    url = SelfUrlField("api:organization-detail")
    names = NameVariantSerializer(
        many=True,
        required=False,
        help_text=_(
            "Other ways the name is written (translations, abbreviations). Sending a list replaces the old one."
        ),
    )
    citations = CitationsField()

    class Meta:
        model = Organization
        fields = ["id", "url", "name", "kind", "description", "country", "names", "citations", "created", "updated"]
        extra_kwargs = {"country": {"validators": [validate_country_code]}}


class OrganizationMemberSerializer(serializers.Serializer):
    """A member of an organization, seen from the organization."""

    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("api:membership-detail")
    person = BriefRelatedField(read_only=True, view_name="api:person-detail")
    role = serializers.CharField(read_only=True)
    start = ApproximateDateField(read_only=True, allow_null=True)
    end = ApproximateDateField(read_only=True, allow_null=True)


@extend_schema_serializer(examples=seed_examples("organizations", detail=True))
class OrganizationDetailSerializer(OrganizationSerializer):
    """An organization with its (visible) members, the cases targeting it and its events."""

    memberships = OrganizationMemberSerializer(many=True, read_only=True, source="visible_memberships")

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "memberships"]

    def get_fields(self):
        # The cases and events come from the ``cases`` app (registered in people.api.extensions).
        return {**super().get_fields(), **extensions.detail_fields(extensions.ORGANIZATION)}


@extend_schema_serializer(examples=seed_examples("memberships", detail=False))
class MembershipSerializer(RecordSerializer):
    """A person's role in an organization."""

    url = SelfUrlField("api:membership-detail")
    citations = CitationsField()

    class Meta:
        model = Membership
        fields = ["id", "url", "person", "organization", "role", "start", "end", "citations", "created", "updated"]


class RecognitionSerializer(RecordSerializer):
    """An organization recognises a person as a political prisoner (or prisoner of conscience …), with a source."""

    url = SelfUrlField("api:recognition-detail")
    citations = CitationsField()

    class Meta:
        model = Recognition
        fields = [
            "id",
            "url",
            "person",
            "organization",
            "kind",
            "date",
            "grounds",
            "source",
            "excerpt",
            "withdrawn",
            "withdrawal_source",
            "withdrawal_excerpt",
            "citations",
            "created",
            "updated",
        ]
