from django.urls import path
from rest_framework.routers import SimpleRouter

from .summaries import (
    SentenceSummaryCSVView,
    SentenceSummaryListView,
    SentenceSummaryStatsView,
    SentenceSummaryXLSXView,
)
from .views import (
    AllegationViewSet,
    CaseViewSet,
    ChargeViewSet,
    CustodyStayViewSet,
    DefendantViewSet,
    EventFigureViewSet,
    EventViewSet,
    FacilityViewSet,
    LegalArticleViewSet,
    PlaceViewSet,
    SentenceViewSet,
    StatusChangeViewSet,
    TrialViewSet,
)

router = SimpleRouter()
router.register("places", PlaceViewSet, basename="place")
router.register("events", EventViewSet, basename="event")
router.register("event-figures", EventFigureViewSet, basename="eventfigure")
router.register("allegations", AllegationViewSet, basename="allegation")
router.register("cases", CaseViewSet, basename="case")
router.register("defendants", DefendantViewSet, basename="defendant")
router.register("status-changes", StatusChangeViewSet, basename="statuschange")
router.register("facilities", FacilityViewSet, basename="facility")
router.register("custody-stays", CustodyStayViewSet, basename="custodystay")
router.register("legal-articles", LegalArticleViewSet, basename="legalarticle")
router.register("charges", ChargeViewSet, basename="charge")
router.register("trials", TrialViewSet, basename="trial")
router.register("sentences", SentenceViewSet, basename="sentence")

urlpatterns = [
    *router.urls,
    path("sentence-summaries/", SentenceSummaryListView.as_view(), name="sentence-summary-list"),
    path("sentence-summaries/stats/", SentenceSummaryStatsView.as_view(), name="sentence-summary-stats"),
    path("sentence-summaries.csv", SentenceSummaryCSVView.as_view(), name="sentence-summary-csv"),
    path("sentence-summaries.xlsx", SentenceSummaryXLSXView.as_view(), name="sentence-summary-xlsx"),
]
