from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Signing in: the shared cache for login throttles, API tokens, two-factor devices."""

    name = "casetracker.accounts"
    label = "accounts"
    verbose_name = _("Sign-in security")

    def ready(self):
        from . import tokens  # noqa: F401  (signal receivers: tokens revoked on a password change)

        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="casetracker.accounts.cache_tables")


def create_cache_tables(*, using="default", verbosity=1, **kwargs) -> None:
    """Create the database cache's table after every ``migrate`` (idempotent; nothing for Redis).

    So a fresh clone, ``make run``, the container and the test databases all have it without a
    separate ``createcachetable`` step; switching ``CACHE_URL`` back to the database later is
    covered by the next ``migrate``.
    """
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))
