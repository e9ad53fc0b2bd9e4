from django.urls import path

from shomer.portal import views

urlpatterns = [
    path("", views.home, name="portal"),
    path("sign-in/", views.sign_in, name="portal-sign-in"),
    path("sign-in/sent/", views.sign_in_sent, name="portal-sign-in-sent"),
    path("sign-in/<str:token>/", views.link, name="portal-link"),
    path("sign-out/", views.sign_out, name="portal-sign-out"),
    path("tickets/new/", views.new_ticket, name="portal-new"),
    path("tickets/<int:ticket_id>/", views.ticket_page, name="portal-ticket"),
]
