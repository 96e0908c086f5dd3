"""Protected people and cases never reach a client who may not see them, by any route of the API."""

import pytest

from cases.tests.api_data import LIST_ENDPOINTS, client_for, make_graph
from casetracker.choices import Confidentiality
from casetracker.problems import errors_by_field

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _crawl_without_throttling(settings):
    """These tests crawl every record anonymously: more requests than the anonymous rate allows."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None}}


SECRET_PERSON = "Witness Who Asked For Anonymity"
RESTRICTED_PERSON = "Restricted Activist"
# A public person: they may be shown, but not their part in the confidential case.
SECRET_CASE_PERSON = "Public Person In A Closed Case"


@pytest.fixture
def graphs():
    """A public graph, and graphs whose person or case is protected (each linked to public records)."""
    return {
        "public": make_graph(name="Public Defendant"),
        "confidential person": make_graph(person_confidentiality=Confidentiality.CONFIDENTIAL, name=SECRET_PERSON),
        "restricted person": make_graph(person_confidentiality=Confidentiality.RESTRICTED, name=RESTRICTED_PERSON),
        "confidential case": make_graph(case_confidentiality=Confidentiality.CONFIDENTIAL, name=SECRET_CASE_PERSON),
    }


def hidden_urls(graph, *, person_hidden: bool, case_hidden: bool) -> list[str]:
    """The API addresses that must answer 404 when the graph's person or case is hidden."""
    urls = []
    if person_hidden:
        urls += [f"/api/v1/persons/{graph.person.pk}/", f"/api/v1/memberships/{graph.membership.pk}/"]
    if case_hidden:
        urls += [f"/api/v1/cases/{graph.case.pk}/", f"/api/v1/trials/{graph.trial.pk}/"]
    urls += [
        f"/api/v1/defendants/{graph.defendant.pk}/",
        f"/api/v1/defendants/{graph.defendant.pk}/status-changes/",
        f"/api/v1/status-changes/{graph.status_change.pk}/",
        f"/api/v1/charges/{graph.charge.pk}/",
        f"/api/v1/sentences/{graph.sentence.pk}/",
    ]
    return urls


def everything_visible(client) -> str:
    """Every list page, and every record's detail reached from it, as one text."""
    bodies = []
    for resource in LIST_ENDPOINTS:
        response = client.get(f"/api/v1/{resource}/?page_size=500")
        assert response.status_code == 200
        bodies.append(response.content.decode())
        for record in response.json()["results"]:
            detail = client.get(record["url"])
            assert detail.status_code == 200, record["url"]
            bodies.append(detail.content.decode())
    return "\n".join(bodies)


def test_anonymous_client_reaches_no_protected_person_or_case_anywhere(graphs):
    text = everything_visible(client_for(None))
    assert "Public Defendant" in text
    for name in (SECRET_PERSON, RESTRICTED_PERSON):
        assert name not in text
    closed = graphs["confidential case"]
    assert f'"label":"{closed.case.title}"' not in text
    assert f"/defendants/{closed.defendant.pk}/" not in text
    assert f"/sentences/{closed.sentence.pk}/" not in text
    assert f"/trials/{closed.trial.pk}/" not in text
    for key in ("confidential person", "restricted person"):
        assert f"/persons/{graphs[key].person.pk}/" not in text
    assert f"/cases/{graphs['confidential case'].case.pk}/" not in text


def test_staff_without_the_permission_see_restricted_but_not_confidential(graphs, staff_user):
    text = everything_visible(client_for(staff_user))
    assert RESTRICTED_PERSON in text
    assert SECRET_PERSON not in text
    assert f'"label":"{graphs["confidential case"].case.title}"' not in text


def test_staff_with_the_permission_see_everything(graphs, senior_user):
    text = everything_visible(client_for(senior_user))
    for name in (SECRET_PERSON, RESTRICTED_PERSON, f'"label":"{graphs["confidential case"].case.title}"'):
        assert name in text


@pytest.mark.parametrize(
    ("key", "person_hidden", "case_hidden"),
    [("confidential person", True, False), ("restricted person", True, False), ("confidential case", False, True)],
)
def test_hidden_records_answer_404_not_403_to_anonymous_clients(graphs, key, person_hidden, case_hidden):
    client = client_for(None)
    for url in hidden_urls(graphs[key], person_hidden=person_hidden, case_hidden=case_hidden):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET_PERSON not in response.content.decode()


def test_confidential_records_answer_404_to_staff_without_the_permission(graphs, staff_user):
    client = client_for(staff_user)
    for url in hidden_urls(graphs["confidential person"], person_hidden=True, case_hidden=False):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/api/v1/persons/{graphs['restricted person'].person.pk}/").status_code == 200


def test_search_never_finds_a_hidden_person(graphs):
    client = client_for(None)
    for resource in ("persons", "defendants", "sentences", "charges", "memberships"):
        response = client.get(f"/api/v1/{resource}/", {"q": "witness who asked"})
        assert response.status_code == 200
        assert response.json()["count"] == 0, resource
    assert client.get("/api/v1/cases/", {"q": "closed case"}).json()["count"] == 0


def test_filtering_by_a_hidden_persons_id_reveals_nothing(graphs):
    client = client_for(None)
    hidden = graphs["confidential person"].person.pk
    for resource in (
        "cases",
        "events",
        "organizations",
        "trials",
        "sentences",
        "defendants",
        "charges",
        "status-changes",
        "memberships",
    ):
        response = client.get(f"/api/v1/{resource}/", {"person": hidden})
        assert response.status_code == 200, resource
        assert response.json()["count"] == 0, resource


def test_nested_lists_and_counts_leave_out_hidden_people(graphs):
    client = client_for(None)
    shared = graphs["public"]
    secret = graphs["confidential person"]
    # Link the hidden person to public records: an event, an organization and a public case.
    shared.event.persons.add(secret.person)
    secret.membership.organization = shared.organization
    secret.membership.save()
    secret.defendant.case = shared.case
    secret.defendant.save()

    event = client.get(f"/api/v1/events/{shared.event.pk}/").json()
    assert [person["label"] for person in event["persons"]] == ["Public Defendant"]
    organization = client.get(f"/api/v1/organizations/{shared.organization.pk}/").json()
    assert [member["person"]["label"] for member in organization["memberships"]] == ["Public Defendant"]
    case = client.get(f"/api/v1/cases/{shared.case.pk}/").json()
    assert [defendant["person"]["label"] for defendant in case["defendants"]] == ["Public Defendant"]
    assert case["defendant_count"] == 1
    listed = client.get("/api/v1/cases/", {"q": shared.case.title}).json()["results"]
    assert [row["defendant_count"] for row in listed] == [1]


def test_citations_of_hidden_records_are_hidden(graphs):
    client = client_for(None)
    secret = graphs["confidential person"]
    response = client.get("/api/v1/citations/", {"target_type": "person", "target_id": secret.person.pk})
    assert response.json()["count"] == 0
    text = client.get("/api/v1/citations/?page_size=500").content.decode()
    assert SECRET_PERSON not in text
    assert f"/persons/{secret.person.pk}/" not in text
    assert f"/defendants/{secret.defendant.pk}/" not in text


def test_staff_cannot_attach_records_to_a_person_they_may_not_see(graphs, staff_user):
    client = client_for(staff_user)
    secret = graphs["confidential person"]
    response = client.post(
        "/api/v1/defendants/", {"case": graphs["public"].case.pk, "person": secret.person.pk}, format="json"
    )
    assert response.status_code == 400
    assert "person" in errors_by_field(response.json())
    response = client.post(
        "/api/v1/citations/",
        {"source": secret.source.pk, "target_type": "person", "target_id": secret.person.pk, "excerpt": "a phrase"},
        format="json",
    )
    assert response.status_code == 400
    assert "target_id" in errors_by_field(response.json())


def test_editing_an_event_keeps_the_people_the_editor_cannot_see(graphs, staff_user):
    shared = graphs["public"]
    secret = graphs["confidential person"]
    shared.event.persons.add(secret.person)
    client = client_for(staff_user)
    response = client.patch(f"/api/v1/events/{shared.event.pk}/", {"persons": []}, format="json")
    assert response.status_code == 200, response.content
    assert list(shared.event.persons.all()) == [secret.person]


def test_anonymous_clients_may_not_filter_by_confidentiality(graphs):
    response = client_for(None).get("/api/v1/persons/", {"confidentiality": "confidential"})
    assert response.status_code == 403
    assert "staff" in response.json()["detail"]


def test_a_link_to_a_hidden_trial_reads_as_no_link(graphs):
    shared = graphs["public"]
    hidden = graphs["confidential case"]
    # Inconsistent data entered elsewhere: a public sentence pointing at a trial of the confidential case.
    shared.sentence.trial = hidden.trial
    shared.sentence.save()
    row = client_for(None).get(f"/api/v1/sentences/{shared.sentence.pk}/").json()
    assert row["trial"] is None
    assert hidden.case.title not in client_for(None).get(f"/api/v1/defendants/{shared.defendant.pk}/").content.decode()


def test_a_shared_prefetch_is_not_narrowed_in_place():
    """A viewset's class-level Prefetch is shared by every request: narrowing it for one reader must not
    change it for the next (casetracker.visibility.restrict_prefetches copies it)."""
    from django.db.models import Prefetch

    from cases.models import Defendant, StatusChange
    from cases.tests.factories import StatusChangeFactory
    from casetracker.visibility import restrict_prefetches

    shared = Prefetch("status_changes", queryset=StatusChange.objects.all())
    queryset = Defendant.objects.prefetch_related(shared)
    restrict_prefetches(queryset, None)
    assert shared.queryset.query.where.children == [], "the shared Prefetch was narrowed in place"
    StatusChangeFactory()  # and the restricted copy still works
    assert list(restrict_prefetches(queryset, None))
