"""The withdrawn filter takes true or false only: anything else is a 400, not silently ignored."""

import pytest

from cases.tests.api_data import client_for

pytestmark = pytest.mark.django_db


def test_withdrawn_takes_true_or_false_only():
    assert client_for(None).get("/api/v1/recognitions/", {"withdrawn": "AAA"}).status_code == 400
    assert client_for(None).get("/api/v1/recognitions/", {"withdrawn": "true"}).status_code == 200
    assert client_for(None).get("/api/v1/recognitions/", {"withdrawn": "false"}).status_code == 200
    assert client_for(None).get("/api/v1/recognitions/").status_code == 200
