"""Writes that carry business rules. Views, serializers and the admin call these."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from casetracker.approximate_dates import ApproximateDate
from casetracker.db import lock_row
from sources.models import Source

from .models import Defendant, StatusChange, status_timeline


@transaction.atomic
def defendant_change_status(
    *,
    defendant: Defendant,
    status: str,
    date: ApproximateDate | str | None = None,
    known_as_of: ApproximateDate | str | None = None,
    note: str = "",
    source: Source | None = None,
    excerpt: str = "",
    user: AbstractBaseUser | None = None,
) -> StatusChange:
    """Record a dated, sourced change of a defendant's status and make it current.

    ``date`` is when the status took effect and may be unknown (``None``);
    ``known_as_of`` is the date a source shows it holding (the report's date).
    At least one is needed. Validates before writing (no date in the future or
    before the arrest; a source or a note is required). The defendant's
    current status becomes that of the latest change in the history
    (:func:`cases.models.status_timeline`), so back-filling an old change does
    not overwrite a newer status.

    Recording the same change twice (same defendant, dates, status and source:
    a client that retried, two colleagues entering the same report) returns
    the change already recorded, with ``already_recorded = True``, instead of
    a duplicate. The defendant's row is locked first, so two identical
    requests at the same moment still make one record.
    """
    lock_row(Defendant, defendant.pk)
    parsed, parsed_as_of = parsed_date(date), parsed_date(known_as_of)
    well_formed = (date in (None, "") or parsed is not None) and (known_as_of in (None, "") or parsed_as_of is not None)
    existing = (
        StatusChange.objects.filter(
            defendant=defendant, status=status, date=parsed, known_as_of=parsed_as_of, source=source
        )
        .order_by("id")
        .first()
        if well_formed and (parsed is not None or parsed_as_of is not None)
        else None
    )
    if existing is not None:
        existing.already_recorded = True
        return existing
    change = StatusChange(
        defendant=defendant,
        status=status,
        date=date,
        known_as_of=known_as_of,
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
    """Set the defendant's current status from the latest entry of its history.

    The latest entry is the last by the date it took effect or, when that is
    unknown, by the date it is known as of (:func:`cases.models.status_timeline`).
    Its two dates become the current status's: a status reported in December
    2012 without a date of its own is "(as of 2012-12)", never "since 2012-12".
    """
    latest = defendant.status_changes.order_by(status_timeline().desc(), "-created", "-id").first()
    status = latest.status if latest else Defendant._meta.get_field("status").default
    date = latest.date if latest else None
    as_of = latest.known_as_of if latest else None
    if (defendant.status, defendant.status_date, defendant.status_as_of) != (status, date, as_of):
        defendant.status = status
        defendant.status_date = date
        defendant.status_as_of = as_of
        if user is not None and user.is_authenticated:
            defendant._history_user = user
        defendant.save(update_fields=["status", "status_date", "status_as_of", "updated"])
    return defendant
