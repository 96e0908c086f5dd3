"""Writes that carry business rules. Views, serializers and the admin call these."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from casetracker.approximate_dates import ApproximateDate
from casetracker.db import lock_row

from .models import Defendant, Source, StatusChange


@transaction.atomic
def defendant_change_status(
    *,
    defendant: Defendant,
    status: str,
    date: ApproximateDate | str,
    note: str = "",
    source: Source | None = None,
    excerpt: str = "",
    user: AbstractBaseUser | None = None,
) -> StatusChange:
    """Record a dated, sourced change of a defendant's status and make it current.

    Validates before writing (no date in the future or before the arrest; a
    source or a note is required). The defendant's current status becomes
    that of the latest-dated change, so back-filling an old change does not
    overwrite a newer status.

    Recording the same change twice (same defendant, date, status and source:
    a client that retried, two colleagues entering the same report) returns
    the change already recorded, with ``already_recorded = True``, instead of
    a duplicate. The defendant's row is locked first, so two identical
    requests at the same moment still make one record.
    """
    lock_row(Defendant, defendant.pk)
    parsed = parsed_date(date)
    existing = (
        StatusChange.objects.filter(defendant=defendant, status=status, date=parsed, source=source)
        .order_by("id")
        .first()
        if parsed is not None
        else None
    )
    if existing is not None:
        existing.already_recorded = True
        return existing
    change = StatusChange(
        defendant=defendant,
        status=status,
        date=date,
        note=note,
        source=source,
        excerpt=excerpt,
        recorded_by=user if user is not None and user.is_authenticated else None,
    )
    change.full_clean()
    if user is not None and user.is_authenticated:
        change._history_user = user
    change.save()
    change.already_recorded = False
    defendant_refresh_status(defendant=defendant, user=user)
    return change


def parsed_date(value) -> ApproximateDate | None:
    """``value`` as a date the duplicate check can compare, or None (a bad date is full_clean's to report)."""
    if isinstance(value, ApproximateDate):
        return value
    try:
        return ApproximateDate.parse(value)
    except (TypeError, ValueError):
        return None


def defendant_refresh_status(*, defendant: Defendant, user: AbstractBaseUser | None = None) -> Defendant:
    """Set the defendant's current status from the latest-dated entry of its history."""
    latest = defendant.status_changes.order_by("-date", "-created", "-id").first()
    status = latest.status if latest else Defendant._meta.get_field("status").default
    date = latest.date if latest else None
    if (defendant.status, defendant.status_date) != (status, date):
        defendant.status = status
        defendant.status_date = date
        if user is not None and user.is_authenticated:
            defendant._history_user = user
        defendant.save(update_fields=["status", "status_date", "updated"])
    return defendant
