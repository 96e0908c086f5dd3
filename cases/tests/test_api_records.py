"""What each resource shows: briefs, approximate dates, qualified figures, citations, nested details, filters."""

import pytest

from cases.tests.api_data import client_for, make_graph
from cases.tests.factories import (
    CaseFactory,
    CitationFactory,
    DefendantFactory,
    EventFactory,
    EventFigureFactory,
    PlaceFactory,
    PlaceNameFactory,
    SentenceFactory,
    SourceFactory,
    TrialFactory,
)
from casetracker.choices import Qualifier
from casetracker.problems import errors_by_field

pytestmark = pytest.mark.django_db


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_case_detail_shows_defendants_with_their_current_status_and_trials(staff_user):
    graph = make_graph(name="Roza Tuletayeva")
    client = client_for(staff_user)
    client.post(
        f"/api/v1/defendants/{graph.defendant.pk}/status-changes/",
        {"status": "released", "date": "2014-08", "note": "Released on parole."},
        format="json",
    )
    body = client_for(None).get(f"/api/v1/cases/{graph.case.pk}/").json()
    assert body["defendants"] == [
        {
            "id": graph.defendant.pk,
            "url": f"http://testserver/api/v1/defendants/{graph.defendant.pk}/",
            "person": {
                "id": graph.person.pk,
                "label": "Roza Tuletayeva",
                "url": f"http://testserver/api/v1/persons/{graph.person.pk}/",
            },
            "arrested": "2012-02",
            "status": "released",
            "status_date": "2014-08",
            "status_as_of": None,
            "status_display": "Released since 2014-08",
        }
    ]
    assert [trial["id"] for trial in body["trials"]] == [graph.trial.pk]
    assert body["trials"][0]["verdict_date"] == "2012-10-08"
    assert body["events"][0]["label"] == str(graph.event)


def test_defendant_detail_shows_charges_trials_sentences_and_status_history():
    graph = make_graph()
    body = client_for(None).get(f"/api/v1/defendants/{graph.defendant.pk}/").json()
    assert body["charges"][0]["article"]["label"] == str(graph.article)
    assert body["trials"][0]["id"] == graph.trial.pk
    sentence = body["sentences"][0]
    assert sentence["term"] == {"value": 90, "qualifier": "exact", "display": "7 years 6 months"}
    assert (sentence["start"], sentence["expected_end"]) == ("2012-01-23", "2019-07-23")
    assert body["status_changes"][0]["source"]["id"] == graph.source.pk
    assert body["citations"][0]["source"]["id"] == graph.source.pk


def test_sentence_rows_carry_person_case_trial_and_a_qualified_term():
    sentence = SentenceFactory(term_months=144, term_qualifier=Qualifier.UP_TO, start="2012")
    row = results(client_for(None).get("/api/v1/sentences/"))[0]
    assert row["person"]["label"] == sentence.defendant.person.name
    assert row["case"]["label"] == sentence.defendant.case.title
    assert row["defendant"]["label"] == f"{sentence.defendant.person.name} ({sentence.defendant.case.title})"
    assert row["trial"]["label"].startswith("Trial in ")
    assert row["term"] == {"value": 144, "qualifier": "up_to", "display": "up to 12 years"}
    assert (row["start"], row["expected_end"]) == ("2012", "2024")


def test_contested_figures_keep_every_claim_with_its_source():
    event = EventFactory(title="Shooting of protesters in Zhanaozen")
    EventFigureFactory(event=event, value=15, source=SourceFactory(title="Report A"), excerpt="at least 15")
    EventFigureFactory(event=event, value=16, source=SourceFactory(title="Report B"), excerpt="at least 16")
    body = client_for(None).get(f"/api/v1/events/{event.pk}/").json()
    assert [(f["figure"]["display"], f["source"]["label"]) for f in body["figures"]] == [
        ("at least 15", "Report A"),
        ("at least 16", "Report B"),
    ]


def test_q_finds_a_place_by_another_spelling():
    aqtau = PlaceFactory(name="Aqtau")
    PlaceNameFactory(place=aqtau, name="Aktau")
    PlaceNameFactory(place=aqtau, name="Актау")
    PlaceFactory(name="Zhanaozen")
    client = client_for(None)
    for text in ("Aktau", "aktau", "АКТАУ"):
        assert [row["name"] for row in results(client.get("/api/v1/places/", {"q": text}))] == ["Aqtau"]
    event = EventFactory(place=aqtau)
    assert [row["id"] for row in results(client.get("/api/v1/events/", {"q": "aktau"}))] == [event.pk]


def test_citations_show_their_source_and_the_record_they_support():
    sentence = SentenceFactory()
    citation = CitationFactory(content_object=sentence, excerpt="sentenced to seven and a half years")
    CitationFactory()
    rows = results(client_for(None).get("/api/v1/citations/", {"target_type": "sentence"}))
    assert len(rows) == 1
    assert rows[0]["target"]["type"] == "sentence"
    assert rows[0]["target"]["url"].endswith(f"/api/v1/sentences/{sentence.pk}/")
    assert rows[0]["excerpt"] == citation.excerpt


def test_a_citation_is_created_for_any_kind_of_record(staff_user):
    graph = make_graph()
    response = client_for(staff_user).post(
        "/api/v1/citations/",
        {"source": graph.source.pk, "target_type": "trial", "target_id": graph.trial.pk, "excerpt": "the trial"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["target"]["label"] == str(graph.trial)
    too_long = client_for(staff_user).post(
        "/api/v1/citations/",
        {"source": graph.source.pk, "target_type": "trial", "target_id": graph.trial.pk, "excerpt": "word " * 31},
        format="json",
    )
    assert too_long.status_code == 400
    assert "excerpt" in errors_by_field(too_long.json())


def test_cases_filter_by_event_person_article_and_current_status(staff_user):
    graph = make_graph()
    make_graph()
    client_for(staff_user).post(
        f"/api/v1/defendants/{graph.defendant.pk}/status-changes/",
        {"status": "pardoned", "date": "2016", "note": "Pardoned."},
        format="json",
    )
    client = client_for(None)
    for params in (
        {"event": graph.event.pk},
        {"person": graph.person.pk},
        {"legal_article": graph.article.pk},
        {"status": "pardoned"},
        {"q": graph.person.name},
    ):
        assert [row["id"] for row in results(client.get("/api/v1/cases/", params))] == [graph.case.pk], params


def test_trials_filter_by_verdict_dates_at_any_precision():
    october = TrialFactory(verdict_date="2012-10-08")
    year_only = TrialFactory(verdict_date="2012")
    TrialFactory(verdict_date="2013-03")
    client = client_for(None)
    params = {"verdict_after": "2012-10", "verdict_before": "2012-10"}
    ids = {row["id"] for row in results(client.get("/api/v1/trials/", params))}
    assert ids == {october.pk, year_only.pk}


def test_defendants_filter_by_status_and_arrest_date():
    early = DefendantFactory(arrested="2011-12-17")
    DefendantFactory(arrested="2012-05")
    client = client_for(None)
    assert [row["id"] for row in results(client.get("/api/v1/defendants/", {"arrested_before": "2011-12"}))] == [
        early.pk
    ]
    assert results(client.get("/api/v1/defendants/", {"status": ["released", "pardoned"]})) == []


def test_case_list_counts_only_visible_defendants_and_orders():
    case = CaseFactory(title="B case")
    CaseFactory(title="A case")
    DefendantFactory(case=case)
    rows = results(client_for(None).get("/api/v1/cases/", {"ordering": "-title"}))
    assert [(row["title"], row["defendant_count"]) for row in rows] == [("B case", 1), ("A case", 0)]
