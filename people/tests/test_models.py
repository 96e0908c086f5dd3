import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from casetracker.choices import Confidentiality
from casetracker.deletion import DeletionRefused, record_delete
from people.models import Organization, Person
from people.tests.factories import (
    GroupFactory,
    MembershipFactory,
    OrganizationFactory,
    OrganizationNameFactory,
    PersonFactory,
    PersonNameFactory,
)

pytestmark = pytest.mark.django_db


def test_search_finds_a_person_by_any_variant_in_any_case_and_script():
    person = PersonFactory(name="Nursultan Nazarbaev")
    PersonNameFactory(person=person, name="Nursultan Nazarbayev")
    PersonNameFactory(person=person, name="Нурсултан Назарбаев", language="ru")
    PersonFactory(name="Someone else")

    assert list(Person.objects.search("nazarbayev")) == [person]
    assert list(Person.objects.search("НАЗАРБАЕВ")) == [person]
    assert list(Person.objects.search("Nazarbaev")) == [person]


def test_search_text_follows_variants_when_they_are_removed():
    person = PersonFactory(name="Vladimir Kozlov")
    variant = PersonNameFactory(person=person, name="Володя")
    assert Person.objects.search("володя").exists()
    variant.delete()
    assert not Person.objects.search("володя").exists()
    assert Person.objects.search("козлов").exists()  # the name itself, across scripts


def test_organization_found_by_translation():
    algha = OrganizationFactory(name="Algha!", kind="party")
    OrganizationNameFactory(organization=algha, name="Forward!")
    assert list(Organization.objects.search("forward")) == [algha]


def test_group_keeps_size_and_qualifier():
    group = GroupFactory(group_size=30, group_size_qualifier="more_than")
    group.full_clean()
    group.refresh_from_db()
    assert group.group_size_display == "more than 30"


def test_individual_cannot_have_a_group_size():
    person = PersonFactory.build(kind="individual", group_size=3, group_size_qualifier="exact")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "group_size" in error.value.message_dict


def test_group_size_needs_a_qualifier():
    group = GroupFactory.build(group_size=12, group_size_qualifier="")
    with pytest.raises(ValidationError) as error:
        group.full_clean()
    assert "group_size_qualifier" in error.value.message_dict


def test_unknown_group_size_stays_empty():
    GroupFactory.build(group_size=None, group_size_qualifier="").full_clean()


def test_anonymous_client_sees_only_public_people(staff_user, senior_user):
    public = PersonFactory(confidentiality=Confidentiality.PUBLIC)
    restricted = PersonFactory(confidentiality=Confidentiality.RESTRICTED)
    confidential = PersonFactory(confidentiality=Confidentiality.CONFIDENTIAL)

    assert set(Person.objects.visible_to(AnonymousUser())) == {public}
    assert set(Person.objects.visible_to(staff_user)) == {public, restricted}
    assert set(Person.objects.visible_to(senior_user)) == {public, restricted, confidential}


def test_membership_cannot_end_before_it_began():
    membership = MembershipFactory.build(start="2012-02", end="2011")
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "end" in error.value.message_dict


def test_deleting_a_person_with_memberships_is_refused_with_what_depends_on_it():
    membership = MembershipFactory(role="leader")
    with pytest.raises(DeletionRefused) as refused:
        record_delete(instance=membership.person)
    assert "membership" in refused.value.message
    assert Person.objects.filter(pk=membership.person.pk).exists()


def test_every_change_to_a_person_is_kept_in_history():
    person = PersonFactory(name="Serik Sapargali")
    person.description = "Civil-rights activist"
    person.save()
    history = person.history.order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~"]
    assert history.last().diff_against(history.first()).changed_fields == ["description"]
