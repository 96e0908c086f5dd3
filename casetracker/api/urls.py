"""``/api/v1/``: every resource of the apps, the API root, the token endpoint, and JSON 404s."""

from django.urls import path, re_path
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from cases.api.urls import router as cases_router
from cases.api.urls import urlpatterns as cases_urlpatterns
from imports.api import ImportView
from people.api.urls import router as people_router
from people.api.urls import urlpatterns as people_urlpatterns
from sources.api.urls import router as sources_router
from sources.api.urls import urlpatterns as sources_urlpatterns

from .auth import ObtainTokenView
from .changes import ChangesView
from .fields import absolute_url
from .renderers import ORJSONRenderer

app_name = "api"


@extend_schema(
    summary="The API's resources",
    responses={200: {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}},
    tags=["api"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
@renderer_classes([ORJSONRenderer])
def api_root(request):
    """Each resource's list address, and the sentence-summary reports. The OpenAPI schema is at /api/schema/."""
    entries = {}
    for router in (people_router, sources_router, cases_router):
        for prefix, _viewset, _basename in router.registry:
            entries[prefix] = absolute_url(request, f"{request.path}{prefix}/")
    for name, suffix in SUMMARY_ENTRIES.items():
        entries[name] = absolute_url(request, f"{request.path}{suffix}")
    return Response(entries)


# Reports built on the sentence list, listed with the resources so a client can discover them.
SUMMARY_ENTRIES = {
    "sentence-summaries": "sentence-summaries/",
    "sentence-summaries-stats": "sentence-summaries/stats/",
    "sentence-summaries-csv": "sentence-summaries.csv",
    "sentence-summaries-xlsx": "sentence-summaries.xlsx",
    "changes": "changes/",
}


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@renderer_classes([ORJSONRenderer])
def not_found(request, *args, **kwargs):
    raise NotFound(
        gettext("No API endpoint at %(path)s. See /api/v1/ for the resources and /api/schema/.")
        % {"path": request.path}
    )


urlpatterns = [
    path("", api_root, name="api-root"),
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    *people_urlpatterns,
    *sources_urlpatterns,
    *cases_urlpatterns,
    path("imports/", ImportView.as_view(), name="imports"),
    path("changes/", ChangesView.as_view(routers=(people_router, sources_router, cases_router)), name="changes"),
    re_path(r"^.*$", not_found),
]
