"""``GET /api/v1/search/``: hits across kinds, ranked, paginated, filtered by kind, only what the user may see."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from cases.tests.factories import CaseFactory, CitationFactory, EventFactory, SourceFactory
from casetracker.choices import Confidentiality
from casetracker.problems import errors_by_field
from people.tests.factories import PersonFactory
from sources.models import SearchEntry
from sources.search import search_hits, snippet
from sources.services import document_add, document_prepare

pytestmark = pytest.mark.django_db


def add(source, text: str, name="doc.txt"):
    return document_add(source=source, prepared=document_prepare(io.BytesIO(text.encode()), name=name))


def search(client, **params):
    response = client.get("/api/v1/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_hits_across_kinds_with_label_snippet_and_url(client):
    source = SourceFactory(title="Report on Zhanaozen")
    add(source, "Police fired on the protesters in Zhanaozen on 16 December.", name="report.txt")
    citation = CitationFactory(source=source, excerpt="fired on the protesters in Zhanaozen")
    person = PersonFactory(name="Roza Tuletaeva", description="An oil worker from Zhanaozen.")
    case = CaseFactory(title="Zhanaozen oil workers' case")
    event = EventFactory(title="Shooting in Zhanaozen", description="")
    body = search(client, q="zhanaozen")
    kinds = {(hit["kind"], hit["id"]) for hit in body["results"]}
    assert {("source", source.pk), ("citation", citation.pk), ("person", person.pk), ("case", case.pk)} <= kinds
    assert ("event", event.pk) in kinds and any(kind == "document" for kind, _ in kinds)
    document_hit = next(hit for hit in body["results"] if hit["kind"] == "document")
    assert "<mark>Zhanaozen</mark>" in document_hit["snippet"]
    assert document_hit["label"] == "report.txt (Report on Zhanaozen)"
    assert document_hit["url"].endswith(f"/api/v1/documents/{document_hit['id']}/")
    assert body["count"] == len(body["results"])


def test_kind_filter_and_pagination(client):
    for n in range(5):
        PersonFactory(name=f"Kairat {n}", description="witness of the strike")
    CaseFactory(title="The strike case")
    assert {hit["kind"] for hit in search(client, q="strike", kind="person")["results"]} == {"person"}
    first = search(client, q="strike", page_size=2)
    assert first["count"] == 6 and len(first["results"]) == 2 and first["next"]
    second = search(client, q="strike", page_size=2, page=2)
    first_hits = {(h["kind"], h["id"]) for h in first["results"]}
    assert not first_hits & {(h["kind"], h["id"]) for h in second["results"]}


def test_cyrillic_and_kazakh_words_are_found_in_any_case(client):
    add(SourceFactory(), "ПОКАЗАНИЯ свидетеля Қайрата о забастовке нефтяников")
    assert search(client, q="показания")["count"] == 1
    assert search(client, q="қайрата")["count"] == 1
    assert search(client, q="ҚАЙРАТА забастовке")["count"] == 1


def test_only_records_the_user_may_see(client, staff_user, senior_user):
    secret = SourceFactory(title="Zqx-interview", confidentiality=Confidentiality.CONFIDENTIAL)
    add(secret, "the witness Zqxmarker spoke about the strike")
    CitationFactory(source=secret, excerpt="Zqxmarker spoke")
    PersonFactory(name="Zqxmarker Person", confidentiality=Confidentiality.RESTRICTED)
    assert search(client, q="zqxmarker")["count"] == 0
    staff = Client()
    staff.force_login(staff_user)
    assert {h["kind"] for h in search(staff, q="zqxmarker")["results"]} == {"person"}
    senior = Client()
    senior.force_login(senior_user)
    assert {h["kind"] for h in search(senior, q="zqxmarker")["results"]} == {"person", "document", "citation"}


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "q"), ({"q": "  "}, "q"), ({"q": "x", "kind": "planet"}, "kind"), ({"q": "x", "page": "0"}, "page")],
)
def test_bad_parameters_are_a_400_naming_the_field(client, params, field):
    response = client.get("/api/v1/search/", params)
    assert response.status_code == 400
    assert field in errors_by_field(response.json())


def test_unknown_parameters_are_a_400(client):
    response = client.get("/api/v1/search/", {"q": "x", "typo": "1"})
    assert response.status_code == 400 and "typo" in response.json()["unknown"]


def test_snippets_are_escaped_and_marked():
    assert snippet("a <b>guilty</b> verdict", ["guilty"]) == "a &lt;b&gt;<mark>guilty</mark>&lt;/b&gt; verdict"


def test_the_index_follows_saves_and_deletes_and_can_be_rebuilt():
    person = PersonFactory(name="Aidos Sadykov")
    assert SearchEntry.objects.filter(kind="person", object_id=person.pk).exists()
    person.description = "journalist"
    person.save()
    assert "journalist" in SearchEntry.objects.get(kind="person", object_id=person.pk).text
    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index", verbosity=0)
    assert SearchEntry.objects.filter(kind="person", object_id=person.pk).exists()
    person_id = person.pk
    person.delete()
    assert not SearchEntry.objects.filter(kind="person", object_id=person_id).exists()


def test_search_query_count_does_not_grow_with_hits(client, django_assert_max_num_queries):
    source = SourceFactory(title="Strike report")
    for n in range(3):
        add(source, f"strike document {n}", name=f"{n}.txt")
        PersonFactory(name=f"Striker {n}", description="strike")
    with django_assert_max_num_queries(20) as few:
        search(client, q="strike")
    for n in range(3, 12):
        add(source, f"strike document {n}", name=f"{n}.txt")
        PersonFactory(name=f"Striker {n}", description="strike")
    with django_assert_max_num_queries(len(few.captured_queries)):
        search(client, q="strike")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only")
def test_postgresql_ranks_with_the_gin_index(client, superuser):
    add(SourceFactory(), "strike strike strike strike", name="many.txt")
    add(SourceFactory(), "one strike among many other words here", name="one.txt")
    hits = search(client, q="strike", kind="document")["results"]
    assert hits[0]["label"].startswith("many.txt")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        sql, params = search_hits("strike", user=superuser).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "searchentry_vector_gin" in plan, plan


def test_rebuilding_the_index_does_not_query_per_record(django_assert_max_num_queries):
    source = SourceFactory()
    for n in range(3):
        add(source, f"text {n}", name=f"{n}.txt")
        CitationFactory(source=source, excerpt=f"text {n}")
    with django_assert_max_num_queries(60) as few:
        call_command("rebuild_search_index", verbosity=0)
    for n in range(3, 12):
        add(source, f"text {n}", name=f"{n}.txt")
        CitationFactory(source=source, excerpt=f"text {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        call_command("rebuild_search_index", verbosity=0)
