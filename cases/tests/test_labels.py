"""A record has one label, its ``__str__``: the admin, the API briefs and the exports spell it alike."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Charge, Sentence
from cases.selectors import sentence_summary_rows
from cases.tests.api_data import client_for
from cases.tests.factories import CitationFactory, SentenceFactory, SourceFactory, TrialFactory
from cases.tests.summary_data import build_seed_like

pytestmark = pytest.mark.django_db


def test_the_exports_spell_people_and_charges_as_their_str(senior_user):
    seed = build_seed_like()
    rows = {row["defendant"]: row for row in sentence_summary_rows(user=senior_user, as_of=datetime.date(2016, 2, 15))}
    for sentence in (seed.kozlov, seed.protesters):
        person = sentence.defendant.person
        row = rows[str(person)]
        charges = Charge.objects.filter(defendant=sentence.defendant).select_related("article").order_by("id")
        assert row["charges"] == "; ".join(str(charge) for charge in charges)
    # A group's one label says how many it stands for, wherever it is shown.
    group = seed.protesters.defendant.person
    assert str(group) != group.name and str(group).startswith(group.name)


def test_an_api_brief_is_labelled_by_the_records_str(senior_user):
    seed = build_seed_like()
    body = client_for(senior_user).get(f"/api/v1/sentences/{seed.kozlov.pk}/").json()
    sentence = Sentence.objects.select_related("defendant__person", "defendant__case", "trial__case").get(
        pk=seed.kozlov.pk
    )
    assert body["defendant"]["label"] == str(sentence.defendant)
    assert body["person"]["label"] == str(sentence.defendant.person)
    assert body["trial"]["label"] == str(sentence.trial)


def test_a_citation_of_a_sentence_is_labelled_by_its_str_without_a_query_per_row(senior_user):
    source = SourceFactory()
    client = client_for(senior_user)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/citations/", {"page_size": 100})
        assert response.status_code == 200
        return len(queries), response.json()["results"]

    sentence = SentenceFactory()
    CitationFactory(source=source, content_object=sentence)
    count_queries()  # warm per-process caches (content types)
    one, results = count_queries()
    assert results[0]["target"]["label"] == str(sentence)
    for _ in range(5):
        CitationFactory(source=source, content_object=SentenceFactory())
    many, _results = count_queries()
    assert many == one


def test_the_trial_autocomplete_labels_trials_without_a_query_per_row(client, superuser):
    client.force_login(superuser)
    params = {"app_label": "cases", "model_name": "sentence", "field_name": "trial", "term": ""}

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("admin:autocomplete"), params)
        assert response.status_code == 200
        return len(queries), response.json()["results"]

    trial = TrialFactory()
    count_queries()
    one, results = count_queries()
    assert results[0]["text"] == str(trial)
    TrialFactory.create_batch(5)
    many, _results = count_queries()
    assert many == one
