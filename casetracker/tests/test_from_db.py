"""Records loaded from the database (``CleanTextModel.from_db``, which skips ``Model.__init__``) are the
records Django's own ``from_db`` builds: the same columns, the same converted values, the same state, also
with columns deferred; and Django's own path is taken when a receiver listens to ``post_init``."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.db.models.signals import post_init

from cases.tests.api_data import seed_and_synthetic_rolled_back
from casetracker.approximate_dates import ApproximateDate, ApproximateDateField
from casetracker.base_models import CleanTextModel

pytestmark = pytest.mark.django_db

MODELS = [model for model in apps.get_models() if issubclass(model, CleanTextModel)]


def _row(obj) -> dict:
    return {name: value for name, value in obj.__dict__.items() if name != "_state"}


def _djangos(model, obj):
    """``obj`` as Django's own ``Model.from_db`` builds it from the same loaded columns."""
    row = _row(obj)
    return models.Model.from_db.__func__(model, obj._state.db, list(row), list(row.values()))


def _differences(model) -> tuple[int, list[str]]:
    """(records compared, what differs) between this project's loading and Django's, for ``model``."""
    records = list(model._base_manager.order_by("pk")[:20])
    differences = []
    for obj in records:
        django = _djangos(model, obj)
        if {(obj._state.adding, obj._state.db), (django._state.adding, django._state.db)} != {(False, "default")}:
            differences.append(f"#{obj.pk}: state")
        fast, slow = _row(obj), _row(django)
        if fast != slow or {k: type(v) for k, v in fast.items()} != {k: type(v) for k, v in slow.items()}:
            differences.append(f"#{obj.pk}: {fast} != {slow}")
        for field in model._meta.concrete_fields:
            value = fast[field.attname]
            if (
                isinstance(field, ApproximateDateField)
                and value not in ("", None)
                and type(value) is not ApproximateDate
            ):
                differences.append(f"#{obj.pk}: {field.attname} not converted")
    if records:
        first = model._base_manager.only("pk").get(pk=records[0].pk)
        pk = model._meta.pk.attname
        if set(_row(first)) != {pk}:
            differences.append(f"deferred: loaded {set(_row(first))}")
        for field in model._meta.concrete_fields:
            if getattr(first, field.attname) != getattr(records[0], field.attname):
                differences.append(f"deferred {field.attname} read back differently")
    return len(records), differences


@pytest.fixture(scope="module")
def comparisons(django_db_setup, django_db_blocker):
    """{model label: (records compared, differences)} on the seed and a small synthetic set, rolled back."""
    with seed_and_synthetic_rolled_back(django_db_blocker):
        return {model._meta.label_lower: _differences(model) for model in MODELS}


@pytest.mark.parametrize("label", [model._meta.label_lower for model in MODELS])
def test_loaded_records_are_the_records_djangos_from_db_builds(comparisons, label):
    compared, differences = comparisons[label]
    assert compared, f"no {label} in the seed or the synthetic set: nothing compared"
    assert differences == []


def test_every_model_loads_through_the_fast_path():
    assert all(model.from_db.__func__ is CleanTextModel.from_db.__func__ for model in MODELS)
    assert len(MODELS) > 20


def test_a_post_init_receiver_gets_djangos_path():
    from people.tests.factories import PersonFactory

    made = PersonFactory.create_batch(3)
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(receiver, sender=type(made[0]))
    try:
        people = list(type(made[0]).objects.filter(pk__in=[p.pk for p in made]).order_by("pk"))
    finally:
        post_init.disconnect(receiver, sender=type(made[0]))
    assert seen == [person.pk for person in people] and len(seen) == 3
