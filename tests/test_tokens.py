"""API tokens are hashed, expire, are issued to staff only, die with a password change, and can be
listed and revoked from the command line and the admin."""

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken

from casetracker.accounts.tokens import tokens_revoke

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def colleague(django_user_model):
    """Another staff member (who, unlike a Senior editor, signs in without a two-factor code)."""
    user = django_user_model.objects.create_user(username="colleague", password="colleague-pass-123", is_staff=True)
    return user


def token_login(client, username="staff", password="staff-pass-123"):
    return client.post(TOKEN_URL, {"username": username, "password": password}, content_type="application/json")


def issue(client, username="staff", password="staff-pass-123") -> str:
    response = token_login(client, username, password)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def write_with(client, token):
    return client.post(
        "/api/v1/sources/", {"title": "A report"}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
    )


def read_with(client, token):
    return client.get("/api/v1/sources/", HTTP_AUTHORIZATION=f"Token {token}")


def run_tokens(*args) -> str:
    out = StringIO()
    call_command("tokens", *args, stdout=out)
    return out.getvalue()


# Issuing -----------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_a_digest_and_works(client, staff_user):
    token = issue(client)
    record = AuthToken.objects.get(user=staff_user)
    assert record.digest == hash_token(token) and token not in record.digest
    assert record.token_key == token[: len(record.token_key)] and len(record.token_key) < len(token)
    assert write_with(client, token).status_code == 201


def test_a_token_expires_after_the_configured_hours(client, settings, staff_user):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=3)}
    before = timezone.now()
    response = token_login(client)
    expiry = AuthToken.objects.get(user=staff_user).expiry
    assert before + timedelta(hours=3) <= expiry <= timezone.now() + timedelta(hours=3)
    assert response.json()["expiry"].startswith(expiry.strftime("%Y-%m-%dT%H:%M"))
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    refused = write_with(client, response.json()["token"])
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"


def test_the_default_lifetime_is_ten_hours(settings):
    assert settings.REST_KNOX["TOKEN_TTL"] == timedelta(hours=10)


def test_each_login_issues_a_new_token_and_the_old_ones_still_work(client, staff_user):
    first, second = issue(client), issue(client)
    assert first != second
    assert write_with(client, first).status_code == 201 and write_with(client, second).status_code == 201
    AuthToken.objects.filter(digest=hash_token(first)).update(expiry=timezone.now() - timedelta(minutes=1))
    issue(client)
    assert AuthToken.objects.filter(user=staff_user).count() == 2  # the expired one went


def test_a_user_who_is_not_staff_gets_no_token(client, django_user_model):
    django_user_model.objects.create_user(username="reader", password="reader-pass-123")
    response = token_login(client, "reader", "reader-pass-123")
    assert response.status_code == 403
    assert "staff" in response.json()["detail"]
    assert not AuthToken.objects.exists()


def test_a_token_stops_working_when_its_user_is_no_longer_staff(client, staff_user):
    token = issue(client)
    staff_user.is_staff = False
    staff_user.save()
    assert write_with(client, token).status_code == 401
    assert not AuthToken.objects.filter(user=staff_user).exists()


def test_a_deactivated_users_tokens_are_revoked(client, staff_user):
    token = issue(client)
    staff_user.is_active = False
    staff_user.save()
    assert write_with(client, token).status_code == 401
    assert not AuthToken.objects.exists()


# Password changes ----------------------------------------------------------------------------


def test_changing_the_password_revokes_every_token_of_that_user_only(client, staff_user, colleague):
    mine, also_mine, theirs = issue(client), issue(client), issue(client, "colleague", "colleague-pass-123")
    staff_user.set_password("a-new-passphrase-2024")
    staff_user.save()
    assert write_with(client, mine).status_code == 401
    assert write_with(client, also_mine).status_code == 401
    assert read_with(client, theirs).status_code == 200
    assert issue(client, "staff", "a-new-passphrase-2024")


def test_the_admins_password_change_form_revokes_tokens(client, superuser, staff_user):
    token = issue(client)
    client.force_login(superuser)
    response = client.post(
        f"/admin/auth/user/{staff_user.pk}/password/",
        {"password1": "a-new-passphrase-2024", "password2": "a-new-passphrase-2024", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    assert not AuthToken.objects.filter(user=staff_user).exists()
    assert write_with(client, token).status_code == 401


def test_saving_a_user_without_a_new_password_keeps_their_tokens(client, staff_user):
    token = issue(client)
    staff_user.first_name = "Aigul"
    staff_user.save()
    staff_user.last_login = timezone.now()
    staff_user.save(update_fields=["last_login"])
    assert write_with(client, token).status_code == 201


# The tokens command ----------------------------------------------------------------------------


def test_the_command_lists_tokens_without_revealing_them(client, staff_user, colleague):
    token = issue(client)
    issue(client, "colleague", "colleague-pass-123")
    AuthToken.objects.filter(user=colleague).update(expiry=timezone.now() - timedelta(hours=1))
    listing = run_tokens()
    assert token not in listing and token[:8] in listing
    lines = listing.splitlines()
    assert lines[0].split()[:2] == ["user", "token"]
    assert any(line.startswith("colleague") and line.endswith("expired") for line in lines)
    assert any(line.startswith("staff") and line.endswith("active") for line in lines)
    assert "2 token(s)" in lines[-1]
    assert "colleague" not in run_tokens("--list", "--user", "staff")


def test_the_command_revokes_a_users_tokens(client, staff_user, colleague):
    issue(client), issue(client)
    kept = issue(client, "colleague", "colleague-pass-123")
    assert "Revoked 2 token(s) of staff." in run_tokens("--revoke", "staff")
    assert read_with(client, kept).status_code == 200
    with pytest.raises(CommandError, match="No user named ghost"):
        run_tokens("--revoke", "ghost")


def test_the_command_revokes_one_token_by_its_first_characters(client, staff_user):
    leaked, other = issue(client), issue(client)
    assert "Revoked token" in run_tokens("--revoke-key", leaked[:10])
    assert write_with(client, leaked).status_code == 401 and write_with(client, other).status_code == 201
    with pytest.raises(CommandError, match="at least the first 8"):
        run_tokens("--revoke-key", "abc")
    assert "Revoked token" in run_tokens("--revoke-key", other)  # the whole token works too


def test_the_command_revokes_all_and_clears_expired(client, staff_user, colleague):
    issue(client), issue(client, "colleague", "colleague-pass-123")
    AuthToken.objects.filter(user=colleague).update(expiry=timezone.now() - timedelta(hours=1))
    assert "Deleted 1 expired token(s)." in run_tokens("--clear-expired")
    assert "Revoked 1 token(s)." in run_tokens("--revoke-all")
    assert "No API tokens." in run_tokens()


def test_tokens_revoke_service_counts(staff_user):
    AuthToken.objects.create(user=staff_user)
    AuthToken.objects.create(user=staff_user)
    assert tokens_revoke(user=staff_user) == 2


# The admin page --------------------------------------------------------------------------------


def test_the_admin_lists_tokens_with_user_issue_and_expiry_and_revokes_them(client, superuser, staff_user):
    token = issue(client)
    record = AuthToken.objects.get()
    client.force_login(superuser)
    listing = client.get("/admin/knox/authtoken/")
    assert listing.status_code == 200
    page = listing.content.decode()
    for heading in ("Token starts with", "User", "Created", "Expiry", "State"):
        assert heading in page
    assert record.token_key in page and "staff" in page and token not in page
    assert client.get("/admin/knox/authtoken/add/").status_code == 403
    response = client.post("/admin/knox/authtoken/", {"action": "revoke", "_selected_action": [record.pk]}, follow=True)
    assert "Revoked 1 token." in response.content.decode()
    assert write_with(client, token).status_code == 401


def test_staff_roles_do_not_see_the_tokens_page(client, role_user):
    client.force_login(role_user("Editor"))
    assert client.get("/admin/knox/authtoken/").status_code == 403


# The clear-text tokens of before are gone ------------------------------------------------------


def test_the_migration_drops_the_old_clear_text_token_table():
    from casetracker.accounts.migrations import __name__ as package

    module = __import__(f"{package}.0001_drop_plaintext_tokens", fromlist=["drop_plaintext_tokens"])
    with connection.cursor() as cursor:
        cursor.execute('CREATE TABLE "authtoken_token" ("key" varchar(40) PRIMARY KEY, "user_id" integer)')
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef', 1)")
    module.drop_plaintext_tokens(django_apps, connection.schema_editor())
    assert "authtoken_token" not in connection.introspection.table_names()


# The OpenAPI document -------------------------------------------------------------------------


def test_the_schema_documents_the_token_scheme_and_login(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    login = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert {"200", "400", "401", "403", "429"} <= set(login["responses"])
    response_schema = schema["components"]["schemas"]["TokenResponse"]["properties"]
    assert set(response_schema) == {"token", "expiry"}
