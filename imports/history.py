"""Every version an import writes names the importing user and the file, whoever writes it.

The import saves records itself, but also through services (``cases.services.defendant_change_status``
saves the change and then the defendant): rather than thread a change reason through every
service, the import sets it here for the duration of the run, and a ``pre_create_historical_record``
receiver puts it on each historical record (django-simple-history's ``history_change_reason``).
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass

from django.utils.translation import gettext


@dataclass(frozen=True)
class ImportContext:
    user: object
    reason: str


_current: contextvars.ContextVar[ImportContext | None] = contextvars.ContextVar("current_import", default=None)


def change_reason(filename: str) -> str:
    """'Imported from prisoners.xlsx': the note every version the import writes carries."""
    # The history's reason column holds 100 characters; a long file name is cut, never refused.
    return (gettext("Imported from %(file)s") % {"file": filename})[:100]


@contextlib.contextmanager
def importing(*, user, filename: str):
    token = _current.set(ImportContext(user=user, reason=change_reason(filename)))
    try:
        yield
    finally:
        _current.reset(token)


def mark_historical_record(sender, history_instance, **kwargs):
    """``pre_create_historical_record`` receiver: the importing user and the file's name on the version."""
    context = _current.get()
    if context is None:
        return
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = context.reason
    if history_instance.history_user_id is None and getattr(context.user, "is_authenticated", False):
        history_instance.history_user = context.user
