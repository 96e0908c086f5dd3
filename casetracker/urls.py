from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from casetracker.views import HomeView

admin.site.site_header = _("casetracker")
admin.site.site_title = _("casetracker staff")
admin.site.index_title = _("Prosecutions, people and sources")


def moved_to_sources(request, model, rest):
    """Sources and citations moved from the ``cases`` app to ``sources``: old admin links keep working."""
    query = f"?{request.META['QUERY_STRING']}" if request.META.get("QUERY_STRING") else ""
    return HttpResponsePermanentRedirect(f"/admin/sources/{model}/{rest}{query}")


urlpatterns = [
    # The front door, and where the admin's "View site" link (admin.site.site_url, "/") leads.
    path("", HomeView.as_view(), name="home"),
    re_path(r"^admin/cases/(?P<model>source|citation)/(?P<rest>.*)$", moved_to_sources),
    # The admin's import pages (imports.admin_views), before the admin's own catch-all addresses.
    path("admin/imports/", include("imports.admin_views")),
    path("admin/", admin.site.urls),
    # The admin's language switcher posts to set_language (i18n/setlang/): the choice is kept in a cookie.
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("casetracker.api.urls", namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The same API described in OpenAPI 3.1 (JSON Schema's null type), for generators that prefer it.
    path("api/schema/3.1/", SpectacularAPIView.as_view(custom_settings={"OAS_VERSION": "3.1.0"}), name="schema-3.1"),
    # The split view serves Swagger UI's start-up code as a script file: no inline script for the CSP to allow.
    # GET only: OPTIONS has no template to render the page's description with (a 500).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", http_method_names=["get", "head"]),
        name="swagger-ui",
    ),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

# A database outage outside a view is a 503 too (casetracker.outage); other errors as usual.
handler500 = "casetracker.outage.handler500"
# An address that names no page: a problem document under /api/, Django's page elsewhere.
handler404 = "casetracker.problems.handler404"
