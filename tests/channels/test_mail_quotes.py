"""Stripping quoted history, signatures and mobile footers, Hebrew and English."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shomer.channels.email.html import html_to_text
from shomer.channels.email.quotes import strip_quotes

CASES = [
    (
        "gmail english",
        "Still broken.\n\nOn Sun, Mar 3, 2024 at 9:00 AM Support <support@shomer.example> wrote:\n"
        "> Please restart it.\n> Thanks",
        "Still broken.",
    ),
    (
        "gmail english, attribution wrapped over two lines",
        "Still broken.\n\nOn Sun, Mar 3, 2024 at 9:00 AM Support Team <\nsupport@shomer.example> wrote:\n"
        "> Please restart it.",
        "Still broken.",
    ),
    (
        "gmail hebrew",
        "עדיין לא עובד.\n\n\u202bבתאריך יום א׳, 3 במרץ 2024 ב-9:00 מאת \u202aצוות התמיכה\u202c\u200f <"
        "\u202asupport@shomer.example\u202c\u200f>:\u202c\n> נסו לאתחל את המדפסת",
        "עדיין לא עובד.",
    ),
    (
        "hebrew 'נכתב:'",
        "תודה רבה!\n\nבתאריך 03/03/2024 09:00, נכתב:\n> נסו לאתחל",
        "תודה רבה!",
    ),
    (
        "thunderbird hebrew",
        "מעולה, עובד.\n\nב-03/03/2024 09:00, דנה כהן כתב/ה:\n> נסו שוב",
        "מעולה, עובד.",
    ),
    (
        "outlook original message",
        "See below.\n\n-----Original Message-----\nFrom: Support\nSent: Sunday\nTo: Dana\n\nold text",
        "See below.",
    ),
    (
        "outlook hebrew original message",
        "ראו למטה.\n\n-----הודעה מקורית-----\nמאת: תמיכה\nנשלח: יום ראשון\nאל: דנה\n\nטקסט ישן",
        "ראו למטה.",
    ),
    (
        "outlook header block after underscores",
        "Hi,\nno change.\n\n________________________________\nFrom: Support <support@shomer.example>\n"
        "Sent: Sunday, March 3, 2024 9:00 AM\nTo: Dana\nSubject: RE: Printer\n\nold text",
        "Hi,\nno change.",
    ),
    (
        "outlook hebrew header block",
        "שלום,\nעדיין תקוע.\n\nמאת: צוות התמיכה <support@shomer.example>\nנשלח: יום ראשון 03 מרץ 2024 09:12\n"
        "אל: דנה כהן\nנושא: השב: המדפסת\n\nטקסט ישן",
        "שלום,\nעדיין תקוע.",
    ),
    (
        "bottom posting keeps the answer",
        "On Sun, Mar 3, 2024 at 9:00 AM Support <support@shomer.example> wrote:\n> Did it work?\n\nYes, it works.",
        "Yes, it works.",
    ),
    (
        "inline answers keep the new lines",
        "> Which model?\nHP 400\n> Since when?\nSince Sunday",
        "HP 400\nSince Sunday",
    ),
    (
        "signature delimiter",
        "The site is down.\n\n-- \nDana Cohen\nCEO, Lakoach Ltd.\n050-0000000",
        "The site is down.",
    ),
    ("iphone footer", "Thanks!\n\nSent from my iPhone", "Thanks!"),
    ("hebrew iphone footer", "תודה!\n\nנשלח מה-iPhone שלי", "תודה!"),
    (
        "forward marker keeps the forwarded text",
        "FYI\n\n---------- Forwarded message ---------\nFrom: Vendor <v@supplier.example>\n\nPrice list",
        "FYI\n\n---------- Forwarded message ---------\nFrom: Vendor <v@supplier.example>\n\nPrice list",
    ),
    (
        "a sentence ending in 'wrote:' is not an attribution",
        "As my colleague wrote:\nthe invoice is wrong.",
        "As my colleague wrote:\nthe invoice is wrong.",
    ),
    (
        "a 'From:' line alone is not a header block",
        "From: the second floor\nthe printer is jammed.",
        "From: the second floor\nthe printer is jammed.",
    ),
    ("nothing to strip", "שלום,\nהכל תקין.", "שלום,\nהכל תקין."),
]


@pytest.mark.parametrize(("case", "text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_it_strips_history(case: str, text: str, expected: str) -> None:
    assert strip_quotes(text) == expected


def test_a_forward_keeps_its_header_block() -> None:
    text = "FYI\n\n-----Original Message-----\nFrom: Vendor\nSent: Sunday\nTo: Dana\n\nPrice list"
    assert strip_quotes(text, keep_forwarded=True) == text


@given(st.text(alphabet="ab >-:\nOnwrote@1בתאריךמאת_", max_size=300))
def test_stripped_text_is_made_of_lines_of_the_input(text: str) -> None:
    stripped = strip_quotes(text)
    lines = {line.strip() for line in text.split("\n")}
    assert all(line.strip() in lines for line in stripped.split("\n") if line.strip())
    assert len(stripped) <= len(text)


HTML_CASES = [
    (
        "outlook web hebrew",
        '<div dir="rtl">עדיין לא עובד, אשמח לעזרה.</div><div><br></div><hr tabindex="-1">'
        '<div id="divRplyFwdMsg" dir="rtl"><font face="Calibri"><b>מאת:</b> צוות התמיכה '
        "&lt;support@shomer.example&gt;<br><b>נשלח:</b> יום ראשון 3 מרץ 2024 09:00<br>"
        "<b>אל:</b> דנה כהן<br><b>נושא:</b> השב: המדפסת</font></div><div>נסו לאתחל.</div>",
        "עדיין לא עובד, אשמח לעזרה.",
    ),
    (
        "gmail html",
        '<div>Still broken.</div><div class="gmail_quote"><div class="gmail_attr">On Sun, Mar 3, '
        "2024 at 9:00 AM Support &lt;support@shomer.example&gt; wrote:<br></div>"
        '<blockquote class="gmail_quote"><div>Restart it.</div></blockquote></div>',
        "Still broken.",
    ),
    (
        "blockquote without attribution",
        "<p>Yes.</p><blockquote><p>Did it work?</p></blockquote><p>Thanks</p>",
        "Yes.\n\nThanks",
    ),
]


@pytest.mark.parametrize(
    ("case", "html", "expected"), HTML_CASES, ids=[case[0] for case in HTML_CASES]
)
def test_it_strips_history_from_html_replies(case: str, html: str, expected: str) -> None:
    assert strip_quotes(html_to_text(html)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "נשלח מחר את המסמכים.\nתודה",
        "נשלח מהמשרד בשבוע הבא.",
        "Sent from the office yesterday, the parcel never came.",
    ],
)
def test_ordinary_sentences_are_not_mobile_footers(text: str) -> None:
    assert strip_quotes(text) == text


@pytest.mark.parametrize(
    "footer", ["נשלח מה-iPhone שלי", "נשלח מהטלפון הנייד", "נשלח מ-Outlook עבור Android"]
)
def test_hebrew_mobile_footers_are_cut(footer: str) -> None:
    assert strip_quotes(f"תודה רבה\n\n{footer}") == "תודה רבה"


@pytest.mark.parametrize(
    "text",
    [
        "In my mail of 3 March I wrote:\nthe invoice is wrong.",
        "הנציג שלכם כתב לי 3 פעמים:\nשהכל תקין.",
    ],
)
def test_a_customer_quoting_themselves_is_not_an_attribution(text: str) -> None:
    assert strip_quotes(text) == text


@pytest.mark.parametrize(
    "attribution",
    [
        "Dana Cohen <dana@lakoach.example.co.il> wrote:",
        "דנה כהן <dana@lakoach.example.co.il> כתב/ה:",
        "ב-3 במרץ 2024, 9:00, דנה כהן כתב/ה:",
    ],
)
def test_attributions_with_an_address_or_a_leading_date_are_found(attribution: str) -> None:
    assert strip_quotes(f"Fixed.\n\n{attribution}\nold text") == "Fixed."
