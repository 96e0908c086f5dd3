from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import CitationViewSet, DocumentViewSet, SearchView, SourceViewSet

router = SimpleRouter()
router.register("sources", SourceViewSet, basename="source")
router.register("citations", CitationViewSet, basename="citation")
router.register("documents", DocumentViewSet, basename="document")

urlpatterns = [*router.urls, path("search/", SearchView.as_view(), name="search")]
