from rest_framework.routers import SimpleRouter

from .views import MembershipViewSet, OrganizationViewSet, PersonViewSet, RecognitionViewSet

router = SimpleRouter()
router.register("persons", PersonViewSet, basename="person")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("recognitions", RecognitionViewSet, basename="recognition")

urlpatterns = router.urls
