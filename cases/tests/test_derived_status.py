"""The current status and place of detention never reveal a status change or stay the reader may not see.

They are derived only from the changes and stays every reader of the defendant may see (those no more
protected than the defendant), and re-derived when a source, person or case changes level.
"""

import datetime

import pytest

from cases.choices import DefendantStatus
from cases.models import Defendant
from cases.selectors import sentence_summary_rows
from cases.services import defendant_change_status, defendants_rederive
from cases.tests.api_data import client_for
from cases.tests.factories import (
    CaseFactory,
    CustodyStayFactory,
    DefendantFactory,
    FacilityFactory,
    SentenceFactory,
    SourceFactory,
)
from casetracker.choices import Confidentiality
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kozlov():
    return DefendantFactory(person=PersonFactory(name="Vladimir Kozlov"), case=CaseFactory(), arrested="2012-01")


@pytest.fixture
def public_source():
    return SourceFactory(title="Public report", confidentiality=Confidentiality.PUBLIC)


@pytest.fixture
def interview():
    return SourceFactory(title="Witness interview", confidentiality=Confidentiality.CONFIDENTIAL)


@pytest.fixture
def released_in_secret(kozlov, public_source, interview):
    """Imprisoned, says a public report; released later, says only a confidential interview."""
    defendant_change_status(defendant=kozlov, status=DefendantStatus.IMPRISONED, date="2012-10", source=public_source)
    defendant_change_status(defendant=kozlov, status=DefendantStatus.RELEASED, date="2013-05", source=interview)
    kozlov.refresh_from_db()
    return kozlov


def test_public_defendant_status_comes_from_public_changes_only(released_in_secret):
    assert (released_in_secret.status, str(released_in_secret.status_date)) == ("imprisoned", "2012-10")


def test_anonymous_api_shows_the_public_status_in_detail_list_and_filters(released_in_secret):
    client = client_for(None)
    detail = client.get(f"/api/v1/defendants/{released_in_secret.pk}/")
    assert detail.status_code == 200
    body = detail.json()
    assert (body["status"], body["status_display"]) == ("imprisoned", "Serving a prison sentence since 2012-10")
    assert "2013-05" not in detail.content.decode()
    listed = client.get("/api/v1/defendants/").json()["results"]
    assert [row["status"] for row in listed] == ["imprisoned"]
    assert client.get("/api/v1/defendants/", {"status": "released"}).json()["results"] == []
    assert len(client.get("/api/v1/defendants/", {"status": "imprisoned"}).json()["results"]) == 1
    assert client.get("/api/v1/cases/", {"status": "released"}).json()["results"] == []


def test_senior_editor_still_sees_the_confidential_change_in_the_history(released_in_secret, role_user):
    url = f"/api/v1/defendants/{released_in_secret.pk}/status-changes/"
    senior = client_for(role_user("Senior editor")).get(url).json()
    rows = senior["results"] if isinstance(senior, dict) else senior
    assert [row["status"] for row in rows] == ["imprisoned", "released"]
    anonymous = client_for(None).get(url).json()
    rows = anonymous["results"] if isinstance(anonymous, dict) else anonymous
    assert [row["status"] for row in rows] == ["imprisoned"]


def test_publishing_the_source_re_derives_the_status(released_in_secret, interview):
    interview.confidentiality = Confidentiality.PUBLIC
    interview.save()
    released_in_secret.refresh_from_db()
    assert (released_in_secret.status, str(released_in_secret.status_date)) == ("released", "2013-05")
    interview.confidentiality = Confidentiality.CONFIDENTIAL
    interview.save()
    released_in_secret.refresh_from_db()
    assert released_in_secret.status == "imprisoned"


def test_a_more_protected_defendant_takes_its_status_from_changes_up_to_its_level(released_in_secret):
    person = released_in_secret.person
    person.confidentiality = Confidentiality.CONFIDENTIAL
    person.save()
    released_in_secret.refresh_from_db()
    assert released_in_secret.status == "released"  # every reader of the defendant may see the interview
    person.confidentiality = Confidentiality.PUBLIC
    person.save()
    released_in_secret.refresh_from_db()
    assert released_in_secret.status == "imprisoned"


def test_a_restricted_case_counts_restricted_sources_not_confidential_ones(kozlov, public_source, interview):
    restricted = SourceFactory(confidentiality=Confidentiality.RESTRICTED)
    defendant_change_status(defendant=kozlov, status=DefendantStatus.DETAINED, date="2012-02", source=public_source)
    defendant_change_status(defendant=kozlov, status=DefendantStatus.CONVICTED, date="2012-12", source=restricted)
    defendant_change_status(defendant=kozlov, status=DefendantStatus.PARDONED, date="2013-01", source=interview)
    kozlov.refresh_from_db()
    assert kozlov.status == "detained"
    case = kozlov.case
    case.confidentiality = Confidentiality.RESTRICTED
    case.save()
    kozlov.refresh_from_db()
    assert kozlov.status == "convicted"


def test_moving_a_defendant_to_another_case_re_derives(released_in_secret):
    released_in_secret.case = CaseFactory(confidentiality=Confidentiality.CONFIDENTIAL)
    released_in_secret.save()
    released_in_secret.refresh_from_db()
    assert released_in_secret.status == "released"


def test_place_of_detention_comes_from_stays_every_reader_sees(kozlov, public_source, interview, role_user):
    colony = FacilityFactory(name="Colony 157", kind="penal_colony")
    secret_prison = FacilityFactory(name="Secret prison", kind="prison")
    CustodyStayFactory(defendant=kozlov, facility=colony, start="2012-10", source=public_source)
    CustodyStayFactory(defendant=kozlov, facility=secret_prison, start="2013-03", source=interview)
    SentenceFactory(defendant=kozlov, term_months=90)
    kozlov.refresh_from_db()
    assert (kozlov.current_facility, str(kozlov.custody_since)) == (colony, "2012-10")

    client = client_for(None)
    assert client.get(f"/api/v1/defendants/{kozlov.pk}/").json()["current_facility"]["id"] == colony.pk
    assert client.get("/api/v1/defendants/", {"facility": secret_prison.pk}).json()["results"] == []
    held = client.get(f"/api/v1/facilities/{colony.pk}/").json()["held_now"]
    assert [row["person"]["label"] for row in held] == ["Vladimir Kozlov"]
    assert client.get(f"/api/v1/facilities/{secret_prison.pk}/").json()["held_now"] == []
    rows = list(sentence_summary_rows(user=None, as_of=datetime.date(2015, 2, 15)))
    assert [row["place_of_detention"] for row in rows] == ["Colony 157 since 2012-10"]
    csv_text = b"".join(client.get("/api/v1/sentence-summaries.csv").streaming_content).decode()
    assert "Colony 157" in csv_text and "Secret prison" not in csv_text
    senior = client_for(role_user("Senior editor")).get(f"/api/v1/defendants/{kozlov.pk}/").json()
    assert [stay["facility"]["label"] for stay in senior["custody_stays"]] == ["Colony 157", "Secret prison"]

    interview.confidentiality = Confidentiality.PUBLIC
    interview.save()
    kozlov.refresh_from_db()
    assert (kozlov.current_facility, str(kozlov.custody_since)) == (secret_prison, "2013-03")


def test_public_sources_change_nothing(kozlov, public_source):
    colony = FacilityFactory(name="Colony 157")
    defendant_change_status(defendant=kozlov, status=DefendantStatus.DETAINED, date="2012-02", source=public_source)
    defendant_change_status(defendant=kozlov, status=DefendantStatus.IMPRISONED, date="2012-10", source=public_source)
    CustodyStayFactory(defendant=kozlov, facility=colony, start="2012-10", source=public_source)
    kozlov.refresh_from_db()
    assert (kozlov.status, kozlov.current_facility) == ("imprisoned", colony)
    assert defendants_rederive(ids=[kozlov.pk]) == 0
    history = kozlov.history.count()
    public_source.title = "Renamed report"
    public_source.save()
    assert kozlov.history.count() == history


def test_rederive_fixes_stale_stored_values_in_bulk(released_in_secret, django_assert_max_num_queries):
    Defendant.objects.filter(pk=released_in_secret.pk).update(status="released", status_date="2013-05")
    others = [DefendantFactory(status=DefendantStatus.UNKNOWN) for _ in range(5)]
    # One query per level, then only the stale defendant is saved (its status changes, save, history, search).
    with django_assert_max_num_queries(3 + 6):
        changed = defendants_rederive(ids=[released_in_secret.pk] + [d.pk for d in others])
    assert changed == 1
    released_in_secret.refresh_from_db()
    assert released_in_secret.status == "imprisoned"
