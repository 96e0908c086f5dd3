"""Writes that carry business rules. Views, serializers and the admin call these."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from casetracker.approximate_dates import ApproximateDate

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
    """
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
    defendant_refresh_status(defendant=defendant, user=user)
    return change


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
