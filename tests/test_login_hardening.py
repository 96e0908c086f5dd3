"""Sign-in attempts are limited per address and per user name, in a cache every worker shares,
and the client's address cannot be forged with X-Forwarded-For: throttles and the lockout
(django-axes) read the same address."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.helpers import get_client_ip_address
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory
from rest_framework.throttling import BaseThrottle

from casetracker.accounts.caches import DEFAULT_CACHE_URL, cache_from_url
from casetracker.problems import errors_by_field

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
TOKEN_URL = "/api/v1/auth/token/"
PER_ADDRESS = 5
PER_USERNAME = 4


@pytest.fixture
def login_rates(settings):
    """Small limits, so a test reaches them in a few requests."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login-address": f"{PER_ADDRESS}/hour",
            "login-username": f"{PER_USERNAME}/hour",
        },
    }


def behind_proxies(settings, count: int) -> None:
    """What settings.py derives from DJANGO_BEHIND_PROXY=1 and DJANGO_PROXY_COUNT=count."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    settings.AXES_IPWARE_PROXY_COUNT = count - 1
    settings.IPWARE_STRICT = False


def token_login(client, username, password="wrong", **meta):
    meta.setdefault("REMOTE_ADDR", "203.0.113.5")
    return client.post(TOKEN_URL, {"username": username, "password": password}, content_type="application/json", **meta)


def settings_in_subprocess(env: dict) -> dict:
    """Import the settings module with ``env`` as a fresh process would, and return a few values."""
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({'caches': s.CACHES, "
        "'num_proxies': s.REST_FRAMEWORK['NUM_PROXIES'], 'axes_count': getattr(s, 'AXES_IPWARE_PROXY_COUNT', None), "
        "'axes_order': s.AXES_IPWARE_META_PRECEDENCE_ORDER}))"
    )
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CACHE_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "casetracker.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# The shared cache ------------------------------------------------------------------------------


def test_the_default_cache_is_a_database_table_that_migrate_created(settings):
    assert settings.CACHES["default"]["BACKEND"] == "casetracker.accounts.cache_backend.SharedDatabaseCache"
    assert settings.CACHES["default"]["LOCATION"] in connection.introspection.table_names()


def test_throttle_counts_are_in_the_database_where_every_worker_reads_them(client, login_rates, staff_user):
    for _ in range(PER_ADDRESS):
        token_login(client, "nobody")
    # Another process's view of the cache: a new backend object, nothing shared in memory.
    other_worker = caches.create_connection("default")
    key = f"throttle_login-address_{'203.0.113.5'}"
    assert len(other_worker.get(key)) == PER_ADDRESS
    assert token_login(client, "staff", "staff-pass-123").status_code == 429


def test_the_database_cache_never_drops_live_counts_however_many_keys(settings, monkeypatch):
    """Django's database cache deletes a third of its rows, live or not, past 300; this one only expired rows."""
    from django.core.cache import cache

    cache.set("throttle_login-address_203.0.113.5", [1.0, 2.0], 3600)
    for number in range(400):
        cache.set(f"throttle_anon_198.51.{number // 256}.{number % 256}", [1.0], 3600)
    cache.set("stale", [1.0], 1)
    assert cache.get("throttle_login-address_203.0.113.5") == [1.0, 2.0]
    cache.set("throttle_login-address_203.0.113.5", [3.0], 3600)  # an update, not a second row
    assert cache.get("throttle_login-address_203.0.113.5") == [3.0]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE casetracker_cache SET expires = %s WHERE cache_key LIKE %s", ["2000-01-01", "%stale"])
    monkeypatch.setattr(type(caches["default"]), "PURGE_EVERY", 1)
    cache.set("another", 1, 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM casetracker_cache")
        assert cursor.fetchone()[0] == 1 + 400 + 1  # the stale row went, every live one stayed
    assert cache.add("new-key", 1) and not cache.add("new-key", 2) and cache.get("new-key") == 1


def test_a_throttle_count_costs_one_write(django_assert_max_num_queries):
    from django.core.cache import cache

    with django_assert_max_num_queries(3):  # savepoint, upsert, release: no table count, no read first
        cache.set("throttle_anon_203.0.113.5", [1.0], 60)


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("", "casetracker.accounts.cache_backend.SharedDatabaseCache", "casetracker_cache"),
        (DEFAULT_CACHE_URL, "casetracker.accounts.cache_backend.SharedDatabaseCache", "casetracker_cache"),
        ("db://other_cache", "casetracker.accounts.cache_backend.SharedDatabaseCache", "other_cache"),
        ("redis://127.0.0.1:6379/1", "django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/1"),
        (
            "rediss://:secret@cache.example.org:6380/0",
            "django.core.cache.backends.redis.RedisCache",
            "rediss://:secret@cache.example.org:6380/0",
        ),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", "casetracker"),
    ],
)
def test_cache_url_names_the_backend(url, backend, location):
    entry = cache_from_url(url)
    assert (entry["BACKEND"], entry["LOCATION"]) == (backend, location)


@pytest.mark.parametrize("url", ["memcached://:hunter2@127.0.0.1:11211", "redis://", "db://bad-name;drop"])
def test_an_unknown_or_incomplete_cache_url_stops_the_service_without_repeating_a_password(url):
    with pytest.raises(ImproperlyConfigured) as error:
        cache_from_url(url)
    assert "CACHE_URL" in str(error.value) and "hunter2" not in str(error.value)


def test_settings_read_cache_url_and_the_proxy_count_from_the_environment():
    redis = settings_in_subprocess({"CACHE_URL": "redis://127.0.0.1:6379/2"})
    assert redis["caches"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["caches"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/2"
    direct = settings_in_subprocess({"DJANGO_PROXY_COUNT": "2"})  # ignored without DJANGO_BEHIND_PROXY
    assert (direct["num_proxies"], direct["axes_order"]) == (0, ["REMOTE_ADDR"])
    proxied = settings_in_subprocess({"DJANGO_BEHIND_PROXY": "1", "DJANGO_PROXY_COUNT": "2"})
    assert (proxied["num_proxies"], proxied["axes_count"]) == (2, 1)
    assert proxied["axes_order"] == ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]


# One client address for throttles and lockout ---------------------------------------------------

FORWARDED = [
    # (proxies in front, X-Forwarded-For as the app receives it, the client's address)
    (0, None, "192.0.2.1"),
    (0, "6.6.6.6", "192.0.2.1"),
    (1, None, "192.0.2.1"),
    (1, "203.0.113.5", "203.0.113.5"),
    (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
    (1, "1.2.3.4, 6.6.6.6, 10.0.0.5", "10.0.0.5"),
    (2, "203.0.113.5, 198.51.100.1", "203.0.113.5"),
    (2, "6.6.6.6, 7.7.7.7, 203.0.113.5, 198.51.100.1", "203.0.113.5"),
]


@pytest.mark.parametrize(("proxies", "forwarded_for", "client"), FORWARDED)
def test_throttles_and_lockout_see_the_same_client_address(settings, proxies, forwarded_for, client):
    if proxies:
        behind_proxies(settings, proxies)
    meta = {"REMOTE_ADDR": "192.0.2.1"}
    if forwarded_for:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    request = RequestFactory().post("/admin/login/", **meta)
    assert BaseThrottle().get_ident(request) == client
    assert get_client_ip_address(request) == client


# Token login limits ---------------------------------------------------------------------------


def test_token_login_is_limited_per_address_across_user_names(client, login_rates, staff_user):
    for number in range(PER_ADDRESS):
        assert token_login(client, f"user{number}").status_code == 401
    refused = token_login(client, "staff", "staff-pass-123")
    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 3600
    # Another address is not affected.
    assert token_login(client, "staff", "staff-pass-123", REMOTE_ADDR="198.51.100.7").status_code == 200


def test_rotating_x_forwarded_for_does_not_reset_the_address_limit_without_a_proxy(client, login_rates):
    answers = [
        token_login(client, f"user{number}", HTTP_X_FORWARDED_FOR=f"6.6.6.{number}").status_code
        for number in range(PER_ADDRESS + 3)
    ]
    assert answers == [401] * PER_ADDRESS + [429] * 3


def test_rotating_x_forwarded_for_does_not_reset_the_address_limit_behind_a_proxy(client, settings, login_rates):
    behind_proxies(settings, 1)
    # The proxy appends the address it saw (203.0.113.5) to whatever the client sent.
    answers = [
        token_login(
            client, f"user{number}", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"6.6.6.{number}, 203.0.113.5"
        ).status_code
        for number in range(PER_ADDRESS + 3)
    ]
    assert answers == [401] * PER_ADDRESS + [429] * 3
    other_client = token_login(client, "someone", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other_client.status_code == 401


def test_token_login_is_limited_per_user_name_across_addresses(client, login_rates, staff_user):
    for number in range(PER_USERNAME):
        assert token_login(client, "staff", REMOTE_ADDR=f"198.51.100.{number}").status_code == 401
    assert token_login(client, "Staff", REMOTE_ADDR="198.51.100.99").status_code == 429
    assert token_login(client, "staff", "staff-pass-123", REMOTE_ADDR="198.51.100.100").status_code == 429
    assert token_login(client, "someone-else", REMOTE_ADDR="198.51.100.101").status_code == 401


def test_admin_and_token_logins_share_the_limits(client, login_rates):
    for number in range(PER_ADDRESS - 1):
        client.post("/admin/login/", {"username": f"user{number}", "password": "wrong"}, REMOTE_ADDR="203.0.113.5")
    assert token_login(client, "another").status_code == 401
    refused = client.post("/admin/login/", {"username": "x", "password": "wrong"}, REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.content.decode() and int(refused["Retry-After"]) > 0
    # Showing the login page is not an attempt.
    assert client.get("/admin/login/", REMOTE_ADDR="203.0.113.5").status_code == 200


def test_an_over_long_user_name_is_a_400_not_a_server_error(client):
    response = token_login(client, "x" * 300)
    assert response.status_code == 400
    assert "username" in errors_by_field(response.json())


# Lockout (django-axes) behind a proxy ---------------------------------------------------------


def test_an_attacker_behind_the_proxy_cannot_lock_out_the_real_user(client, settings, staff_user):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    behind_proxies(settings, 1)
    via_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for number in range(5):
        token_login(client, "staff", HTTP_X_FORWARDED_FOR=f"10.9.9.{number}, 6.6.6.6", **via_proxy)
    # The attacker is locked out whatever it puts in front; the real user, from their address, is not.
    locked = token_login(client, "staff", "staff-pass-123", HTTP_X_FORWARDED_FOR="1.1.1.1, 6.6.6.6", **via_proxy)
    assert locked.status_code == 429
    assert (
        token_login(client, "staff", "staff-pass-123", HTTP_X_FORWARDED_FOR="203.0.113.5", **via_proxy).status_code
        == 200
    )
