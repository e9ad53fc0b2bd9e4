"""What kind of abuse a message is, for the staff-protection incident log. Pure.

`abuse_kind(text)` reads a message already judged abusive (by the model or by an agent):

- `threat`: a threat of harm or revenge (`lexicons.THREATS`: "אני יודע איפה אתה עובד",
  "you'll regret this", "אשבור לך");
- `abuse`: insults or swearing at a person (a word of `lexicons.INSULTS` or
  `lexicons.PROFANITY` outside quotation marks);
- `contempt`: abusive without either, i.e. demeaning in other words ("I've met smarter
  houseplants than you", "תן למבוגר לטפל בזה").

`severity(kind, abuse)` grades an incident: a threat is high; otherwise a model score at or
above SEVERE_SCORE is medium, below it low (a hand-flagged message counts as 1.0).
"""

from __future__ import annotations

import re

from shomer.language import lexicons
from shomer.language.normalize import MAX_ANALYSED_CHARS, analysis_form, stems

KINDS = ("abuse", "contempt", "threat")
SEVERITIES = ("low", "medium", "high")
SEVERE_SCORE = 0.8
_QUOTED = re.compile(r"\"[^\"]{1,200}\"|(?<!\w)'[^']{3,200}'(?!\w)|«[^»]{1,200}»|“[^”]{1,200}”")
_WORD = re.compile(r"\w+")


def abuse_kind(text: str) -> str:
    """ "threat", "abuse" or "contempt" for a message judged abusive."""
    own = _QUOTED.sub(" ", text[:MAX_ANALYSED_CHARS])
    form = analysis_form(own)
    if lexicons.THREATS.search(form):
        return "threat"
    for word in _WORD.findall(form):
        if any(f in lexicons.INSULTS or f in lexicons.PROFANITY for f in stems(word)):
            return "abuse"
    return "contempt"


def severity(kind: str, abuse: float) -> str:
    """ "high" for a threat; else "medium" from SEVERE_SCORE up, "low" below it."""
    if kind == "threat":
        return "high"
    return "medium" if abuse >= SEVERE_SCORE else "low"
