"""What every endpoint does the same way: query parameters, pagination, errors, auth, throttling, docs."""

import pytest

from cases.tests.api_data import client_for, make_graph
from cases.tests.factories import SentenceFactory, SourceFactory
from casetracker.problems import errors_by_field
from sources.models import Source

pytestmark = pytest.mark.django_db


def test_an_unknown_query_parameter_is_a_400_listing_the_allowed_ones():
    response = client_for(None).get("/api/v1/sentences/", {"kindd": "fine"})
    assert response.status_code == 400
    body = response.json()
    assert body["unknown"] == ["kindd"]
    for allowed in ("page", "page_size", "cursor", "ordering", "format", "q", "kind", "term_min", "verdict_after"):
        assert allowed in body["allowed"]
    assert "kindd" in body["detail"] and "term_min" in body["detail"]


def test_a_detail_takes_no_filters():
    graph = make_graph()
    response = client_for(None).get(f"/api/v1/persons/{graph.person.pk}/", {"q": "x"})
    assert response.status_code == 400
    assert response.json()["allowed"] == ["format"]


def test_a_bad_filter_value_is_a_400_naming_the_filter():
    client = client_for(None)
    response = client.get("/api/v1/sentences/", {"verdict_after": "October 2012", "term_min": "-1", "kind": "x"})
    assert response.status_code == 400
    assert set(errors_by_field(response.json())) == {"verdict_after", "term_min", "kind"}
    response = client.get("/api/v1/persons/", {"q": ""})
    assert response.status_code == 400
    assert errors_by_field(response.json()) == {"q": ["Give a value, or leave the parameter out."]}


def test_page_size_is_capped_at_500_with_a_clear_400():
    client = client_for(None)
    assert client.get("/api/v1/sources/", {"page_size": 500}).status_code == 200
    response = client.get("/api/v1/sources/", {"page_size": 501})
    assert response.status_code == 400
    assert "at most 500" in errors_by_field(response.json())["page_size"][0]
    assert client.get("/api/v1/sources/", {"page": 0}).status_code == 400
    assert client.get("/api/v1/sources/", {"page": 99}).status_code == 404


def test_page_numbers_count_and_link_pages():
    for _ in range(5):
        SourceFactory()
    body = client_for(None).get("/api/v1/sources/", {"page_size": 2, "page": 2}).json()
    assert body["count"] == 5
    assert [row["id"] for row in body["results"]] == list(
        Source.objects.order_by("title", "id").values_list("id", flat=True)[2:4]
    )
    assert "page=3" in body["next"] and "page_size=2" in body["next"]


def test_cursor_mode_walks_every_record_once_without_a_count():
    ids = {SourceFactory().pk for _ in range(7)}
    client = client_for(None)
    seen = []
    body = client.get("/api/v1/sources/", {"cursor": "", "page_size": 3}).json()
    assert "count" not in body
    while True:
        seen += [row["id"] for row in body["results"]]
        if body["next"] is None:
            break
        body = client.get(body["next"]).json()
    assert seen == sorted(ids)
    assert client.get("/api/v1/sources/", {"cursor": "not-a-cursor"}).status_code == 404


def test_ordering_sorts_with_empty_values_last():
    unknown = SentenceFactory(term_months=None, term_qualifier="")
    long = SentenceFactory(term_months=120)
    short = SentenceFactory(term_months=24)
    client = client_for(None)
    ids = [row["id"] for row in client.get("/api/v1/sentences/", {"ordering": "-term_months"}).json()["results"]]
    assert ids == [long.pk, short.pk, unknown.pk]
    assert client.get("/api/v1/sentences/", {"ordering": "nonsense"}).status_code == 400


def test_unknown_api_paths_and_ids_answer_json_404():
    client = client_for(None)
    for url in ("/api/v1/nothing-here/", "/api/v1/persons/abc/", "/api/v1/persons/99999999999999999999999/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == 404 and body["code"] == "not_found" and body["detail"]


def test_api_root_lists_every_resource():
    body = client_for(None).get("/api/v1/").json()
    for resource in (
        "persons",
        "organizations",
        "memberships",
        "sources",
        "citations",
        "places",
        "events",
        "event-figures",
        "cases",
        "defendants",
        "status-changes",
        "legal-articles",
        "charges",
        "trials",
        "sentences",
        "facilities",
        "custody-stays",
        "recognitions",
    ):
        assert body[resource].endswith(f"/api/v1/{resource}/")
    assert body["sentence-summaries-csv"].endswith("/api/v1/sentence-summaries.csv")
    assert client_for(None).get(body["sentence-summaries-stats"]).status_code == 200


def test_json_keeps_cyrillic_readable_and_can_be_indented():
    from people.tests.factories import PersonFactory

    PersonFactory(name="Владимир Козлов")
    client = client_for(None)
    response = client.get("/api/v1/persons/")
    assert "Владимир Козлов".encode() in response.content
    indented = client.get("/api/v1/persons/", HTTP_ACCEPT="application/json; indent=2")
    assert b'\n  "count"' in indented.content


def test_a_token_is_obtained_with_username_and_password(staff_user):
    client = client_for(None)
    response = client.post("/api/v1/auth/token/", {"username": "staff", "password": "staff-pass-123"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/sources/", {"title": "A report"}, format="json").status_code == 201
    wrong = client_for(None).post("/api/v1/auth/token/", {"username": "staff", "password": "nope"}, format="json")
    assert wrong.status_code == 401
    missing = client_for(None).post("/api/v1/auth/token/", {"username": "staff"}, format="json")
    assert missing.status_code == 400
    assert list(errors_by_field(missing.json())) == ["password"]


def test_an_invalid_token_is_401_even_for_reads():
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/persons/").status_code == 401


def test_anonymous_clients_are_throttled_and_staff_are_not(settings, staff_user):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}
    anonymous = client_for(None)
    statuses = [anonymous.get("/api/v1/sources/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "Retry-After" in anonymous.get("/api/v1/sources/")
    staff = client_for(staff_user)
    assert {staff.get("/api/v1/sources/").status_code for _ in range(5)} == {200}


def test_docs_are_served_from_the_project_without_a_cdn(client):
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html
        assert "/static/drf_spectacular_sidecar/" in html
    assert client.get("/api/schema/").status_code == 200
