"""The hand-made raw mails in tests/channels/data: real shapes, broken ones included."""

from __future__ import annotations

from pathlib import Path

import pytest

from shomer.channels.email import iter_sources, parse_email

DATA = Path(__file__).parent / "data"


def parse(name: str):  # type: ignore[no-untyped-def]
    return parse_email((DATA / name).read_bytes())


def test_outlook_hebrew_windows_1255() -> None:
    parsed = parse("outlook_hebrew_1255.eml")
    assert parsed.subject == "השב: המערכת לא שומרת הזמנות [שומר #1042]"
    assert parsed.from_display == "רונית שלו <ronit@lakoach.example.co.il>"
    assert parsed.ticket_token == 1042
    assert parsed.references == ["ticket-1042@shomer.example", "reply-1042-1@shomer.example"]
    assert parsed.text == (
        "שלום רב,\nהתקלה חזרה שוב הבוקר – המערכת לא שומרת הזמנות.\nאודה לטיפולכם המהיר.\n\n"
        "בברכה,\nרונית"
    )
    assert parsed.full_text.endswith("שלום רונית, התקלה טופלה. נשמח לשמוע אם היא חוזרת.")


def test_visual_iso_8859_8_comes_out_logical() -> None:
    parsed = parse("visual_iso_8859_8.eml")
    assert parsed.subject == "בקשת דוחות סיכום"
    assert parsed.text == (
        "שלום, רצנו לקבל דוחות רווחים כל יום.\nהאם אפשר להעביר את הסטטיסטיקה המבוקשת?\n"
        "תודה, עד ה-15 במרס 2024."
    )


def test_iso_8859_8_i_is_read_as_logical_hebrew() -> None:
    parsed = parse("logical_iso_8859_8_i.eml")
    assert (parsed.subject, parsed.from_name) == ("הסכם שירות חתום", 'עו"ד גל אורן')
    assert parsed.text == "שלום,\nמצורף הסכם השירות החתום.\nנא לאשר קבלה."


def test_broken_base64_is_decoded_with_a_note() -> None:
    parsed = parse("broken_base64.eml")
    assert parsed.text == "The invoice total is wrong: 1,250 instead of 1,000.\nPlease fix."
    assert parsed.errors == ["base64 with a stray trailing character"]


def test_rfc2047_with_the_wrong_charset() -> None:
    parsed = parse("rfc2047_wrong_charset.eml")
    assert parsed.subject == "בעיה בחיובASAP"
    assert parsed.from_name == "שירה נחום"
    assert parsed.text == "חויבתי פעמיים החודש."
    assert "Subject: unknown charset 'x-unknown-charset'" in parsed.defects


def test_html_only_with_script_is_made_safe() -> None:
    parsed = parse("html_only_script.eml")
    assert parsed.text == "שלום,\nלא מצליח להתחבר לפורטל.\n\nClick here or login."
    for dangerous in ("script", "onload", "onerror", "javascript:", "iframe", "<style", "<title"):
        assert dangerous not in parsed.html
    assert '<a href="https://portal.example.com/login"' in parsed.html


def test_fifty_levels_of_nesting_are_read() -> None:
    parsed = parse("nested_50.eml")
    assert (parsed.text, parsed.errors) == ("fifty levels down", [])


def test_a_bounce_is_a_bounce_and_keeps_the_returned_message() -> None:
    parsed = parse("bounce.eml")
    assert parsed.kind == "bounce"
    assert parsed.kind_reasons == [
        "sender mailer-daemon@mx.shomer.example",
        "delivery-status report",
        "null Return-Path and bounce subject",
    ]
    [returned] = parsed.forwarded
    assert (returned.message_id, returned.subject) == (
        "reply-77-2@shomer.example",
        "Your ticket [#77]",
    )


def test_hebrew_out_of_office_is_an_auto_reply() -> None:
    parsed = parse("out_of_office_hebrew.eml")
    assert parsed.kind == "auto-reply"
    assert parsed.kind_reasons == ["Auto-Submitted: auto-replied", "auto-reply subject"]


def test_the_mbox_holds_one_thread_of_three() -> None:
    parsed = [parse_email(source.raw) for source in iter_sources([DATA / "thread.mbox"])]
    assert [item.message_id for item in parsed] == [
        "t1@example.co.il",
        "s1@shomer.example",
        "t2@example.co.il",
    ]
    assert [item.text for item in parsed] == [
        "שלום,\nההזמנה 5521 לא הגיעה עדיין.\nAccording to the invoice it should have arrived on Thursday.",
        "שלום טל, בדקנו מול השליח והחבילה תגיע מחר.",
        "הגיעה, תודה רבה!",
    ]


@pytest.mark.parametrize("path", sorted(DATA.iterdir()), ids=lambda path: path.name)
def test_every_data_file_parses_without_raising(path: Path) -> None:
    for source in iter_sources([path]):
        assert parse_email(source.raw).message_id
