from django.urls import path

from shomer.channels.phone import views

urlpatterns = [
    path("calls/", views.calls, name="calls"),
    path("calls/match/", views.caller_match, name="calls-match"),
]
