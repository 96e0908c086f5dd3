"""The admin app with the project's admin site: ``"casetracker.accounts.admin_config.AdminConfig"`` in
INSTALLED_APPS instead of ``"django.contrib.admin"`` (a module of its own, so ``apps.py`` keeps one config)."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """``django.contrib.admin`` with ``casetracker.accounts.admin_site.CasetrackerAdminSite`` as ``admin.site``."""

    default_site = "casetracker.accounts.admin_site.CasetrackerAdminSite"
