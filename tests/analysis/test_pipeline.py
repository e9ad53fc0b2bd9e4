"""Every customer message and agent reply is analysed inside the pipeline."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from shomer.analysis import services
from shomer.analysis.models import MessageAnalysis, TicketSignals
from shomer.conversations.ingest import Inbound, ingest
from shomer.conversations.models import Direction, Message
from shomer.conversations.services import do_add_message, do_add_note, do_reply
from shomer.language.promises import extract_promises
from shomer.protection.models import Incident

ISRAEL = ZoneInfo("Asia/Jerusalem")
ANGRY = "זה כבר הפעם השלישית שהאתר נופל, אני מאוד מאוכזבת ושוקלת לעזוב"
URGENT = "דחוף!!! האתר נפל ואנחנו מפסידים הזמנות ברגע זה"
ABUSIVE = "אתה אידיוט מטומטם, תעביר אותי למישהו שמבין משהו"


def test_an_inbound_email_is_analysed_as_the_engine_reads_it(db, noa):
    result = ingest(
        Inbound(
            channel="email",
            idempotency_key="<angry-1@smile.example>",
            raw=b"raw",
            subject="שוב נפל",
            text=ANGRY,
            from_address="noa@smile.example",
        )
    )

    stored = MessageAnalysis.objects.get(message_id=result.message_id)
    message = Message.objects.get(pk=result.message_id)
    expected = services.analyzer().analyze(ANGRY, "customer", sent_at=message.created_at)
    assert (stored.lang, stored.label, stored.is_abusive) == ("he", "negative", False)
    assert stored.sentiment == pytest.approx(expected.sentiment, abs=1e-12)
    assert stored.abuse == pytest.approx(expected.abuse, abs=1e-12)
    assert stored.urgency == pytest.approx(expected.urgency, abs=1e-12)
    assert stored.dissatisfaction == pytest.approx(expected.dissatisfaction, abs=1e-12)
    assert stored.tone is None
    assert stored.promises == []
    assert stored.model_version == services.analyzer().version != ""


def test_the_ticket_signals_follow_the_latest_customer_message(db, dana_ticket):
    signals = TicketSignals.objects.get(ticket=dana_ticket)
    assert (signals.is_angry, signals.is_urgent, signals.has_abuse) == (False, False, False)

    do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=ANGRY)
    signals.refresh_from_db()
    assert (signals.is_angry, signals.is_urgent) == (True, False)

    do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=URGENT)
    signals.refresh_from_db()
    assert (signals.is_urgent, signals.has_abuse) == (True, False)
    latest = MessageAnalysis.objects.get(message=dana_ticket.messages.last())
    assert signals.last_sentiment == latest.sentiment

    do_add_message(dana_ticket, direction=Direction.INBOUND, body_text="תודה רבה, הכל עובד עכשיו!")
    signals.refresh_from_db()
    assert (signals.is_angry, signals.is_urgent) == (False, False)


def test_a_reply_answers_the_urgent_request_but_not_the_anger(db, dana, dana_ticket):
    do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=ANGRY + ". " + URGENT)
    signals = TicketSignals.objects.get(ticket=dana_ticket)
    assert (signals.is_angry, signals.is_urgent) == (True, True)

    do_add_note(dana_ticket, body_text="בודקת מול הספק", author=dana)
    signals.refresh_from_db()
    assert signals.is_urgent is True  # a note answers nobody

    do_reply(dana_ticket, body_text="נועה, האתר חזר לעבוד. אני ממשיכה לעקוב.", author=dana)
    signals.refresh_from_db()
    assert (signals.is_angry, signals.is_urgent) == (True, False)
    # Recomputed from the stored readings (after a flag or a clearance), it stays answered.
    assert services.do_refresh_signals(dana_ticket).is_urgent is False

    do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=URGENT)
    assert TicketSignals.objects.get(ticket=dana_ticket).is_urgent is True
    assert services.do_refresh_signals(dana_ticket).is_urgent is True


def test_an_abusive_message_is_shielded_and_marks_the_ticket(db, dana_ticket):
    message = do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=ABUSIVE)

    analysis = MessageAnalysis.objects.get(message=message)
    assert (analysis.is_abusive, analysis.is_shielded) == (True, True)
    assert TicketSignals.objects.get(ticket=dana_ticket).has_abuse is True
    assert Incident.objects.filter(message=message).count() == 1

    do_add_message(dana_ticket, direction=Direction.INBOUND, body_text="סליחה, בכל זאת תודה")
    assert TicketSignals.objects.get(ticket=dana_ticket).has_abuse is True


def test_an_agent_reply_gets_tone_and_promises(db, dana, dana_ticket):
    text = "כפי שנמסר לך, אחזור אלייך מחר עד 12:00."
    reply = do_reply(dana_ticket, body_text=text, author=dana)

    stored = MessageAnalysis.objects.get(message=reply)
    due = extract_promises(text, reply.created_at, ISRAEL)[0].due
    assert stored.promises == [{"text": text, "due": due.isoformat()}]
    assert stored.tone is not None
    assert stored.tone["uses_name"] is False
    assert stored.tone["cold"] == 0.8  # "כפי שנמסר לך" 0.5, no greeting 0.15, no empathy 0.15
    assert stored.is_shielded is False
    assert TicketSignals.objects.get(ticket=dana_ticket).is_angry is False


def test_a_reply_that_names_the_customer_uses_the_contacts_name(db, dana, dana_ticket):
    reply = do_reply(dana_ticket, body_text="שלום נועה, תודה על הסבלנות.", author=dana)

    assert MessageAnalysis.objects.get(message=reply).tone["uses_name"] is True


def test_an_internal_note_is_not_analysed(db, dana, dana_ticket):
    note = do_add_note(
        dana_ticket, body_text="הלקוחה אמרה שהיא 'מטומטמת' במחשבים, חמוד", author=dana
    )

    assert not MessageAnalysis.objects.filter(message=note).exists()


def test_a_failing_analysis_keeps_the_message(db, dana_ticket, monkeypatch):
    class Broken:
        version = "broken"

        def analyze(self, *args, **kwargs):
            raise RuntimeError("model file unreadable")

    monkeypatch.setattr(services, "analyzer", lambda: Broken())
    message = do_add_message(dana_ticket, direction=Direction.INBOUND, body_text="עוד שאלה")

    assert Message.objects.filter(pk=message.pk).exists()
    assert not MessageAnalysis.objects.filter(message=message).exists()
    assert services.unanalysed_messages().filter(pk=message.pk).exists()


def test_backfill_analyses_only_what_has_no_analysis(db, dana, dana_ticket):
    abusive = do_add_message(dana_ticket, direction=Direction.INBOUND, body_text=ABUSIVE)
    do_reply(dana_ticket, body_text="Hi Noa, we'll call you by 5pm", author=dana)
    do_add_note(dana_ticket, body_text="note", author=dana)
    kept = MessageAnalysis.objects.get(message=dana_ticket.messages.first())
    MessageAnalysis.objects.exclude(pk=kept.pk).delete()
    Incident.objects.all().delete()
    TicketSignals.objects.all().delete()

    call_command("language", "backfill", "--no-progress")

    assert MessageAnalysis.objects.count() == 3  # two customer messages and the reply
    assert MessageAnalysis.objects.get(pk=kept.pk).analysed_at == kept.analysed_at
    signals = TicketSignals.objects.get(ticket=dana_ticket)
    assert signals.has_abuse is True
    incident = Incident.objects.get(message=abusive)
    assert incident.notified_at is None  # history is logged, not escalated
    assert services.do_backfill() == 0
