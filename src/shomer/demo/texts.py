"""Demo texts for promises, survey answers and what follows them, written for Shomer.

Fictional, like everything in `content`. Placeholders filled by the demo: {first} (the
contact's first name), {agent} (the agent's signature), {day} (a weekday name a few days
after the reply, in the reply's language).
"""

from __future__ import annotations

# Agent replies that make a promise with a time the language engine reads ("by tomorrow
# noon", "today by 16:00", "within the hour", "by Thursday"), so that the demo's promises are
# the ones an agent really wrote, detected and offered on the ticket.
PROMISE_REPLIES = {
    "he": (
        "היי {first}, בדקתי את הנושא מול הספק שלנו. אחזור אליך עד מחר בצהריים עם תשובה מהספק.\n{agent}",
        "שלום {first}, קיבלתי את הפרטים, תודה. אבדוק מול הספק ואעדכן אותך היום עד 16:00.\n{agent}",
        "{first}, הפנייה אצלי עכשיו. אעדכן אותך תוך שעה.\n{agent}",
        "שלום {first}, הכנו הצעה לשדרוג תיבות הדואר. אשלח לך את הצעת המחיר המעודכנת עד יום {day}.\n{agent}",
        "שלום {first}, אישרתי את הזיכוי על החיוב הכפול. ההחזר יועבר לכרטיס שלך תוך שלושה ימי עסקים.\n{agent}",
        "היי {first}, קיבלתי את הרשימה. כדי לא להתכתב הלוך ושוב, אתקשר אליך מחר בבוקר לתאם את המעבר לשרת החדש.\n{agent}",
        "שלום {first}, הגיבוי של השרת רץ כרגע. אחזור אליך ביום {day} ב-10:00 עם סיכום הבדיקה.\n{agent}",
        "היי {first}, הזמנו לכם נתב חלופי. הטכנאי יגיע אליכם מחר בין 9 ל-12, ואשלח לך אישור סופי היום עד 17:00.\n{agent}",
    ),
    "en": (
        "Hi {first}, thanks for your patience. I'll call you back tomorrow by noon with the supplier's answer.\n{agent}",
        "Hello {first}, I've passed this to our network engineer. I'll update you today by 16:00 once I hear from the supplier.\n{agent}",
        "Hi {first}, it's with me now. I'll get back to you within the hour.\n{agent}",
        "Hi {first}, the new router is in stock. We'll send the replacement router by {day}.\n{agent}",
        "Hello {first}, I've approved the credit for the double charge. You'll receive the refund within three business days.\n{agent}",
        "Hi {first}, thanks for the list of users. I'll send you the revised quote by {day}, with the extra mailboxes priced separately.\n{agent}",
        "Hi {first}, thanks for confirming. The technician will be with you tomorrow between 9 and 12. I'll confirm the exact time today by 17:00.\n{agent}",
    ),
}

# Why a promise was cancelled (written by staff, in their language).
CANCEL_REASONS = {
    "he": (
        "הלקוחה ביקשה לדחות — היא בחופשה עד סוף החודש.",
        "הלקוח פתר את זה בעצמו וביקש שלא נתקשר.",
        "נרשם פעמיים: אותה הבטחה כבר במעקב בפנייה אחרת.",
    ),
    "en": (
        "The customer asked us to wait until they are back from holiday.",
        "Solved on their side; the customer asked us not to call.",
        "Entered twice: the same promise is tracked on another ticket.",
    ),
}

# Survey comments by rating (CSAT 1-5), in the customer's language.
CSAT_COMMENTS = {
    "he": {
        5: (
            "שירות מעולה, הסבירו לי הכול בסבלנות.",
            "תודה! נפתר מהר ממה שציפיתי.",
            "תשובה מהירה ומקצועית, כמו תמיד.",
            "סוף סוף האתר מהיר. תודה לכל הצוות.",
            "הטכנאי הגיע בזמן, עבד נקי והסביר מה עשה.",
            "ענו לי תוך עשר דקות בשישי בבוקר. לא מובן מאליו.",
        ),
        4: (
            "טוב, רק לקח קצת זמן עד שמישהו חזר אליי.",
            "נפתר, אבל הייתי צריכה להזכיר פעם אחת.",
            "בסדר גמור. היה נחמד לקבל עדכון באמצע.",
            "השירות טוב, רק חבל שצריך להסביר כל פעם מחדש מה ההגדרות אצלנו.",
        ),
        3: (
            "הבעיה נפתרה, אבל רק אחרי שלושה ימים.",
            "סביר. ההסבר היה טכני מדי בשבילי.",
        ),
        2: (
            "לקח שבוע לפתור תקלה של חמש דקות. לא מקובל.",
            "הבטיחו לחזור אליי באותו יום ואף אחד לא חזר.",
            "תיקנו את הדואר אבל עכשיו המדפסת לא עובדת. מישהו בכלל בדק?",
        ),
        1: (
            "האתר נפל שוב יום אחרי ש׳תיקנתם׳ אותו. אני שוקל לעבור לחברה אחרת.",
            "אף אחד לא קרא את מה שכתבתי. ענו לי על שאלה אחרת לגמרי.",
            "חויבתי פעמיים ועדיין לא קיבלתי זיכוי.",
        ),
    },
    "en": {
        5: (
            "Excellent service, everything was explained patiently.",
            "Thank you! Fixed faster than I expected.",
            "Quick and professional, as always.",
            "The technician was on time and explained what he'd changed.",
        ),
        4: (
            "Good, it just took a while for someone to get back to me.",
            "Sorted, though I had to chase once.",
            "Good service; a short update halfway through would have helped.",
        ),
        3: (
            "The problem is fixed, but only after three days.",
            "OK. The explanation was too technical for me.",
        ),
        2: (
            "A week to fix a five-minute problem. Not acceptable.",
            "I was promised a call back the same day and nobody called.",
            "Mail works again, but now the shared calendar doesn't. Did anyone test it?",
        ),
        1: (
            "The site went down again the day after you 'fixed' it. I'm looking at other providers.",
            "Nobody read what I wrote; the answer was to a different question.",
        ),
    },
}

# NPS comments by group: promoters (9-10), passives (7-8), detractors (0-6).
NPS_COMMENTS = {
    "he": {
        "promoter": (
            "כבר המלצתי עליכם לשני עסקים בשכונה. זמינים ואדיבים.",
            "חמש שנים איתכם ולא הצטערתי יום אחד.",
            "תמיד עונים, תמיד בגובה העיניים.",
            "מאז שעברנו אליכם אני ישן בלילה — הגיבויים פשוט עובדים.",
            "דנה ומיכל פשוט מעולות. ממליץ בחום.",
        ),
        "passive": (
            "בסך הכול טוב, אבל המחיר עלה השנה.",
            "השירות טוב, זמני התגובה בערבים פחות.",
            "עושים את העבודה. לא יותר, לא פחות.",
            "מרוצים, אבל היינו שמחים לפגישת סיכום פעם ברבעון.",
        ),
        "detractor": (
            "יותר מדי נפילות של האתר השנה. לא הייתי ממליץ כרגע.",
            "כל פעם נציג אחר ואף אחד לא מכיר את ההיסטוריה שלנו.",
            "הבטחות לא מקוימות. מחפשים ספק אחר.",
            "המחיר עלה ב-20% והשירות נשאר אותו דבר.",
            "לוקח יומיים לקבל תשובה על שאלה פשוטה.",
        ),
    },
    "en": {
        "promoter": (
            "I've already recommended you to two other shops on our street.",
            "Always there when we need you, and always kind.",
            "Ruth sorted our whole office move in a weekend. Brilliant.",
        ),
        "passive": (
            "Good overall, but the price went up this year.",
            "Solid service; evenings are slower.",
            "Does the job. A quarterly review meeting would be welcome.",
        ),
        "detractor": (
            "Too many outages this year. I wouldn't recommend you right now.",
            "A different person every time, and nobody knows our history.",
            "Promises about dates are rarely kept.",
        ),
    },
}

# Exit survey: the reason a customer gave for leaving, and what they wrote.
EXIT_COMMENTS = {
    "he": {
        "price": "מצאנו חבילה זולה יותר אצל ספק אחר. השירות שלכם היה בסדר.",
        "service": "חיכינו יותר מדי זמן לתשובות, במיוחד כשהאתר היה למטה.",
        "needs": "סגרנו את הסניף השני ואנחנו צריכים הרבה פחות.",
        "quality": "העיצוב החדש של האתר לא היה מה שביקשנו.",
        "other": "עוברים לפתרון של רשת הזכיינות שלנו.",
    },
    "en": {
        "price": "We found a cheaper package elsewhere. Your service was fine.",
        "service": "We waited too long for answers, especially when the site was down.",
        "needs": "We closed our second branch and need far less now.",
        "quality": "The new website design was not what we asked for.",
        "other": "We're moving to our franchise's own platform.",
    },
}

# The agent's answer to a complaint opened by an unhappy survey answer, when the team
# handled it (older answers): heard, checked, fixed.
COMPLAINT_REPLIES = {
    "he": (
        "שלום {first}, תודה שכתבת לנו בסקר — שמענו אותך. בדקנו מה קרה בפנייה: התשובה התעכבה כי היא "
        "חיכתה לספק בלי שעדכנו אותך, ואנחנו מצטערים על כך. מעכשיו כל פנייה שמחכה לספק תקבל עדכון "
        "ממני בכל יום.\n{agent}",
        "שלום {first}, קראנו את מה שכתבת והתקשרנו לבדוק. התקלה תוקנה מהשורש והוספנו ניטור, וזיכינו "
        "את החשבון על חודש השירות. אם משהו עדיין לא עובד — אני כאן.\n{agent}",
    ),
    "en": (
        "Hello {first}, thank you for telling us in the survey — we hear you. We looked into it: the "
        "answer was late because it waited for a supplier and nobody updated you, and we're sorry. "
        "From now on a ticket waiting for a supplier gets an update from us every day.\n{agent}",
        "Hello {first}, we read what you wrote and checked again. The fault is fixed at the root, "
        "we added monitoring, and we credited your account for the month. If anything still isn't "
        "right, I'm here.\n{agent}",
    ),
}

# Promises a manager enters by hand on a ticket of a customer they own (kind, what).
MANAGER_PROMISES = (
    ("callback", "להתקשר לבעלי העסק ולהציע הארכת חוזה בתנאים של השנה שעברה"),
    ("follow_up", "לשלוח הצעה מסודרת לחבילת התחזוקה המורחבת"),
    ("refund", "לאשר את הזיכוי מול הנהלת החשבונות ולעדכן את הלקוח"),
    ("other", "פגישת היכרות במשרד הלקוח עם מנהל המשרד החדש"),
    ("callback", "שיחת בירור אישית אחרי שלוש תקלות החודש"),
)
