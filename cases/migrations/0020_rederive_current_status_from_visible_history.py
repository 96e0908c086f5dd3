"""Re-derive each defendant's current status and place of detention from what every reader may see.

Before this, they were derived from every status change and custody stay, so a change reported only
by a confidential source showed through a public defendant's current status. Now they come only from
the changes and stays no more protected than the defendant (``Defendant.shown_with``). One query per
level works out, in the database, what each defendant's visible history gives; only the defendants
whose stored values differ are saved, each with a history entry, so the correction is in their history.
"""

from django.db import migrations
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from casetracker.visibility import LEVEL_ORDER, at_level, no_more_protected_than

REASON = "Migration cases 0020: derived only from the status changes and stays every reader may see"


def rederive(apps, schema_editor):
    Defendant = apps.get_model("cases", "Defendant")
    StatusChange = apps.get_model("cases", "StatusChange")
    CustodyStay = apps.get_model("cases", "CustodyStay")
    Historical = apps.get_model("cases", "HistoricalDefendant")
    now = timezone.now()
    with_history = Q(pk__in=StatusChange.objects.values("defendant_id")) | Q(
        pk__in=CustodyStay.objects.values("defendant_id")
    )
    for level in LEVEL_ORDER:
        changes = no_more_protected_than(StatusChange._base_manager.filter(defendant=OuterRef("pk")), level)
        changes = changes.order_by(Coalesce("date", "known_as_of").desc(), "-created", "-id")
        stays = no_more_protected_than(CustodyStay._base_manager.filter(defendant=OuterRef("pk")), level)
        stays = stays.order_by(Coalesce("start", "known_as_of").desc(), "-created", "-id")
        rows = (
            Defendant._base_manager.filter(at_level(Defendant, level))
            .filter(with_history)
            .annotate(
                derived_status=Subquery(changes.values("status")[:1]),
                derived_status_date=Subquery(changes.values("date")[:1]),
                derived_status_as_of=Subquery(changes.values("known_as_of")[:1]),
                derived_facility=Subquery(stays.values("facility_id")[:1]),
                derived_since=Subquery(stays.values("start")[:1]),
                derived_end=Subquery(stays.values("end")[:1]),
                derived_custody_as_of=Subquery(stays.values("known_as_of")[:1]),
            )
            .order_by("pk")
        )
        for row in rows:
            status = (row.derived_status or "unknown", row.derived_status_date, row.derived_status_as_of)
            held = row.derived_facility is not None and row.derived_end is None
            custody = (row.derived_facility, row.derived_since, row.derived_custody_as_of) if held else (None,) * 3
            stored = (row.status, row.status_date, row.status_as_of)
            stored_custody = (row.current_facility_id, row.custody_since, row.custody_as_of)
            if (stored, stored_custody) == (status, custody):
                continue
            row.status, row.status_date, row.status_as_of = status
            row.current_facility_id, row.custody_since, row.custody_as_of = custody
            row.updated = now
            row.save(
                update_fields=[
                    "status",
                    "status_date",
                    "status_as_of",
                    "current_facility",
                    "custody_since",
                    "custody_as_of",
                    "updated",
                ]
            )
            values = {field.attname: getattr(row, field.attname) for field in Defendant._meta.concrete_fields}
            Historical.objects.create(
                **values, history_date=now, history_type="~", history_change_reason=REASON, history_user=None
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_facility_search_key_and_labels"),
    ]

    operations = [
        migrations.RunPython(rederive, migrations.RunPython.noop, elidable=True),
    ]
