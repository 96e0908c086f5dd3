"""Writes that carry business rules. Views, serializers and the admin call these."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import OuterRef, Subquery

from casetracker.approximate_dates import ApproximateDate
from casetracker.db import lock_row
from casetracker.visibility import LEVEL_ORDER, at_level, no_more_protected_than
from sources.models import Source

from .models import CustodyStay, Defendant, StatusChange, custody_timeline, status_timeline


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


def defendant_refresh_status(
    *, defendant: Defendant, user: AbstractBaseUser | None = None, level: str | None = None
) -> Defendant:
    """Set the defendant's current status from the latest entry of its history.

    The latest entry is the last by the date it took effect or, when that is
    unknown, by the date it is known as of (:func:`cases.models.status_timeline`).
    Its two dates become the current status's: a status reported in December
    2012 without a date of its own is "(as of 2012-12)", never "since 2012-12".

    Only the changes every reader of the defendant may see count
    (:meth:`cases.models.Defendant.shown_with`): the current status is shown
    wherever the defendant is, so a change reported only by a more protected
    source stays in the history, for those who may see it, and out of the
    current status. ``level`` is the defendant's level, when the caller knows it.
    """
    changes = defendant.shown_with(defendant.status_changes.all(), level)
    latest = changes.order_by(status_timeline().desc(), "-created", "-id").first()
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


#: The defendant's columns derived from its status changes and custody stays (and its ``updated`` stamp).
DERIVED_FIELDS = frozenset(
    {"status", "status_date", "status_as_of", "current_facility", "custody_since", "custody_as_of", "updated"}
)


def defendants_rederive(*, ids: Iterable[int], user: AbstractBaseUser | None = None) -> int:
    """Re-derive the current status and place of detention of the defendants ``ids``; the number changed.

    For when levels change (a source is published, a person or case becomes more protected): which status
    changes and stays every reader of a defendant may see (:meth:`cases.models.Defendant.shown_with`) may
    then change. One query per level works out, in the database, what each defendant's visible history
    gives; only the defendants whose stored values differ are saved, each with a history entry.
    """
    ids = list(ids)
    if not ids:
        return 0
    default = Defendant._meta.get_field("status").default
    changed = 0
    for level in LEVEL_ORDER:
        changes = no_more_protected_than(StatusChange._base_manager.filter(defendant=OuterRef("pk")), level)
        changes = changes.order_by(status_timeline().desc(), "-created", "-id")
        stays = no_more_protected_than(CustodyStay._base_manager.filter(defendant=OuterRef("pk")), level)
        stays = stays.order_by(custody_timeline().desc(), "-created", "-id")
        rows = (
            Defendant._base_manager.filter(at_level(Defendant, level), pk__in=ids)
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
            status = (row.derived_status or default, row.derived_status_date, row.derived_status_as_of)
            held = row.derived_facility is not None and row.derived_end is None
            custody = (row.derived_facility, row.derived_since, row.derived_custody_as_of) if held else (None,) * 3
            stale_status = (row.status, row.status_date, row.status_as_of) != status
            stale_custody = (row.current_facility_id, row.custody_since, row.custody_as_of) != custody
            if stale_status:
                defendant_refresh_status(defendant=row, user=user, level=level)
            if stale_custody:
                row.refresh_custody(level)
            changed += stale_status or stale_custody
    return changed
