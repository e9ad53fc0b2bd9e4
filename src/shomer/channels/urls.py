from django.urls import path

from shomer.channels import views

urlpatterns = [
    path("", views.quarantine, name="quarantine"),
    path("<int:record_id>/raw/", views.quarantine_raw, name="quarantine-raw"),
    path("<int:record_id>/retry/", views.quarantine_retry, name="quarantine-retry"),
]
