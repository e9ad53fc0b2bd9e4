"""The offboarding letter's templates, in Hebrew and English: respectful, short, final.

Placeholders: {name} (the contact's first name, or the customer's name), {business},
{referral} (the referral paragraph, or nothing), {manager}. The manager edits the letter
on the offboarding page before it is kept.
"""

from __future__ import annotations

from typing import Final

LETTERS: Final = {
    "he": (
        "שלום {name},\n\n"
        "תודה על הזמן שעבדנו יחד. לאחר בחינה מעמיקה הגענו למסקנה שאיננו הספק המתאים "
        "לצרכים שלכם, ושנכון יותר להפסיק את ההתקשרות ביננו.\n\n"
        "נדאג למעבר מסודר: כל החומרים והמידע שלכם יועברו אליכם או לספק שתבחרו, ונשמח "
        "לענות על שאלות בתקופת המעבר.\n"
        "{referral}\n"
        "אנו מאחלים לכם הצלחה רבה.\n\n"
        "בברכה,\n{manager}\n{business}"
    ),
    "en": (
        "Dear {name},\n\n"
        "Thank you for the time we have worked together. After careful consideration we have "
        "concluded that we are not the right provider for your needs, and that it is better "
        "to end our engagement.\n\n"
        "We will make the transition orderly: all your files and information will be handed "
        "over to you or to the provider you choose, and we will gladly answer questions "
        "during the transition.\n"
        "{referral}\n"
        "We wish you every success.\n\n"
        "Kind regards,\n{manager}\n{business}"
    ),
}
REFERRALS: Final = {
    "he": "\nכדי שתמשיכו לקבל שירות טוב, אנו ממליצים לפנות אל: {referral}\n",
    "en": "\nSo that you keep getting good service, we recommend contacting: {referral}\n",
}


def letter(language: str, *, name: str, business: str, manager: str, referral: str = "") -> str:
    language = language if language in LETTERS else "he"
    referral_text = (
        REFERRALS[language].format(referral=referral.strip()) if referral.strip() else ""
    )
    return LETTERS[language].format(
        name=name, business=business, manager=manager, referral=referral_text
    )
