from django.urls import path

from shomer.sla import views

urlpatterns = [
    path("", views.overview, name="sla-overview"),
    path("calendars/new/", views.calendar_edit, name="sla-calendar-new"),
    path("calendars/<int:calendar_id>/", views.calendar_edit, name="sla-calendar"),
    path("policies/new/", views.policy_edit, name="sla-policy-new"),
    path("policies/<int:policy_id>/", views.policy_edit, name="sla-policy"),
    path("policies/<int:policy_id>/delete/", views.policy_delete, name="sla-policy-delete"),
    path("report/", views.report_page, name="sla-report"),
]
