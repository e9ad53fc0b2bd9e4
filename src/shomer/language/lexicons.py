"""Hebrew and English word lists behind the analysers. Pure: no Django import.

No registry package ships a Hebrew sentiment or profanity list, so these are ours. Entries
are written naturally; `_words` folds them to the analysis form (regular letters instead of
final ones, case-folded), the form `normalize.words` gives. Hebrew words are matched with
and without one-letter prefixes (`normalize.stems`), so "ומטומטם" meets "מטומטם".
"""

from __future__ import annotations

import re

from shomer.language.normalize import squeeze, unfinal


def _words(text: str) -> frozenset[str]:
    return frozenset(squeeze(unfinal(word.casefold())) for word in text.split())


def _phrases(*phrases: str) -> re.Pattern[str]:
    """A pattern for multi-word phrases over the analysis form (word-bounded)."""
    forms = sorted((squeeze(unfinal(p.casefold())) for p in phrases), key=len, reverse=True)
    # Hebrew phrases may carry one-letter prefixes: "שתצטער" meets "תצטער".
    alternatives = "|".join(re.escape(f) for f in forms)
    return re.compile(r"(?<!\w)[והבכלמש]{0,3}(?:" + alternatives + r")(?!\w)")


# Insults aimed at a person: abusive when addressed to someone, not when quoted.
INSULTS = _words(
    """
    אידיוט אידיוטית אידיוטים מטומטם מטומטמת מטומטמים דביל דבילית דבילים טמבל טמבלית מפגר
    מפגרת מפגרים אפס אפסים אהבל חמור מניאק מניאקים זונה שרמוטה כלב כלבה חלאה חלאות
    נוכל נוכלים נוכלת רמאי רמאים רמאית גנב גנבים גנבת חוצפן חוצפנית עלוב עלובה עלובים
    סתום סתומה סתומים קוף קופים זבל טיפש טיפשה טיפשים חצוף חצופה אפסית מפגרות
    idiot idiots moron morons stupid dumbass imbecile imbeciles retard retarded clown clowns
    loser losers bastard bastards bitch prick jerk asshole scum crook crooks thief thieves
    fraud frauds halfwit useless worthless pathetic incompetent monkeys monkey garbage
    brainless
    בור בורים בורה פרזיט פרזיטים טפיל טפילים כסיל שוטה חלאת נבלה נבלות מגעיל מגעילה מושחת
    מושחתים שקרן שקרנית שקרנים נחות כלומניק לוזר לוזרים פתטי פתטית צבוע צבועים בהמה בהמות
    חזיר חזירים מנוול מנוולים נבזה נבזי קרציה אהבלה שמוק מזדיינים
    fool fools ignorant parasite parasites leech leeches scumbag lowlife dimwit nitwit
    cretin douche douchebag twat cunt dick dickhead wanker pig pigs liar liars hypocrite
    hypocrites vermin subhuman degenerate creep weasel buffoon ignoramus cow
    thick numpty halfwits parrot snake scum dumbest stupidest moronic
    פחדן טמבל טמבלים תוכי נחש חלאות מפגרים דפוקים סתומים
    """
)
# Everyday words whose prefix-stripped stem is an insult: "שבור" (broken) is not "בור"
# (ignorant), "שנוכל" (so that we can) is not "נוכל" (crook).
NOT_INSULT_FORMS = _words(
    """
    שבור שבורה שבורים שבורות ושבור כשבור שנוכל ונוכל כשנוכל שנוכלו ונוכלו לכשנוכל מבור
    """
)
# Swearing: about a thing it is frustration, at a person it is abuse.
PROFANITY = _words(
    """
    מזדיין המזדיין מזדיינת זין חרא חרבון מחורבן מחורבנת דפוק דפוקה מסריח מסריחה פאק שיט
    לעזאזל קיבינימט תזדיין תזדייני תזדיינו
    fuck fucking fucked shit shitty crap crappy damn damned bloody hell piss pissed screw
    """
)
# Words before an adjective that make it describe a thing ("the damn charger").
DETERMINERS = _words("the this that these those your my our his her their its")
# Threats against staff or the business: violence, "I know where you work", revenge.
THREAT_PHRASES = (
    "אשבור לך", "אשבור לכם", "אשבור את", "תצטער", "תצטערו", "יודע איפה אתה", "יודע איפה אתם",
    "יודע איפה את", "אתה תראה", "אתה עוד תראה", "אראה לך", "אראה לכם", "תשלם על זה",
    "תשלמו על זה", "אני אבוא אליכם", "אני אגיע אליך", "אני ארביץ", "אפוצץ", "אשרוף", "תיזהר",
    "תיזהרו", "כדאי לך להיזהר", "אחכה לך", "לא שוכח פרצופים", "תשמע ממני",
    "תשמעו ממני",
    "smash your face", "regret the day", "you'll be sorry", "you will be sorry", "just watch",
    "watch yourself", "watch your back", "watch out", "know where you work",
    "know where you live", "you'll pay for this", "you will pay for this", "i'll come down there",
    "i'll find you", "you'll regret", "you will regret", "i'll make sure you", "burn the place",
    "break your", "beat you", "wait for you outside", "you'll hear from me",
    "never work in this industry", "never work again",
)  # fmt: skip
THREATS = _phrases(*THREAT_PHRASES)
# Words that, after "you are a/an ...", "you ...," or "יא ...", do not name the person
# something bad: praise, address, verbs. The insult-pattern cues in `features` skip them.
VOCATIVE_NOT_INSULT = _words(
    """
    אללה אחי אחותי חביבי חביבתי מלך גבר נשמה אלוף אלופה תותח כפרה רבי סלאם בייבי חיים מאמי
    אמא אבא ווראדי באבא ואלה אחלה
    guys all both two lot people folks know see mean too there again sure bet kidding welcome
    right correct here aware able going not speaking talking asked said told promised
    mentioned can will should must did do have are were may might need said could would
    me us it them him her this that these those got get made make let
    """
)
# Present-tense verbs that follow "אתה ממש/פשוט ..." without naming the person anything.
HEBREW_VERBS_AFTER_YOU = _words(
    """
    צריך צריכה צריכים יכול יכולה יכולים רוצה רוצים מבין מבינה מבינים יודע יודעת יודעים עוזר
    עוזרת עוזרים חייב חייבת חייבים עושה עושים אומר אומרת מדבר מדברת עונה עונים לא כל מסוגל
    מסוגלת צודק צודקת
    """
)
# Phrases that attack the person outright, whatever the words around them.
ATTACK_PHRASES = _phrases(
    "לך תזדיין", "לכי תזדייני", "לכו תזדיינו", "בן זונה", "בת זונה", "סתום את הפה",
    "סתום ת'פה", "תסתום", "חתיכת", "שכמותך", "שכמותכם", "אין לך מוח", "אין לכם שכל", "אין לך מושג",
    "מבזבז חמצן", "לא שווה כלום", "תפוטר", "תפטרו אותו", "אשבור לך", "תצטער", "תצטערו",
    "חבורת מטומטמים", "חבורה של", "יודע איפה אתה", "כשתגדל",
    "go fuck yourself", "fuck you", "screw you", "go to hell", "shut up", "shut your mouth",
    "son of a bitch", "piece of shit", "piece of garbage", "no brain", "no brains",
    "wasting oxygen", "get fired", "smash your face", "regret the day", "you people",
    "bunch of idiots", "bunch of losers", "grow up", "know where you work",
    "total zero", "absolute zero", "you'll be sorry", "you will be sorry", "what's what",
    "lose your job", "regret this", "just watch", "watch yourself", "אתה תראה",
    "אתה עוד תראה", "תעוף מהעבודה", "אראה לך", "לבלבל לי את המוח", "תשלם על זה",
    "you'll pay for this", "shame on you", "תתביישו", "תתבייש",
    "תמות", "תמותו", "שתמות", "שתמותו", "שתישרף", "שתישרפו", "ימח שמ", "ימח שמכ", "שיבוא עליכ",
    "שיבוא עליכמ", "לעזאזל איתכ", "לעזאזל אתכמ", "קיבינימט עליכ", "שתחטוף", "שתחטפו",
    "damn you", "curse you", "rot in hell", "burn in hell", "to hell with you", "hope you rot",
    "drop dead",
    "hope you lose your job", "hope you get fired", "hope you rot", "מקווה שתפוטר",
    "מקווה שתאבד", "שתאבד את העבודה", "listen sweetheart", "listen honey", "listen sweetie",
    "do you even understand", "can you even read", "אתה בכלל מבין", "את בכלל מבינה",
    "אתה יודע לקרוא", "go back to school", "תחזור לבית הספר", "who hired you", "מי קיבל אותך",
    "are you thick", "let an adult", "תן למבוגר", "sod off", "עוף לי",
)  # fmt: skip
SECOND_PERSON = _words(
    """
    אתה את אתם אתן לך לכם איתך אותך אתכם ממך ממכם יא you you're youre u ur yourself
    yourselves
    """
)
STAFF_WORDS = _words(
    """
    נציג נציגה נציגים נציגות מוקד מוקדן מוקדנית טכנאי צוות מנהל בחור בחורה פקיד פקידה
    agent agents rep reps technician staff team manager operator guy woman man clerk bot
    """
)
POSITIVE = _words(
    """
    תודה מעולה מצוין מצוינת מושלם מושלמת נהדר נהדרת אלוף אלופה אלופים תותחים תותח כיף מרוצה
    מרוצים ממליץ ממליצה אדיב אדיבה סבלני סבלנית מקצועי מקצועית מהיר מהירה שמח שמחה אהבתי
    טוב טובה יופי אחלה סבבה מדהים מדהימה נפלא השתפר השתפרתם נפתר נפתרה הצלחתם
    thanks thank great excellent perfect amazing awesome fantastic wonderful brilliant
    happy pleased love loving lovely helpful kind patient professional quick fast best
    good nice recommend improved solved fixed works legends rock kudos relief
    lifesaver lifesavers hero heroes gem champ champion angel saint rockstar beauty
    מלאך מלאכית אגדה זהב
    emojipos
    """
)
NEGATIVE = _words(
    """
    גרוע גרועה גרועים נורא נוראי זוועה מאוכזב מאוכזבת מתוסכל מתוסכלת מיואש נמאס עצבים
    בושה מחדל תקלה תקוע תקועה נתקע נתקעת קורס קורסת נפל נפלה שבור שבורה מקולקל מרעיש
    מעליב מקומם חוצפה זלזול עוזב עוזבת לבטל ביטול מתחרים רמאות טעות חויבתי כפול
    terrible awful horrible worst disappointed disappointing frustrated frustrating fed
    upset angry annoyed unacceptable broken broke crashed crashes crashing freezes stuck
    fails failed failing useless disgrace mess shame insulting outrageous cancel leaving
    switching competitor ridiculous joke waste regret lost late never nobody
    emojiangry emojisad
    """
)
NEGATORS = _words(
    """
    לא אין אינו אינה בלי ללא אף שום not no never nothing nobody without cannot
    can't don't doesn't didn't isn't wasn't won't haven't hasn't nor
    cant dont doesnt didnt isnt wasnt wont havent
    """
)
SARCASM_CUES = _phrases(
    "ממש תודה", "תודה רבה באמת", "כל הכבוד", "שאפו", "יופי של", "איזה יופי", "גאונים",
    "שירות מדהים", "מקסים", "שיא המקצועיות", "בדיוק מה שהיה חסר", "בטח, כי", "כרגיל",
    "thanks a lot for", "thanks so much, now", "great job, you", "just what i needed",
    "geniuses", "peak professionalism", "truly impressive", "of course, it's always",
    "sure, because", "stellar service", "amazing service, truly", "bravo",
)  # fmt: skip
URGENT = _phrases(
    "דחוף", "בדחיפות", "מיד", "מיידית", "ברגע זה", "עוד היום", "היום", "כרגע", "קריטי",
    "מצב חירום", "נפרץ", "נפל", "למטה", "מפסידים", "בשעה הקרובה", "תוך שעה", "בהקדם האפשרי",
    "עשן", "שריפה", "תקוע בשדה", "חסמתם", "לא מצליח להיכנס",
    "urgent", "urgently", "asap", "immediately", "right now", "right away", "today",
    "critical", "emergency", "hacked", "is down", "down", "losing money", "within the hour",
    "smoke", "on fire", "stuck at", "blocked", "can't log in",
)  # fmt: skip
KNOW_BETTER = _phrases(
    "אני יודע יותר טוב ממך", "אני מבין בזה יותר", "אל תסביר לי", "אני עובד בתחום",
    "אני מהנדס", "אני מכיר את זה יותר טוב", "אין צורך בתסריט", "תפסיקו עם התסריטים",
    "אל תלמד אותי", "יותר טוב ממך", "יותר ממך",
    "i know better than you", "better than you", "more about this than you",
    "don't tell me how to", "i work in this field", "i'm an engineer", "i've been a",
    "no need for the script", "stop with the scripts", "don't teach me",
    "i know what the problem is",
)  # fmt: skip
ALWAYS_ON = _phrases(
    "24/7", "24 שעות ביממה", "גם בשבת", "גם בלילה", "גם בחגים", "בשתיים בלילה", "בחצות",
    "מוקד לילה", "בסופ\"ש", "בסוף השבוע",
    "around the clock", "on weekends too", "at night as well", "on holidays too",
    "holidays included", "at 2am", "at midnight", "night line", "on the weekend too",
    "any time of day",
)  # fmt: skip
OUT_OF_SCOPE = _phrases(
    "לא שלכם", "בחנות אחרת", "של השכן", "של הבת שלי", "של הבן שלי", "להמליץ לי על",
    "אתם מוכרים גם", "תוכלו לעזור לי גם", "לא קשור אליכם", "מחוץ לחוזה",
    "not yours", "bought it elsewhere", "my neighbour's", "my neighbor's", "my daughter's",
    "my son's", "recommend a good", "do you sell", "also help with", "not related to you",
    "outside the contract",
)  # fmt: skip
DISSATISFIED = _phrases(
    "לבטל", "תבטלו", "עובר למתחרים", "עוזב", "עוזבת", "נמאס", "מאוכזב", "מאוכזבת",
    "לא מרוצה", "פעם שלישית", "שוב ושוב", "אף אחד לא חוזר", "לא מקובל", "שוקל לעבור",
    "מנהל", "זיכוי", "החזר",
    "cancel", "switching", "competitor", "leaving", "fed up", "had enough", "disappointed",
    "not happy", "third time", "over and over", "nobody calls", "unacceptable", "manager",
    "refund", "credit", "considering moving",
)  # fmt: skip
