"""Two writers at once: conditional writes are atomic, a repeated status change is one record.

The races run two real threads, each with its own database connection, on PostgreSQL (SQLite's
in-memory test database is one connection, so the race cannot be staged there); the rules they
rely on (strong If-Match, 428, repeated POST) are checked on both engines.
"""

import threading

import pytest
from django.db import connection, connections

from cases.models import StatusChange
from cases.tests.api_data import client_for
from cases.tests.factories import DefendantFactory, SourceFactory
from people.tests.factories import PersonFactory

ROUNDS = 8


def etag_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response["ETag"]


@pytest.mark.django_db
def test_a_weak_etag_never_satisfies_if_match(staff_user):
    person = PersonFactory()
    client = client_for(staff_user)
    url = f"/api/v1/persons/{person.pk}/"
    tag = etag_of(client, url)
    response = client.patch(url, {"description": "x"}, format="json", HTTP_IF_MATCH=f"W/{tag}")
    assert response.status_code == 412
    assert client.patch(url, {"description": "x"}, format="json", HTTP_IF_MATCH=tag).status_code == 200


@pytest.mark.django_db
def test_if_match_can_be_required(staff_user, settings):
    settings.API_REQUIRE_IF_MATCH = True
    person = PersonFactory()
    client = client_for(staff_user)
    url = f"/api/v1/persons/{person.pk}/"
    response = client.patch(url, {"description": "x"}, format="json")
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert client.delete(url).status_code == 428
    tag = etag_of(client, url)
    assert client.patch(url, {"description": "x"}, format="json", HTTP_IF_MATCH=tag).status_code == 200


@pytest.mark.django_db
def test_a_repeated_status_change_answers_with_the_one_already_recorded(staff_user):
    defendant = DefendantFactory(arrested="2012-01")
    source = SourceFactory()
    client = client_for(staff_user)
    body = {"status": "convicted", "date": "2012-10-08", "source": source.pk, "note": "Verdict"}
    first = client.post(f"/api/v1/defendants/{defendant.pk}/status-changes/", body, format="json")
    again = client.post(f"/api/v1/defendants/{defendant.pk}/status-changes/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    through_list = client.post("/api/v1/status-changes/", {**body, "defendant": defendant.pk}, format="json")
    assert through_list.status_code == 200
    assert through_list.json()["id"] == first.json()["id"]
    assert StatusChange.objects.filter(defendant=defendant).count() == 1


def _together(*calls):
    """Run the calls in threads released at the same instant; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two connections at once need PostgreSQL (CI runs it)"
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_writers_with_the_same_etag_one_wins_one_gets_412(staff_user):
    outcomes = []
    for round_ in range(ROUNDS):
        person = PersonFactory()
        url = f"/api/v1/persons/{person.pk}/"
        tag = etag_of(client_for(staff_user), url)
        clients = [client_for(staff_user), client_for(staff_user)]
        codes = _together(
            *(
                lambda client=client, text=f"writer {n} round {round_}", url=url, tag=tag: (
                    client.patch(url, {"description": text}, format="json", HTTP_IF_MATCH=tag).status_code
                )
                for n, client in enumerate(clients)
            )
        )
        outcomes.append(sorted(codes))
    assert outcomes == [[200, 412]] * ROUNDS


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_same_status_change_sent_twice_at_once_is_recorded_once(staff_user):
    for round_ in range(ROUNDS):
        defendant = DefendantFactory(arrested="2012-01")
        source = SourceFactory()
        body = {"status": "convicted", "date": f"2012-10-{round_ + 1:02d}", "source": source.pk, "note": "Verdict"}
        url = f"/api/v1/defendants/{defendant.pk}/status-changes/"
        clients = [client_for(staff_user), client_for(staff_user)]
        codes = _together(
            *(
                lambda client=client, url=url, body=body: client.post(url, body, format="json").status_code
                for client in clients
            )
        )
        assert sorted(codes) == [200, 201]
        assert StatusChange.objects.filter(defendant=defendant).count() == 1
