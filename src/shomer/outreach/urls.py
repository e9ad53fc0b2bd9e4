from django.urls import path

from shomer.outreach import views

urlpatterns = [
    path("outreach/calendar/", views.calendar_page, name="outreach-calendar"),
    path("outreach/collections/", views.collections_page, name="outreach-collections"),
    path("outreach/reminders/<int:reminder_id>/decide/", views.decide, name="outreach-decide"),
    path("outreach/reminders/<int:reminder_id>/release/", views.release, name="outreach-release"),
    path("outreach/reminders/<int:reminder_id>/reword/", views.reword, name="outreach-reword"),
    path("outreach/invoices/<int:invoice_id>/plan/", views.plan_new, name="outreach-plan"),
    path("outreach/instalments/<int:instalment_id>/", views.instalment, name="outreach-instalment"),
    path("outreach/plans/<int:plan_id>/cancel/", views.plan_cancel, name="outreach-plan-cancel"),
    path("outreach/templates/", views.template_list, name="outreach-templates"),
    path("outreach/templates/<str:key>/", views.template_edit, name="outreach-template"),
    path("outreach/settings/", views.settings_page, name="outreach-settings"),
    path("u/<str:token>/", views.unsubscribe, name="outreach-unsubscribe"),
]
