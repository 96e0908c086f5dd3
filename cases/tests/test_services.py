import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.models import StatusChange
from cases.services import defendant_change_status
from cases.tests.factories import DefendantFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_status_change_becomes_the_current_status_with_its_date(staff_user):
    defendant = DefendantFactory(arrested="2012-02")
    change = defendant_change_status(
        defendant=defendant, status="convicted", date="2012-10", source=SourceFactory(), user=staff_user
    )
    defendant.refresh_from_db()
    assert (defendant.status, str(defendant.status_date)) == ("convicted", "2012-10")
    assert change.recorded_by == staff_user
    assert change.history.first().history_user == staff_user


def test_backfilled_older_change_does_not_overwrite_a_newer_status():
    defendant = DefendantFactory(arrested="2012-02")
    source = SourceFactory()
    defendant_change_status(defendant=defendant, status="imprisoned", date="2012-10", source=source)
    defendant_change_status(defendant=defendant, status="arrested", date="2012-02", source=source)
    defendant.refresh_from_db()
    assert defendant.status == "imprisoned"
    assert [c.status for c in defendant.status_changes.order_by("date")] == ["arrested", "imprisoned"]


def test_change_dated_before_the_arrest_is_refused_and_nothing_is_written():
    defendant = DefendantFactory(arrested="2012-02")
    with pytest.raises(ValidationError) as error:
        defendant_change_status(defendant=defendant, status="detained", date="2011-12", note="Reported detained")
    assert "date" in error.value.message_dict
    assert "arrest" in error.value.message_dict["date"][0]
    assert not StatusChange.objects.exists()
    defendant.refresh_from_db()
    assert defendant.status == "detained"  # the factory's, unchanged


def test_change_in_the_arrest_month_is_allowed_at_day_precision():
    defendant = DefendantFactory(arrested="2012-02")
    defendant_change_status(defendant=defendant, status="detained", date="2012-02-01", note="Taken into custody")


def test_change_dated_in_the_future_is_refused():
    defendant = DefendantFactory()
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        defendant_change_status(defendant=defendant, status="released", date=tomorrow, note="Expected release")
    assert "future" in error.value.message_dict["date"][0]


def test_change_needs_a_source_or_a_note():
    defendant = DefendantFactory()
    with pytest.raises(ValidationError) as error:
        defendant_change_status(defendant=defendant, status="released", date="2016")
    assert "source" in error.value.message_dict


def test_bad_status_and_bad_date_are_named():
    defendant = DefendantFactory()
    with pytest.raises(ValidationError) as error:
        defendant_change_status(defendant=defendant, status="vanished", date="2016-02-30", note="x")
    assert {"status", "date"} <= set(error.value.message_dict)
