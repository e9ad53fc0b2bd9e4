"""The tone coach endpoint behind the reply box: findings with spans and rewordings in the
draft's language, and the promises the draft makes with their due dates."""

from __future__ import annotations

from django.urls import reverse

from shomer.language.tone import coach
from tests.conftest import logged_in


def coached(client, ticket, body: str):
    response = client.post(reverse("ticket-tone", args=[ticket.pk]), {"body": body})
    assert response.status_code == 200
    return response


def test_a_cold_hebrew_draft_gets_hebrew_rewordings(dana, dana_ticket):
    draft = "כפי שנמסר לך, לא ניתן לבצע החזר בהתאם לנהלים."

    response = coached(logged_in(dana), dana_ticket, draft)

    findings = [(f["kind"], f["text"], f["suggestion"]) for f in response.context["findings"]]
    assert findings == [
        ("no_name", "", "שלום נועה, תודה שפנית אלינו."),
        ("cold", "כפי שנמסר לך", "אני מבין שזה מתסכל; אסביר שוב בקצרה:"),
        ("cold", "לא ניתן", "אני בודק מה כן אפשר לעשות בשבילך"),
        ("cold", "בהתאם לנהלים", "כדי לעזור לך, הנה מה שאפשר לעשות:"),
    ]
    spans = [(f["start"], f["end"]) for f in response.context["findings"]]
    assert [draft[s:e] for s, e in spans] == ["", "כפי שנמסר לך", "לא ניתן", "בהתאם לנהלים"]
    html = response.content.decode()
    assert html.count('data-testid="apply-suggestion"') == 4
    assert 'data-suggestion="אני בודק מה כן אפשר לעשות בשבילך"' in html


def test_an_english_draft_gets_english_rewordings(dana, dana_ticket):
    draft = "Hello, please be advised that due to high volume your ticket has been closed."

    response = coached(logged_in(dana), dana_ticket, draft)

    findings = [(f["kind"], f["text"], f["suggestion"]) for f in response.context["findings"]]
    assert findings == [
        ("no_name", "Hello,", "Hi נועה,"),
        ("cold", "please be advised that", "I want to make sure you know that"),
        ("excuse", "due to high volume", "sorry for the wait, I'm on it now"),
        ("cold", "your ticket has been closed", "if anything is still not right, I'm here"),
    ]


def test_the_findings_are_the_engines(dana, dana_ticket):
    draft = "שלום נועה, זה לא באחריותנו. ההצעה בתוקף רק היום!"

    response = coached(logged_in(dana), dana_ticket, draft)

    engine = coach(draft, "נועה לוי").findings
    assert [(f["kind"], f["start"], f["end"]) for f in response.context["findings"]] == [
        (f.kind, f.start, f.end) for f in engine
    ]
    assert {f.kind for f in engine} == {"excuse", "pressure"}


def test_a_warm_draft_has_nothing_to_change(dana, dana_ticket):
    response = coached(logged_in(dana), dana_ticket, "שלום נועה, תודה על הסבלנות! בדקתי והכל תקין.")

    assert response.context["findings"] == []
    assert 'data-testid="tone-ok"' in response.content.decode()


def test_the_draft_promises_are_shown_with_their_due_dates(dana, dana_ticket):
    response = coached(logged_in(dana), dana_ticket, "שלום נועה, אחזור אלייך ביום שלישי עד 12:00.")

    [promise] = response.context["promises"]
    assert promise.text == "שלום נועה, אחזור אלייך ביום שלישי עד 12:00."
    assert (promise.due.weekday(), promise.due.hour, promise.due.minute) == (1, 12, 0)
    assert 'data-testid="draft-promises"' in response.content.decode()


def test_an_empty_draft_gets_the_hint(dana, dana_ticket):
    response = coached(logged_in(dana), dana_ticket, "   ")

    assert response.context["is_empty"] is True
    assert 'data-testid="tone-findings"' not in response.content.decode()


def test_another_team_cannot_use_the_ticket_coach(eli, dana_ticket):
    response = logged_in(eli).post(reverse("ticket-tone", args=[dana_ticket.pk]), {"body": "x"})

    assert response.status_code == 404


def test_the_reply_box_carries_the_coach(dana, dana_ticket):
    html = logged_in(dana).get(reverse("ticket", args=[dana_ticket.pk])).content.decode()

    assert f'hx-post="{reverse("ticket-tone", args=[dana_ticket.pk])}"' in html
    assert "analysis/tone.js" in html
