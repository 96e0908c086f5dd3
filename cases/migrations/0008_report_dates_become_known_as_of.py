"""Status changes dated by the report that mentions them become "known as of" that date, took effect: unknown.

Before ``known_as_of`` existed a status change needed a date, so the seed dated three changes the
December 2012 article reports without a date of its own (the protesters jailed, the police officers
and the opposition politicians arrested) by the article: 2012-12, with a note saying so. That is the
date the status was *known*, not when it *took effect*. The changes recognised by that note get
``known_as_of`` = their old date and no date; their defendants' current status is recomputed as
``cases.services.defendant_refresh_status`` does it. Each changed record gets a history entry, so
the move is in the record's history like any other change.
"""

from django.db import migrations
from django.db.models.functions import Coalesce
from django.utils import timezone

# The note the seed gave a change dated by its report (fixtures/build_zhanaozen.py before this migration).
REPORT_DATE_NOTE = "it is dated by the article that reports it"
NEW_NOTE = (
    "The article reports this without a date of its own: the status is known as of the article's date "
    "(December 2012); when it took effect is not stated."
)
REASON = "Migration cases 0008: the report's date is when the status was known, not when it took effect"


def _record_history(apps, model_name: str, obj, now) -> None:
    historical = apps.get_model("cases", f"Historical{model_name}")
    values = {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}
    historical.objects.create(
        **values, history_date=now, history_type="~", history_change_reason=REASON, history_user=None
    )


def move_report_dates(apps, schema_editor):
    StatusChange = apps.get_model("cases", "StatusChange")
    Defendant = apps.get_model("cases", "Defendant")
    now = timezone.now()
    defendants = set()
    moved = StatusChange.objects.filter(
        note__contains=REPORT_DATE_NOTE, date__isnull=False, known_as_of__isnull=True
    ).order_by("id")
    for change in moved:
        change.known_as_of, change.date, change.note = change.date, None, NEW_NOTE
        change.save(update_fields=["known_as_of", "date", "note"])
        _record_history(apps, "StatusChange", change, now)
        defendants.add(change.defendant_id)
    for defendant in Defendant.objects.filter(pk__in=defendants).order_by("id"):
        latest = (
            StatusChange.objects.filter(defendant_id=defendant.pk)
            .order_by(Coalesce("date", "known_as_of").desc(), "-created", "-id")
            .first()
        )
        current = (latest.status, latest.date, latest.known_as_of) if latest else ("unknown", None, None)
        if (defendant.status, defendant.status_date, defendant.status_as_of) != current:
            defendant.status, defendant.status_date, defendant.status_as_of = current
            defendant.updated = now
            defendant.save(update_fields=["status", "status_date", "status_as_of", "updated"])
            _record_history(apps, "Defendant", defendant, now)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_status_known_as_of"),
    ]

    operations = [
        migrations.RunPython(move_report_dates, migrations.RunPython.noop, elidable=True),
    ]
