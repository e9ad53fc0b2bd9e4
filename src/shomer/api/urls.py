from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from shomer.api import calls, commitments, invoices, views

router = DefaultRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("tickets", views.TicketViewSet, basename="ticket")
router.register("messages", views.MessageViewSet, basename="message")
router.register("invoices", invoices.InvoiceViewSet, basename="invoice")
router.register("customer-scores", invoices.CustomerScoreViewSet, basename="customer-score")
router.register("calls", calls.CallViewSet, basename="call")
router.register("commitments", commitments.CommitmentViewSet, basename="api-commitment")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include(router.urls)),
]
