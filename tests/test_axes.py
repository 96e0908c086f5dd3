"""Login lockout (django-axes): repeated failures on the admin or the API token login lock that
user name out from that address for a while; other users and addresses are not affected."""

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
LIMIT = 3
# What the token endpoint answers to a wrong password (see casetracker/api/auth.py).
REFUSED = 401


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)


def admin_login(client, username, password, address="203.0.113.5"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def token_login(client, username, password, address="203.0.113.5"):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json", REMOTE_ADDR=address
    )


def test_admin_login_locks_out_after_repeated_failures(client, staff_user):
    for _ in range(LIMIT - 1):
        response = admin_login(client, "staff", "wrong")
        assert response.status_code == 200 and "Please enter the correct username" in response.content.decode()
    locked = admin_login(client, "staff", "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    # Even the right password is refused while locked.
    refused = admin_login(client, "staff", "staff-pass-123")
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_token_login_locks_out_after_repeated_failures(client, staff_user):
    for _ in range(LIMIT - 1):
        response = token_login(client, "staff", "wrong")
        assert response.status_code == REFUSED, response.content
    locked = token_login(client, "staff", "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.json()["detail"]
    assert int(locked["Retry-After"]) == 30 * 60
    refused = token_login(client, "staff", "staff-pass-123")
    assert refused.status_code == 429 and "token" not in refused.json()
    assert not AuthToken.objects.filter(user=staff_user).exists()


def test_failed_token_logins_are_recorded_despite_the_request_transaction(client, staff_user):
    """DRF rolls back a request's transaction when the view raises; the failure record must survive."""
    token_login(client, "staff", "wrong")
    token_login(client, "staff", "wrong")
    attempt = AccessAttempt.objects.get(username="staff")
    assert attempt.failures_since_start == 2
    assert attempt.path_info == TOKEN_URL


def test_admin_and_token_failures_add_up(client, staff_user):
    admin_login(client, "staff", "wrong")
    token_login(client, "staff", "wrong")
    assert admin_login(client, "staff", "wrong").status_code == 429
    assert token_login(client, "staff", "staff-pass-123").status_code == 429


def test_lockout_is_per_user_and_address(client, staff_user, role_user):
    role_user("Editor")
    for _ in range(LIMIT):
        token_login(client, "staff", "wrong")
    assert token_login(client, "staff", "staff-pass-123").status_code == 429
    # Another user from the same address, and the same user from elsewhere, still get in.
    assert token_login(client, "editor", "role-pass-123").status_code == 200
    assert token_login(client, "staff", "staff-pass-123", address="198.51.100.7").status_code == 200


def test_success_before_the_limit_resets_the_count(client, staff_user):
    for _ in range(LIMIT - 1):
        token_login(client, "staff", "wrong")
    assert token_login(client, "staff", "staff-pass-123").status_code == 200
    for _ in range(LIMIT - 1):
        assert token_login(client, "staff", "wrong").status_code == REFUSED
    assert token_login(client, "staff", "staff-pass-123").status_code == 200


def test_lockout_ends_after_the_cool_off(client, staff_user):
    for _ in range(LIMIT):
        admin_login(client, "staff", "wrong")
    assert admin_login(client, "staff", "staff-pass-123").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    response = admin_login(client, "staff", "staff-pass-123")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_an_administrator_can_lift_a_lockout(client, staff_user):
    for _ in range(LIMIT):
        token_login(client, "staff", "wrong")
    call_command("axes_reset_username", "staff", stdout=StringIO())
    assert token_login(client, "staff", "staff-pass-123").status_code == 200


def test_good_token_login_still_returns_a_token(client, staff_user):
    response = token_login(client, "staff", "staff-pass-123")
    assert response.status_code == 200
    # Only a digest of the token is stored.
    assert AuthToken.objects.get(user=staff_user).digest == hash_token(response.json()["token"])
