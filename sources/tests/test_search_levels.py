"""Search entries store their record's level by the visibility rule, kept in step with every record it follows.

The stored level is what a restricted reader's search narrows by (an indexed ``level IN (…)``); these tests
prove it equals :func:`casetracker.visibility.effective_level` after every kind of change that can move it,
and that a level out of step (written behind the rule's back) hides a hit rather than leaking it.
"""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.tests.factories import (
    AllegationFactory,
    CaseFactory,
    CitationFactory,
    DefendantFactory,
    SourceFactory,
)
from casetracker.choices import Confidentiality
from casetracker.visibility import effective_level
from people.tests.factories import PersonFactory
from sources.models import SearchEntry
from sources.search import search_hits, search_index_rebuild, searchable_for
from sources.services import document_add, document_prepare

pytestmark = pytest.mark.django_db

PUBLIC, RESTRICTED, CONFIDENTIAL = Confidentiality.PUBLIC, Confidentiality.RESTRICTED, Confidentiality.CONFIDENTIAL


def stored(obj) -> str:
    return SearchEntry.objects.get(object_id=obj.pk, kind=searchable_for(type(obj)).kind).level


def assert_in_step():
    """Every entry's stored level is the level the rule gives its record now."""
    for entry in SearchEntry.objects.all():
        record = entry.content_type.model_class()._base_manager.get(pk=entry.object_id)
        assert entry.level == effective_level(record), (entry.kind, entry.object_id, str(record))


def set_level(obj, level):
    obj.confidentiality = level
    obj.save()


def test_a_new_record_is_indexed_at_its_level():
    person = PersonFactory(confidentiality=RESTRICTED)
    source = SourceFactory(confidentiality=CONFIDENTIAL)
    citation = CitationFactory(source=SourceFactory(), content_object=person)
    assert (stored(person), stored(source), stored(citation)) == (RESTRICTED, CONFIDENTIAL, RESTRICTED)


def test_creating_a_record_relevels_nothing_and_an_update_relevels_its_followers():
    """A record just created has no followers (nothing links to it yet): its save writes its own entry and
    re-levels no other; saved again, it re-levels the entries that follow it."""
    with CaptureQueriesContext(connection) as created:
        person = PersonFactory()
    relevels = [q["sql"] for q in created.captured_queries if q["sql"].startswith('UPDATE "sources_searchentry"')]
    assert relevels == []
    citation = CitationFactory(source=SourceFactory(), content_object=person)
    with CaptureQueriesContext(connection) as saved:
        set_level(person, CONFIDENTIAL)
    assert any(q["sql"].startswith('UPDATE "sources_searchentry"') for q in saved.captured_queries)
    assert stored(citation) == CONFIDENTIAL
    assert_in_step()


def test_a_source_made_confidential_takes_its_documents_and_citations_with_it():
    source = SourceFactory()
    document = document_add(source=source, prepared=document_prepare(io.BytesIO(b"the strike"), name="a.txt"))
    citation = CitationFactory(source=source)
    assert stored(document) == stored(citation) == PUBLIC
    set_level(source, CONFIDENTIAL)
    assert stored(document) == stored(citation) == CONFIDENTIAL
    set_level(source, RESTRICTED)
    assert stored(document) == stored(citation) == RESTRICTED
    assert_in_step()


def test_a_citation_follows_the_people_and_cases_behind_the_record_it_cites():
    person, case = PersonFactory(), CaseFactory()
    defendant = DefendantFactory(person=person, case=case)
    about_defendant = CitationFactory(content_object=defendant)
    allegation = AllegationFactory(alleged_by_person=PersonFactory(), alleged_by_description="")
    about_allegation = CitationFactory(content_object=allegation)
    assert stored(about_defendant) == stored(about_allegation) == PUBLIC
    set_level(person, CONFIDENTIAL)
    assert stored(about_defendant) == CONFIDENTIAL
    set_level(person, PUBLIC)
    set_level(case, RESTRICTED)
    assert stored(about_defendant) == RESTRICTED
    set_level(allegation.alleged_by_person, RESTRICTED)
    assert stored(about_allegation) == RESTRICTED
    assert_in_step()


def test_a_link_moved_to_another_record_moves_the_level():
    hidden_person = PersonFactory(confidentiality=CONFIDENTIAL)
    defendant = DefendantFactory()
    citation = CitationFactory(content_object=defendant)
    assert stored(citation) == PUBLIC
    defendant.person = hidden_person
    defendant.save()
    assert stored(citation) == CONFIDENTIAL
    citation.source = SourceFactory(confidentiality=RESTRICTED)
    citation.save()
    assert stored(citation) == CONFIDENTIAL
    assert_in_step()


def test_a_deleted_protector_releases_nothing_and_leaves_levels_in_step():
    person = PersonFactory(confidentiality=RESTRICTED)
    citation = CitationFactory(content_object=person)
    other = CitationFactory(source=citation.source)
    assert stored(citation) == RESTRICTED
    person.delete()  # its citations go with it (generic relation)
    assert not SearchEntry.objects.filter(kind="citation", object_id=citation.pk).exists()
    assert stored(other) == PUBLIC
    assert_in_step()


def test_rebuild_computes_the_same_levels_in_bulk():
    person = PersonFactory(confidentiality=RESTRICTED)
    CitationFactory(content_object=DefendantFactory(person=person, case=CaseFactory(confidentiality=CONFIDENTIAL)))
    CitationFactory(source=SourceFactory(confidentiality=RESTRICTED))
    CitationFactory()
    before = dict(SearchEntry.objects.values_list("id", "level"))
    SearchEntry.objects.update(level=PUBLIC)
    search_index_rebuild()
    after = {(e.kind, e.object_id): e.level for e in SearchEntry.objects.all()}
    assert sorted(after.values()) == sorted(before.values())
    assert_in_step()


def test_a_level_out_of_step_hides_the_hit_and_never_leaks_it(caplog):
    secret = PersonFactory(name="Zqvmarker Secret", confidentiality=CONFIDENTIAL)
    PersonFactory(name="Zqvmarker Open")
    SearchEntry.objects.filter(kind="person", object_id=secret.pk).update(level=PUBLIC)  # behind the rule's back
    # The narrowed query would return it ...
    assert search_hits("zqvmarker", user=AnonymousUser()).count() == 2
    # ... but the page shown is checked against the rule itself.
    body = Client().get("/api/v1/search/", {"q": "zqvmarker"}).json()
    assert [hit["label"] for hit in body["results"]] == ["Zqvmarker Open"]
    assert "out of step" in caplog.text


def test_a_restricted_readers_search_is_one_indexed_filter(staff_user):
    sql, _ = search_hits("strike", user=staff_user).query.sql_with_params()
    assert '"level" IN' in sql and "EXISTS" not in sql.upper()


@pytest.mark.parametrize("hits", [2, 12])
def test_query_count_does_not_grow_with_hits(hits, staff_user, django_assert_max_num_queries):
    sources = [SourceFactory(title=f"Zqwmarker {n}", confidentiality=RESTRICTED) for n in range(hits)]
    for source in sources:
        CitationFactory(source=source, excerpt="zqwmarker phrase")
    client = Client()
    client.force_login(staff_user)
    client.get("/api/v1/search/", {"q": "zqwmarker"})  # warm caches (content types, sessions)
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/search/", {"q": "zqwmarker"}).json()
    assert body["count"] == 2 * hits


def test_the_rule_is_compiled_once_per_model_and_answers_for_each_record():
    """A save compiles the whole rule once per model and database, then runs it with each record's key: the
    levels are the rule's, record by record (a citation of a confidential person, of a public case …)."""
    from sources import search

    search.forget_level_statements()
    people = {level: PersonFactory(confidentiality=level) for level in (PUBLIC, RESTRICTED, CONFIDENTIAL)}
    citations = {level: CitationFactory(source=SourceFactory(), content_object=people[level]) for level in people}
    compiled = set(search._LEVEL_STATEMENTS)
    assert {"people.Person", "sources.Citation"} <= {label for label, _alias in compiled}
    assert all(search._LEVEL_STATEMENTS[key] is not None for key in compiled)

    with CaptureQueriesContext(connection) as queries:
        another = PersonFactory(confidentiality=CONFIDENTIAL)
    assert set(search._LEVEL_STATEMENTS) == compiled  # nothing compiled again
    level_queries = [q["sql"] for q in queries if "search_level" in q["sql"]]
    assert len(level_queries) == 1 and str(another.pk) in level_queries[0]

    for level in people:
        assert search.stored_level(people[level]) == effective_level(people[level]) == level
        assert stored(citations[level]) == effective_level(citations[level]) == level
    assert_in_step()


def test_the_compiled_rule_is_forgotten_when_migrations_run():
    """The rule holds content type ids, which flushing a database (tests) renumbers: ``flush`` and
    ``migrate`` send ``pre_migrate``/``post_migrate``, and the next save compiles the rule again."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from sources import search

    PersonFactory()
    assert search._LEVEL_STATEMENTS
    post_migrate.send(
        sender=apps.get_app_config("sources"),
        app_config=apps.get_app_config("sources"),
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[],
    )
    assert not search._LEVEL_STATEMENTS
    assert stored(PersonFactory(confidentiality=RESTRICTED)) == RESTRICTED
