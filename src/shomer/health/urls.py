from django.urls import path

from shomer.health import views

urlpatterns = [
    path("at-risk/", views.at_risk, name="health-at-risk"),
    path("fit/", views.fit_review, name="health-fit"),
    path("book/", views.book, name="health-book"),
    path("settings/", views.settings_page, name="health-settings"),
    path("playbooks/", views.playbook_list, name="health-playbooks"),
    path("playbooks/<str:customer_type>/", views.playbook_edit, name="health-playbook"),
    path("customers/<int:customer_id>/offboard/", views.offboard, name="health-offboard"),
]
