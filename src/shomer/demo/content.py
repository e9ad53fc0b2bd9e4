"""Demo content written for Shomer: fictional people, businesses and conversations.

Nothing here describes a real person or business. Conversations are scripts of turns with
variants; placeholders are filled by the generator: {first} (the contact's first name),
{agent} (the agent's first name), {company}, {site}, {order}, {day}, {hour}.
"""

from __future__ import annotations

from dataclasses import dataclass

HEBREW_FIRST_NAMES = (
    "נועה",
    "יוסי",
    "מיכל",
    "אבי",
    "תמר",
    "רונן",
    "שירה",
    "עומר",
    "הדס",
    "איתי",
    "ליאת",
    "גלעד",
    "מאיה",
    "אורי",
    "רותם",
    "דני",
    "ענבל",
    "ניר",
    "יעל",
    "אסף",
    "קרן",
    "עידו",
    "שני",
    "משה",
    "רחל",
    "אליהו",
    "סיגל",
    "חן",
    "טל",
    "זיו",
    "נטע",
    "בועז",
    "אפרת",
    "יונתן",
    "מורן",
    "סהר",
    "עדי",
    "גיל",
    "ורד",
    "אמיר",
    "סמיר",
    "ראניה",
    "חאלד",
    "לינה",
    "איגור",
    "אולגה",
)
HEBREW_LAST_NAMES = (
    "כהן",
    "לוי",
    "מזרחי",
    "פרץ",
    "ביטון",
    "אברהם",
    "פרידמן",
    "שפירא",
    "אזולאי",
    "דהן",
    "גבאי",
    "קפלן",
    "רוזן",
    "אלון",
    "בר-לב",
    "שטרן",
    "נחום",
    "סלים",
    "חורי",
    "גולדברג",
    "ברק",
    "אוחיון",
    "ויס",
    "טל",
    "יוסף",
    "קליין",
    "מנסור",
    "עמר",
    "לנדאו",
    "חדד",
)
ENGLISH_FIRST_NAMES = (
    "Hannah",
    "Daniel",
    "Olivia",
    "Ethan",
    "Grace",
    "Samuel",
    "Chloe",
    "Nathan",
    "Maya",
    "Julian",
    "Ruth",
    "Adam",
    "Leah",
    "Oscar",
    "Naomi",
    "Felix",
    "Iris",
    "Simon",
    "Clara",
    "Victor",
    "Tessa",
    "Owen",
    "Zoe",
    "Marcus",
    "Elena",
    "Jonah",
    "Priya",
    "Tom",
    "Ava",
    "Leo",
)
ENGLISH_LAST_NAMES = (
    "Marlowe",
    "Ashford",
    "Pemberton",
    "Whitaker",
    "Calloway",
    "Ridley",
    "Hartwell",
    "Fairbanks",
    "Holloway",
    "Kingsley",
    "Lockwood",
    "Prescott",
    "Thorne",
    "Winslow",
    "Blackwood",
    "Carrington",
    "Everly",
    "Hastings",
    "Merritt",
    "Sinclair",
)

# Fictional customers of a fictional IT and web-services firm.
HEBREW_BUSINESSES = (
    ("מרפאת שיניים חיוך", "clinic"),
    ("משרד עורכי דין לוין ושות׳", "office"),
    ("מאפיית הכיכר", "shop"),
    ("סטודיו גלים לעיצוב", "studio"),
    ("חנות הפרחים של הדר", "shop"),
    ("מכון כושר אנרגיה", "gym"),
    ("משרד רואי חשבון אמון", "office"),
    ("גן ילדים פרפר", "school"),
    ("מסעדת הזית הירוק", "restaurant"),
    ("מוסך השרון", "garage"),
    ("קליניקה לפיזיותרפיה תנועה", "clinic"),
    ("חנות אופניים גלגל", "shop"),
    ("משרד אדריכלים קו ישר", "studio"),
    ("בית קפה הפינה", "restaurant"),
    ("אופטיקה עין טובה", "shop"),
    ("רשת מכבסות ניקיון", "shop"),
    ("מרכז לימודים הצלחה", "school"),
    ("סוכנות ביטוח מגן", "office"),
    ("נגריית עץ ואבן", "studio"),
    ("וטרינר לכל חיה", "clinic"),
    ("חנות ספרים דף חדש", "shop"),
    ("סלון יופי ורדה", "studio"),
    ("קייטרינג טעמים", "restaurant"),
    ("משרד נדל״ן בית חם", "office"),
    ("מעבדת מחשבים ביט", "shop"),
)
ENGLISH_BUSINESSES = (
    ("Blue Cedar Dental", "clinic"),
    ("Harbor Lane Bakery", "shop"),
    ("Northwind Legal", "office"),
    ("Quartz & Pine Studio", "studio"),
    ("Summit Physio", "clinic"),
    ("Lantern Bookshop", "shop"),
    ("Copperleaf Accounting", "office"),
    ("Riverside Cycles", "shop"),
    ("Oakridge Academy", "school"),
    ("Saffron Table Catering", "restaurant"),
    ("Brightside Optics", "shop"),
    ("Meadow Vet Clinic", "clinic"),
    ("Ironclad Fitness", "gym"),
    ("Silverline Realty", "office"),
)

HEBREW_DAYS = ("ראשון", "שני", "שלישי", "רביעי", "חמישי")
ENGLISH_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday")

CONTRACTS = {
    "he": (
        (
            "תחזוקת אתר ודיוור",
            "תחזוקת האתר, עדכוני תוכן עד 4 שעות בחודש, גיבוי יומי, ניהול תיבות דואר.",
            "עיצוב מחדש, פיתוח פיצ׳רים חדשים, תמיכה בציוד משרדי.",
        ),
        (
            "תמיכת IT למשרד",
            "תמיכה מרחוק בשעות העבודה, עד 10 עמדות, שרת קבצים וגיבוי.",
            "תמיכה בבית הלקוח, תיקון חומרה, תוכנות שלא נרכשו דרכנו.",
        ),
        (
            "חנות מקוונת — חבילה מלאה",
            "אחסון, תחזוקה, סליקה, עד 8 שעות פיתוח בחודש, זמינות 99.9%.",
            "צילום מוצרים, ניהול קמפיינים, שירות לקוחות עבור הלקוח.",
        ),
        ("אחסון ודואר בסיסי", "אחסון אתר, דואר ארגוני ותעודת אבטחה.", "עדכוני תוכן ופיתוח."),
    ),
    "en": (
        (
            "Website care plan",
            "Site maintenance, up to 4 hours of content updates a month, daily backups, mailboxes.",
            "Redesigns, new features, office hardware.",
        ),
        (
            "Office IT support",
            "Remote support in business hours, up to 10 workstations, file server and backup.",
            "On-site visits, hardware repair, software not bought through us.",
        ),
        (
            "Online store — full package",
            "Hosting, maintenance, payments, up to 8 development hours a month, 99.9% uptime.",
            "Product photography, ad campaigns, customer service on the customer's behalf.",
        ),
        (
            "Basic hosting and mail",
            "Website hosting, business e-mail and a TLS certificate.",
            "Content updates and development.",
        ),
    ),
}

NOTES = {
    "he": (
        "לקוח ותיק, מעדיף טלפון על פני מייל.",
        "משלמים תמיד בזמן. לשמור על קשר חודשי.",
        "רגישים לזמני תגובה — לענות מהר.",
        "בעל העסק עובד בעיקר בערבים.",
        "",
    ),
    "en": (
        "Long-standing customer; prefers phone over e-mail.",
        "Always pays on time; monthly check-in.",
        "Sensitive to response times — answer fast.",
        "The owner mostly works evenings.",
        "",
    ),
}


@dataclass(frozen=True)
class Script:
    """One kind of conversation: who writes, in what mood, and what is said."""

    persona: str
    language: str
    kind: str
    priority: str
    tags: tuple[str, ...]
    subjects: tuple[str, ...]
    turns: tuple[tuple[str, tuple[str, ...]], ...]


def _s(
    persona: str,
    language: str,
    kind: str,
    priority: str,
    tags: tuple[str, ...],
    subjects: tuple[str, ...],
    *turns: tuple[str, tuple[str, ...]],
) -> Script:
    return Script(persona, language, kind, priority, tags, subjects, turns)


C, A, N = "customer", "agent", "note"

SCRIPTS: tuple[Script, ...] = (
    # --- Hebrew -----------------------------------------------------------------------------
    _s(
        "polite",
        "he",
        "question",
        "normal",
        ("דואר",),
        ("שאלה לגבי תיבת דואר חדשה", "הוספת תיבת מייל לעובדת חדשה", "בקשה לפתוח כתובת מייל"),
        (
            C,
            (
                "שלום {agent},\nהצטרפה אלינו עובדת חדשה ונשמח לפתוח לה תיבת דואר בשם שלה. אפשר?\nתודה רבה, {first}",
                "היי, מקווה שהכול טוב. צריכים כתובת מייל חדשה למזכירות. מה צריך לשלוח לכם?\nבברכה, {first}",
            ),
        ),
        (
            A,
            (
                "היי {first}, בשמחה! שלחי לי בבקשה את השם המלא שלה ואיך תרצי שהכתובת תיראה, ואפתח עוד היום.\n{agent}",
                "שלום {first}, אין בעיה. אפתח את התיבה עד מחר בצהריים ואשלח לך את פרטי ההתחברות.\n{agent}",
            ),
        ),
        (C, ("מעולה, תודה! השם שלה רותם, כתובת: rotem@{site}", "תודה רבה על המענה המהיר 🙏")),
    ),
    _s(
        "angry",
        "he",
        "problem",
        "high",
        ("אתר", "תקלה"),
        ("האתר שוב לא עובד!!!", "האתר נפל באמצע יום עבודה", "למה האתר למטה כבר שעתיים?"),
        (
            C,
            (
                "זו כבר הפעם השלישית החודש שהאתר נופל. אני מאבד לקוחות בגללכם ואף אחד לא חוזר אליי. אני מצפה לתשובה עכשיו.",
                "אני מתקשר כבר שעה ואף אחד לא עונה. האתר לא עולה, הלקוחות שלי מתקשרים אליי ולא אליכם. מאוכזב מאוד.",
                "שוב אותה תקלה. אמרתם שזה טופל בפעם הקודמת. זה פשוט לא רציני.",
            ),
        ),
        (
            A,
            (
                "{first}, אני מבין לגמרי את התסכול, ואני מתנצל. בדקתי עכשיו: השרת עמוס בגלל עדכון שנכשל. אני מטפל בזה אישית ואחזור אליך עד 14:00 עם עדכון.\n{agent}",
                "שלום {first}, אתה צודק שזה לא מקובל. האתר חזר לפעול לפני חמש דקות. אני בודק את הסיבה לעומק ואשלח לך סיכום מחר עד 12:00.\n{agent}",
            ),
        ),
        (
            N,
            (
                "הלקוח כועס בצדק — שלוש נפילות החודש. לבדוק מעבר לשרת אחר.",
                "לעדכן את הלקוח גם אם אין עדיין פתרון מלא. לא לתת לזה לתקתק.",
            ),
        ),
        (C, ("טוב. מחכה לעדכון.", "בסדר, אבל אני רוצה לדעת למה זה קורה.")),
    ),
    _s(
        "urgent",
        "he",
        "problem",
        "urgent",
        ("סליקה", "חנות"),
        ("דחוף: לקוחות לא מצליחים לשלם", "הסליקה באתר לא עובדת - דחוף", "תקלה בתשלומים בחנות"),
        (
            C,
            (
                "דחוף!! אף לקוח לא מצליח לשלם בחנות מהבוקר. יש לנו מבצע היום. בבקשה לטפל מיד.",
                "שלום, הזמנות נתקעות בשלב התשלום. זה קריטי לנו, יום שישי זה היום הכי עמוס.",
            ),
        ),
        (
            A,
            (
                "{first}, קיבלתי ואני על זה עכשיו. נראה שתוקף המפתח מול חברת הסליקה פג. אעדכן אותך תוך שעה.\n{agent}",
                "היי {first}, אני מטפל בזה ברגע זה. אחזור אלייך בעוד 30 דקות עם סטטוס.\n{agent}",
            ),
        ),
        (
            A,
            (
                "עדכון: הסליקה חזרה לעבוד. ביצעתי הזמנת בדיקה והכול תקין. סליחה על העוגמת נפש.\n{agent}",
            ),
        ),
        (C, ("תודה, באמת הצלתם את היום.", "מצוין, תודה על הטיפול המהיר.")),
    ),
    _s(
        "abusive",
        "he",
        "problem",
        "high",
        ("תקלה",),
        ("אתם חבורה של חובבנים", "שירות מזעזע", "מה אתם בכלל עושים שם?"),
        (
            C,
            (
                "אתם חבורה של חובבנים מטומטמים. הטכנאי שלכם לא יודע כלום ואני משלם לכם על כלום. תתביישו.",
                "יא אפסים, כבר שבוע אני מחכה. אתם פשוט עלובים. אם זה לא מטופל היום אני דואג שכל העיר תדע כמה אתם גרועים.",
                "תקשיב לי טוב, יא חתיכת בטלן, אם המחשבים לא עובדים מחר בבוקר אתה תשמע ממני.",
            ),
        ),
        (
            N,
            (
                "הודעה פוגענית שלישית מהלקוח הזה. להעביר למנהל.",
                "לא לענות ברוח דומה. לתעד ולהעביר ליוסי.",
            ),
        ),
        (
            A,
            (
                "{first}, אני רוצה לעזור ולפתור את התקלה. כדי שנוכל לעבוד יחד, אבקש לשמור על שיח מכבד. בדקתי את המחשבים מרחוק והבעיה בעדכון של מערכת ההפעלה — אתקן עד מחר ב-10:00.\n{agent}",
            ),
        ),
    ),
    _s(
        "know_it_all",
        "he",
        "request",
        "normal",
        ("אתר",),
        ("ככה צריך לעשות את זה", "הערות על העבודה שלכם", "שיפור מהירות האתר"),
        (
            C,
            (
                "קראתי באינטרנט שצריך פשוט להעביר את האתר לשרת אחר וזה ייפתר. אני לא מבין למה אתם מסבכים. תעשו את מה שאני אומר.",
                "אני מתכנת בעצמי, אני יודע בדיוק מה הבעיה: אתם לא משתמשים במטמון. תוסיפו את זה ותפסיקו להסביר לי.",
                "כבר אמרתי לכם בפעם הקודמת איך לעשות את זה נכון. למה שוב לא עשיתם כמו שביקשתי?",
            ),
        ),
        (
            A,
            (
                "{first}, תודה על הכיוון. בדקנו את שתי האפשרויות: הוספת מטמון תשפר את הזמנים בכ-40%, והמעבר לשרת אחר לא ישפיע. אני ממליץ להתחיל במטמון — מתאים לך שנבצע ביום {day}?\n{agent}",
                "היי {first}, הערה טובה. אפשר לעשות זאת בשתי דרכים; אסביר את היתרונות של כל אחת ותבחר מה שמתאים לך.\n{agent}",
            ),
        ),
        (C, ("נו טוב. תעשו את המטמון.", "בסדר, אבל אני עדיין חושב שהדרך שלי עדיפה.")),
    ),
    _s(
        "after_hours",
        "he",
        "request",
        "high",
        ("דחוף", "אחרי שעות"),
        ("צריך עזרה עכשיו", "מישהו ער?", "שבת בבוקר — צריך תיקון"),
        (
            C,
            (
                "אני יודע שזה מוצאי שבת אבל אני חייב שתעלו את המבצע לאתר הלילה. זה לא יכול לחכות לבוקר.",
                "שלום, 23:30 ואני צריך שתשנו את המחירים באתר עכשיו. מתי מישהו עונה?",
                "שבת בבוקר, האתר נראה לא טוב בטלפון. צריך לתקן לפני שהלקוחות מתעוררים.",
            ),
        ),
        (
            A,
            (
                "שלום {first}, ראיתי את ההודעה בבוקר. שעות השירות שלנו הן א׳-ה׳ 9:00-17:00, ובשישי עד 13:00. אני מעלה את המבצע עכשיו ויהיה באוויר עד 10:30.\n{agent}",
            ),
        ),
        (C, ("קיבלתי. אבל זה היה דחוף אתמול.", "אוקיי, תודה.")),
    ),
    _s(
        "grateful",
        "he",
        "question",
        "low",
        ("תודה",),
        ("תודה רבה!", "רק רציתי להגיד תודה", "מכתב תודה לצוות"),
        (
            C,
            (
                "רציתי להגיד תודה ל{agent} על הסבלנות אתמול. הסברת הכול בצורה ברורה וסוף סוף הכול עובד. שירות מעולה!",
                "היי, האתר החדש מהמם והלקוחות מחמיאים לנו בלי סוף. תודה לכל הצוות ❤️",
            ),
        ),
        (
            A,
            (
                "{first}, איזה כיף לשמוע! תודה שכתבת. אם יש עוד משהו, אנחנו כאן.\n{agent}",
                "תודה רבה {first}, מעביר את המחמאה לצוות. שמחים שהכול עובד!\n{agent}",
            ),
        ),
    ),
    _s(
        "boundary_less",
        "he",
        "request",
        "urgent",
        ("דחוף",),
        ("עוד בקשה קטנה ודחופה", "דחוף - שינוי קטן באתר", "עוד משהו אחד מהיר"),
        (
            C,
            (
                "היי {agent}, עוד דבר קטן ודחוף: אפשר להחליף את התמונה בדף הבית? ואת הטקסט בפוטר? ואולי גם להוסיף דף חדש למוצרים? הכול להיום אם אפשר 🙂",
                "שלום, אני יודעת ששלחתי כבר שלוש בקשות היום, אבל זה ממש דחוף — צריך להוסיף באנר לחג. ואם כבר, לשנות את הצבע של הכפתורים.",
                "מצטער להטריד שוב! עוד שינוי קטנטן, ממש דקה עבודה. דחוף כמו תמיד 😅",
            ),
        ),
        (
            A,
            (
                "היי {first}, בשמחה! את הבאנר אעלה היום. הוספת דף מוצרים היא מעבר לשעות שבחבילה — אשלח לך הצעה מסודרת עד יום {day}.\n{agent}",
            ),
        ),
        (N, ("זו הבקשה ה-12 החודש. החבילה כוללת 4 שעות. להציע הסכם שירות ברור.",)),
        (C, ("מעולה, תודה! אתם הכי טובים.", "אוקיי, שלח הצעה.")),
    ),
    _s(
        "chronic",
        "he",
        "complaint",
        "high",
        ("תלונה",),
        ("שוב לא מרוצה", "תלונה על השירות", "זה לא מה שביקשתי"),
        (
            C,
            (
                "גם הפעם התוצאה לא טובה. העיצוב לא מה שרציתי, הצבעים לא נכונים והטקסטים ארוכים מדי. כרגיל.",
                "אני רוצה להגיש תלונה. הטכנאי שהגיע אליי היה לא מקצועי ולא הסביר מה הוא עושה.",
                "לא מרוצה מהשירות. כל פעם מישהו אחר עונה לי ואף אחד לא מכיר את ההיסטוריה שלי.",
            ),
        ),
        (
            A,
            (
                "{first}, תודה שכתבת ונתת לנו הזדמנות לתקן. אני רוצה להבין בדיוק מה חשוב לך — אפשר לקבוע שיחה קצרה ביום {day} ב-{hour}:00? ניתן לך שתי אפשרויות עיצוב לבחירה.\n{agent}",
                "שלום {first}, שמעתי אותך. מעכשיו אני אהיה איש הקשר הקבוע שלך, כדי שלא תצטרך להסביר מחדש. אחזור אליך מחר עד 12:00.\n{agent}",
            ),
        ),
        (C, ("נראה. מקווה שהפעם זה יהיה שונה.", "בסדר, תתקשר.")),
    ),
    _s(
        "collections",
        "he",
        "question",
        "normal",
        ("חיוב",),
        ("שאלה על החשבונית", "חיוב כפול?", "לא הבנתי את החשבון החודשי"),
        (
            C,
            (
                "קיבלתי חשבונית על שני חודשים. אני חושב שחויבתי פעמיים. אפשר לבדוק?",
                "החודש קשה לנו כלכלית. אפשר לפרוס את התשלום?",
            ),
        ),
        (
            A,
            (
                "שלום {first}, בדקתי: אכן נשלחה חשבונית כפולה בטעות. ביטלתי אחת ותקבל חשבונית מתוקנת עד סוף השבוע. סליחה על הבלבול.\n{agent}",
                "היי {first}, תודה שפנית. בהחלט אפשר לפרוס לשלושה תשלומים — אשלח לך הסדר מסודר עוד היום.\n{agent}",
            ),
        ),
        (C, ("תודה, הוגן מאוד.",)),
    ),
    _s(
        "polite",
        "he",
        "problem",
        "normal",
        ("מחשבים",),
        ("המדפסת לא מדפיסה", "בעיה בחיבור ל-VPN", "המחשב במשרד איטי מאוד"),
        (
            C,
            (
                "בוקר טוב, מאתמול המדפסת במשרד לא מדפיסה מאף מחשב. ניסינו להפעיל מחדש. תוכלו לעזור?",
                "שלום, לא מצליחה להתחבר ל-VPN מהבית. מופיעה שגיאת אימות. תודה מראש!",
                "המחשב של הקבלה איטי מאוד בזמן האחרון, לוקח לו דקות לפתוח קובץ.",
            ),
        ),
        (
            A,
            (
                "בוקר טוב {first}, התחברתי מרחוק ומצאתי שהמנהל התקן התעדכן. החזרתי לגרסה הקודמת — תנסי עכשיו?\n{agent}",
                "שלום {first}, איפסתי את הסיסמה ל-VPN ושלחתי לך SMS עם סיסמה זמנית. נשמח לדעת אם עובד.\n{agent}",
            ),
        ),
        (C, ("עובד! תודה רבה.", "מושלם, תודה {agent}.")),
    ),
    _s(
        "out_of_scope",
        "he",
        "request",
        "normal",
        ("מחוץ להיקף",),
        ("תוכלו לנהל לנו את הפייסבוק?", "בקשה: צילום מוצרים", "צריך עזרה עם המחשב בבית"),
        (
            C,
            (
                "היי, אנחנו צריכים מישהו שינהל את הקמפיינים בפייסבוק ובאינסטגרם. אתם יכולים לקחת את זה?",
                "אפשר שתשלחו טכנאי אליי הביתה? המחשב של הילדים לא נדלק.",
            ),
        ),
        (
            A,
            (
                "היי {first}, תודה שחשבת עלינו! ניהול קמפיינים לא כלול בחבילה שלך ואינו תחום ההתמחות שלנו. אשמח להמליץ לך על שני משרדים מצוינים שאנחנו עובדים איתם.\n{agent}",
            ),
        ),
    ),
    # --- English ----------------------------------------------------------------------------
    _s(
        "polite",
        "en",
        "question",
        "normal",
        ("email",),
        (
            "New mailbox for our receptionist",
            "Question about adding a user",
            "Can we get a shared inbox?",
        ),
        (
            C,
            (
                "Hi {agent},\nWe have a new receptionist starting on {day}. Could you set up a mailbox for her?\nThanks, {first}",
                "Hello, could we get a shared inbox for bookings@{site}? Happy to send whatever you need.\nBest, {first}",
            ),
        ),
        (
            A,
            (
                "Hi {first}, happy to help! I'll set it up by tomorrow at 12:00 and send you the login details.\n{agent}",
                "Hi {first}, sure thing. Send me her full name and I'll have it ready later today.\n{agent}",
            ),
        ),
        (C, ("Perfect, thank you!", "Great, thanks for the quick answer.")),
    ),
    _s(
        "angry",
        "en",
        "problem",
        "high",
        ("website", "outage"),
        ("Website down AGAIN", "Our site has been down for hours", "Unacceptable downtime"),
        (
            C,
            (
                "This is the third outage this month. Customers are calling me instead of booking online. Nobody has called me back. I expect an answer now.",
                "I've been waiting two hours for someone to respond. This is not the service we pay for.",
            ),
        ),
        (
            A,
            (
                "{first}, I'm sorry — you're right that this isn't acceptable. The site is back up as of 10 minutes ago. I'm looking into the root cause myself and will send you a full summary by Tuesday EOD.\n{agent}",
                "Hi {first}, I understand, and I apologise. I'm on it personally and will update you within 2 hours.\n{agent}",
            ),
        ),
        (N, ("Third outage this month — escalate hosting migration.",)),
        (C, ("Fine. Waiting for that summary.", "OK. Please make sure it doesn't happen again.")),
    ),
    _s(
        "urgent",
        "en",
        "problem",
        "urgent",
        ("payments", "store"),
        ("URGENT: checkout broken", "Customers can't pay", "Payment page error"),
        (
            C,
            (
                "URGENT — nobody can check out on the store since this morning and our sale starts today!",
                "Checkout throws an error for every card. This is costing us money every minute.",
            ),
        ),
        (
            A,
            (
                "{first}, on it right now. It looks like the payment gateway key expired. I'll update you within the hour.\n{agent}",
            ),
        ),
        (
            A,
            (
                "Update: checkout works again; I placed a test order to confirm. Sorry for the stress.\n{agent}",
            ),
        ),
        (C, ("Thank you so much, you saved our sale!", "Brilliant, thanks.")),
    ),
    _s(
        "abusive",
        "en",
        "problem",
        "high",
        ("outage",),
        ("You people are useless", "Pathetic service", "Fix it or else"),
        (
            C,
            (
                "You are a bunch of useless idiots. Your technician is clueless and I'm paying you for nothing.",
                "Listen, you incompetent morons, if this isn't fixed today I'll make sure everyone knows how pathetic you are.",
                "Are you stupid or just lazy? Answer me NOW.",
            ),
        ),
        (N, ("Abusive language again. Escalating to Yossi.",)),
        (
            A,
            (
                "{first}, I want to fix this for you. To work together, I ask that we keep the conversation respectful. I found the cause and will have it fixed by tomorrow at 10:00.\n{agent}",
            ),
        ),
    ),
    _s(
        "know_it_all",
        "en",
        "request",
        "normal",
        ("website",),
        ("Here's how you should do it", "You're doing it wrong", "Speed up our site — my way"),
        (
            C,
            (
                "I read that you just need to move the site to another server. I don't see why you're overcomplicating this. Just do what I say.",
                "I'm a developer myself and I know exactly what's wrong: no caching. Add it and stop explaining.",
            ),
        ),
        (
            A,
            (
                "Thanks {first}. We tested both options: caching improves load times by about 40%, a server move wouldn't change much. Shall we add caching on {day}?\n{agent}",
            ),
        ),
        (C, ("Fine, do the caching.", "OK, but I still think my way is better.")),
    ),
    _s(
        "after_hours",
        "en",
        "request",
        "high",
        ("after hours",),
        ("Need this tonight", "Anyone there?", "Weekend fix needed"),
        (
            C,
            (
                "It's 11pm but I need the new prices on the site tonight. This can't wait until morning.",
                "Saturday morning and the site looks broken on mobile. Please fix before customers wake up.",
            ),
        ),
        (
            A,
            (
                "Hi {first}, I saw this first thing this morning. Our support hours are Sunday–Thursday 9:00–17:00 and Friday until 13:00. I'm updating the prices now; they'll be live by 10:30.\n{agent}",
            ),
        ),
        (C, ("Got it. It was urgent yesterday though.",)),
    ),
    _s(
        "grateful",
        "en",
        "question",
        "low",
        ("thanks",),
        ("Thank you!", "Just wanted to say thanks", "Great job on the new site"),
        (
            C,
            (
                "Just wanted to thank {agent} for the patience yesterday. Everything finally works. Great service!",
                "Our customers love the new site. Thank you all ❤️",
            ),
        ),
        (A, ("Thanks so much for writing, {first}! We're here if you need anything.\n{agent}",)),
    ),
    _s(
        "boundary_less",
        "en",
        "request",
        "urgent",
        ("urgent",),
        ("One more tiny urgent thing", "Quick urgent change", "Sorry, another small request"),
        (
            C,
            (
                "Hi {agent}! One more small urgent thing: can you swap the homepage photo? And the footer text? And maybe add a products page? All today if possible 🙂",
                "I know I sent three requests today already, but this one is really urgent — a holiday banner. And could you change the button colours too?",
            ),
        ),
        (
            A,
            (
                "Hi {first}, happy to! The banner goes up today. A new products page is beyond the hours in your plan — I'll send a proposal by {day}.\n{agent}",
            ),
        ),
        (N, ("12th request this month; plan covers 4 hours. Propose a clear service agreement.",)),
        (C, ("Great, you're the best!",)),
    ),
    _s(
        "chronic",
        "en",
        "complaint",
        "high",
        ("complaint",),
        ("Not happy, again", "Complaint about your technician", "This isn't what I asked for"),
        (
            C,
            (
                "Once again the result isn't good. The design isn't what I wanted and the texts are too long. As usual.",
                "I want to file a complaint. The technician who came was unprofessional and didn't explain anything.",
                "Every time someone different answers and nobody knows my history.",
            ),
        ),
        (
            A,
            (
                "{first}, thank you for telling us and giving us the chance to fix it. Could we have a short call on {day} at {hour}:00? I'll bring two design options for you to choose from.\n{agent}",
                "Hi {first}, I hear you. From now on I'll be your regular contact so you won't have to repeat yourself. I'll call you tomorrow by 12:00.\n{agent}",
            ),
        ),
        (C, ("We'll see.", "Fine, call me.")),
    ),
    _s(
        "polite",
        "en",
        "problem",
        "normal",
        ("it",),
        ("Printer not printing", "VPN connection problem", "Office PC very slow"),
        (
            C,
            (
                "Good morning, since yesterday the office printer won't print from any computer. We restarted it already.",
                "Hi, I can't connect to the VPN from home — it says authentication failed. Thanks in advance!",
            ),
        ),
        (
            A,
            (
                "Morning {first}, I connected remotely and found a driver update broke it. I rolled it back — could you try now?\n{agent}",
                "Hi {first}, I reset your VPN password and texted you a temporary one. Let me know if it works.\n{agent}",
            ),
        ),
        (C, ("Works now, thank you!", "Perfect, thanks {agent}.")),
    ),
)

# Complaints on the themes a service business hears most (slow answers, a rude technician,
# billing mistakes, broken promises, outages), several wordings each, so that the
# complaint themes page (shomer.complaints) has real-looking material to group. They go to
# the personas who would write them: angry and chronic customers, the urgent (outages)
# and those with billing trouble.
COMPLAINT_SCRIPTS: tuple[Script, ...] = (
    # --- Hebrew -----------------------------------------------------------------------------
    _s(
        "angry",
        "he",
        "complaint",
        "high",
        ("תלונה", "זמני תגובה"),
        ("תלונה על זמני התגובה", "אף אחד לא חוזר אליי", "מחכה כבר שבוע לתשובה"),
        (
            C,
            (
                "פתחתי פנייה לפני שבוע ועדיין מחכה לתשובה. שלחתי שלושה מיילים והתקשרתי פעמיים, ואף אחד לא חזר אליי. ככה לא מתנהלים מול לקוח.",
                "אני מחכה לתשובה כבר חמישה ימים. כל פעם אומרים לי שמישהו יחזור אליי, ואף אחד לא חוזר. זה לא שירות.",
                "זמני התגובה שלכם איטיים בצורה בלתי נסבלת. עשרה ימים אני מחכה לתשובה על בקשה פשוטה.",
                "שעה וחצי חיכיתי על הקו לנציג ובסוף השיחה התנתקה. אני רוצה להגיש תלונה על זמני ההמתנה אצלכם.",
                "כבר שבועיים אני מחכה שמישהו יחזור אליי לגבי התקלה. אין לי כוח לרדוף אחריכם כל יום מחדש.",
                "שלחתי בקשה דחופה ביום ראשון וקיבלתי תשובה רק ביום חמישי. זמן תגובה כזה פוגע לי בעסק.",
            ),
        ),
        (
            A,
            (
                "{first}, שמענו אותך, ואתה צודק: חיכית הרבה יותר מדי. אני לוקח את הפנייה אישית ואחזור אליך עד מחר ב-12:00 עם תשובה מלאה.\n{agent}",
                "שלום {first}, סליחה על ההמתנה הארוכה. זה לא הסטנדרט שלנו. הפנייה אצלי עכשיו, ואעדכן אותך היום עד סוף היום.\n{agent}",
            ),
        ),
        (C, ("נראה. אני מחכה.", "טוב, מקווה שהפעם באמת תחזרו אליי.")),
    ),
    _s(
        "angry",
        "he",
        "complaint",
        "high",
        ("תלונה", "יחס"),
        ("תלונה על הטכנאי", "יחס מזלזל מהנציג", "התנהגות לא מקובלת של עובד שלכם"),
        (
            C,
            (
                "הטכנאי שהגיע אלינו היום היה גס רוח. הוא דיבר אל העובדת שלנו בזלזול והרים את הקול כשהיא שאלה שאלה.",
                "אני רוצה להתלונן על היחס שקיבלתי מ{agent}. קטעו אותי כל הזמן, דיברו אליי בזלזול ובטון מתנשא, ובסוף פשוט ניתקו לי.",
                "הטכנאי אמר לי ׳זו לא הבעיה שלי׳ והלך באמצע העבודה. לא מקובל שעובד שלכם ידבר ככה ללקוח.",
                "הנציגה בטלפון צחקה עליי כשלא הבנתי מה היא מבקשת. יחס מזלזל כזה לא מגיע לאף לקוח. אני מצפה להתנצלות.",
                "הטכנאי שלכם היה חצוף, לכלך את המשרד ולא טרח להסביר מה עשה. אני לא רוצה שהוא יגיע אלינו שוב.",
            ),
        ),
        (
            A,
            (
                "{first}, תודה שסיפרת לנו. אנחנו לוקחים את זה ברצינות: אני בודק מה קרה מול העובד ומול מנהל הצוות, ואחזור אליך עד מחר עם תשובה.\n{agent}",
                "שלום {first}, אני מצטער על החוויה. שמענו אותך. אני מברר את הפרטים עם כל מי שהיה מעורב ואעדכן אותך בתוך יומיים.\n{agent}",
            ),
        ),
        (C, ("תודה שאתם בודקים.", "אני מחכה לשמוע מה יצא מזה.")),
    ),
    _s(
        "collections",
        "he",
        "complaint",
        "high",
        ("תלונה", "חיוב"),
        ("חיוב כפול — תלונה", "טעות בחשבונית", "חויבתי על משהו שלא הזמנתי"),
        (
            C,
            (
                "חויבתי פעמיים על אותו חודש בחשבונית. זו כבר הפעם השנייה שזה קורה ואף אחד לא מחזיר לי את הכסף.",
                "קיבלתי חשבונית על שירות שביטלתי לפני שלושה חודשים. אני דורש זיכוי מלא על החיוב.",
                "החיוב בחשבונית גבוה ב-400 ש״ח ממה שסיכמנו. אף אחד לא הודיע לי על העלאת מחיר.",
                "ירד לי חיוב מכרטיס האשראי על חבילה שלא הזמנתי. אני רוצה החזר כספי עוד השבוע.",
                "שלוש חשבוניות שונות על אותה עבודה וכל אחת עם סכום אחר. החיובים אצלכם פשוט בלגן.",
            ),
        ),
        (
            A,
            (
                "{first}, שמענו אותך ואני מתנצל על הטעות בחיוב. העברתי את החשבון לבדיקה בהנהלת החשבונות ותקבל זיכוי או הסבר מסודר עד יום {day}.\n{agent}",
                "שלום {first}, בדקתי את החשבונית ואכן יש טעות. אני מטפל בזיכוי ואשלח לך חשבונית מתוקנת עוד השבוע.\n{agent}",
            ),
        ),
        (C, ("בסדר, אני מחכה לזיכוי.", "תודה. שלא יחזור על עצמו.")),
    ),
    _s(
        "angry",
        "he",
        "complaint",
        "high",
        ("תלונה", "חיוב"),
        ("שוב חיוב שגוי", "החשבונית לא נכונה", "תלונה על החיוב החודשי"),
        (
            C,
            (
                "שוב חויבתי פעמיים באשראי על אותה חבילה. אני רוצה את הכסף בחזרה ותסבירו לי איך זה קורה כל פעם.",
                "החשבונית של החודש כוללת שעות עבודה שלא קיבלתי. אני לא משלם על משהו שלא בוצע.",
            ),
        ),
        (
            A,
            (
                "{first}, אתה צודק ואני מצטער. החיוב הכפול יבוטל ותקבל החזר לכרטיס תוך חמישה ימי עסקים.\n{agent}",
            ),
        ),
        (C, ("טוב, נראה.",)),
    ),
    _s(
        "chronic",
        "he",
        "complaint",
        "high",
        ("תלונה", "הבטחות"),
        ("הבטחתם ולא קיימתם", "שוב לא עמדתם במועד", "איפה מה שהובטח?"),
        (
            C,
            (
                "הבטחתם לי שהאתר החדש יעלה עד סוף החודש. עבר חודש וחצי ועדיין כלום.",
                "הבטחתם לשלוח לי ביום שני הצעת מחיר. עבר שבוע, ההבטחה לא קוימה ולא קיבלתי שום דבר.",
                "הבטחתם שהטכנאי יגיע ביום שלישי בבוקר. חיכיתי כל היום ואף אחד לא הגיע ולא התקשר להודיע.",
                "כבר שלוש פעמים הבטחתם שהתקלה תטופל ׳עד מחר׳. אני לא מאמין יותר למה שאתם מבטיחים.",
                "כשחתמנו הבטחתם לנו מענה תוך שעה ותמיכה מלאה. בפועל ההבטחות לא מקוימות ואין עם מי לדבר.",
            ),
        ),
        (
            A,
            (
                "{first}, שמענו אותך. הבטחנו ולא עמדנו בזה, ואני מתנצל. כדי לא להבטיח שוב סתם: אשלח לך עד יום {day} לוח זמנים כתוב, ואני אחראי עליו אישית.\n{agent}",
                "שלום {first}, אתה צודק לגמרי. אני בודק למה המועד לא נשמר וחוזר אליך מחר עד 12:00 — וזה מועד שאני עומד בו.\n{agent}",
            ),
        ),
        (C, ("נראה אם הפעם תעמדו בזה.", "אני רושם לעצמי את התאריך.")),
    ),
    _s(
        "urgent",
        "he",
        "complaint",
        "urgent",
        ("תלונה", "אתר", "זמינות"),
        ("האתר נפל שוב — תלונה", "נפילות חוזרות של השרת", "האתר לא זמין, אנחנו מפסידים כסף"),
        (
            C,
            (
                "האתר שלנו היה למטה כל סוף השבוע. הפסדנו הזמנות ואף אחד מכם לא ידע על זה עד שהתקשרתי.",
                "זו הפעם הרביעית החודש שהשרת נופל והאתר לא זמין. החנות המקוונת למטה ואנחנו מפסידים כסף.",
                "האתר לא נטען מהבוקר ומופיעה שגיאה 500. הלקוחות שלי מתקשרים לשאול אם סגרנו את העסק.",
                "תיבות הדואר והאתר קרסו יחד אתמול בערב. ככה לא נראית זמינות של 99.9% שהובטחה בחוזה.",
                "שוב נפילה של האתר באמצע מבצע. כל פעם שיש עומס השרת שלכם קורס.",
            ),
        ),
        (
            A,
            (
                "{first}, שמענו אותך ואנחנו מצטערים על הנפילה. האתר חזר לפעול, ואני שולח לך עד מחר ניתוח של מה שקרה ומה נעשה כדי שזה לא יחזור.\n{agent}",
                "שלום {first}, אתה צודק, זה לא מקובל. העברנו את האתר לשרת חזק יותר והוספנו ניטור. אעדכן אותך היום ב-16:00.\n{agent}",
            ),
        ),
        (C, ("מקווה שזו הפעם האחרונה.", "תודה, אבל אני רוצה פיצוי על ההפסד.")),
    ),
    # --- English ----------------------------------------------------------------------------
    _s(
        "angry",
        "en",
        "complaint",
        "high",
        ("complaint", "response time"),
        ("Complaint about response times", "Nobody gets back to me", "Still waiting for an answer"),
        (
            C,
            (
                "I opened a request a week ago and I'm still waiting for an answer. I've sent three emails and called twice and nobody has got back to me. This is not how you treat a customer.",
                "I've been waiting five days for an answer. Every time I'm told someone will call me back, and nobody ever does.",
                "Your response times are unacceptable. I've been waiting ten days for an answer to a simple request.",
                "I was on hold for an hour and a half waiting for an agent and then the call dropped. I want to complain about your waiting times.",
                "Two weeks waiting for someone to get back to me about the fault. I shouldn't have to chase you every single day.",
                "I sent an urgent request on Sunday and only got a reply on Thursday. Slow answers like that hurt my business.",
            ),
        ),
        (
            A,
            (
                "{first}, we hear you, and you're right: you waited far too long. I'm taking this on personally and will get back to you by 12:00 tomorrow with a full answer.\n{agent}",
                "Hi {first}, I'm sorry about the long wait; it's not our standard. Your request is with me now and I'll update you before the end of today.\n{agent}",
            ),
        ),
        (C, ("We'll see. I'm waiting.", "OK, I hope someone actually gets back to me this time.")),
    ),
    _s(
        "angry",
        "en",
        "complaint",
        "high",
        ("complaint", "conduct"),
        (
            "Complaint about your technician",
            "Rude treatment on the phone",
            "Unacceptable behaviour by your staff",
        ),
        (
            C,
            (
                "The technician who came today was rude. He spoke down to our receptionist and raised his voice when she asked a question.",
                "I want to complain about how {agent} treated me. I was interrupted constantly, spoken to in a rude, condescending tone and in the end simply hung up on.",
                "Your technician told me 'that's not my problem' and walked out halfway through the job. No employee should talk to a customer like that.",
                "Your agent on the phone laughed at me when I didn't understand what she was asking for. Rude treatment like that is not acceptable and I expect an apology.",
                "Your technician was disrespectful, left a mess in the office and couldn't be bothered to explain what he'd done. I don't want him back.",
            ),
        ),
        (
            A,
            (
                "{first}, thank you for telling us. We take this seriously: I'm looking into what happened with the employee and their team lead, and I'll get back to you by tomorrow.\n{agent}",
                "Hi {first}, I'm sorry about that experience. We hear you. I'm checking the details with everyone involved and will update you within two days.\n{agent}",
            ),
        ),
        (C, ("Thank you for looking into it.", "I'm waiting to hear what comes of it.")),
    ),
    _s(
        "angry",
        "en",
        "complaint",
        "high",
        ("complaint", "billing"),
        ("Charged twice — complaint", "Wrong invoice", "Charged for something I never ordered"),
        (
            C,
            (
                "I was charged twice for the same month on my invoice. It's the second time this has happened and nobody has refunded me.",
                "I got an invoice for a service I cancelled three months ago. I want a full credit for the charge.",
                "The charge on the invoice is 400 shekels more than what we agreed. Nobody told me about a price increase.",
                "My credit card was charged for a package I never ordered. I want a refund this week.",
                "Three different invoices for the same job, each with a different amount. Your billing is a mess.",
            ),
        ),
        (
            A,
            (
                "{first}, we hear you, and I'm sorry about the billing mistake. I've sent the account to our bookkeeping team and you'll have a credit or a clear explanation by {day}.\n{agent}",
                "Hi {first}, I checked the invoice and there is indeed an error. I'm arranging the credit and will send a corrected invoice this week.\n{agent}",
            ),
        ),
        (C, ("Fine, I'm waiting for the credit.", "Thanks. Make sure it doesn't happen again.")),
    ),
    _s(
        "chronic",
        "en",
        "complaint",
        "high",
        ("complaint", "promises"),
        (
            "You promised and didn't deliver",
            "Missed the deadline again",
            "Where is what you promised?",
        ),
        (
            C,
            (
                "You promised the new website would be live by the end of the month. It's been six weeks and still nothing.",
                "You promised to send me a quote on Monday. A week later the promise still isn't kept and I have nothing.",
                "You promised the technician would come on Tuesday morning. I waited all day and nobody came or even called.",
                "Three times now you've promised the problem would be fixed 'by tomorrow'. I don't believe anything you promise any more.",
                "When we signed you promised an answer within an hour and full support. In reality the promises aren't kept and there's nobody to talk to.",
            ),
        ),
        (
            A,
            (
                "{first}, we hear you. We promised and didn't deliver, and I apologise. So as not to promise lightly again: I'll send you a written timeline by {day}, and I'm personally responsible for it.\n{agent}",
                "Hi {first}, you're completely right. I'm finding out why the date slipped and will get back to you by 12:00 tomorrow — a date I will keep.\n{agent}",
            ),
        ),
        (C, ("We'll see if you keep it this time.", "I'm noting the date.")),
    ),
    _s(
        "urgent",
        "en",
        "complaint",
        "urgent",
        ("complaint", "website", "uptime"),
        (
            "Site down again — complaint",
            "Repeated server outages",
            "Website unavailable, we're losing money",
        ),
        (
            C,
            (
                "Our website was down the whole weekend. We lost orders and none of you knew until I called.",
                "That's the fourth time this month the server has gone down and the site is unavailable. The online store is down and we are losing money.",
                "The site hasn't loaded since this morning, just a 500 error. My customers are calling to ask if we've closed.",
                "Our mailboxes and the website both crashed last night. That is not the 99.9% uptime the contract promised.",
                "The site went down again in the middle of a sale. Every time there's traffic your server crashes.",
            ),
        ),
        (
            A,
            (
                "{first}, we hear you and we're sorry about the outage. The site is back up, and by tomorrow I'll send you an analysis of what happened and what we're doing so it doesn't happen again.\n{agent}",
                "Hi {first}, you're right, this isn't acceptable. We've moved the site to a stronger server and added monitoring. I'll update you today at 16:00.\n{agent}",
            ),
        ),
        (
            C,
            (
                "I hope this is the last time.",
                "Thanks, but I want compensation for the lost sales.",
            ),
        ),
    ),
)
SCRIPTS = SCRIPTS + COMPLAINT_SCRIPTS

STAFF = (
    # username, first, last, role, team, language
    ("yossi", "יוסי", "אברמוביץ", "manager", None, "he"),
    ("michal", "מיכל", "שגב", "team_lead", "support", "he"),
    ("dana", "דנה", "כרמי", "agent", "support", "he"),
    ("avi", "אבי", "נגר", "agent", "support", "he"),
    ("ruth", "Ruth", "Ellery", "agent", "support", "en"),
    ("eli", "אלי", "ברגר", "agent", "projects", "he"),
    ("tamar", "תמר", "וולך", "team_lead", "projects", "he"),
    ("admin", "Admin", "", "admin", None, "en"),
)
TEAMS = {"support": "תמיכה", "projects": "פרויקטים"}
# How Hebrew-named staff sign an English message.
ENGLISH_SIGNATURES = {
    "יוסי": "Yossi",
    "מיכל": "Michal",
    "דנה": "Dana",
    "אבי": "Avi",
    "אלי": "Eli",
    "תמר": "Tamar",
}
CITIES = {
    "he": (
        "חיפה",
        "באר שבע",
        "רמת גן",
        "נתניה",
        "מודיעין",
        "ירושלים",
        "אשדוד",
        "כפר סבא",
        "עכו",
        "רחובות",
    ),
    "en": (
        "Haifa",
        "Beersheba",
        "Ramat Gan",
        "Netanya",
        "Modiin",
        "Jerusalem",
        "Ashdod",
        "Kfar Saba",
        "Acre",
        "Rehovot",
    ),
}
DEMO_PASSWORD = "shomer-demo"
