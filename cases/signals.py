"""Keep each defendant's derived current status and place of detention in step with levels.

A defendant's current status and place of detention are derived from the status changes and stays
every reader of the defendant may see (:meth:`cases.models.Defendant.shown_with`). Which those are
follows the levels of their sources, and of the defendant's person and case: when one of those
records is saved, the defendants that follow it are re-derived, the way ``sources.search`` re-levels
the search entries that follow a record (:func:`sources.search.connect_level_signals`).
"""

from django.apps import apps
from django.db.models import Q
from django.db.models.signals import post_save

from casetracker.visibility import RULES, follows, protected_by

from .models import CustodyStay, Defendant, StatusChange
from .services import DERIVED_FIELDS, defendants_rederive

#: The records a defendant's current status and place of detention are derived from.
DERIVED_FROM = (StatusChange, CustodyStay)


def followers(instance) -> list[int]:
    """The ids of the defendants with a status change or stay whose level follows ``instance`` (one query)."""
    where = Q(pk__in=[])
    for model in DERIVED_FROM:
        inner = protected_by(model, type(instance), instance.pk)
        if inner is not None:
            where |= Q(pk__in=model._base_manager.filter(inner).values("defendant_id"))
    return list(Defendant._base_manager.filter(where).values_list("pk", flat=True))


def rederive_followers(sender, instance, raw=False, update_fields=None, **kwargs):
    """``post_save`` of a record that protects status changes or stays: their defendants are re-derived."""
    if raw:
        return
    if sender is Defendant and update_fields is not None and set(update_fields) <= DERIVED_FIELDS:
        return  # the derivation's own save
    defendants_rederive(ids=followers(instance))


def connect_derived_signals() -> None:
    """Re-derive on every model some status change's or stay's visibility follows (``AppConfig.ready``)."""
    for label in RULES:
        model = apps.get_model(label)
        if not any(follows(derived, model) for derived in DERIVED_FROM):
            continue
        post_save.connect(rederive_followers, sender=model, dispatch_uid=f"derived-status-{label}", weak=False)
