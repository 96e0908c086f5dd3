"""The change feed: a client that replays it holds exactly the records it may see, and nothing leaks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Defendant, Sentence
from cases.tests.api_data import client_for, make_graph
from cases.tests.factories import CaseFactory, DefendantFactory, SentenceFactory
from casetracker.choices import Confidentiality
from casetracker.visibility import restrict
from people.models import Person
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

FEED = "/api/v1/changes/"
SYNCED = {"persons": Person, "cases": Case, "defendants": Defendant, "sentences": Sentence}


def read_feed(client, since="", page_size=7):
    """Every entry after ``since``, page by page; and the cursor to resume from."""
    entries, url, params = [], FEED, {"since": since, "page_size": page_size}
    while True:
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        body = response.json()
        entries += body["results"]
        if body["next"] is None:
            return entries, body["cursor"]
        url, params = body["next"], None


def replay(copy: set, entries) -> set:
    for entry in entries:
        key = (entry["kind"], entry["id"])
        if entry["action"] == "deleted":
            copy.discard(key)
        else:
            copy.add(key)
    return copy


def visible_set(user) -> set:
    return {
        (kind, pk)
        for kind, model in SYNCED.items()
        for pk in restrict(model.objects.all(), user).values_list("pk", flat=True)
    }


def synced_part(copy: set) -> set:
    return {key for key in copy if key[0] in SYNCED}


@pytest.mark.parametrize("who", ["anonymous", "staff", "senior"])
def test_a_client_replaying_the_feed_holds_what_it_may_see(who, staff_user, senior_user):
    user = {"anonymous": None, "staff": staff_user, "senior": senior_user}[who]
    client = client_for(user)
    make_graph()
    make_graph(person_confidentiality=Confidentiality.RESTRICTED)
    make_graph(case_confidentiality=Confidentiality.CONFIDENTIAL)
    public = PersonFactory(name="Plain")
    copy, cursor = set(), ""
    entries, cursor = read_feed(client, cursor)
    copy = replay(copy, entries)
    assert synced_part(copy) == visible_set(user)

    # Later: a person is renamed, one is hidden, one is deleted, a new case opens.
    loner = PersonFactory(name="Loner")
    entries, cursor = read_feed(client, cursor)
    copy = replay(copy, entries)
    public.name = "Renamed"
    public.save()
    loner.confidentiality = Confidentiality.CONFIDENTIAL
    loner.save()
    doomed = SentenceFactory()
    doomed_key = ("sentences", doomed.pk)
    doomed.delete()
    CaseFactory(title="Opened later")
    entries, cursor = read_feed(client, cursor)
    renamed = [e for e in entries if (e["kind"], e["id"]) == ("persons", public.pk)]
    assert renamed and renamed[-1]["action"] == "updated" and "name" in renamed[-1]["changed"]
    hidden = [e for e in entries if (e["kind"], e["id"]) == ("persons", loner.pk)]
    assert [e["action"] for e in hidden] == (["deleted"] if who != "senior" else ["updated"])
    copy = replay(copy, entries)
    assert doomed_key not in copy
    assert synced_part(copy) == visible_set(user)
    # Nothing more since the last cursor.
    assert read_feed(client, cursor)[0] == []


def test_a_restricted_persons_changes_never_reach_the_public():
    secret = PersonFactory(name="Secret Witness", confidentiality=Confidentiality.RESTRICTED)
    secret.name = "Still Secret"
    secret.save()
    DefendantFactory(person=secret)
    response = client_for(None).get(FEED, {"page_size": 500})
    assert b"Secret" not in response.content
    kinds_ids = {(e["kind"], e["id"]) for e in response.json()["results"]}
    assert ("persons", secret.pk) not in kinds_ids
    assert not any(kind == "defendants" for kind, _id in kinds_ids)


def test_the_query_count_does_not_grow_with_the_changes_on_a_page():
    def queries(page_size):
        with CaptureQueriesContext(connection) as captured:
            assert client_for(None).get(FEED, {"page_size": page_size}).status_code == 200
        return len(captured)

    make_graph()
    make_graph()  # two: so every kind already has a row whose previous version is off the page's list
    two_graphs = queries(500)
    for _ in range(8):
        make_graph()
    # Five times the changes on the page, the same queries (one merge, at most three per kind of record).
    assert queries(500) == two_graphs


def test_a_bad_cursor_is_a_400_naming_since():
    response = client_for(None).get(FEED, {"since": "not-a-cursor"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "since"


def test_special_category_changes_are_neither_named_nor_hinted_at(staff_user, senior_user):
    person = PersonFactory(name="Profiled Person")
    start = read_feed(client_for(None))[1]
    person.ethnicity = "Zqethnicmarker"
    person.save()
    person.description = "A new description."
    person.ethnicity = "Zqethnicmarker2"
    person.save()
    for user in (None, staff_user):  # without people.view_special_category
        entries, _cursor = read_feed(client_for(user), since=start)
        updates = [e for e in entries if e["kind"] == "persons" and e["id"] == person.pk]
        # the change to ethnicity alone is no change for them; the second shows the description only
        assert [e["changed"] for e in updates] == [["description"]]
    entries, _cursor = read_feed(client_for(senior_user), since=start)
    changed = [e["changed"] for e in entries if e["kind"] == "persons" and e["id"] == person.pk]
    assert changed == [["ethnicity"], ["description", "ethnicity"]]
