"""Serializers for persons, organizations and memberships."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from casetracker.api.examples import seed_examples
from casetracker.api.fields import ApproximateDateField, BriefRelatedField, QualifiedFigureField
from casetracker.api.serializers import NameVariantSerializer, RecordSerializer, SelfUrlField
from casetracker.base_models import validate_country_code
from people.models import Membership, Organization, Person
from sources.api.serializers import CitationsField


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
        help_text="For a group: how many people, as the source states it (null when unknown or an individual).",
    )
    names = NameVariantSerializer(
        many=True,
        required=False,
        help_text="Other ways the name is written (transliterations, scripts). Sending a list replaces the old one.",
    )
    citations = CitationsField()

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


class PersonDefendantSerializer(serializers.Serializer):
    """A case the person is prosecuted in, with where they stand in it."""

    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("api:defendant-detail")
    case = BriefRelatedField(read_only=True, view_name="api:case-detail")
    status = serializers.CharField(read_only=True, help_text="Current status in this case.")
    status_date = ApproximateDateField(
        read_only=True, allow_null=True, help_text=_("When the current status took effect; null when not known.")
    )
    status_as_of = ApproximateDateField(
        read_only=True, allow_null=True, help_text=_("The date the current status is known as of (the report's date).")
    )
    status_display = serializers.CharField(
        read_only=True,
        help_text=_("The current status with its dates, e.g. 'Serving a prison sentence (as of 2012-12)'."),
    )


@extend_schema_serializer(examples=seed_examples("persons", detail=True))
class PersonDetailSerializer(PersonSerializer):
    """A person with their memberships, the cases they are prosecuted in, and events they took part in."""

    memberships = PersonMembershipSerializer(many=True, read_only=True)
    defendants = PersonDefendantSerializer(
        many=True, read_only=True, source="visible_defendants", help_text="Cases the person is prosecuted in."
    )
    events = BriefRelatedField(many=True, read_only=True, view_name="api:event-detail")

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "memberships", "defendants", "events"]


@extend_schema_serializer(examples=seed_examples("organizations", detail=False))
class OrganizationSerializer(RecordSerializer):
    """A party, NGO, media outlet, company, court or state body."""

    names_relation = "names"

    url = SelfUrlField("api:organization-detail")
    names = NameVariantSerializer(
        many=True,
        required=False,
        help_text="Other ways the name is written (translations, abbreviations). Sending a list replaces the old one.",
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
    cases = BriefRelatedField(
        many=True,
        read_only=True,
        source="visible_cases",
        view_name="api:case-detail",
        help_text="Cases targeting the organization (e.g. media outlets closed).",
    )
    events = BriefRelatedField(many=True, read_only=True, view_name="api:event-detail")

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "memberships", "cases", "events"]


@extend_schema_serializer(examples=seed_examples("memberships", detail=False))
class MembershipSerializer(RecordSerializer):
    """A person's role in an organization."""

    url = SelfUrlField("api:membership-detail")
    citations = CitationsField()

    class Meta:
        model = Membership
        fields = ["id", "url", "person", "organization", "role", "start", "end", "citations", "created", "updated"]
