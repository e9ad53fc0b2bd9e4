"""The default backend: linear models over `features`, trained with scikit-learn. Pure.

Training fits three logistic regressions on the corpus's training split (sentiment with
three classes, abuse, urgency) and exports them as one weight matrix: a row per sparse
feature, a column per output (negative, neutral, positive, abuse, urgency). Scoring a
message is then one dictionary look-up per feature and one numpy row-sum, so it needs
no scikit-learn at run time and loads in milliseconds.

Models are cached as `language-<key>.npz` in a models directory, where the key hashes the
corpus files, FEATURE_VERSION and the training settings: a change to any of them trains a
new model on next use.
Staff corrections (a message flagged abusive by hand, or a false detection cleared) can be
added to the training split as extra examples; such a model is cached as
`language-<key>+c<hash of the extra examples>.npz`, and `load_or_train` prefers the newest
one made for the current corpus.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from shomer.language.corpus import CORPUS_DIR, SENTIMENTS, Example, corpus_hash, load_corpus
from shomer.language.features import FEATURE_VERSION, LEXICON_FEATURES, extract

OUTPUTS = ("negative", "neutral", "positive", "abuse", "urgency")
# Regularisation strength of the logistic regressions, chosen on training-split
# cross-validation (never on the held-out split).
C_SENTIMENT = 4.0
C_BINARY = 4.0
MIN_FEATURE_COUNT = 2  # a feature seen once in training is noise more often than signal
# Class weights of the binary models: "balanced" reweights the rarer class up to parity.
CLASS_WEIGHTS: dict[str, str | dict[int, float] | None] = {
    "sentiment": "balanced",
    "abuse": "balanced",
    "urgency": "balanced",
}

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Scores:
    """Raw model outputs for one message."""

    negative: float
    neutral: float
    positive: float
    abuse: float
    urgency: float

    @property
    def sentiment(self) -> float:
        """P(positive) - P(negative), in [-1, 1]."""
        return self.positive - self.negative

    @property
    def label(self) -> str:
        probabilities = (self.negative, self.neutral, self.positive)
        return SENTIMENTS[probabilities.index(max(probabilities))]


class LinearModel:
    """Exported weights: vocabulary -> row of `sparse`, plus lexicon weights and biases."""

    def __init__(
        self, vocabulary: list[str], sparse: FloatArray, lexical: FloatArray, bias: FloatArray
    ) -> None:
        self.index = {feature: row for row, feature in enumerate(vocabulary)}
        # The cache key the model was stored under ("" until saved or loaded).
        self.version = ""
        self.sparse = sparse
        self.lexical = lexical
        self.bias = bias
        self._bias64 = bias.astype(np.float64)
        self._lexical64 = lexical.astype(np.float64)

    def logits(self, text: str, form: str | None = None) -> list[float]:
        features, lexicon = extract(text, form)
        unique = set(features)
        get = self.index.get
        rows = [row for row in map(get, unique) if row is not None]
        total = self._bias64 + np.asarray(lexicon, dtype=np.float64) @ self._lexical64
        if rows:
            # Rows are binary and L2-normalised in training: divide by sqrt(count).
            total += self.sparse[rows].sum(axis=0, dtype=np.float64) / math.sqrt(len(unique))
        return total.tolist()  # type: ignore[no-any-return]

    def logits_many(self, items: Sequence[tuple[str, str | None]]) -> list[list[float]]:
        """`logits` of many (text, form) pairs: the numpy work once for the batch, not per
        message (it was a fifth of the analysis time of a short e-mail)."""
        get = self.index.get
        rows: list[int] = []
        starts: list[int] = []
        counts: list[int] = []
        lexicons: list[list[float]] = []
        for text, form in items:
            features, lexicon = extract(text, form)
            unique = set(features)
            starts.append(len(rows))
            rows.extend(row for row in map(get, unique) if row is not None)
            counts.append(len(unique))
            lexicons.append(lexicon)
        if not lexicons:
            return []
        total = self._bias64 + np.asarray(lexicons, dtype=np.float64) @ self._lexical64
        if rows:
            # Each message's rows summed (as `logits` does), then divided by sqrt(count).
            # `reduceat` gives an empty segment the row at its start, so those are skipped.
            present = np.flatnonzero(np.diff([*starts, len(rows)]))
            sums = np.add.reduceat(
                self.sparse[rows].astype(np.float64), np.asarray(starts)[present], axis=0
            )
            total[present] += sums / np.sqrt(np.asarray(counts, dtype=np.float64)[present, None])
        return total.tolist()  # type: ignore[no-any-return]

    def score(self, text: str, form: str | None = None) -> Scores:
        """Model outputs for `text` (`form`: its analysis form, if already computed)."""
        return _scores(self.logits(text, form))

    def score_many(self, items: Sequence[tuple[str, str | None]]) -> list[Scores]:
        """`score` of many (text, form) pairs, in order."""
        return [_scores(logits) for logits in self.logits_many(items)]

    def save(self, path: Path) -> None:
        """Write atomically, so a reader never sees half a model."""
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp.npz")
        os.close(handle)
        vocabulary = np.array(sorted(self.index, key=self.index.__getitem__), dtype=object)
        np.savez(
            temporary,
            vocabulary=vocabulary.astype(str),
            sparse=self.sparse,
            lexical=self.lexical,
            bias=self.bias,
        )
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        with np.load(path, allow_pickle=False) as data:
            return cls(
                data["vocabulary"].tolist(),
                data["sparse"].astype(np.float32),
                data["lexical"].astype(np.float32),
                data["bias"].astype(np.float32),
            )


def _scores(logits: list[float]) -> Scores:
    """Softmax over the three sentiment logits, sigmoids for abuse and urgency."""
    top = max(logits[:3])
    exps = [math.exp(v - top) for v in logits[:3]]
    total = sum(exps)
    return Scores(
        exps[0] / total,
        exps[1] / total,
        exps[2] / total,
        _sigmoid(logits[3]),
        _sigmoid(logits[4]),
    )


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def default_models_dir() -> Path:
    """$SHOMER_HOME/models, else ~/.shomer/models."""
    home = os.environ.get("SHOMER_HOME")
    base = Path(home).expanduser() if home else Path.home() / ".shomer"
    return base / "models"


def examples_hash(examples: Sequence[Example]) -> str:
    """Hash of extra training examples (text and labels), order-independent."""
    digest = hashlib.sha256()
    for row in sorted(
        f"{e.lang}\t{e.sentiment}\t{e.abuse}\t{e.urgency}\t{e.text}" for e in examples
    ):
        digest.update(row.encode("utf-8", "surrogatepass"))
        digest.update(b"\n")
    return digest.hexdigest()


def training_tag() -> str:
    """FEATURE_VERSION plus a short hash of the training settings, so that changing C, the
    class weights or the feature threshold also trains a new model."""
    settings = repr((C_SENTIMENT, C_BINARY, MIN_FEATURE_COUNT, sorted(CLASS_WEIGHTS.items())))
    return f"{FEATURE_VERSION}.{hashlib.sha256(settings.encode()).hexdigest()[:4]}"


def model_key(corpus_dir: Path = CORPUS_DIR, extra: Sequence[Example] = ()) -> str:
    key = f"{training_tag()}-{corpus_hash(corpus_dir)[:16]}"
    return f"{key}+c{examples_hash(extra)[:8]}" if extra else key


def model_path(
    models_dir: Path, corpus_dir: Path = CORPUS_DIR, extra: Sequence[Example] = ()
) -> Path:
    return models_dir / f"language-{model_key(corpus_dir, extra)}.npz"


def newest_corrected_path(models_dir: Path, corpus_dir: Path = CORPUS_DIR) -> Path | None:
    """The newest model trained with staff corrections for the current corpus, if any."""
    candidates = list(models_dir.glob(f"language-{model_key(corpus_dir)}+c*.npz"))
    if not candidates:
        return None
    return max(candidates, key=lambda path: (path.stat().st_mtime, path.name))


def train(examples: Iterable[Example]) -> LinearModel:
    """Fit the three models on `examples` and export them as one LinearModel.

    BLAS runs on one thread: on a small shared machine, OpenBLAS threads fighting over
    two cores made these small fits fifteen times slower.
    """
    # Import first: threadpoolctl limits only the libraries already loaded.
    import scipy.optimize  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return _train(examples)


def _train(examples: Iterable[Example]) -> LinearModel:
    from scipy import sparse as sp
    from sklearn.linear_model import LogisticRegression

    rows: list[list[str]] = []
    dense: list[list[float]] = []
    labels: list[Example] = []
    for example in examples:
        features, lexicon = extract(example.text)
        rows.append(features)
        dense.append(lexicon)
        labels.append(example)
    counts: dict[str, int] = {}
    for features in rows:
        for feature in set(features):
            counts[feature] = counts.get(feature, 0) + 1
    vocabulary = sorted(f for f, n in counts.items() if n >= MIN_FEATURE_COUNT)
    index = {f: i for i, f in enumerate(vocabulary)}
    indptr, indices = [0], []
    for features in rows:
        present = sorted({index[f] for f in features if f in index})
        indices.extend(present)
        indptr.append(len(indices))
    binary = sp.csr_matrix(
        (np.ones(len(indices)), indices, indptr), shape=(len(rows), len(vocabulary))
    )
    # Normalise by the full feature count (known or not), as `logits` does at run time.
    lengths = np.array([max(len(set(f)), 1) for f in rows], dtype=np.float64)
    binary = sp.diags(1.0 / np.sqrt(lengths)) @ binary
    matrix = sp.hstack([binary, sp.csr_matrix(np.array(dense))]).tocsr()
    n_sparse = len(vocabulary)
    columns: list[np.ndarray] = []
    biases: list[float] = []

    sentiment = LogisticRegression(
        C=C_SENTIMENT, max_iter=2000, class_weight=CLASS_WEIGHTS["sentiment"]
    )
    sentiment.fit(matrix, [SENTIMENTS.index(e.sentiment) for e in labels])
    for klass in range(3):
        position = list(sentiment.classes_).index(klass)
        columns.append(sentiment.coef_[position])
        biases.append(float(sentiment.intercept_[position]))
    for name in ("abuse", "urgency"):
        target = [getattr(e, name) for e in labels]
        binary_model = LogisticRegression(
            C=C_BINARY, max_iter=2000, class_weight=CLASS_WEIGHTS[name]
        )
        binary_model.fit(matrix, target)
        columns.append(binary_model.coef_[0])
        biases.append(float(binary_model.intercept_[0]))
    weights = np.stack(columns, axis=1).astype(np.float32)
    return LinearModel(
        vocabulary,
        weights[:n_sparse],
        weights[n_sparse : n_sparse + len(LEXICON_FEATURES)],
        np.array(biases, dtype=np.float32),
    )


def train_default(corpus_dir: Path = CORPUS_DIR, extra: Sequence[Example] = ()) -> LinearModel:
    """The model of the corpus's training split, plus `extra` examples (staff corrections)."""
    model = train([*(e for e in load_corpus(corpus_dir) if not e.is_test), *extra])
    model.version = model_key(corpus_dir, extra)
    return model


def load_or_train(
    models_dir: Path | None = None,
    corpus_dir: Path = CORPUS_DIR,
    extra: Sequence[Example] | None = None,
) -> LinearModel:
    """The cached model for the current corpus, trained and cached first if missing.

    `extra` None: the newest model trained with corrections for this corpus if one exists,
    else the corpus's own. `extra` given: exactly the model of the corpus plus `extra`.
    """
    directory = models_dir or default_models_dir()
    path = model_path(directory, corpus_dir, extra or ())
    if extra is None:
        path = newest_corrected_path(directory, corpus_dir) or path
    if path.exists():
        try:
            model = LinearModel.load(path)
            model.version = path.stem.removeprefix("language-")
            return model
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache file is rebuilt below
        if "+c" in path.name:  # a damaged corrections model: fall back to the corpus's own
            return load_or_train(directory, corpus_dir, ())
    model = train_default(corpus_dir, extra or ())
    # A read-only home still analyses; it just trains again next time.
    with contextlib.suppress(OSError):
        model.save(path)
    return model
