"""Two-factor sign-in: staff who may see confidential records (Senior editors, superusers) must give
a code from an authenticator app (or a single-use recovery code) after their password, on the admin
and on the API token login; other staff may enrol, and then must give it too."""

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from casetracker.accounts.two_factor import (
    recovery_codes_create,
    totp_device_create,
    totp_qr_svg,
    two_factor_required,
)
from casetracker.choices import Confidentiality
from casetracker.roles import SENIOR_EDITOR, VIEWER
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "role-pass-123"
TOKEN_URL = "/api/v1/auth/token/"


def code_for(device: TOTPDevice) -> str:
    """The code the user's app shows now."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def admin_login(client, username, code="", password=PASSWORD):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password, "otp_token": code})


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def token_login(client, username, otp=None, password=PASSWORD):
    body = {"username": username, "password": password}
    if otp is not None:
        body["otp"] = otp
    return client.post(TOKEN_URL, body, content_type="application/json")


@pytest.fixture
def senior(role_user):
    return role_user(SENIOR_EDITOR, "senior")


@pytest.fixture
def viewer(role_user):
    return role_user(VIEWER, "viewer")


# Who must ---------------------------------------------------------------------------------------


def test_only_those_who_may_see_confidential_records_must_use_it(senior, viewer, superuser, django_user_model):
    assert two_factor_required(senior) and two_factor_required(superuser)
    assert not two_factor_required(viewer)
    assert not two_factor_required(django_user_model.objects.create_user("reader", password=PASSWORD))


def test_those_who_may_see_special_category_data_must_use_it_too(django_user_model):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user("ethnicity-reader", password=PASSWORD, is_staff=True)
    assert not two_factor_required(staff)
    staff.user_permissions.add(Permission.objects.get(codename="view_special_category"))
    staff = django_user_model.objects.get(pk=staff.pk)  # a fresh copy: permissions are cached per object
    assert two_factor_required(staff)


# The admin login ------------------------------------------------------------------------------


def test_a_senior_editor_without_an_app_cannot_use_the_admin(client, senior):
    response = admin_login(client, "senior")
    assert response.status_code == 200
    page = response.content.decode()
    assert "must sign in with a two-factor code" in page and "manage.py two_factor enrol senior" in page
    assert not signed_in(client)


def test_a_senior_editor_signs_in_with_the_code_from_their_app(client, senior):
    device = totp_device_create(user=senior, confirmed=True)
    assert "Two-factor code" in client.get("/admin/login/").content.decode()
    missing = admin_login(client, "senior")
    assert "Enter the code from your authenticator app" in missing.content.decode() and not signed_in(client)
    wrong = admin_login(client, "senior", "000000" if code_for(device) != "000000" else "111111")
    assert "That two-factor code is not valid" in wrong.content.decode() and not signed_in(client)
    device.throttle_reset()
    response = admin_login(client, "senior", code_for(device))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client)
    # The confidential records are there.
    assert client.get("/admin/people/person/").status_code == 200


def test_a_code_cannot_be_used_twice(client, senior):
    device = totp_device_create(user=senior, confirmed=True)
    code = code_for(device)
    assert admin_login(client, "senior", code).status_code == 302
    client.logout()
    assert "not valid" in admin_login(client, "senior", code).content.decode()


def test_a_recovery_code_works_once(client, senior):
    totp_device_create(user=senior, confirmed=True)
    codes = recovery_codes_create(user=senior)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert admin_login(client, "senior", codes[0].upper()).status_code == 302
    client.logout()
    assert "not valid" in admin_login(client, "senior", codes[0]).content.decode()
    assert StaticToken.objects.filter(device__user=senior).count() == 9
    StaticDevice.objects.get(user=senior).throttle_reset()  # django-otp makes the next try wait after a miss
    assert admin_login(client, "senior", codes[1]).status_code == 302


def test_a_viewer_without_an_app_signs_in_with_the_password_alone(client, viewer):
    response = admin_login(client, "viewer")
    assert response.status_code == 302 and signed_in(client)


def test_a_viewer_who_enrolled_must_give_the_code(client, viewer):
    device = totp_device_create(user=viewer, confirmed=True)
    assert "Enter the code" in admin_login(client, "viewer").content.decode()
    assert admin_login(client, "viewer", code_for(device)).status_code == 302


def test_a_wrong_code_counts_towards_the_lockout(client, settings, senior):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    device = totp_device_create(user=senior, confirmed=True)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    for _ in range(3):
        admin_login(client, "senior", wrong)
        device.throttle_reset()
    assert AccessAttempt.objects.get(username="senior").failures_since_start == 3
    assert admin_login(client, "senior", code_for(device)).status_code == 429


def test_a_session_without_the_second_factor_is_sent_back_to_the_login(client, viewer):
    """Someone signed in as a Viewer who is then made a Senior editor must sign in again, with a code."""
    witness = PersonFactory(confidentiality=Confidentiality.CONFIDENTIAL)
    assert admin_login(client, "viewer").status_code == 302
    viewer.groups.set([Group.objects.get(name=SENIOR_EDITOR)])
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    # The API does not take that session either: the confidential person is not there.
    assert client.get(f"/api/v1/persons/{witness.pk}/").status_code == 404


# Enrolling in the admin -----------------------------------------------------------------------


def test_a_viewer_enrols_in_the_admin_and_gets_recovery_codes(client, viewer):
    admin_login(client, "viewer")
    page = client.get("/admin/").content.decode()
    assert "Manage two-factor sign-in" in page
    started = client.post("/admin/two-factor/", {"action": "start"})
    assert started.status_code == 200 and "no-store" in started["Cache-Control"]
    body = started.content.decode()
    assert "<svg" in body and 'id="totp-secret"' in body
    device = TOTPDevice.objects.get(user=viewer)
    assert not device.confirmed
    wrong = client.post("/admin/two-factor/", {"action": "confirm", "code": "12345"})
    assert "That code is not valid" in wrong.content.decode()
    device.throttle_reset()
    confirmed = client.post("/admin/two-factor/", {"action": "confirm", "code": code_for(device)})
    body = confirmed.content.decode()
    assert "Your recovery codes" in body
    device.refresh_from_db()
    assert device.confirmed
    shown = list(StaticToken.objects.filter(device__user=viewer).values_list("token", flat=True))
    assert len(shown) == 10 and all(code in body for code in shown)
    # The session that enrolled is verified; the next sign-in asks for a code.
    assert signed_in(client)
    client.logout()
    assert "Enter the code" in admin_login(client, "viewer").content.decode()


def test_the_qr_code_is_drawn_here_as_inline_svg(viewer):
    device = totp_device_create(user=viewer, confirmed=False)
    svg = totp_qr_svg(device)
    assert svg.startswith("<svg") and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert device.config_url.startswith("otpauth://totp/casetracker%3Aviewer?")
    assert "issuer=casetracker" in device.config_url


# The API token login ----------------------------------------------------------------------------


def test_the_token_login_asks_senior_editors_for_the_code(client, senior):
    refused = token_login(client, "senior")
    assert refused.status_code == 403 and "two_factor enrol senior" in refused.json()["detail"]
    device = totp_device_create(user=senior, confirmed=True)
    missing = token_login(client, "senior")
    assert missing.status_code == 401 and "otp" in missing.json()["detail"]
    wrong = token_login(client, "senior", "000000" if code_for(device) != "000000" else "111111")
    assert wrong.status_code == 401 and "not valid" in wrong.json()["detail"]
    assert not AuthToken.objects.exists()
    device.throttle_reset()
    response = token_login(client, "senior", code_for(device))
    assert response.status_code == 200 and AuthToken.objects.filter(user=senior).count() == 1


def test_the_token_login_takes_a_recovery_code_once(client, senior):
    totp_device_create(user=senior, confirmed=True)
    code = recovery_codes_create(user=senior)[0]
    assert token_login(client, "senior", code).status_code == 200
    assert token_login(client, "senior", code).status_code == 401


def test_a_viewer_without_an_app_gets_a_token_with_the_password_alone(client, viewer):
    assert token_login(client, "viewer").status_code == 200


def test_a_wrong_code_on_the_token_login_counts_towards_the_lockout(client, settings, senior):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    device = totp_device_create(user=senior, confirmed=True)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    token_login(client, "senior", wrong)
    device.throttle_reset()
    assert token_login(client, "senior", wrong).status_code == 429
    device.throttle_reset()
    assert token_login(client, "senior", code_for(device)).status_code == 429


# The two_factor command -------------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command("two_factor", *args, stdout=out)
    return out.getvalue()


def test_the_command_enrols_a_user_and_prints_the_link_and_recovery_codes(client, senior, tmp_path):
    svg = tmp_path / "senior.svg"
    output = run("enrol", "senior", "--svg", str(svg))
    device = TOTPDevice.objects.get(user=senior)
    assert device.confirmed and device.config_url in output
    assert svg.read_text().lstrip().startswith("<?xml") and svg.stat().st_mode & 0o777 == 0o600
    codes = list(StaticToken.objects.filter(device__user=senior).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in output for code in codes)
    assert admin_login(client, "senior", code_for(device)).status_code == 302
    # Enrolling again replaces the app (a new phone).
    run("enrol", "senior")
    assert TOTPDevice.objects.filter(user=senior).count() == 1 and TOTPDevice.objects.get(user=senior) != device


def test_the_command_draws_the_qr_code_in_the_terminal(senior):
    output = run("enrol", "senior", "--qr")
    assert len(output.splitlines()) > 20  # the link, the code's rows, the recovery codes


def test_the_command_lists_who_must_and_who_has_it(senior, viewer):
    output = run("status")
    rows = [line.split() for line in output.splitlines()[1:]]
    lines = {row[0]: row[1:] for row in rows if row and row[0] in {"senior", "viewer"}}
    assert lines["senior"][:2] == ["yes", "no"] and lines["viewer"][:2] == ["no", "no"]
    assert "Cannot sign in until enrolled" in output and "senior" in output.splitlines()[-1]


def test_the_command_makes_new_recovery_codes_and_removes_a_lost_app(senior):
    run("enrol", "senior")
    old = set(StaticToken.objects.values_list("token", flat=True))
    output = run("recovery-codes", "senior")
    new = set(StaticToken.objects.values_list("token", flat=True))
    assert not old & new and all(code in output for code in new)
    removed = run("remove", "senior")
    assert "Removed 2 device(s)" in removed and "cannot sign in until enrolled again" in removed
    assert not TOTPDevice.objects.exists() and not StaticToken.objects.exists()
    with pytest.raises(CommandError, match="No user named ghost"):
        run("enrol", "ghost")
