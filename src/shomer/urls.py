from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve

from shomer.conversations import views as conversations
from shomer.core import views as core
from shomer.customers import views as customers
from shomer.notifications import views as notifications
from shomer.people import security_views

urlpatterns = [
    path("", core.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/verify/", security_views.verify, name="two-factor-verify"),
    path("account/security/", security_views.security, name="security"),
    path("language/", core.set_language, name="set-language"),
    path("inbox/", conversations.inbox, name="inbox"),
    path("tickets/<int:ticket_id>/", conversations.ticket_page, name="ticket"),
    path("tickets/<int:ticket_id>/reply/", conversations.reply, name="ticket-reply"),
    path("tickets/<int:ticket_id>/note/", conversations.add_note, name="ticket-note"),
    path("tickets/<int:ticket_id>/assign/", conversations.assign, name="ticket-assign"),
    path(
        "tickets/<int:ticket_id>/properties/",
        conversations.update_properties,
        name="ticket-properties",
    ),
    path("tickets/<int:ticket_id>/tags/", conversations.set_tags, name="ticket-tags"),
    path("tickets/<int:ticket_id>/merge/", conversations.merge, name="ticket-merge"),
    path("tickets/<int:ticket_id>/time/", conversations.log_time, name="ticket-time"),
    path("customers/", customers.customer_list, name="customers"),
    path("customers/<int:customer_id>/", customers.customer_page, name="customer"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.mark_all_read, name="notifications-read"),
    path("sla/", include("shomer.sla.urls")),
    path("health/", include("shomer.health.urls")),
    path("quarantine/", include("shomer.channels.urls")),
    path("", include("shomer.analysis.urls")),
    path("", include("shomer.protection.urls")),
    path("", include("shomer.complaints.urls")),
    path("", include("shomer.channels.web.urls")),
    path("", include("shomer.channels.phone.urls")),
    path("", include("shomer.commitments.urls")),
    path("", include("shomer.feedback.urls")),
    path("", include("shomer.outreach.urls")),
    path("portal/", include("shomer.portal.urls")),
    path("api/", include("shomer.api.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
