"""Each rule of the data lives once, in the model's clean(): the admin and the API refuse the same
invalid record with the same message, on the same field."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from cases.tests.api_data import client_for
from cases.tests.factories import CaseFactory, LegalArticleFactory, PlaceFactory, SentenceFactory, TrialFactory
from cases.tests.test_admin_visibility import form_post_data, url
from casetracker.problems import errors_by_field
from people.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@dataclass
class Rule:
    """A valid record, a change that breaks the rule, and what both surfaces must answer."""

    name: str
    make: Callable  # () -> (record, {field: value}, expected message)
    field: str  # the model field, named alike by the admin form and the API
    api_path: str


def _sentence_tried_in_another_case():
    sentence = SentenceFactory()
    other_trial = TrialFactory()  # a trial in another case
    return sentence, {"trial": other_trial.pk}, "The trial must belong to the defendant's case."


def _place_inside_itself():
    place = PlaceFactory()
    return place, {"region": place.pk}, "A place cannot lie within itself."


def _place_in_a_cycle():
    outer = PlaceFactory(name="Mangystau Region")
    inner = PlaceFactory(name="Zhanaozen", region=outer)
    return outer, {"region": inner.pk}, "A place cannot lie within itself: Zhanaozen lies within it."


def _country(factory):
    def make():
        return factory(country="KZ"), {"country": "kz"}, "Use an ISO 3166-1 alpha-2 code in capitals, e.g. 'KZ'."

    return make


RULES = [
    Rule("sentence-trial-in-another-case", _sentence_tried_in_another_case, "trial", "sentences"),
    Rule("place-inside-itself", _place_inside_itself, "region", "places"),
    Rule("place-in-a-cycle", _place_in_a_cycle, "region", "places"),
    Rule("case-country-code", _country(CaseFactory), "country", "cases"),
    Rule("place-country-code", _country(PlaceFactory), "country", "places"),
    Rule("organization-country-code", _country(OrganizationFactory), "country", "organizations"),
    Rule("legal-article-country-code", _country(LegalArticleFactory), "country", "legal-articles"),
]


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_the_admin_and_the_api_refuse_the_same_record_with_the_same_message(rule, superuser, client):
    record, change, message = rule.make()
    before = type(record).objects.get(pk=record.pk)

    client.force_login(superuser)
    page = client.get(url(record, "change"))
    data = form_post_data(page)
    data.update({name: str(value) for name, value in change.items()})
    refused = client.post(url(record, "change"), data)
    assert refused.status_code == 200, "the admin saved an invalid record"
    assert refused.context["adminform"].form.errors[rule.field] == [message]

    response = client_for(superuser).patch(f"/api/v1/{rule.api_path}/{record.pk}/", change, format="json")
    assert response.status_code == 400, response.content
    assert errors_by_field(response.json()) == {rule.field: [message]}

    record.refresh_from_db()
    assert all(getattr(record, f.attname) == getattr(before, f.attname) for f in record._meta.concrete_fields)
