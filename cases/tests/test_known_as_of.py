"""Known as of a date: a status or a figure a source reports keeps the report's date apart from when it took effect.

"He is serving his sentence", written in December 2012, says nothing of when he began or whether he
still is. Status changes, sentence statuses and group sizes carry that date ("known as of"); the
API, the admin and the exports show it ("Serving (as of 2012-12)"); time served is counted only
as far as it is known.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse

from cases.choices import DefendantStatus, SentenceKind, SentenceStatus
from cases.models import StatusChange
from cases.services import defendant_change_status
from cases.summaries import sentence_summary_row, time_served_and_remaining
from cases.tests.api_data import client_for
from cases.tests.factories import DefendantFactory, SentenceFactory, SourceFactory, StatusChangeFactory
from casetracker.choices import Confidentiality, Qualifier
from casetracker.problems import errors_by_field
from casetracker.visibility import visible_levels
from people.tests.factories import GroupFactory, PersonFactory

pytestmark = pytest.mark.django_db

REPORT = "2012-12"
EXPORT_DAY = datetime.date(2016, 2, 15)


def change(defendant, status, *, date=None, known_as_of=None):
    return defendant_change_status(
        defendant=defendant, status=status, date=date, known_as_of=known_as_of, source=SourceFactory()
    )


# -- status changes --------------------------------------------------------------------------------


def test_a_status_reported_without_a_date_is_current_as_of_the_report_not_since_it():
    defendant = DefendantFactory(arrested=None)

    recorded = change(defendant, DefendantStatus.IMPRISONED, known_as_of=REPORT)

    defendant.refresh_from_db()
    assert (recorded.date, str(recorded.known_as_of)) == (None, REPORT)
    assert (defendant.status, defendant.status_date, str(defendant.status_as_of)) == ("imprisoned", None, REPORT)
    assert defendant.status_display == "Serving a prison sentence (as of 2012-12)"
    assert str(recorded) == "Serving a prison sentence (date unknown, as of 2012-12)"


def test_a_status_with_both_dates_reads_since_and_as_of():
    defendant = DefendantFactory(arrested="2012-02")

    change(defendant, DefendantStatus.IMPRISONED, date="2012-10", known_as_of=REPORT)

    defendant.refresh_from_db()
    assert defendant.status_display == "Serving a prison sentence since 2012-10 (as of 2012-12)"


def test_a_status_change_needs_one_of_its_two_dates():
    defendant = DefendantFactory()

    with pytest.raises(ValidationError) as error:
        change(defendant, DefendantStatus.RELEASED)

    assert "date" in error.value.message_dict
    assert not StatusChange.objects.exists()


def test_the_database_refuses_a_status_change_without_either_date():
    defendant = DefendantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusChange.objects.create(defendant=defendant, status="released", note="no date at all")


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"date": "2012-10", "known_as_of": "2012-09"}, "known_as_of"),  # known before it happened
        ({"known_as_of": "2999-01"}, "known_as_of"),  # in the future
        ({"known_as_of": "2011-05"}, "known_as_of"),  # undated, known as of a date before the arrest
    ],
)
def test_impossible_known_as_of_dates_are_refused_on_the_field(dates, field):
    defendant = DefendantFactory(arrested="2012-02")

    with pytest.raises(ValidationError) as error:
        change(defendant, DefendantStatus.IMPRISONED, **dates)

    assert field in error.value.message_dict


def test_the_current_status_is_the_latest_by_the_date_it_took_effect_or_else_was_known():
    defendant = DefendantFactory(arrested="2012-02")
    change(defendant, DefendantStatus.ARRESTED, date="2012-02")
    change(defendant, DefendantStatus.IMPRISONED, known_as_of=REPORT)
    defendant.refresh_from_db()
    assert defendant.status == DefendantStatus.IMPRISONED

    change(defendant, DefendantStatus.RELEASED, date="2013-05")
    change(defendant, DefendantStatus.DETAINED, known_as_of="2012-06")  # back-filled: older than the release

    defendant.refresh_from_db()
    assert (defendant.status, str(defendant.status_date), defendant.status_as_of) == ("released", "2013-05", None)
    assert [str(item) for item in defendant.status_changes.all()] == [
        "Arrested (2012-02)",
        "In pre-trial detention (date unknown, as of 2012-06)",
        "Serving a prison sentence (date unknown, as of 2012-12)",
        "Released (2013-05)",
    ]


def test_the_same_undated_report_recorded_twice_is_one_change():
    defendant = DefendantFactory()
    source = SourceFactory()
    first = defendant_change_status(defendant=defendant, status="imprisoned", known_as_of=REPORT, source=source)

    again = defendant_change_status(defendant=defendant, status="imprisoned", known_as_of=REPORT, source=source)

    assert again.pk == first.pk and again.already_recorded
    assert StatusChange.objects.count() == 1


# -- the API ------------------------------------------------------------------------------------------


def test_api_records_a_status_known_only_as_of_a_report(staff_user):
    defendant = DefendantFactory(arrested=None)
    client = client_for(staff_user)

    response = client.post(
        f"/api/v1/defendants/{defendant.pk}/status-changes/",
        {"status": "imprisoned", "known_as_of": REPORT, "note": "Reported as in prison; since when is not said."},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["date"], response.json()["known_as_of"]) == (None, REPORT)
    body = client.get(f"/api/v1/defendants/{defendant.pk}/").json()
    assert (body["status_date"], body["status_as_of"]) == (None, REPORT)
    assert body["status_display"] == "Serving a prison sentence (as of 2012-12)"
    assert body["status_changes"][0]["known_as_of"] == REPORT


def test_api_refuses_a_status_change_without_either_date_naming_the_field(staff_user):
    defendant = DefendantFactory()

    response = client_for(staff_user).post(
        "/api/v1/status-changes/", {"defendant": defendant.pk, "status": "released", "note": "Released."}, format="json"
    )

    assert response.status_code == 400
    assert "date" in errors_by_field(response.json())


def test_api_shows_a_sentence_status_with_the_date_it_is_known_as_of():
    sentence = SentenceFactory(status=SentenceStatus.SERVING, status_as_of=REPORT)

    body = client_for(None).get(f"/api/v1/sentences/{sentence.pk}/").json()

    assert (body["status"], body["status_as_of"]) == ("serving", REPORT)
    assert body["status_display"] == "Serving (as of 2012-12)"


def test_api_shows_a_group_size_with_the_date_it_is_known_as_of():
    group = GroupFactory(group_size=30, group_size_qualifier="more_than", group_size_as_of=REPORT)

    body = client_for(None).get(f"/api/v1/persons/{group.pk}/").json()

    assert body["group_size"]["display"] == "more than 30"
    assert body["group_size_as_of"] == REPORT
    assert group.group_size_display == "more than 30 (as of 2012-12)"


def test_a_group_size_cannot_be_dated_without_a_size():
    group = GroupFactory.build(group_size=None, group_size_qualifier="", group_size_as_of=REPORT)
    with pytest.raises(ValidationError) as error:
        group.full_clean()
    assert "group_size_as_of" in error.value.message_dict


# -- the admin ------------------------------------------------------------------------------------------


def test_admin_records_an_undated_status_known_as_of_a_report(client, staff_user):
    from cases.tests.test_admin import status_inline_post

    client.force_login(staff_user)
    defendant = DefendantFactory(arrested=None)
    url = reverse("admin:cases_defendant_change", args=[defendant.pk])

    response = client.post(
        url,
        status_inline_post(
            defendant, date="", known_as_of="December 2012", status="imprisoned", source=SourceFactory().pk, note=""
        ),
    )

    assert response.status_code == 302, response.context["errors"] if response.context else response
    defendant.refresh_from_db()
    assert (defendant.status_date, str(defendant.status_as_of)) == (None, REPORT)
    listing = client.get(reverse("admin:cases_defendant_changelist")).content.decode()
    assert "Serving a prison sentence (as of 2012-12)" in listing


def test_admin_sentence_list_shows_the_status_with_its_as_of_date(client, staff_user):
    client.force_login(staff_user)
    SentenceFactory(status=SentenceStatus.SERVING, status_as_of=REPORT)

    listing = client.get(reverse("admin:cases_sentence_changelist")).content.decode()

    assert "Serving (as of 2012-12)" in listing


# -- summaries and time served ----------------------------------------------------------------------------


def test_summary_row_says_serving_as_of_the_report():
    sentence = SentenceFactory(status=SentenceStatus.SERVING, status_as_of=REPORT)

    row = sentence_summary_row(sentence, as_of=EXPORT_DAY, levels=visible_levels(None))

    assert row["status"] == "Serving (as of 2012-12)"
    assert str(row["status_as_of"]) == REPORT


def test_a_masked_row_never_shows_the_report_date_but_never_reads_as_today():
    person = PersonFactory(confidentiality=Confidentiality.CONFIDENTIAL)
    sentence = SentenceFactory(defendant=DefendantFactory(person=person), status_as_of=REPORT)

    row = sentence_summary_row(sentence, as_of=EXPORT_DAY, levels=visible_levels(None))

    assert row["status"] == "Serving (as of a date not shown)"
    assert row["status_as_of"] is None


def test_time_served_counts_only_to_the_date_the_status_is_known_as_of():
    known_until_report = SentenceFactory.build(
        kind=SentenceKind.IMPRISONMENT,
        start="2012-01-23",
        term_months=90,
        term_qualifier=Qualifier.EXACT,
        status=SentenceStatus.SERVING,
        status_as_of=REPORT,
    )
    kept_current = SentenceFactory.build(
        kind=SentenceKind.IMPRISONMENT,
        start="2012-01-23",
        term_months=90,
        term_qualifier=Qualifier.EXACT,
        status=SentenceStatus.SERVING,
    )

    # 23 January to 1 December 2012: at least 10 months served, so at most 80 left.
    assert time_served_and_remaining(known_until_report, as_of=EXPORT_DAY) == (
        "at least 10 months",
        "up to 6 years 8 months",
    )
    assert time_served_and_remaining(kept_current, as_of=EXPORT_DAY) == ("4 years", "3 years 6 months")
    # Before the report's date, the status is as good as current.
    assert time_served_and_remaining(known_until_report, as_of=datetime.date(2012, 7, 23)) == (
        "6 months",
        "7 years",
    )


def test_time_served_is_empty_without_a_start_whatever_the_reported_status():
    sentence = SentenceFactory.build(start=None, status=SentenceStatus.SERVING, status_as_of=REPORT)

    assert time_served_and_remaining(sentence, as_of=EXPORT_DAY) == (None, None)


def test_a_group_row_says_as_of_when_its_size_is_known():
    group = GroupFactory(name="Convicted protesters", group_size=30, group_size_qualifier="more_than")
    group.group_size_as_of = REPORT
    group.save()
    sentence = SentenceFactory(defendant=DefendantFactory(person=group))

    row = sentence_summary_row(sentence, as_of=EXPORT_DAY, levels=visible_levels(None))

    assert row["defendant"] == "Convicted protesters (group of more than 30 as of 2012-12)"


# -- the data migration ------------------------------------------------------------------------------------


def test_migration_moves_the_seeds_report_dates_to_known_as_of_with_history():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("cases.migrations.0008_report_dates_become_known_as_of")
    old_note = "The source reports this without a date; it is dated by the article that reports it (December 2012)."
    group = DefendantFactory(arrested=None, status="imprisoned", status_date=REPORT)
    reported = StatusChangeFactory(defendant=group, status="imprisoned", date=REPORT, note=old_note)
    dated = DefendantFactory(arrested="2012-02", status="convicted", status_date="2012-10")
    kept = StatusChangeFactory(defendant=dated, status="convicted", date="2012-10", note="Convicted in October.")

    with override_settings(SIMPLE_HISTORY_ENABLED=False):  # as in a migration: no history signals
        migration.move_report_dates(apps, None)

    reported.refresh_from_db()
    kept.refresh_from_db()
    group.refresh_from_db()
    assert (reported.date, str(reported.known_as_of)) == (None, REPORT)
    assert "known as of the article's date" in reported.note
    assert (str(kept.date), kept.known_as_of) == ("2012-10", None)
    assert (group.status, group.status_date, str(group.status_as_of)) == ("imprisoned", None, REPORT)
    assert reported.history.first().history_change_reason.startswith("Migration cases 0008")
    assert group.history.first().history_change_reason.startswith("Migration cases 0008")
