from typing import Any

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from shomer.api import calls, commitments, complaints, invoices, surveys, views


class Router(DefaultRouter):
    """Ids in URLs are positive integers the database can hold: anything else is a 404 from
    the URL resolver, never an overflow inside a view."""

    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        if not hasattr(viewset, "lookup_value_regex"):
            viewset.lookup_value_regex = r"[0-9]{1,18}"
        return super().get_lookup_regex(viewset, lookup_prefix)


router = Router()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("tickets", views.TicketViewSet, basename="ticket")
router.register("messages", views.MessageViewSet, basename="message")
router.register("invoices", invoices.InvoiceViewSet, basename="invoice")
router.register("customer-scores", invoices.CustomerScoreViewSet, basename="customer-score")
router.register("calls", calls.CallViewSet, basename="call")
router.register("commitments", commitments.CommitmentViewSet, basename="api-commitment")
router.register("surveys", surveys.SurveyViewSet, basename="api-survey")
router.register("survey-answers", surveys.SurveyAnswerViewSet, basename="api-survey-answer")
router.register("complaints", complaints.ComplaintViewSet, basename="api-complaint")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path(
        "complaint-themes/", complaints.ComplaintThemesView.as_view(), name="api-complaint-themes"
    ),
    path("staff-exposure/", complaints.StaffExposureView.as_view(), name="api-staff-exposure"),
    path("", include(router.urls)),
]
