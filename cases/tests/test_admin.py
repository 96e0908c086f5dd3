"""The staff back office: pages load, status changes go through the service,
confidential records stay hidden, and change lists keep a fixed query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from cases.models import StatusChange
from cases.tests.factories import (
    AllegationFactory,
    CaseFactory,
    ChargeFactory,
    CitationFactory,
    DefendantFactory,
    EventFactory,
    EventFigureFactory,
    LegalArticleFactory,
    PlaceFactory,
    SentenceFactory,
    SourceFactory,
    StatusChangeFactory,
    TrialFactory,
)
from casetracker.choices import Confidentiality
from people.tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, PersonNameFactory

pytestmark = pytest.mark.django_db

FACTORIES = {
    "people/person": PersonFactory,
    "people/organization": OrganizationFactory,
    "people/membership": MembershipFactory,
    "sources/source": SourceFactory,
    "sources/citation": CitationFactory,
    "cases/place": PlaceFactory,
    "cases/event": EventFactory,
    "cases/allegation": AllegationFactory,
    "cases/case": CaseFactory,
    "cases/defendant": DefendantFactory,
    "cases/statuschange": StatusChangeFactory,
    "cases/legalarticle": LegalArticleFactory,
    "cases/charge": ChargeFactory,
    "cases/trial": TrialFactory,
    "cases/sentence": SentenceFactory,
}


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


@pytest.mark.parametrize("model", sorted(FACTORIES))
def test_change_list_query_count_does_not_grow_with_rows(staff_client, model):
    app, name = model.split("/")
    url = reverse(f"admin:{app}_{name}_changelist")
    FACTORIES[model]()
    changelist_queries(staff_client, url)  # warm the per-process caches (content types), which are not per row
    one = changelist_queries(staff_client, url)
    FACTORIES[model].create_batch(20)
    many = changelist_queries(staff_client, url)
    assert many == one, f"{model} change list: {one} queries with 1 row, {many} with 21 — add list_select_related"


@pytest.mark.parametrize("model", sorted(FACTORIES))
def test_change_form_and_add_form_load(staff_client, model):
    app, name = model.split("/")
    obj = FACTORIES[model]()
    assert staff_client.get(reverse(f"admin:{app}_{name}_change", args=[obj.pk])).status_code == 200
    assert staff_client.get(reverse(f"admin:{app}_{name}_add")).status_code == 200
    assert staff_client.get(reverse(f"admin:{app}_{name}_history", args=[obj.pk])).status_code == 200


def test_search_finds_a_defendant_by_a_name_variant(staff_client):
    kozlov = DefendantFactory(person=PersonFactory(name="Vladimir Kozlov"))
    PersonNameFactory(person=kozlov.person, name="Владимир Козлов", language="ru")
    DefendantFactory(person=PersonFactory(name="Serik Sapargali"))
    response = staff_client.get(reverse("admin:cases_defendant_changelist"), {"q": "КОЗЛОВ"})
    assert response.context["cl"].result_count == 1
    assert "Vladimir Kozlov" in response.content.decode()


def test_event_filter_and_status_filter_on_defendants(staff_client):
    event = EventFactory()
    case = CaseFactory()
    case.events.add(event)
    DefendantFactory(case=case, status="imprisoned")
    DefendantFactory(status="imprisoned")
    url = reverse("admin:cases_defendant_changelist")
    assert staff_client.get(url, {"case__events__id__exact": event.pk}).context["cl"].result_count == 1
    assert staff_client.get(url, {"status__exact": "imprisoned"}).context["cl"].result_count == 2


def status_inline_post(defendant, **row):
    """The defendant change form as a browser would post it, with one new status row."""
    data = {
        "case": defendant.case_id,
        "person": defendant.person_id,
        "arrested": str(defendant.arrested or ""),
        "description": defendant.description,
    }
    prefixes = {
        "status_changes": 0,
        "custody_stays": 0,
        "charges": 0,
        "sentences": 0,
        "sources-citation-content_type-object_id": 0,
    }
    for prefix, initial in prefixes.items():
        data[f"{prefix}-TOTAL_FORMS"] = 1 if prefix == "status_changes" else 0
        data[f"{prefix}-INITIAL_FORMS"] = initial
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
    for key, value in row.items():
        data[f"status_changes-0-{key}"] = value
    return data


def test_status_change_recorded_on_the_defendant_page_goes_through_the_service(staff_client, staff_user):
    defendant = DefendantFactory(arrested="2012-02")
    source = SourceFactory()
    url = reverse("admin:cases_defendant_change", args=[defendant.pk])
    response = staff_client.post(
        url, status_inline_post(defendant, date="October 2012", status="convicted", source=source.pk, note="")
    )
    assert response.status_code == 302, response.context["errors"] if response.context else response
    change = StatusChange.objects.get()
    assert (change.status, str(change.date), change.recorded_by) == ("convicted", "2012-10", staff_user)
    defendant.refresh_from_db()
    assert defendant.status == "convicted"
    assert defendant.history.latest().history_user == staff_user


def test_status_change_before_the_arrest_is_shown_as_an_error(staff_client):
    defendant = DefendantFactory(arrested="2012-02")
    url = reverse("admin:cases_defendant_change", args=[defendant.pk])
    response = staff_client.post(url, status_inline_post(defendant, date="2011", status="detained", note="x"))
    assert response.status_code == 200
    assert "arrest" in response.content.decode()
    assert not StatusChange.objects.exists()


def test_recorded_status_changes_cannot_be_edited(staff_client):
    change = StatusChangeFactory()
    response = staff_client.get(reverse("admin:cases_statuschange_change", args=[change.pk]))
    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()


def test_status_change_added_from_its_own_page_goes_through_the_service(staff_client):
    defendant = DefendantFactory(arrested="2012-02")
    response = staff_client.post(
        reverse("admin:cases_statuschange_add"),
        {"defendant": defendant.pk, "date": "2016-06", "status": "released", "note": "Released on parole"},
    )
    assert response.status_code == 302
    defendant.refresh_from_db()
    assert (defendant.status, str(defendant.status_date)) == ("released", "2016-06")


def test_staff_without_permission_cannot_see_confidential_people(staff_client):
    secret = PersonFactory(name="Anonymous witness", confidentiality=Confidentiality.CONFIDENTIAL)
    DefendantFactory(person=secret)
    assert staff_client.get(reverse("admin:people_person_change", args=[secret.pk])).status_code == 404
    listing = staff_client.get(reverse("admin:people_person_changelist"))
    assert "Anonymous witness" not in listing.content.decode()
    defendants = staff_client.get(reverse("admin:cases_defendant_changelist"))
    assert "Anonymous witness" not in defendants.content.decode()
    autocomplete = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cases", "model_name": "defendant", "field_name": "person", "term": "anon"},
    )
    assert "Anonymous witness" not in autocomplete.content.decode()


def test_staff_with_permission_sees_confidential_people(client, senior_user):
    client.force_login(senior_user)
    secret = PersonFactory(name="Anonymous witness", confidentiality=Confidentiality.CONFIDENTIAL)
    assert client.get(reverse("admin:people_person_change", args=[secret.pk])).status_code == 200


def test_deleting_a_case_with_defendants_is_refused_in_the_admin(client, superuser):
    client.force_login(superuser)
    defendant = DefendantFactory()
    response = client.post(reverse("admin:cases_case_delete", args=[defendant.case.pk]), {"post": "yes"})
    assert response.status_code == 200
    assert "protected" in response.content.decode().lower()
    assert type(defendant.case).objects.filter(pk=defendant.case.pk).exists()


def test_contested_figures_are_listed_on_the_event_page(staff_client):
    figure = EventFigureFactory(value=16)
    EventFigureFactory(event=figure.event, value=15, source=SourceFactory(title="Other report"))
    page = staff_client.get(reverse("admin:cases_event_change", args=[figure.event.pk])).content.decode()
    assert 'value="16"' in page and 'value="15"' in page


def test_status_change_for_many_defendants_is_recorded_for_all_through_the_service(staff_client):
    group = [DefendantFactory(arrested="2012-02") for _ in range(3)]
    source = SourceFactory()
    response = staff_client.post(
        reverse("admin:cases_defendant_changelist"),
        {
            "action": "record_status_change",
            "_selected_action": [d.pk for d in group],
            "apply": "1",
            "status": "amnestied",
            "date": "2013-12",
            "source": source.pk,
            "note": "",
            "excerpt": "",
        },
    )
    assert response.status_code == 302
    assert StatusChange.objects.filter(status="amnestied").count() == 3
    assert {d.status for d in type(group[0]).objects.filter(pk__in=[d.pk for d in group])} == {"amnestied"}


def test_status_change_for_many_defendants_is_all_or_nothing(staff_client):
    early = DefendantFactory(arrested="2012-02")
    late = DefendantFactory(arrested="2014-05")
    response = staff_client.post(
        reverse("admin:cases_defendant_changelist"),
        {
            "action": "record_status_change",
            "_selected_action": [early.pk, late.pk],
            "apply": "1",
            "status": "released",
            "date": "2013",
            "note": "Released",
        },
    )
    assert response.status_code == 200
    assert "arrest" in response.content.decode()
    assert not StatusChange.objects.exists()


def _cite_one_of_each_kind():
    """A cited defendant, trial, sentence and person (the sentence's own defendant is not cited)."""
    targets = [make_target() for make_target in (DefendantFactory, TrialFactory, SentenceFactory, PersonFactory)]
    for target in targets:
        CitationFactory(content_object=target)
    return targets


def test_citation_change_list_fetches_cited_defendants_trials_and_sentences_per_kind(staff_client):
    # Their labels (__str__) read related records: without the joins of sources.citable, a query per row.
    url = reverse("admin:sources_citation_changelist")
    defendant = _cite_one_of_each_kind()[0]
    changelist_queries(staff_client, url)  # warm the per-process caches
    one = changelist_queries(staff_client, url)
    for _ in range(10):
        _cite_one_of_each_kind()
    many = changelist_queries(staff_client, url)
    assert many == one, f"citation change list: {one} queries with 4 rows, {many} with 44"
    # A cited defendant's label, read through its joins (the first defendant by the model's ordering may be
    # a cited sentence's, which no citation names: which one comes first depends on the factories' counters).
    page = staff_client.get(url).content.decode()
    assert escape(str(defendant)) in page
