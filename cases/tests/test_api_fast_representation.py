"""The lists' fast representation (``RecordSerializer.to_representation``: plain columns read from the loaded
row) gives exactly what DRF's own field-by-field representation gives, for every resource of the API, its
list and its detail, on the seed data, as a reader who sees everything and as an anonymous client."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory, force_authenticate

from cases.api.urls import router as cases_router
from cases.tests.api_data import seed_and_synthetic_rolled_back
from casetracker.api.serializers import LoadedRelations, RecordSerializer, representation_plan
from people.api.urls import router as people_router
from sources.api.urls import router as sources_router

pytestmark = pytest.mark.django_db

ROUTERS = (people_router, sources_router, cases_router)
VIEWSETS = [(prefix, viewset) for router in ROUTERS for prefix, viewset, _basename in router.registry]
READERS = ("superuser", "anonymous")


def _view(viewset, user, action: str):
    request = APIRequestFactory().get("/api/v1/")
    force_authenticate(request, user=user)
    view = viewset(action=action, action_map={"get": action}, format_kwarg=None, kwargs={})
    view.request = view.initialize_request(request)
    view.args = ()
    return view


def _compare(viewset, user) -> tuple[int | None, list]:
    """(rows compared, [(action, fast row, DRF's row)] that differ) for the list and detail serializers;
    None compared when the resource's serializers are not :class:`RecordSerializer`s (DRF's path only)."""
    compared, differences = None, []
    for action in ("list", "retrieve"):
        view = _view(viewset, user, action)
        serializer_class = view.get_serializer_class()
        if not issubclass(serializer_class, RecordSerializer):
            continue
        objects = list(view.get_queryset()[:40])
        compared = (compared or 0) + len(objects)
        view.prepare(objects, serializer_class)
        serializer = serializer_class(objects, many=True, context=view.get_serializer_context())
        drf = [serializers.ModelSerializer.to_representation(serializer.child, obj) for obj in objects]
        for fast_row, drf_row in zip(serializer.data, drf, strict=True):
            if dict(fast_row) != dict(drf_row):
                differences.append((action, fast_row, drf_row))
    return compared, differences


@pytest.fixture(scope="module")
def comparisons(django_db_setup, django_db_blocker):
    """{(resource, reader): (rows compared, differences)} on the seed and a small synthetic set, built and
    compared in a transaction rolled back at the end."""
    results = {}
    with seed_and_synthetic_rolled_back(django_db_blocker):
        readers = {
            "superuser": get_user_model().objects.create_superuser("fast-reader", "fast@example.org", "x"),
            "anonymous": AnonymousUser(),
        }
        for prefix, viewset in VIEWSETS:
            for name, user in readers.items():
                results[(prefix, name)] = _compare(viewset, user)
    return results


@pytest.mark.parametrize("prefix", [prefix for prefix, _viewset in VIEWSETS])
@pytest.mark.parametrize("reader", READERS)
def test_fast_representation_is_drfs(comparisons, prefix, reader):
    compared, differences = comparisons[(prefix, reader)]
    assert not differences, differences[:3]
    if reader == "superuser" and compared is not None:
        assert compared, f"{prefix}: nothing in the seed or the synthetic set to compare"


def test_plan_reads_plain_columns_and_leaves_the_rest_to_drf():
    from cases.api.serializers import SentenceSerializer
    from cases.models import Sentence

    serializer = SentenceSerializer(context={"request": None})
    plan = {name: (column, keep) for name, column, keep, _field in representation_plan(serializer, Sentence)}
    assert plan["id"][0] == "id"
    assert plan["note"] == ("note", (str,))  # text DRF would return unchanged
    assert plan["start"][0] == "start"  # an approximate date: its descriptor only converts what is assigned
    # briefs of records loaded with the sentence: read from those records, by the names they are cached under
    assert plan["defendant"][0] == LoadedRelations(["defendant"])
    assert plan["person"][0] == LoadedRelations(["defendant", "person"])
    assert plan["trial"][0] == LoadedRelations(["trial"])
    # a link, a nested figure, a computed label: through DRF
    for name in ("url", "term", "status_display"):
        assert plan[name][0] is None, name


def test_briefs_of_records_not_loaded_with_the_row_go_through_drf():
    """Without ``select_related`` (or with a link left empty) the plan's brief falls back to DRF's own reading."""
    from cases.api.serializers import SentenceSerializer
    from cases.models import Sentence
    from cases.tests.factories import SentenceFactory

    SentenceFactory(trial=None)
    request = APIRequestFactory().get("/api/v1/sentences/")
    context = {"request": Request(request)}
    for sentence in (
        Sentence.objects.get(),
        Sentence.objects.select_related("defendant__person", "defendant__case", "trial__case").get(),
    ):
        serializer = SentenceSerializer(sentence, context=context)
        drf = serializers.ModelSerializer.to_representation(serializer, sentence)
        fast = serializer.data
        assert dict(fast) == dict(drf)
        assert fast["trial"] is None and fast["person"]["id"] == sentence.defendant.person_id


@pytest.mark.parametrize("zone", ["UTC", "Asia/Almaty", "America/St_Johns"])
def test_dates_and_times_are_drfs_in_the_current_time_zone(zone):
    """``created`` and ``updated`` are written by the plan as DRF writes them: in the active time zone,
    ``Z`` for UTC, the offset of that date otherwise (Almaty +06:00 in 2012, St John's -02:30 in summer)."""
    from datetime import UTC, datetime

    from django.utils import timezone

    from cases.api.serializers import SentenceSerializer
    from cases.models import Sentence
    from cases.tests.factories import SentenceFactory
    from casetracker.api.serializers import ISO_DATETIME

    sentence = SentenceFactory()
    Sentence.objects.filter(pk=sentence.pk).update(updated=datetime(2012, 6, 4, 23, 45, 6, 789, tzinfo=UTC))
    sentence = Sentence.objects.select_related("defendant__person", "defendant__case", "trial__case").get()
    with timezone.override(zone):
        serializer = SentenceSerializer(context={"request": None})
        plan = {name: keep for name, _column, keep, _field in representation_plan(serializer, Sentence)}
        assert plan["created"] is ISO_DATETIME and plan["updated"] is ISO_DATETIME
        fast = serializer.to_representation(sentence)
        drf = serializers.ModelSerializer.to_representation(serializer, sentence)
    assert (fast["created"], fast["updated"]) == (drf["created"], drf["updated"])
    expected = {
        "UTC": "2012-06-04T23:45:06.000789Z",
        "Asia/Almaty": "2012-06-05T05:45:06.000789+06:00",
        "America/St_Johns": "2012-06-04T21:15:06.000789-02:30",
    }
    assert fast["updated"] == expected[zone]
