"""A record's detail answers with as many queries however many related rows it has (the lists:
``test_api_list_query_counts.py``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.tests.api_data import client_for, make_graph

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
    for _ in range(4):  # 1 related row, then 5: a query per row would show
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
