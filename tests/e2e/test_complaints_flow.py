"""In the browser: a complaint about an agent arrives, is proposed and accepted, acknowledged
("we heard you"), the agent is named and answers from her own page, the investigation is
recorded, the manager reviews, the complaint is resolved and followed up; and the themes
page groups real-looking complaints in Hebrew and English. Screenshots in both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shomer.complaints.models import Complaint, Step
from shomer.conversations.ingest import Inbound, ingest
from shomer.conversations.models import Direction, Kind
from shomer.demo import content
from tests.conftest import make_ticket
from tests.e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ABOUT_DANA = (
    "שוב אני כותבת. דנה דיברה אליי בזלזול בטלפון וניתקה לי באמצע. זו הפעם השלישית שאני "
    "פונה בעניין החיוב ואף אחד לא מטפל. נמאס לי, אני שוקלת לבטל את החוזה."
)


def step_states(page) -> list[str]:  # type: ignore[no-untyped-def]
    steps = page.get_by_test_id("complaint-steps").locator("li")
    return [steps.nth(i).get_attribute("data-state") or "" for i in range(steps.count())]


def test_a_complaint_about_an_agent_from_arrival_to_follow_up(
    page, dana, michal, yossi, support, noa
):
    ticket = make_ticket(
        contact=noa, team=support, assignee=dana, subject="החיוב החודשי", body="חויבתי פעמיים."
    )
    ingest(
        Inbound(
            channel="email",
            idempotency_key="<complaint-e2e@smile.example>",
            raw=b"raw",
            subject="Re: החיוב החודשי",
            text=ABOUT_DANA,
            from_address="noa@smile.example",
            ticket_hint=ticket.pk,
        )
    )

    # The team lead sees the proposal and makes it a complaint in one click.
    log_in(page, "michal")
    page.goto(f"/tickets/{ticket.pk}/")
    proposal = page.get_by_test_id("complaint-proposal")
    expect(proposal).to_contain_text("זה נשמע כמו תלונה")
    expect(proposal).to_contain_text("דנה דיברה אליי בזלזול")
    screenshot(page, "complaint-proposal-he")
    proposal.get_by_test_id("accept-proposal").click()
    card = page.get_by_test_id("ticket-complaint")
    expect(card.get_by_test_id("complaint-step")).to_have_text("התקבלה")
    assert step_states(page) == ["done", "current", "todo", "todo", "todo"]

    # "We heard you", from the Hebrew template, sent as a reply.
    form = card.get_by_test_id("acknowledge-form")
    expect(form.locator("textarea")).to_have_value(
        f"שלום נועה,\n\nשמענו אותך, ותודה שסיפרת לנו: זו הזדמנות בשבילנו לתקן. התלונה שלך "
        f"(פנייה #{ticket.pk}) עברה למסלול המהיר שלנו, ומיכל מטפל/ת בה אישית. אנחנו בודקים את "
        "כל מה שקרה, עם כל מי שהיה מעורב, ונחזור אליך עם מה שמצאנו ומה אנחנו עושים בעניין."
        "\n\nמיכל\nShomer"
    )
    form.get_by_test_id("acknowledge").click()
    expect(page.get_by_test_id("thread")).to_contain_text("שמענו אותך, ותודה שסיפרת לנו")
    assert step_states(page) == ["done", "done", "current", "todo", "todo"]
    screenshot(page, "complaint-ticket-he")

    # Name the agent the complaint is about.
    page.get_by_test_id("open-complaint").click()
    page.get_by_test_id("name-form").locator("select").select_option(label="דנה כרמי")
    page.get_by_test_id("name-employee").click()
    expect(page.get_by_test_id("named-employees")).to_contain_text("עוד לא נשמע/ה")
    complaint = Complaint.objects.get()

    # Dana reads it on her own page and gives her side.
    log_in(page, "dana")
    page.get_by_test_id("complaints-nav").click()
    page.get_by_test_id("my-complaints-link").click()
    page.get_by_test_id("complaint-row").get_by_role("link").click()
    expect(page.get_by_test_id("complaint-text")).to_contain_text("דנה דיברה אליי בזלזול")
    page.get_by_test_id("answer-form").locator("textarea").fill(
        "השיחה נותקה בגלל תקלה במרכזייה, לא ניתקתי. הסברתי שהחיוב הכפול יזוכה."
    )
    page.get_by_test_id("answer").click()
    expect(page.get_by_test_id("discussion")).to_contain_text("השיחה נותקה בגלל תקלה במרכזייה")
    expect(page.get_by_test_id("named-employees")).to_contain_text("נשמע/ה")
    expect(page.get_by_test_id("next-step")).to_have_count(0)  # someone else handles it
    screenshot(page, "complaint-employee-answer-he")

    # The team lead records the investigation; resolving waits for the manager's review.
    log_in(page, "michal")
    page.goto(f"/complaints/{complaint.pk}/")
    page.get_by_test_id("investigation-form").locator("textarea").fill(
        "ביומן המרכזייה יש ניתוק בצד שלנו. החיוב הכפול נובע מתקלה בסליקה."
    )
    page.get_by_test_id("investigate").click()
    expect(page.get_by_test_id("blockers")).to_contain_text("מנהל/ת עוד לא סקר/ה את התלונה")

    # The manager reviews: partly justified.
    log_in(page, "yossi")
    page.goto(f"/complaints/{complaint.pk}/")
    review = page.get_by_test_id("review-form")
    review.locator("select").select_option("partly")
    review.locator("textarea").fill("דנה פעלה נכון; החיוב הכפול באחריותנו.")
    review.get_by_test_id("review").click()
    expect(page.get_by_test_id("complaint-verdict")).to_have_text("מוצדקת בחלקה")
    screenshot(page, "complaint-review-he")

    # Resolved, then followed up.
    log_in(page, "michal")
    page.goto(f"/complaints/{complaint.pk}/")
    page.get_by_test_id("resolve-form").locator("textarea").fill(
        "זיכינו את החיוב הכפול ותיקנו את הסליקה; הסברנו לנועה מה קרה בשיחה."
    )
    page.get_by_test_id("resolve").click()
    expect(page.get_by_test_id("follow-up-due")).to_contain_text("המעקב נקבע ל־")
    page.get_by_test_id("follow-up-form").get_by_label("כן, מרוצה").check()
    page.get_by_test_id("follow-up").click()
    expect(page.get_by_test_id("complaint-step")).to_have_text("מעקב בוצע")
    assert step_states(page) == ["done"] * 5
    screenshot(page, "complaint-followed-up-he")

    complaint.refresh_from_db()
    assert (complaint.step, complaint.verdict, complaint.reviewed_by) == (
        Step.FOLLOWED_UP,
        "partly",
        yossi,
    )
    assert complaint.entries.get().note.direction == Direction.NOTE
    ticket.refresh_from_db()
    assert ticket.kind == Kind.COMPLAINT

    page.get_by_test_id("switch-language").click()
    expect(page.get_by_test_id("complaint-step")).to_have_text("Followed up")
    expect(page.get_by_test_id("history")).to_contain_text(
        "Reviewed by a manager (Partly justified)"
    )
    screenshot(page, "complaint-followed-up-en")


def first_turns(language: str, tag: str) -> list[tuple[str, str]]:
    script = next(
        s for s in content.COMPLAINT_SCRIPTS if s.language == language and s.tags[-1] == tag
    )
    return [
        (script.subjects[i % len(script.subjects)], text.replace("{agent}", "דנה"))
        for i, text in enumerate(script.turns[0][1])
    ]


def test_the_themes_page_groups_real_looking_complaints(page, yossi, dana, support, noa):
    written = {
        "billing": first_turns("he", "חיוב"),
        "outage": first_turns("he", "זמינות"),
        "conduct": first_turns("en", "conduct"),
        "slow": first_turns("en", "response time"),
    }
    for pairs in written.values():
        for subject, body in pairs:
            make_ticket(
                contact=noa,
                team=support,
                assignee=dana,
                kind=Kind.COMPLAINT,
                subject=subject,
                body=body,
            )

    log_in(page, "yossi")
    page.goto("/complaints/themes/")
    expect(page.get_by_test_id("no-themes")).to_be_visible()
    page.get_by_test_id("recompute-themes").click()
    rows = page.get_by_test_id("theme-row")
    expect(rows.first).to_be_visible()
    expect(page.get_by_test_id("themes-chart").locator(".main-svg").first).to_be_visible()
    screenshot(page, "complaint-themes-he")

    # Each written theme is one theme on the page, and no two share one.
    themes = {}
    for name, pairs in written.items():
        ids = set(
            Complaint.objects.filter(
                ticket__subject__in=[s for s, _b in pairs], text__in=[f"{s}\n{b}" for s, b in pairs]
            ).values_list("theme_id", flat=True)
        )
        assert len(ids) == 1 and None not in ids, (name, ids)
        themes[name] = ids.pop()
    assert len(set(themes.values())) == 4
    expect(rows).to_have_count(4)
    billing_row = page.locator(f"[data-testid=theme-row][data-theme='{themes['billing']}']")
    expect(billing_row.get_by_test_id("theme-count")).to_have_text(str(len(written["billing"])))
    expect(billing_row.get_by_test_id("theme-term").first).to_be_visible()
    assert any(term in billing_row.inner_text() for term in ("חיוב", "חשבונית", "חויבתי"))

    page.get_by_test_id("switch-language").click()
    expect(page.get_by_role("heading", name="Complaint themes")).to_be_visible()
    conduct_row = page.locator(f"[data-testid=theme-row][data-theme='{themes['conduct']}']")
    assert any(term in conduct_row.inner_text() for term in ("technician", "rude", "treatment"))
    screenshot(page, "complaint-themes-en")
