"""Headers: a Content-Security-Policy everywhere; authenticated API answers stay out of shared caches."""

import pytest

from cases.tests.api_data import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/", "/api/docs/", "/api/redoc/", "/admin/login/"])
def test_every_page_has_a_policy_that_names_no_other_host(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "http" not in policy, "no outside host may be allowed"
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


def test_the_docs_pages_load_nothing_from_elsewhere(client):
    for path in ("/api/docs/", "/api/redoc/"):
        html = client.get(path).content.decode()
        assert "googleapis" not in html and "cdn." not in html, path
        assert "<script>" not in html, f"{path} has an inline script the policy would block"


def test_an_authenticated_api_answer_is_private_and_varies_by_credentials(staff_user):
    response = client_for(staff_user).get("/api/v1/persons/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    vary = {part.strip() for part in response["Vary"].split(",")}
    assert {"Authorization", "Cookie"} <= vary


def test_a_session_signed_in_answer_is_private_too(staff_user):
    response = client_for(staff_user, token=False).get("/api/v1/cases/")
    assert "private" in response["Cache-Control"]


def test_an_anonymous_api_answer_varies_by_credentials_but_may_be_cached(client):
    response = client.get("/api/v1/persons/")
    assert "private" not in response.get("Cache-Control", "")
    assert {"Authorization", "Cookie"} <= {part.strip() for part in response["Vary"].split(",")}
