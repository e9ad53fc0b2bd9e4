"""The built-in texts of every template, in Hebrew and English. A manager's edit (a
`MessageTemplate` row) wins; these are the starting point and the fallback. Pure data.

Collection texts are written to pass the tone coach with no finding of humiliation or
pressure (tests/outreach check it): they greet by name, assume good faith, offer a way.
"""

from __future__ import annotations

from typing import Final

# key -> language -> (subject, body)
DEFAULT_TEMPLATES: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "checkin": {
        "he": (
            "מה שלומך, {first_name}?",
            "שלום {first_name},\n\n"
            "רציתי לבדוק איך הולך אצלכם ב{customer} ואם יש משהו שנוכל לעשות טוב יותר. "
            "אם יש שאלה, בקשה או רעיון, פשוט עני/ה למייל הזה ואחזור אלייך בעצמי.\n\n"
            "תודה שאתם איתנו,\n{owner_name}\n{business}",
        ),
        "en": (
            "How are things, {first_name}?",
            "Hi {first_name},\n\n"
            "I wanted to check in and see how things are going at {customer}, and whether "
            "there is anything we could do better. If you have a question, a request or an "
            "idea, just reply to this e-mail and I will get back to you myself.\n\n"
            "Thank you for being with us,\n{owner_name}\n{business}",
        ),
    },
    "birthday": {
        "he": (
            "יום הולדת שמח, {first_name}!",
            "שלום {first_name},\n\n"
            "כל הצוות של {business} מאחל לך יום הולדת שמח, שנה של בריאות, הצלחה ורגעים טובים.\n\n"
            "חג שמח,\n{owner_name}",
        ),
        "en": (
            "Happy birthday, {first_name}!",
            "Hi {first_name},\n\n"
            "Everyone at {business} wishes you a very happy birthday and a year of good health, "
            "success and good moments.\n\n"
            "Warm wishes,\n{owner_name}",
        ),
    },
    "anniversary": {
        "he": (
            "{years} שנים יחד, תודה {first_name}",
            "שלום {first_name},\n\n"
            "היום לפני {years} שנים {customer} הצטרפו ל{business}. "
            "תודה על האמון ועל הדרך המשותפת; אנחנו כאן בשבילכם גם בשנה הבאה.\n\n"
            "בהערכה,\n{owner_name}",
        ),
        "en": (
            "{years} years together: thank you, {first_name}",
            "Hi {first_name},\n\n"
            "{years} years ago today {customer} joined {business}. Thank you for your trust "
            "and for the road so far; we are here for you in the year ahead too.\n\n"
            "With appreciation,\n{owner_name}",
        ),
    },
    "after_sale": {
        "he": (
            "איך הכול עם {item}?",
            "שלום {first_name},\n\n"
            "רציתי לוודא שהכול בסדר עם {item}. אם משהו לא עובד כמו שציפית, או שיש שאלה, "
            "אשמח לשמוע. פשוט עני/ה למייל הזה.\n\n"
            "תודה,\n{owner_name}\n{business}",
        ),
        "en": (
            "How is everything with {item}?",
            "Hi {first_name},\n\n"
            "I wanted to make sure everything is fine with {item}. If something does not work "
            "the way you expected, or you have a question, I would be glad to hear it. Just "
            "reply to this e-mail.\n\n"
            "Thank you,\n{owner_name}\n{business}",
        ),
    },
    "after_onboarding": {
        "he": (
            "השבועות הראשונים שלכם איתנו",
            "שלום {first_name},\n\n"
            "עברו כמה שבועות מאז שהתחלנו לעבוד יחד, ורציתי לשמוע ממך: מה עובד טוב, ומה היית "
            "רוצה שנשפר? אני {owner_name}, איש/אשת הקשר שלך ב{business}, ואני זמין/ה לכל שאלה.\n\n"
            "תודה,\n{owner_name}",
        ),
        "en": (
            "Your first weeks with us",
            "Hi {first_name},\n\n"
            "It has been a few weeks since we started working together, and I would love to "
            "hear from you: what works well, and what would you like us to improve? I am "
            "{owner_name}, your contact at {business}, and I am glad to help with anything.\n\n"
            "Thank you,\n{owner_name}",
        ),
    },
    "collection_1": {
        "he": (
            "תזכורת ידידותית: חשבונית {invoice_number}",
            "שלום {first_name},\n\n"
            "רק תזכורת קטנה: לפי הרישומים שלנו חשבונית {invoice_number} על סך {amount}, "
            "שמועד התשלום שלה היה {due_date}, עדיין פתוחה. ייתכן שהתשלום כבר בדרך, ואם כך, "
            "תודה רבה ואפשר להתעלם מההודעה.\n\n"
            "אם יש שאלה על החשבונית, אשמח לעזור.\n\n"
            "תודה,\n{business}",
        ),
        "en": (
            "A friendly reminder: invoice {invoice_number}",
            "Hi {first_name},\n\n"
            "Just a small reminder: according to our records invoice {invoice_number} for "
            "{amount}, due on {due_date}, is still open. The payment may already be on its "
            "way; if so, thank you, and please ignore this note.\n\n"
            "If you have a question about the invoice, I am happy to help.\n\n"
            "Thank you,\n{business}",
        ),
    },
    "collection_2": {
        "he": (
            "אפשר לפרוס את התשלום: חשבונית {invoice_number}",
            "שלום {first_name},\n\n"
            "חשבונית {invoice_number} על סך {amount} (מועד תשלום {due_date}) עדיין פתוחה. "
            "אם נוח לך יותר, אפשר לפרוס אותה ל-{instalments} תשלומים חודשיים של {instalment_amount}. "
            "פשוט עני/ה למייל הזה ונסדר את זה יחד.\n\n"
            "ואם התשלום כבר יצא, תודה, ואפשר להתעלם מההודעה.\n\n"
            "תודה,\n{business}",
        ),
        "en": (
            "You can spread the payment: invoice {invoice_number}",
            "Hi {first_name},\n\n"
            "Invoice {invoice_number} for {amount} (due on {due_date}) is still open. If it "
            "suits you better, we can spread it into {instalments} monthly payments of "
            "{instalment_amount}. Just reply to this e-mail and we will arrange it together.\n\n"
            "If the payment has already gone out, thank you, and please ignore this note.\n\n"
            "Thank you,\n{business}",
        ),
    },
    "collection_3": {
        "he": (
            "חשבונית {invoice_number}: אשמח לדבר",
            "שלום {first_name},\n\n"
            "כאן {owner_name} מ{business}. ראיתי שחשבונית {invoice_number} על סך {amount} "
            "(מועד תשלום {due_date}) עדיין פתוחה, ורציתי לפנות אלייך באופן אישי. אם משהו לא "
            "מסתדר, בחשבונית עצמה או בתקופה הזאת, אשמח לשמוע ולמצוא יחד פתרון שמתאים לך, "
            "למשל {instalments} תשלומים של {instalment_amount}.\n\n"
            "אפשר לענות למייל הזה או להתקשר אליי.\n\n"
            "בתודה,\n{owner_name}",
        ),
        "en": (
            "Invoice {invoice_number}: I would be glad to talk",
            "Hi {first_name},\n\n"
            "This is {owner_name} from {business}. I saw that invoice {invoice_number} for "
            "{amount} (due on {due_date}) is still open, and I wanted to reach out personally. "
            "If something is not working out, with the invoice itself or at this time, I would "
            "be glad to hear it and find a way that suits you together, for example "
            "{instalments} payments of {instalment_amount}.\n\n"
            "You can reply to this e-mail or call me.\n\n"
            "Thank you,\n{owner_name}",
        ),
    },
    "csat": {
        "he": (
            "איך היה הטיפול בפנייה שלך?",
            "שלום {first_name},\n\n"
            'הפנייה שלך "{ticket_subject}" (#{ticket_number}) טופלה. '
            "נשמח לדעת איך היה: לחיצה אחת על הדירוג מספיקה.",
        ),
        "en": (
            "How did we do?",
            "Hi {first_name},\n\n"
            'Your request "{ticket_subject}" (#{ticket_number}) has been solved. '
            "We would love to know how it went: one click on a rating is enough.",
        ),
    },
    "nps": {
        "he": (
            "שאלה אחת קצרה מ{business}",
            "שלום {first_name},\n\n"
            "עד כמה סביר שתמליצו על {business} לחבר או לעמית? "
            "לחיצה אחת על מספר מ-0 (בכלל לא) עד 10 (בהחלט) מספיקה.",
        ),
        "en": (
            "One short question from {business}",
            "Hi {first_name},\n\n"
            "How likely are you to recommend {business} to a friend or colleague? "
            "One click on a number from 0 (not at all) to 10 (certainly) is enough.",
        ),
    },
    "exit": {
        "he": (
            "תודה על הדרך המשותפת, {first_name}",
            "שלום {first_name},\n\n"
            "תודה על התקופה שעבדנו יחד. כדי שנלמד ונשתפר, נשמח לדעת איך הייתה העבודה איתנו "
            "ומה הסיבה העיקרית לעזיבה. זה לוקח פחות מדקה.",
        ),
        "en": (
            "Thank you for the road together, {first_name}",
            "Hi {first_name},\n\n"
            "Thank you for the time we worked together. So that we can learn and improve, we "
            "would be grateful to know how working with us was, and the main reason for "
            "leaving. It takes less than a minute.",
        ),
    },
}

# Sample values for previews, per language.
SAMPLE_VARIABLES: Final[dict[str, dict[str, str]]] = {
    "he": {
        "first_name": "נועה",
        "customer": "מרפאת שיניים חיוך",
        "owner_name": "יוסי אברהם",
        "business": "שומר",
        "years": "3",
        "item": "האתר החדש",
        "amount": "₪4,800.00",
        "due_date": "15/10/2026",
        "invoice_number": "2026-118",
        "instalments": "3",
        "instalment_amount": "₪1,600.00",
        "ticket_subject": "האתר לא עולה",
        "ticket_number": "1042",
    },
    "en": {
        "first_name": "Mark",
        "customer": "Silverline Realty",
        "owner_name": "Yossi Avraham",
        "business": "Shomer",
        "years": "3",
        "item": "the new website",
        "amount": "$1,250.00",
        "due_date": "10/15/2026",
        "invoice_number": "2026-118",
        "instalments": "3",
        "instalment_amount": "$416.67",
        "ticket_subject": "The site is down",
        "ticket_number": "1042",
    },
}
