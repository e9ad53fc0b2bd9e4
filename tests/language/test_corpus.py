from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from shomer.language.corpus import corpus_hash, expand, load_corpus, parse
from shomer.language.normalize import fold


def test_the_corpus_is_large_bilingual_and_covers_every_label() -> None:
    examples = load_corpus()
    assert len(examples) >= 3000
    counts = Counter((e.lang, e.sentiment) for e in examples)
    for lang in ("he", "en"):
        for sentiment in ("negative", "neutral", "positive"):
            assert counts[(lang, sentiment)] >= 150
        assert sum(e.abuse for e in examples if e.lang == lang) >= 150
        assert sum(e.urgency for e in examples if e.lang == lang) >= 100


def test_the_split_is_by_family_and_holds_no_training_text() -> None:
    examples = load_corpus()
    test_families = {e.family for e in examples if e.is_test}
    train_families = {e.family for e in examples if not e.is_test}
    assert test_families and train_families
    assert not test_families & train_families
    train_texts = {fold(e.text) for e in examples if not e.is_test}
    assert not [e.text for e in examples if e.is_test and fold(e.text) in train_texts]
    held_out = sum(e.is_test for e in examples) / len(examples)
    assert 0.2 <= held_out <= 0.4


def test_expand_takes_every_choice_when_few() -> None:
    assert expand("{a|b} x {c|d}") == ["a x c", "a x d", "b x c", "b x d"]
    assert expand("plain , text") == ["plain , text"]
    assert expand("{hi|hello} , you {|there}") == ["hi, you", "hi, you there", "hello, you",
                                                   "hello, you there"]  # fmt: skip


def test_expand_samples_a_fixed_subset_when_many() -> None:
    template = "{a|b|c|d|e|f} {g|h|i|j|k|l} {m|n|o|p|q|r}"
    first = expand(template, limit=10)
    assert len(first) == 10
    assert len(set(first)) == 10
    assert expand(template, limit=10) == first


def test_parse_reads_labels_and_rejects_bad_lines() -> None:
    examples = parse("@family f test\nneg 1 0 | {you|u} idiot\n", "en")
    assert [(e.text, e.sentiment, e.abuse, e.urgency, e.is_test) for e in examples] == [
        ("you idiot", "negative", 1, 0, True),
        ("u idiot", "negative", 1, 0, True),
    ]
    with pytest.raises(ValueError, match="bad corpus line"):
        parse("@family f\nbad 1 0 | text\n", "en")
    with pytest.raises(ValueError, match="bad corpus line"):
        parse("neg 1 0 | no family yet\n", "en")


def test_corpus_hash_changes_with_the_files(tmp_path: Path) -> None:
    (tmp_path / "en_a.txt").write_text("@family f\npos 0 0 | great\n", encoding="utf-8")
    before = corpus_hash(tmp_path)
    (tmp_path / "en_a.txt").write_text("@family f\npos 0 0 | great!\n", encoding="utf-8")
    assert corpus_hash(tmp_path) != before
