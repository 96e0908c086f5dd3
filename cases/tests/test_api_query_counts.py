"""Every list endpoint answers a page of 50 records with as many queries as a page of 1."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.tests.api_data import LIST_ENDPOINTS, client_for, make_graph

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    """Queries for one page, leaving out the shared cache's (throttle counts, expiry clean-up):
    they are per request, not per row, and their number depends on the clock."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    queries = [query for query in context.captured_queries if "casetracker_cache" not in query["sql"]]
    return len(queries), response.json()


def concern(person, source):
    """A treatment concern about ``person`` (an allegation), for the person and defendant briefs."""
    from cases.tests.factories import AllegationFactory

    AllegationFactory(
        concern="health", concerns_person=person, source=source, alleged_by_description="relatives", claim="x"
    )


@pytest.mark.parametrize("resource", list(LIST_ENDPOINTS))
def test_list_query_count_does_not_grow_with_rows(resource, senior_user):
    url = f"/api/v1/{resource}/?page_size=500"
    clients = {"anonymous": client_for(None), "senior staff": client_for(senior_user)}
    make_graph()
    for client in clients.values():
        client.get(url)  # warm caches (content types, tokens) that are not per-page work
    one = {who: count_queries(client, url) for who, client in clients.items()}
    for _ in range(49):
        make_graph()
    fifty = {who: count_queries(client, url) for who, client in clients.items()}
    for who in clients:
        queries_one, page_one = one[who]
        queries_fifty, page_fifty = fifty[who]
        assert len(page_fifty["results"]) >= min(50 * len(page_one["results"]), 500), (resource, who)
        print(f"query count {resource} as {who}: {queries_one} (1 graph) / {queries_fifty} (50 graphs)")
        assert queries_fifty == queries_one, (
            f"{resource} as {who}: {queries_one} queries for {len(page_one['results'])} rows but "
            f"{queries_fifty} for {len(page_fifty['results'])}; prefetch in the viewset's queryset."
        )


@pytest.mark.parametrize("resource", ["persons", "cases", "defendants", "events", "organizations", "facilities"])
def test_detail_query_count_does_not_grow_with_related_rows(resource, senior_user):
    graph = make_graph()
    record = {
        "persons": graph.person,
        "cases": graph.case,
        "defendants": graph.defendant,
        "events": graph.event,
        "organizations": graph.organization,
        "facilities": graph.facility,
    }[resource]
    client = client_for(senior_user)
    url = f"/api/v1/{resource}/{record.pk}/"
    client.get(url)
    before, _ = count_queries(client, url)
    for _ in range(10):
        more = make_graph()
        if resource == "persons":
            more.defendant.person = graph.person
            more.defendant.save()
            more.membership.person = graph.person
            more.membership.save()
            more.recognition.person = graph.person
            more.recognition.save()
            concern(graph.person, more.source)
        elif resource == "cases":
            more.defendant.case = graph.case
            more.defendant.save()
        elif resource == "defendants":
            more.charge.defendant = graph.defendant
            more.charge.save()
            more.sentence.defendant = graph.defendant
            more.sentence.save()
            more.custody_stay.defendant = graph.defendant
            more.custody_stay.save()
            concern(graph.defendant.person, more.source)
        elif resource == "facilities":
            more.custody_stay.facility = graph.facility
            more.custody_stay.save()  # the defendant is now held there
        elif resource == "events":
            graph.event.persons.add(more.person)
        else:
            more.membership.organization = graph.organization
            more.membership.save()
    after, _ = count_queries(client, url)
    assert after == before
