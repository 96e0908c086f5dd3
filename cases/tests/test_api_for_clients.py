"""What generated clients rely on: problem details, parameters as clients send them, Link and RateLimit headers."""

import re

import pytest

from cases.tests.api_data import client_for, make_graph
from cases.tests.factories import SentenceFactory
from casetracker.problems import PROBLEM_CONTENT_TYPE
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PROBLEM_MEMBERS = {"type", "title", "status", "detail", "code", "instance"}


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert set(body) >= PROBLEM_MEMBERS
    assert (body["status"], body["code"], body["type"]) == (status, code, f"urn:casetracker:problem:{code}")
    assert body["title"] and body["detail"]
    return body


# -- problem details -------------------------------------------------------------------------------


def test_a_validation_error_lists_each_field_with_a_dotted_path_for_nested_ones(staff_user):
    sentence = SentenceFactory()
    response = client_for(staff_user).patch(
        f"/api/v1/sentences/{sentence.pk}/", {"term": {"value": -3}, "start": "soon"}, format="json"
    )
    body = assert_problem(response, 400, "validation_error")
    fields = {error["field"]: error for error in body["errors"]}
    assert {"term.value", "start"} <= set(fields)
    assert fields["term.value"]["code"] and fields["term.value"]["message"]
    assert body["instance"] == f"/api/v1/sentences/{sentence.pk}/"


def test_a_list_item_error_is_named_by_its_index(staff_user):
    response = client_for(staff_user).post(
        "/api/v1/persons/", {"name": "Someone", "names": [{"name": "Fine"}, {"name": ""}]}, format="json"
    )
    body = assert_problem(response, 400, "validation_error")
    assert [error["field"] for error in body["errors"]] == ["names.1.name"]


def test_not_found_forbidden_and_unauthenticated_are_problems(staff_user):
    assert_problem(client_for(None).get("/api/v1/persons/99999/"), 404, "not_found")
    assert_problem(client_for(None).get("/api/v1/no-such-thing/"), 404, "not_found")
    assert_problem(client_for(None).post("/api/v1/persons/", {"name": "x"}, format="json"), 401, "not_authenticated")
    assert_problem(client_for(None).get("/api/v1/persons/", {"confidentiality": "public"}), 403, "permission_denied")


def test_a_page_past_the_end_is_a_404_with_its_own_code():
    PersonFactory()
    body = assert_problem(client_for(None).get("/api/v1/persons/", {"page": 5}), 404, "page_not_found")
    assert "1 to 1" in body["detail"]
    assert_problem(client_for(None).get("/api/v1/persons/", {"cursor": "garbage"}), 404, "invalid_cursor")


def test_an_unknown_parameter_is_a_problem_listing_the_allowed_ones():
    body = assert_problem(client_for(None).get("/api/v1/persons/", {"nmae": "x"}), 400, "unknown_query_parameter")
    assert body["unknown"] == ["nmae"] and "name" not in body["unknown"] and "q" in body["allowed"]
    assert body["errors"] == [{"field": "nmae", "code": "unknown_query_parameter", "message": body["detail"]}]


def test_a_409_names_the_dependants_by_kind_and_id(staff_user):
    graph = make_graph()
    body = assert_problem(
        client_for(staff_user).delete(f"/api/v1/defendants/{graph.defendant.pk}/"), 409, "has_dependents"
    )
    sentence = {"kind": "cases.sentence", "id": graph.sentence.pk, "label": str(graph.sentence)}
    assert sentence in body["dependents"] and body["hidden_dependents"] == 0


def test_a_nul_byte_is_a_problem():
    body = assert_problem(client_for(None).get("/api/v1/persons/?q=a%00b"), 400, "nul_character")
    assert body["errors"] == [{"field": None, "code": "nul_character", "message": body["detail"]}]


def test_too_many_requests_is_a_problem_with_rate_limit_headers(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"}}
    client = client_for(None)
    first = client.get("/api/v1/persons/")
    assert first["RateLimit-Policy"] == '"anon";q=2;w=60'
    assert re.fullmatch(r'"anon";r=1;t=\d+', first["RateLimit"])
    assert client.get("/api/v1/persons/")["RateLimit"].startswith('"anon";r=0;')
    refused = client.get("/api/v1/persons/")
    assert_problem(refused, 429, "throttled")
    assert refused["Retry-After"] and refused["RateLimit"].startswith('"anon";r=0;')


def test_signed_in_clients_are_not_throttled_and_get_no_rate_limit_headers(staff_user):
    response = client_for(staff_user).get("/api/v1/persons/")
    assert response.status_code == 200 and "RateLimit" not in response


# -- parameters as generated clients send them ------------------------------------------------------


def test_ordering_takes_repeated_and_comma_separated_keys_alike():
    for name in ("Bravo", "Alpha", "Alpha"):
        PersonFactory(name=name)
    client = client_for(None)

    def order(query):
        return [(row["name"], row["id"]) for row in client.get(f"/api/v1/persons/?{query}").json()["results"]]

    expected = order("ordering=name,-id")
    assert [name for name, _id in expected] == ["Alpha", "Alpha", "Bravo"]
    assert expected[0][1] > expected[1][1]
    assert order("ordering=name&ordering=-id") == expected


def test_a_repeated_single_value_parameter_is_a_400_naming_it():
    body = assert_problem(client_for(None).get("/api/v1/defendants/?case=1&case=2"), 400, "validation_error")
    assert body["errors"][0]["field"] == "case" and body["errors"][0]["code"] == "repeated"
    body = assert_problem(client_for(None).get("/api/v1/persons/?page=1&page=2"), 400, "validation_error")
    assert body["errors"][0]["field"] == "page"
    # A multiple-choice filter takes several.
    assert client_for(None).get("/api/v1/persons/?kind=group&kind=individual").status_code == 200


def test_every_list_sends_link_headers_in_both_modes():
    for _ in range(5):
        PersonFactory()
    client = client_for(None)
    response = client.get("/api/v1/persons/", {"page_size": 2, "page": 2})
    links = {rel: url for url, rel in re.findall(r"<([^>]+)>; rel=\"(\w+)\"", response["Link"])}
    assert links["next"] == response.json()["next"] and links["prev"] == response.json()["previous"]
    assert "page=" not in links["first"] and "page=3" in links["last"]
    crawl = client.get("/api/v1/persons/", {"page_size": 2, "cursor": ""})
    links = {rel: url for url, rel in re.findall(r"<([^>]+)>; rel=\"(\w+)\"", crawl["Link"])}
    assert links["next"] == crawl.json()["next"] and "cursor=" in links["first"] and "prev" not in links


def test_cors_exposes_what_clients_read(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://ui.example.org"]
    response = client_for(None).get("/api/v1/persons/", HTTP_ORIGIN="https://ui.example.org")
    exposed = {name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert {"location", "etag", "link", "ratelimit", "ratelimit-policy", "retry-after"} <= exposed
