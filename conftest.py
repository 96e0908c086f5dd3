"""Fixtures shared by every test module."""

import pytest
from django.contrib.auth.models import Permission


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
def _fresh_throttle_counts():
    """Anonymous API requests are throttled per address, counted in the cache: every test starts at zero."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def staff_user(django_user_model):
    """A staff member with every model permission but not the confidential one."""
    user = django_user_model.objects.create_user(username="staff", password="staff-pass-123", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["people", "cases"]).exclude(
            codename="view_confidential"
        )
    )
    return user


@pytest.fixture
def senior_user(django_user_model):
    """A staff member who may also see confidential people and cases."""
    user = django_user_model.objects.create_user(username="senior", password="senior-pass-123", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["people", "cases"]))
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
