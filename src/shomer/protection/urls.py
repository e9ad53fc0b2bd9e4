from django.urls import path

from shomer.protection import views

urlpatterns = [
    path("messages/<int:message_id>/reveal/", views.reveal, name="message-reveal"),
    path("messages/<int:message_id>/flag/", views.flag, name="message-flag"),
    path("messages/<int:message_id>/clear/", views.clear, name="message-clear"),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/<int:incident_id>/review/", views.review, name="incident-review"),
]
