from django.urls import path

from shomer.commitments import views

urlpatterns = [
    path("commitments/", views.my_promises, name="my-promises"),
    path("commitments/report/", views.report, name="commitment-report"),
    path("commitments/settings/", views.settings_page, name="commitment-settings"),
    path("commitments/<int:commitment_id>/", views.commitment_page, name="commitment"),
    path("commitments/<int:commitment_id>/keep/", views.keep, name="commitment-keep"),
    path("commitments/<int:commitment_id>/cancel/", views.cancel, name="commitment-cancel"),
    path("commitments/<int:commitment_id>/late/", views.late_notice, name="commitment-late"),
    path("commitments/offers/<int:offer_id>/track/", views.track_offer, name="offer-track"),
    path("commitments/offers/<int:offer_id>/dismiss/", views.dismiss_offer, name="offer-dismiss"),
    path("tickets/<int:ticket_id>/commitments/", views.create, name="commitment-create"),
    path("customers/<int:customer_id>/promises/", views.customer_ledger, name="customer-ledger"),
]
