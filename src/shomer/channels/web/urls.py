from django.urls import path

from shomer.channels.web import views

urlpatterns = [
    path("contact/", views.contact, name="contact"),
    path("contact/thanks/<str:token>/", views.contact_thanks, name="contact-thanks"),
    path("widget/", views.widget, name="widget"),
    path("widget/message/", views.widget_message, name="widget-message"),
    path("widget/callback/", views.widget_callback, name="widget-callback"),
    path("widget/thanks/<str:token>/", views.widget_thanks, name="widget-thanks"),
    path("widget/config.json", views.widget_config, name="widget-config"),
]
