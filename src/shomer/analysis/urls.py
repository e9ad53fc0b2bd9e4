from django.urls import path

from shomer.analysis import views

urlpatterns = [
    path("tickets/<int:ticket_id>/tone/", views.tone_coach, name="ticket-tone"),
]
