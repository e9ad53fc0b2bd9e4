from django.urls import path

from shomer.feedback import views

urlpatterns = [
    path("feedback/", views.results, name="feedback-results"),
    path("s/<str:token>/", views.survey_page, name="survey"),
    path("portal/surveys/", views.portal_list, name="portal-surveys"),
    path("portal/surveys/<int:survey_id>/", views.portal_answer, name="portal-survey"),
]
