"""The default playbook for each customer type, in Hebrew and English.

Plain data, no Django. The health app seeds its Playbook table from these (managers edit
them there); each text is a few lines, one practice per line. Written from the practice in
PRODUCT.md: be heard fast, keep promises, give control and choice, set terms with the
boundary-less, part ways respectfully with the hostile, nurture the loyal.
"""

from __future__ import annotations

from typing import Final, NamedTuple


class PlaybookText(NamedTuple):
    works: str
    avoid: str
    choices: str


PLAYBOOKS: Final[dict[str, dict[str, PlaybookText]]] = {
    "chronic": {
        "he": PlaybookText(
            works=(
                "הקשיבו עד הסוף לפני שעונים, וסכמו במילים שלכם מה הבנתם.\n"
                'הכירו בתחושה ("אני מבין שזה מתסכל") גם כשהטענה עוד לא נבדקה.\n'
                "התחייבו רק למה שבטוח תעמדו בו, ועדכנו לפני המועד ולא אחריו.\n"
                "תנו תחושת שליטה: הציגו שתי אפשרויות ותנו ללקוח לבחור."
            ),
            avoid=(
                'אל תתווכחו ואל תנסו "לנצח" את הלקוח.\n'
                'אל תבטיחו "זה לא יקרה שוב".\n'
                "אל תתנצלו באופן כללי בלי פעולה ממשית.\n"
                "אל תעבירו בין נציגים: נציג אחד מלווה עד הסוף."
            ),
            choices=(
                "תיקון מיידי עכשיו או פתרון מלא עד מועד מוסכם.\n"
                "עדכון בטלפון או בכתב.\n"
                "שיחת סיכום עם מנהל הצוות."
            ),
        ),
        "en": PlaybookText(
            works=(
                "Listen to the end before answering, and sum up in your own words what you heard.\n"
                'Acknowledge the feeling ("I can see this is frustrating") even before the '
                "claim is checked.\n"
                "Promise only what you are sure to keep, and update before the deadline, not "
                "after it.\n"
                "Give a sense of control: offer two options and let the customer choose."
            ),
            avoid=(
                'Don\'t argue or try to "win" against the customer.\n'
                'Don\'t promise "it will never happen again".\n'
                "Don't apologise in general terms without a concrete action.\n"
                "Don't pass them between agents: one agent sees it through."
            ),
            choices=(
                "A quick fix now, or a full solution by an agreed date.\n"
                "Updates by phone or in writing.\n"
                "A wrap-up call with the team lead."
            ),
        ),
    },
    "know_it_all": {
        "he": PlaybookText(
            works=(
                'כבדו את הידע של הלקוח ושאלו לדעתו: "מה ניסית עד עכשיו?"\n'
                "ענו עם עובדות, נתונים וקישורים, בקצרה ובדיוק.\n"
                'הסבירו את ה"למה" מאחורי ההמלצה, לא רק את ה"מה".\n'
                "כשהלקוח צודק - אמרו זאת בפשטות ותקנו."
            ),
            avoid=(
                "אל תיכנסו למאבק על מי יודע יותר.\n"
                'אל תשתמשו ב"זו המדיניות שלנו" כתשובה.\n'
                "אל תוותרו על נהלים מקצועיים רק כדי לרצות.\n"
                "אל תפשטו יתר על המידה; זה נשמע מתנשא."
            ),
            choices=(
                "לבצע בדרך של הלקוח על אחריותו, או בדרך המומלצת עם אחריות מלאה שלנו.\n"
                "שיחה טכנית עם איש מקצוע בכיר.\n"
                "תיעוד מפורט של מה שנעשה."
            ),
        ),
        "en": PlaybookText(
            works=(
                'Respect what the customer knows and ask for their view: "What have you tried '
                'so far?"\n'
                "Answer with facts, figures and links - short and precise.\n"
                "Explain the why behind a recommendation, not only the what.\n"
                "When the customer is right, say so plainly and fix it."
            ),
            avoid=(
                "Don't get into a contest over who knows more.\n"
                "Don't use \"that's our policy\" as an answer.\n"
                "Don't drop professional standards just to please.\n"
                "Don't oversimplify; it sounds condescending."
            ),
            choices=(
                "Do it the customer's way at their own risk, or the recommended way with our "
                "full guarantee.\n"
                "A technical call with a senior specialist.\n"
                "A detailed written record of what was done."
            ),
        ),
    },
    "boundary_less": {
        "he": PlaybookText(
            works=(
                "לקוח נעים שלא רואה את גבולות השירות: הגדירו תנאים ברורים, בחום.\n"
                "הציגו את היקף השירות בהסכם, כולל שעות זמינות וזמני תגובה.\n"
                'תעדפו יחד: "מה מהבקשות הכי חשוב לך השבוע?"\n'
                "בקשות מחוץ להיקף - כהצעת מחיר נפרדת, לא בחינם ולא בסירוב."
            ),
            avoid=(
                'אל תענו בלילה ובשבת "רק הפעם"; זה מלמד שכך נוהגים.\n'
                "אל תסמנו הכול כדחוף רק כי הלקוח ביקש.\n"
                "אל תבלעו עבודה נוספת בשקט; זה נגמר בשחיקה.\n"
                "אל תנזפו; הלקוח לא מתכוון לפגוע."
            ),
            choices=(
                "הסכם שירות מעודכן עם שעות ותגובה מוגדרות, או חבילת תמיכה מורחבת בתשלום.\n"
                "שיחת תעדוף שבועית קבועה.\n"
                "ערוץ חירום אחד מוגדר לתקלות קריטיות בלבד.\n"
                "אם התנאים לא מחזיקים - הצעה מכבדת לעבור לספק מתאים יותר."
            ),
        ),
        "en": PlaybookText(
            works=(
                "A pleasant customer who doesn't see the service's limits: set clear terms, "
                "warmly.\n"
                "Put the scope in an agreement, including availability hours and response "
                "times.\n"
                'Prioritise together: "Which of these matters most to you this week?"\n'
                "Out-of-scope requests get a separate quote - neither free nor refused."
            ),
            avoid=(
                'Don\'t answer at night or on Saturday "just this once"; it teaches that this '
                "is how we work.\n"
                "Don't mark everything urgent because the customer asked.\n"
                "Don't quietly absorb extra work; it ends in burnout.\n"
                "Don't scold; they mean no harm."
            ),
            choices=(
                "An updated service agreement with set hours and response times, or a paid "
                "extended-support package.\n"
                "A fixed weekly prioritisation call.\n"
                "One defined emergency channel for critical faults only.\n"
                "If the terms don't hold: a respectful suggestion to move to a provider that "
                "fits better."
            ),
        ),
    },
    "hostile": {
        "he": PlaybookText(
            works=(
                "שמרו על הצוות: תשובה עניינית, קצרה ומנומסת, בכתב.\n"
                "תעדו כל פנייה פוגענית; המערכת מסתירה אותה עד שתבחרו לחשוף.\n"
                "העבירו את הטיפול למנהל, ואל תשאירו נציג לבד מול הלקוח.\n"
                "אם ההתנהגות חוזרת - נפרדים בכבוד, עם הפניה לספק אחר."
            ),
            avoid=(
                "אל תענו באותו טון ואל תיקחו את זה אישית.\n"
                'אל תבטיחו הטבות כדי "לקנות שקט".\n'
                "אל תתנו ללקוח להתלונן על עובד בלי שהעובד שותף לשיחה.\n"
                "אל תמשיכו לשרת לקוח שמשפיל את הצוות שוב ושוב."
            ),
            choices=(
                "להמשיך בתנאים מפורשים של שיח מכבד, או לסיים את ההתקשרות.\n"
                "סיום מסודר: העברת חומרים, תקופת מעבר והפניה לספק מתאים."
            ),
        ),
        "en": PlaybookText(
            works=(
                "Protect the team: a factual, short, polite answer, in writing.\n"
                "Log every abusive message; Shomer shields it until you choose to reveal it.\n"
                "Hand the account to a manager; never leave an agent alone with this customer.\n"
                "If it happens again, part ways respectfully, with a referral to another "
                "provider."
            ),
            avoid=(
                "Don't answer in the same tone, and don't take it personally.\n"
                'Don\'t offer perks to "buy quiet".\n'
                "Don't let the customer complain about an employee without that employee in "
                "the discussion.\n"
                "Don't keep serving a customer who humiliates the team again and again."
            ),
            choices=(
                "Continue on explicit terms of respectful conduct, or end the engagement.\n"
                "An orderly ending: files handed over, a transition period, and a referral to a "
                "suitable provider."
            ),
        ),
    },
    "loyal": {
        "he": PlaybookText(
            works=(
                "טפחו: פנייה אישית בשם, ותודה על הנאמנות.\n"
                "שמרו על קשר גם בלי תקלה: בדיקה חודשית, ברכה בחג וביום הולדת.\n"
                "שאלו מה אפשר לשפר, ועדכנו כשיישמתם.\n"
                "הציעו יתרון של ותיקים: עדיפות, מחיר שמור או מפגש אישי."
            ),
            avoid=(
                "אל תתייחסו לנאמנות כמובנת מאליה.\n"
                "אל תשכחו אותם אחרי החידוש; לקוח ותיק מרגיש כשהקשר מתקרר.\n"
                "אל תחליפו להם את איש הקשר בלי היכרות."
            ),
            choices=(
                "שיחת היכרות שנתית או סיכום שנה בכתב.\n"
                "שדרוג חבילה בתנאים מיוחדים.\n"
                "המלצה או חוות דעת - אם ירצו."
            ),
        ),
        "en": PlaybookText(
            works=(
                "Nurture: a personal message by name, and thanks for their loyalty.\n"
                "Keep in touch without a fault: a monthly check-in, holiday and birthday "
                "greetings.\n"
                "Ask what could be better, and tell them when you did it.\n"
                "Offer a long-standing customer's advantage: priority, a kept price or a "
                "personal meeting."
            ),
            avoid=(
                "Don't take their loyalty for granted.\n"
                "Don't forget them after the renewal; a long-time customer feels it when the "
                "relationship cools.\n"
                "Don't change their contact person without an introduction."
            ),
            choices=(
                "A yearly catch-up call or a written year in review.\n"
                "A package upgrade on special terms.\n"
                "A referral or a testimonial - if they would like to."
            ),
        ),
    },
    "silent": {
        "he": PlaybookText(
            works=(
                "96% עוזבים בלי לומר למה: פנו ראשונים, באופן אישי.\n"
                'שאלה פתוחה וקצרה: "איך הולך? יש משהו שאנחנו יכולים לעשות טוב יותר?"\n'
                "בדקו את ההיסטוריה לפני הפנייה: הבטחה שלא קוימה, המתנה ארוכה, החלפת נציגים.\n"
                "אם משהו השתבש - תקנו מהר ועד הסוף."
            ),
            avoid=(
                "אל תשלחו הודעת מכירה אוטומטית במקום שיחה.\n"
                "אל תלחצו להחליט עכשיו.\n"
                "אל תניחו ששקט אומר שהכול בסדר."
            ),
            choices=(
                "שיחת טלפון קצרה או מייל אישי - מה שנוח ללקוח.\n"
                "פגישת בדיקה ללא עלות.\n"
                "הצעה מותאמת לשימוש הנוכחי שלהם."
            ),
        ),
        "en": PlaybookText(
            works=(
                "96% leave without saying why: reach out first, personally.\n"
                'A short open question: "How is it going? Is there anything we could do '
                'better?"\n'
                "Read the history before you call: a broken promise, a long wait, agents who "
                "kept changing.\n"
                "If something went wrong, fix it fast and completely."
            ),
            avoid=(
                "Don't send an automated sales message instead of a conversation.\n"
                "Don't press them to decide now.\n"
                "Don't assume silence means all is well."
            ),
            choices=(
                "A short phone call or a personal e-mail - whichever suits them.\n"
                "A free review meeting.\n"
                "An offer fitted to how they use the service now."
            ),
        ),
    },
    "new": {
        "he": PlaybookText(
            works=(
                "הרושם הראשון קובע: תשובה מהירה ואישית, בשם.\n"
                "הציגו איש קשר קבוע אחד והסבירו איך ומתי פונים.\n"
                "הסבירו את היקף השירות כבר בהתחלה, כדי שהציפיות יהיו ברורות.\n"
                "בדקו אחרי השבועות הראשונים שהכול עובד כמו שציפו."
            ),
            avoid=(
                "אל תשכחו את הלקוח אחרי החתימה.\n"
                "אל תלחצו לשדרוגים לפני שהבסיס עובד.\n"
                "אל תניחו שהלקוח מכיר את הנהלים שלכם."
            ),
            choices=("שיחת היכרות או מדריך כתוב.\nמועד לשיחת מעקב אחרי חודש.\nערוץ פנייה מועדף."),
        ),
        "en": PlaybookText(
            works=(
                "First impressions decide: a fast, personal answer, by name.\n"
                "Introduce one steady contact person and explain how and when to reach us.\n"
                "Explain the scope of service at the start, so expectations are clear.\n"
                "Check after the first weeks that everything works as they expected."
            ),
            avoid=(
                "Don't forget the customer after signing.\n"
                "Don't push upgrades before the basics work.\n"
                "Don't assume they know how we work."
            ),
            choices=(
                "An introduction call or a written guide.\n"
                "A follow-up call date after the first month.\n"
                "Their preferred contact channel."
            ),
        ),
    },
    "regular": {
        "he": PlaybookText(
            works=(
                "יחס אישי: פנו בשם, הכירו את ההיסטוריה לפני שעונים.\n"
                "תשובה מהירה, ועדכון יזום כשמשהו מתעכב.\n"
                "עמדו בכל הבטחה; עדיף להבטיח פחות ולתת יותר.\n"
                "בסוף הטיפול שאלו אם הבעיה נפתרה לשביעות רצונם."
            ),
            avoid=(
                "אל תענו בתבניות קרות.\n"
                "אל תתרצו; הציגו מה נעשה ומתי.\n"
                "אל תעבירו בין נציגים בלי סיבה."
            ),
            choices=("פתרון עכשיו או במועד שנוח ללקוח.\nעדכון בטלפון או בכתב."),
        ),
        "en": PlaybookText(
            works=(
                "Personal treatment: use their name, read the history before answering.\n"
                "A fast answer, and an update before they have to ask when something is late.\n"
                "Keep every promise; under-promise and over-deliver.\n"
                "At the end, ask whether the problem was solved to their satisfaction."
            ),
            avoid=(
                "Don't answer with cold templates.\n"
                "Don't make excuses; say what is being done and when.\n"
                "Don't pass them between agents without a reason."
            ),
            choices=(
                "A fix now, or at a time that suits the customer.\nUpdates by phone or in writing."
            ),
        ),
    },
}
