"""Reads of people records for the API and for anyone else who needs them.

Each selector returns only what ``user`` may see (see
:mod:`casetracker.visibility`) and has the query shape its callers
need, so the number of queries does not grow with the number of records.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Membership, Organization, Person, PersonName


def person_list(*, user) -> QuerySet[Person]:
    """Persons ``user`` may see, with their name variants."""
    return Person.objects.restrict(user).prefetch_related(
        Prefetch("names", queryset=PersonName.objects.order_by("name", "id"))
    )


def organization_list(*, user) -> QuerySet[Organization]:
    """Organizations, with their name variants (organizations are never confidential)."""
    return Organization.objects.prefetch_related("names")


def membership_list(*, user) -> QuerySet[Membership]:
    """Memberships of persons ``user`` may see, with the person and organization joined."""
    return Membership.objects.restrict(user).select_related("person", "organization")
