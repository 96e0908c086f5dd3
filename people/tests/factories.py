import factory

from casetracker.choices import Confidentiality
from people.choices import OrganizationKind, PersonKind
from people.models import Membership, Organization, OrganizationName, Person, PersonName, Recognition


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    kind = PersonKind.INDIVIDUAL
    confidentiality = Confidentiality.PUBLIC


class GroupFactory(PersonFactory):
    name = factory.Sequence(lambda n: f"Group of protesters {n}")
    kind = PersonKind.GROUP
    group_size = 30
    group_size_qualifier = "more_than"


class PersonNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonName

    person = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"Variant {n}")
    language = "en"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = OrganizationKind.NGO
    country = "KZ"


class OrganizationNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationName

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Org variant {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "member"


class RecognitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recognition

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    kind = "political_prisoner"
    date = "2012-10"
    source = factory.SubFactory("cases.tests.factories.SourceFactory")
