"""Places of detention and custody histories (issue 18): the current place derived like the current status."""

import pytest
from django.core.exceptions import ValidationError

from cases.models import CustodyStay
from cases.tests.api_data import client_for
from cases.tests.factories import (
    CaseFactory,
    CustodyStayFactory,
    DefendantFactory,
    FacilityFactory,
    FacilityNameFactory,
    PlaceFactory,
    SourceFactory,
)
from casetracker.choices import Confidentiality
from casetracker.problems import errors_by_field
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kozlov():
    return DefendantFactory(person=PersonFactory(name="Vladimir Kozlov"), case=CaseFactory(), arrested="2012-01")


def test_the_current_place_is_the_latest_stay_without_an_end(kozlov):
    pre_trial = FacilityFactory(name="SIZO Aktau", kind="pre_trial")
    colony = FacilityFactory(name="Colony Petropavlovsk", kind="penal_colony")
    first = CustodyStayFactory(defendant=kozlov, facility=pre_trial, start="2012-01", end="2012-11")
    kozlov.refresh_from_db()
    assert kozlov.current_facility is None  # the only stay ended
    CustodyStayFactory(defendant=kozlov, facility=colony, start=None, known_as_of="2013-02")
    kozlov.refresh_from_db()
    assert (kozlov.current_facility, kozlov.custody_since, str(kozlov.custody_as_of)) == (colony, None, "2013-02")
    assert kozlov.custody_display == "Colony Petropavlovsk (as of 2013-02)"
    # Back-filling an older stay does not move the current place.
    CustodyStayFactory(defendant=kozlov, facility=pre_trial, start="2012-01-25", end=None)
    kozlov.refresh_from_db()
    assert kozlov.current_facility == colony
    # Deleting the latest stay falls back on the one before it.
    CustodyStay.objects.get(facility=colony).delete()
    kozlov.refresh_from_db()
    assert kozlov.current_facility == pre_trial
    first.delete()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"start": None, "known_as_of": None}, "start"),
        ({"start": "2012-06", "end": "2012-05"}, "end"),
        ({"start": "2011-06"}, "start"),  # before the arrest
        ({"start": "2999"}, "start"),
        ({"source": None, "note": "", "excerpt": ""}, "source"),
    ],
)
def test_a_bad_stay_is_refused_naming_the_field(kozlov, values, field):
    stay = CustodyStay(defendant=kozlov, facility=FacilityFactory(), source=SourceFactory(), start="2012-06")
    for name, value in values.items():
        setattr(stay, name, value)
    with pytest.raises(ValidationError) as error:
        stay.full_clean()
    assert field in error.value.message_dict


def test_coordinates_come_in_pairs_and_in_range():
    facility = FacilityFactory.build(latitude=95, longitude=10)
    with pytest.raises(ValidationError) as error:
        facility.full_clean()
    assert list(error.value.message_dict) == ["latitude"]
    facility = FacilityFactory.build(latitude=43, longitude=None)
    with pytest.raises(ValidationError) as error:
        facility.full_clean()
    assert list(error.value.message_dict) == ["longitude"]


def test_api_bad_coordinates_are_a_400_naming_the_field(staff_user):
    response = client_for(staff_user).post(
        "/api/v1/facilities/", {"name": "X", "kind": "prison", "latitude": "43", "longitude": "200"}, format="json"
    )
    assert response.status_code == 400
    assert "longitude" in errors_by_field(response.json())


def test_defendant_detail_and_list_show_the_custody_history_and_current_place(kozlov):
    colony = FacilityFactory(name="Colony 157", kind="penal_colony")
    CustodyStayFactory(defendant=kozlov, facility=colony, start="2012-10", excerpt="is held in colony 157")
    body = client_for(None).get(f"/api/v1/defendants/{kozlov.pk}/").json()
    assert body["current_facility"]["label"] == "Colony 157"
    assert body["custody_since"] == "2012-10"
    assert [stay["facility"]["label"] for stay in body["custody_stays"]] == ["Colony 157"]
    assert body["custody_stays"][0]["excerpt"] == "is held in colony 157"
    row = client_for(None).get("/api/v1/defendants/").json()["results"][0]
    assert row["current_facility"]["id"] == colony.pk


def test_a_stay_reported_by_a_confidential_source_is_hidden_from_the_public(kozlov, role_user):
    secret = SourceFactory(title="Interview", confidentiality=Confidentiality.CONFIDENTIAL)
    CustodyStayFactory(defendant=kozlov, facility=FacilityFactory(), source=secret, excerpt="Zqx-secret-excerpt")
    for user in (None, role_user("Viewer")):
        body = client_for(user).get(f"/api/v1/defendants/{kozlov.pk}/")
        assert "Zqx-secret-excerpt" not in body.content.decode()
        assert client_for(user).get("/api/v1/custody-stays/").json()["count"] == 0
    assert client_for(role_user("Senior editor")).get("/api/v1/custody-stays/").json()["count"] == 1


def test_filters_facility_region_and_kind_on_defendants(kozlov):
    region = PlaceFactory(name="Mangystau", kind="region")
    town = PlaceFactory(name="Zhanaozen", region=region)
    colony = FacilityFactory(name="Colony", kind="penal_colony", place=town)
    elsewhere = DefendantFactory(person=PersonFactory(name="Other"), case=kozlov.case)
    CustodyStayFactory(defendant=kozlov, facility=colony)
    CustodyStayFactory(defendant=elsewhere, facility=FacilityFactory(kind="prison"))
    client = client_for(None)

    def names(params):
        response = client.get("/api/v1/defendants/", params)
        assert response.status_code == 200, response.content
        return [row["person"]["label"] for row in response.json()["results"]]

    assert names({"facility": colony.pk}) == ["Vladimir Kozlov"]
    assert names({"region": region.pk}) == ["Vladimir Kozlov"]
    assert names({"region": town.pk}) == ["Vladimir Kozlov"]
    assert names({"facility_kind": "prison"}) == ["Other"]
    assert client.get("/api/v1/defendants/", {"region": "abc"}).status_code == 400


def test_facility_api_names_geojson_and_who_is_held_now(kozlov, role_user):
    colony = FacilityFactory(name="Colony 157", place=PlaceFactory(name="Zhanaozen"), latitude=43.34, longitude=52.86)
    FacilityNameFactory(facility=colony, name="УГ-157/11")
    colony.save()
    FacilityFactory(name="No coordinates")
    CustodyStayFactory(defendant=kozlov, facility=colony)
    hidden = DefendantFactory(
        person=PersonFactory(name="Zqx-hidden-person", confidentiality=Confidentiality.CONFIDENTIAL),
        case=kozlov.case,
    )
    CustodyStayFactory(defendant=hidden, facility=colony)
    client = client_for(None)
    assert [r["name"] for r in client.get("/api/v1/facilities/", {"q": "уг-157"}).json()["results"]] == ["Colony 157"]
    detail = client.get(f"/api/v1/facilities/{colony.pk}/")
    assert [row["person"]["label"] for row in detail.json()["held_now"]] == ["Vladimir Kozlov"]
    assert "Zqx-hidden-person" not in detail.content.decode()
    geo = client.get("/api/v1/facilities/geojson/").json()
    assert geo["type"] == "FeatureCollection"
    assert len(geo["features"]) == 1
    feature = geo["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [52.86, 43.34]}
    assert feature["properties"]["held_now"] == 1
    senior = client_for(role_user("Senior editor")).get("/api/v1/facilities/geojson/").json()
    assert senior["features"][0]["properties"]["held_now"] == 2
    assert client.get("/api/v1/facilities/geojson/", {"kind": "prison"}).json()["features"] == []
    assert client.get("/api/v1/facilities/geojson/", {"nonsense": "1"}).status_code == 400


def test_writing_a_stay_through_the_api_updates_the_current_place(kozlov, staff_user):
    colony = FacilityFactory(name="Colony")
    response = client_for(staff_user).post(
        "/api/v1/custody-stays/",
        {"defendant": kozlov.pk, "facility": colony.pk, "start": "2012-10", "note": "family told us"},
        format="json",
    )
    assert response.status_code == 201, response.content
    kozlov.refresh_from_db()
    assert kozlov.current_facility == colony
    bad = client_for(staff_user).post(
        "/api/v1/custody-stays/",
        {"defendant": kozlov.pk, "facility": colony.pk, "start": "2012-10", "end": "2012-01", "note": "x"},
        format="json",
    )
    assert bad.status_code == 400
    assert list(errors_by_field(bad.json())) == ["end"]


def test_admin_defendant_page_has_the_custody_inline_and_facility_page_lists_who_is_held(client, kozlov, role_user):
    colony = FacilityFactory(name="Colony 157")
    CustodyStayFactory(defendant=kozlov, facility=colony, start="2012-10")
    hidden = DefendantFactory(
        person=PersonFactory(name="Zqx-hidden-person", confidentiality=Confidentiality.CONFIDENTIAL),
        case=kozlov.case,
    )
    CustodyStayFactory(defendant=hidden, facility=colony)
    client.force_login(role_user("Editor"))
    page = client.get(f"/admin/cases/defendant/{kozlov.pk}/change/").content.decode()
    assert "Places of detention" in page and "Colony 157 since 2012-10" in page
    facility_page = client.get(f"/admin/cases/facility/{colony.pk}/change/").content.decode()
    assert "Vladimir Kozlov" in facility_page and "Zqx-hidden-person" not in facility_page
    listing = client.get("/admin/cases/facility/").content.decode()
    assert "Colony 157" in listing


def test_summaries_give_the_current_place_of_detention_and_how_long_in_every_format(kozlov, role_user):
    import datetime
    import io

    from openpyxl import load_workbook

    from cases.selectors import sentence_summary_rows
    from cases.tests.factories import SentenceFactory

    colony = FacilityFactory(name="Colony 157", kind="penal_colony")
    CustodyStayFactory(defendant=kozlov, facility=colony, start="2013-02", known_as_of="2014-06")
    SentenceFactory(defendant=kozlov, term_months=90)
    other = DefendantFactory(person=PersonFactory(name="Free person"), case=kozlov.case)
    SentenceFactory(defendant=other, term_months=12)
    rows = list(sentence_summary_rows(user=None, as_of=datetime.date(2015, 2, 15)))
    by_name = {row["defendant"]: row for row in rows}
    assert by_name["Vladimir Kozlov"]["place_of_detention"] == "Colony 157 since 2013-02 (as of 2014-06)"
    assert str(by_name["Vladimir Kozlov"]["detained_there_since"]) == "2013-02"
    assert by_name["Vladimir Kozlov"]["time_there"] == "about 2 years"
    assert by_name["Free person"]["place_of_detention"] is None
    client = client_for(None)
    listed = client.get("/api/v1/sentence-summaries/", {"facility_kind": "penal_colony", "as_of": "2015-02-15"})
    assert listed.status_code == 200, listed.content
    assert [row["place_of_detention"] for row in listed.json()["results"]] == [
        "Colony 157 since 2013-02 (as of 2014-06)"
    ]
    csv_text = b"".join(client.get("/api/v1/sentence-summaries.csv", {"facility": colony.pk}).streaming_content)
    assert "Current place of detention" in csv_text.decode() and "Colony 157" in csv_text.decode()
    xlsx = client.get("/api/v1/sentence-summaries.xlsx", {"facility": colony.pk})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).worksheets[0]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "Current place of detention" in values
    assert "Colony 157 since 2013-02 (as of 2014-06)" in values


def test_summaries_filter_by_right_exercised(kozlov):
    from cases.tests.factories import SentenceFactory

    kozlov.person.rights = ["assembly"]
    kozlov.person.save()
    SentenceFactory(defendant=kozlov)
    SentenceFactory(defendant=DefendantFactory(person=PersonFactory(name="Journalist", rights=["expression"])))
    response = client_for(None).get("/api/v1/sentence-summaries/", {"right": "assembly"})
    assert [row["defendant"] for row in response.json()["results"]] == ["Vladimir Kozlov"]
