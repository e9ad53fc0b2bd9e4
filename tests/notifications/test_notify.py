from __future__ import annotations

from django.core import mail
from django.urls import reverse

from shomer.notifications.models import Notification
from shomer.notifications.services import do_mark_read, do_notify, unread
from tests.conftest import logged_in


def test_a_notification_is_shown_and_mailed_once(dana, django_capture_on_commit_callbacks):
    dana.email = "dana@shomer-demo.example"
    dana.save()
    with django_capture_on_commit_callbacks(execute=True):
        do_notify(dana, kind="sla.warning", title="פנייה 12 קרובה לחריגה", url="/tickets/12/")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "פנייה 12 קרובה לחריגה"
    assert mail.outbox[0].to == ["dana@shomer-demo.example"]
    assert "http://127.0.0.1:8000/tickets/12/" in mail.outbox[0].body
    assert Notification.objects.get().emailed_at is not None

    page = logged_in(dana).get(reverse("inbox")).content.decode()
    assert '<span class="count">1</span>' in page


def test_marking_read_clears_the_count(dana):
    do_notify(dana, kind="x", title="א", send_email=False)
    do_notify(dana, kind="x", title="ב", send_email=False)

    assert unread(dana).count() == 2
    response = logged_in(dana).post(reverse("notifications-read"))
    assert response.status_code == 302
    assert unread(dana).count() == 0
    assert do_mark_read(dana) == 0


def test_one_sees_only_ones_own_notifications(dana, eli):
    do_notify(dana, kind="x", title="רק לדנה", send_email=False)
    page = logged_in(eli).get(reverse("notifications")).content.decode()
    assert "רק לדנה" not in page
