"""Fixtures shared by every test module."""

import pytest
from django.contrib.auth.models import Permission

#: what a test marked ``slow`` without ``seconds=`` is taken to last
SLOW_SECONDS = 10


def pytest_collection_modifyitems(config, items):
    """The longest tests first: ``@pytest.mark.slow(seconds=…)`` says about how long (``slow`` alone: 10 s).

    pytest-xdist then hands out tests one or two at a time (``--maxschedchunk 1``, ``make test``), so each
    long test starts while the other workers still have short ones to run, instead of one worker running
    the last long test alone at the end. Stable: otherwise collection order.
    """

    def seconds(item) -> int:
        marker = item.get_closest_marker("slow")
        return 0 if marker is None else marker.kwargs.get("seconds", SLOW_SECONDS)

    items.sort(key=seconds, reverse=True)


@pytest.fixture(autouse=True)
def _axes_off_unless_asked(settings):
    """Login lockout (django-axes) is off in tests: ``client.login()`` passes no request, which
    axes refuses, and repeated logins must not lock a test user out. ``tests/test_axes.py`` and
    the browser tests turn it back on with ``settings.AXES_ENABLED = True``."""
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing a password the production way takes most of a second; tests only need it to work."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_cache_purge_at_random(monkeypatch):
    """The database cache deletes its expired rows on about one write in 200, chosen at random: one more
    statement in whichever request it falls on, which made query-count tests fail now and then (CI, stop 25).
    Off in tests; ``test_login_hardening`` switches it on to check the purge itself."""
    from casetracker.accounts.cache_backend import SharedDatabaseCache

    monkeypatch.setattr(SharedDatabaseCache, "PURGE_EVERY", 0)


@pytest.fixture(autouse=True)
def _fresh_throttle_counts(request):
    """API requests and sign-ins are throttled, counted in the cache: every test starts at zero.

    The cache is a database table (casetracker.accounts.caches), so only tests with the database have one."""
    from django.core.cache import cache

    db_fixtures = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
    if request.node.get_closest_marker("django_db") or db_fixtures & set(request.fixturenames):
        # This fixture runs before the test's own fixtures: open the test database the way they will.
        request.getfixturevalue("_django_db_helper")
        cache.clear()


@pytest.fixture
def staff_user(django_user_model):
    """A staff member with every model permission but not the confidential one."""
    user = django_user_model.objects.create_user(username="staff", password="staff-pass-123", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["sources", "people", "cases"]).exclude(
            codename__in=["view_confidential", "view_special_category"]
        )
    )
    return user


@pytest.fixture
def senior_user(django_user_model):
    """A staff member who may also see confidential people and cases."""
    user = django_user_model.objects.create_user(username="senior", password="senior-pass-123", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["sources", "people", "cases"]))
    return user


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(username="root", password="root-pass-123", email="r@example.org")


@pytest.fixture
def role_user(django_user_model):
    """``role_user("Editor")``: a staff member holding one of the roles of ``casetracker.roles``."""
    from django.contrib.auth.models import Group

    from casetracker.roles import roles_sync

    def make(role: str, username: str | None = None):
        if not Group.objects.filter(name=role).exists():
            roles_sync()
        user = django_user_model.objects.create_user(
            username=username or role.lower().replace(" ", "-"), password="role-pass-123", is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        return django_user_model.objects.get(pk=user.pk)  # fresh permission cache

    return make


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch):
    """``client.force_login(user)`` signs a user in without their password; here it also signs them in
    as if they had typed their two-factor code, for users who need one (casetracker.accounts.two_factor),
    so admin and API tests of Senior editors and superusers test what those users see once signed in.
    ``tests/test_two_factor.py`` signs in through the login form to test the second factor itself."""
    from django.test import Client

    sign_in = Client.force_login

    def force_login(self, user, backend=None):
        sign_in(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from casetracker.accounts.two_factor import two_factor_needed

        if two_factor_needed(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="test device", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _documents_in_a_temporary_directory(settings, tmp_path_factory):
    """Uploaded documents go to a fresh directory per test, never into the checkout's media/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("documents"))},
        },
    }


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request with Accept-Language (or a language cookie) activates its language in this thread, and the
    test client does not undo it: every test starts and ends in settings.LANGUAGE_CODE."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
