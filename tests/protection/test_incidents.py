"""Incidents: logged against the customer, escalated to each manager once, in their language;
flagged and cleared by hand, with the verdicts kept for retraining."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

from shomer.analysis.models import MessageAnalysis, TicketSignals
from shomer.conversations.models import Direction
from shomer.conversations.services import do_add_message, do_reply
from shomer.core.models import AuditEvent
from shomer.language.model import LinearModel, load_or_train, model_key
from shomer.notifications.models import Notification
from shomer.people.models import Role
from shomer.protection.models import AbuseCorrection, Incident
from shomer.protection.services import corrections_as_examples, do_flag_message
from tests.conftest import logged_in, make_user

ABUSIVE = "אתה אידיוט מטומטם, תעביר אותי למישהו שמבין משהו"
THREAT = "אני יודע איפה אתה עובד, אתה עוד תצטער על זה"
MILD = "שוב את? אפשר מישהו אחר בבקשה"


def test_a_detected_incident_is_logged_and_each_manager_is_told_once(
    dana, yossi, clinic, dana_ticket
):
    ruth = make_user("ruth", role=Role.MANAGER, first_name="Ruth")
    ruth.language = "en"
    ruth.save()

    message = do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=ABUSIVE)

    incident = Incident.objects.get()
    assert (incident.message, incident.ticket, incident.customer) == (message, dana_ticket, clinic)
    assert (incident.kind, incident.source, incident.reported_by) == ("abuse", "detected", None)
    assert incident.severity == "medium"  # the model is sure: abuse >= 0.8
    assert incident.notified_at is not None
    english = Notification.objects.get(user=ruth)
    assert english.title == f"Abuse from מרפאת שיניים חיוך on ticket #{dana_ticket.pk}"
    assert english.url == f"/tickets/{dana_ticket.pk}/#message-{message.pk}"
    assert ABUSIVE not in english.body
    hebrew = Notification.objects.get(user=yossi)
    assert hebrew.title == f"אלימות מילולית מצד מרפאת שיניים חיוך בפנייה #{dana_ticket.pk}"
    assert not Notification.objects.filter(user=dana).exists()

    do_flag_message(message, user=dana)

    assert Notification.objects.filter(kind="protection.incident").count() == 2
    assert Incident.objects.count() == 1


def test_a_threat_is_a_high_severity_incident(yossi, dana_ticket):
    do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=THREAT)

    incident = Incident.objects.get()
    assert (incident.kind, incident.severity) == ("threat", "high")


def test_an_agent_flags_a_message_the_analysis_missed(dana, yossi, dana_ticket):
    message = do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=MILD)
    assert MessageAnalysis.objects.get(message=message).is_shielded is False

    response = logged_in(dana).post(
        reverse("message-flag", args=[message.pk]), {"kind": "contempt"}
    )

    assert response.status_code == 200
    assert 'data-testid="shielded"' in response.content.decode()
    assert 'id="ticket-signals" hx-swap-oob="true"' in response.content.decode()
    assert MessageAnalysis.objects.get(message=message).is_shielded is True
    incident = Incident.objects.get()
    assert (incident.kind, incident.severity, incident.source, incident.reported_by) == (
        "contempt",
        "medium",
        "flagged",
        dana,
    )
    correction = AbuseCorrection.objects.get()
    assert (correction.message, correction.text, correction.is_abusive, correction.lang) == (
        message,
        MILD,
        True,
        "he",
    )
    assert correction.corrected_by == dana
    assert AuditEvent.objects.filter(action="message.flagged", actor=dana).count() == 1
    assert Notification.objects.filter(user=yossi).count() == 1
    assert TicketSignals.objects.get(ticket=dana_ticket).has_abuse is True


def test_an_agent_clears_a_false_detection(dana, yossi, dana_ticket):
    message = do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=ABUSIVE)

    response = logged_in(dana).post(reverse("message-clear", args=[message.pk]))

    assert response.status_code == 200
    assert ABUSIVE in response.content.decode()
    assert MessageAnalysis.objects.get(message=message).is_shielded is False
    assert MessageAnalysis.objects.get(message=message).is_abusive is True  # the model's verdict
    incident = Incident.objects.get()
    assert incident.is_dismissed is True
    correction = AbuseCorrection.objects.get()
    assert (correction.is_abusive, correction.corrected_by) == (False, dana)
    assert TicketSignals.objects.get(ticket=dana_ticket).has_abuse is False
    assert AuditEvent.objects.filter(action="message.cleared", actor=dana).count() == 1

    logged_in(dana).post(reverse("message-flag", args=[message.pk]))

    incident.refresh_from_db()
    assert incident.is_dismissed is False
    assert AbuseCorrection.objects.get().is_abusive is True
    assert Notification.objects.filter(user=yossi).count() == 1


def test_only_customer_messages_on_visible_tickets_can_be_flagged(dana, eli, dana_ticket):
    reply = do_reply(dana_ticket, body_text="שלום נועה, בודקת", author=dana)
    customer_message = dana_ticket.messages.first()

    assert logged_in(dana).post(reverse("message-flag", args=[reply.pk])).status_code == 404
    assert (
        logged_in(eli).post(reverse("message-flag", args=[customer_message.pk])).status_code == 404
    )
    assert (
        logged_in(eli).post(reverse("message-clear", args=[customer_message.pk])).status_code == 404
    )
    assert not Incident.objects.exists()
    assert not AbuseCorrection.objects.exists()


def test_corrections_become_training_examples(dana, dana_ticket, tmp_path: Path):
    flagged = do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=MILD)
    cleared = do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=ABUSIVE)
    logged_in(dana).post(reverse("message-flag", args=[flagged.pk]))
    logged_in(dana).post(reverse("message-clear", args=[cleared.pk]))

    examples = corrections_as_examples()
    assert [(e.text, e.abuse, e.sentiment, e.is_test) for e in examples] == [
        (MILD, 1, "negative", False),
        (ABUSIVE, 0, "negative", False),
    ]

    call_command("language", "train", "--with-corrections", "--models-dir", str(tmp_path))

    [path] = tmp_path.glob("language-*.npz")
    assert path.name.startswith(f"language-{model_key()}+c")
    model = load_or_train(tmp_path)
    assert model.version == path.stem.removeprefix("language-")
    assert isinstance(model, LinearModel)
