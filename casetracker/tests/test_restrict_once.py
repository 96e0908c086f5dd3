"""``restrict`` narrows a queryset once: asking again (a selector, the viewset and the filters each do) adds
nothing, and whatever may widen a narrowed queryset forgets that it was (casetracker.visibility)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from casetracker.choices import Confidentiality
from casetracker.visibility import restrict
from people.models import Person
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


def _conditions(queryset) -> int:
    """How many times the SQL's WHERE asks for a confidentiality level."""
    where = str(queryset.query).split(" WHERE ", 1)[-1] if " WHERE " in str(queryset.query) else ""
    return where.count('"confidentiality" IN')


def test_restricting_twice_adds_the_condition_once():
    once = restrict(Person.objects.all(), ANONYMOUS)
    assert _conditions(once) == 1
    assert _conditions(restrict(once, ANONYMOUS)) == 1
    # still known after narrowing further, ordering or slicing
    assert _conditions(restrict(once.filter(name__startswith="A").order_by("name"), ANONYMOUS)) == 1


def test_a_wider_reader_after_a_narrower_one_keeps_the_narrower_condition(staff_user):
    PersonFactory(name="Public Kozlov")
    PersonFactory(name="Restricted Kozlov", confidentiality=Confidentiality.RESTRICTED)
    narrowed = restrict(Person.objects.all(), ANONYMOUS)
    both = restrict(narrowed, staff_user)  # other levels: the rule is applied again (narrowing only)
    assert [person.name for person in both] == ["Public Kozlov"]
    staff_first = restrict(Person.objects.all(), staff_user)
    assert [person.name for person in restrict(staff_first, ANONYMOUS)] == ["Public Kozlov"]


@pytest.mark.parametrize(
    "widen",
    [
        pytest.param(lambda narrowed: narrowed | Person.objects.all(), id="or"),
        pytest.param(lambda narrowed: narrowed ^ Person.objects.all(), id="xor"),
        pytest.param(lambda narrowed: narrowed.union(Person.objects.all()), id="union"),
    ],
)
def test_what_may_widen_a_narrowed_queryset_is_narrowed_again(widen):
    PersonFactory(name="Public Kozlov")
    PersonFactory(name="Confidential witness", confidentiality=Confidentiality.CONFIDENTIAL)
    widened = widen(restrict(Person.objects.all(), ANONYMOUS))
    if widened.query.combinator:  # a union cannot be filtered: it is never taken as narrowed
        from casetracker.visibility import _narrowed_to

        assert _narrowed_to(widened) is None
        return
    assert "Confidential witness" in {person.name for person in widened}
    assert "Confidential witness" not in {person.name for person in restrict(widened, ANONYMOUS)}
    assert _conditions(restrict(widened, ANONYMOUS)) >= 1
