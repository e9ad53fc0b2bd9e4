"""The churn model: trained on the business's own history of customers who left or stayed.

Pure: numpy and scikit-learn, no Django, no clock. Rows are (customer, cutoff) pairs: the
customer's features as they were at the cutoff, labelled 1 when they left within HORIZON_DAYS
after it. The split is by time - the latest cutoffs are the test set, and training rows end
their horizon before the first test cutoff, so nothing from the test period leaks in. A
logistic regression on standardised features, Platt-calibrated on the last training
cutoffs, is evaluated on the test set (AUC, Brier score, reliability bins), then refitted
on every labelled row for use. Each customer's reasons are the features that push their
log-odds up the most. With too little history `train` says why, and the health app falls
back to the rule-based risk.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from shomer.health.scoring import COMPONENTS, PRIOR_SCORE, Score

FloatArray = npt.NDArray[np.float64]

# Features: each health component's sub-score (missing: the neutral prior), then the rest.
EXTRA_FEATURES: Final = ("tickets", "tenure", "revenue", "fit", "quiet_days")
FEATURES: Final = (*COMPONENTS, *EXTRA_FEATURES)

HORIZON_DAYS: Final = 90
CUTOFF_STEP_DAYS: Final = 30
# How far back cutoffs go.
HISTORY_DAYS: Final = 360
TEST_SHARE: Final = 0.3
CALIBRATION_SHARE: Final = 0.25
# Too little history below these: the rule-based risk is used instead.
MIN_ROWS: Final = 60
MIN_POSITIVES: Final = 10
MIN_TEST_POSITIVES: Final = 3
# A model that cannot beat this AUC on the test set, or whose Brier score there is no better
# than always predicting the training set's leaving rate, is not used.
MIN_AUC: Final = 0.6
RELIABILITY_BINS: Final = 10
# Calibration needs this many rows of each class, and keeps its slope within these bounds.
MIN_CALIBRATION_CASES: Final = 5
PLATT_SLOPE: Final = (0.25, 2.0)
# Standardised features are clipped to this many spreads from the training mean.
Z_LIMIT: Final = 3.0
REGULARISATION_C: Final = 0.1


def feature_vector(
    score: Score,
    *,
    tickets: int,
    tenure_days: int | None,
    revenue: float,
    fit: int,
    quiet_days: int | None,
) -> list[float]:
    """One customer's features, in FEATURES order; every value finite."""
    values = [
        component.score if component.score is not None else PRIOR_SCORE
        for component in score.components
    ]
    values.extend(
        [
            math.log1p(max(tickets, 0)),
            math.log1p(max(tenure_days or 0, 0)),
            math.log1p(max(revenue, 0.0) if math.isfinite(revenue) else 0.0),
            fit / 100.0,
            math.log1p(max(quiet_days, 0)) if quiet_days is not None else 0.0,
        ]
    )
    return values


@dataclass(frozen=True)
class Dataset:
    features: FloatArray  # (n, len(FEATURES))
    labels: npt.NDArray[np.int64]  # 1: left within the horizon
    cutoffs: npt.NDArray[np.int64]  # day ordinals
    customer_ids: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class Model:
    """Everything needed to score, as plain numbers (stored as JSON)."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    platt_a: float
    platt_b: float
    features: tuple[str, ...] = FEATURES

    def as_dict(self) -> dict[str, Any]:
        return {
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "platt_a": self.platt_a,
            "platt_b": self.platt_b,
            "features": list(self.features),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Model:
        return cls(
            tuple(float(v) for v in data["mean"]),
            tuple(float(v) for v in data["scale"]),
            tuple(float(v) for v in data["coef"]),
            float(data["intercept"]),
            float(data["platt_a"]),
            float(data["platt_b"]),
            tuple(str(v) for v in data.get("features", FEATURES)),
        )

    def _z(self, features: FloatArray) -> FloatArray:
        z = (np.asarray(features, dtype=np.float64) - np.array(self.mean)) / np.array(self.scale)
        # Beyond Z_LIMIT spreads a feature is outside what the model learned from: it counts
        # as at the edge, never extrapolated into certainty.
        return np.asarray(np.clip(z, -Z_LIMIT, Z_LIMIT), dtype=np.float64)

    def log_odds(self, features: FloatArray) -> FloatArray:
        raw = self._z(features) @ np.array(self.coef) + self.intercept
        return np.asarray(self.platt_a * raw + self.platt_b, dtype=np.float64)

    def predict(self, features: FloatArray) -> FloatArray:
        """Calibrated probability of leaving within the horizon, per row."""
        return np.asarray(1.0 / (1.0 + np.exp(-self.log_odds(features))), dtype=np.float64)

    def contributions(self, features: FloatArray) -> FloatArray:
        """Each feature's push on the log-odds against an average customer (rows x features)."""
        return np.asarray(self._z(features) * np.array(self.coef) * self.platt_a)


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int
    mean_predicted: float
    observed: float


@dataclass(frozen=True)
class Evaluation:
    auc: float
    brier: float
    base_rate: float
    bins: tuple[Bin, ...]
    train_rows: int
    test_rows: int
    train_positives: int
    test_positives: int
    first_test_cutoff: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "auc": round(self.auc, 4),
            "brier": round(self.brier, 4),
            "base_rate": round(self.base_rate, 4),
            "train_rows": self.train_rows,
            "test_rows": self.test_rows,
            "train_positives": self.train_positives,
            "test_positives": self.test_positives,
            "first_test_cutoff": self.first_test_cutoff,
            "bins": [
                {
                    "low": round(b.low, 2),
                    "high": round(b.high, 2),
                    "count": b.count,
                    "mean_predicted": round(b.mean_predicted, 4),
                    "observed": round(b.observed, 4),
                }
                for b in self.bins
            ],
        }


@dataclass(frozen=True)
class Trained:
    model: Model
    evaluation: Evaluation


@dataclass(frozen=True)
class TooLittle:
    """Why no model: a code and the counts, for the reasons shown to people."""

    code: str
    params: Mapping[str, Any]
    evaluation: Evaluation | None = None


def time_split(
    cutoffs: npt.NDArray[np.int64], horizon_days: int = HORIZON_DAYS, test_share: float = TEST_SHARE
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Train and test row indices: the latest distinct cutoffs holding about `test_share` of
    the rows are the test set; training rows must see their whole horizon before the
    first test cutoff. Either may be empty."""
    distinct = np.unique(cutoffs)
    if distinct.size < 2:
        return np.array([], dtype=np.intp), np.arange(len(cutoffs))
    counts = np.array([(cutoffs == c).sum() for c in distinct])
    from_end = np.cumsum(counts[::-1])
    test_cutoffs = int(np.searchsorted(from_end, test_share * len(cutoffs)) + 1)
    test_cutoffs = min(max(test_cutoffs, 1), distinct.size - 1)
    first_test = distinct[-test_cutoffs]
    test = np.flatnonzero(cutoffs >= first_test)
    train = np.flatnonzero(cutoffs + horizon_days <= first_test)
    return train, test


def _fit_logistic(
    features: FloatArray, labels: npt.NDArray[np.int64]
) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    from sklearn.linear_model import LogisticRegression

    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    z = np.clip((features - mean) / scale, -Z_LIMIT, Z_LIMIT)
    regression = LogisticRegression(C=REGULARISATION_C, max_iter=1000)
    regression.fit(z, labels)
    return mean, scale, regression.coef_[0].astype(np.float64), float(regression.intercept_[0])


def _platt(raw: FloatArray, labels: npt.NDArray[np.int64]) -> tuple[float, float]:
    """Sigmoid calibration of the raw log-odds: identity when either class has fewer than
    MIN_CALIBRATION_CASES rows (a slope learned from three cases is noise), and the slope
    kept within PLATT_SLOPE so that calibration cannot turn a ranking into certainties."""
    positives = int(labels.sum())
    if min(positives, len(labels) - positives) < MIN_CALIBRATION_CASES:
        return 1.0, 0.0
    from sklearn.linear_model import LogisticRegression

    calibrator = LogisticRegression(C=1e6, max_iter=1000)
    calibrator.fit(raw.reshape(-1, 1), labels)
    a = float(calibrator.coef_[0][0])
    if not math.isfinite(a) or a <= 0:  # a calibration that reverses the ranking is noise
        return 1.0, 0.0
    low, high = PLATT_SLOPE
    if not low <= a <= high:
        # Refit the intercept alone at the bounded slope (the mean of the labels matched).
        a = min(max(a, low), high)
        return a, _intercept_at(a * raw, labels)
    return a, float(calibrator.intercept_[0])


def _intercept_at(scaled: FloatArray, labels: npt.NDArray[np.int64]) -> float:
    """The b with mean(sigmoid(scaled + b)) = mean(labels), by bisection."""
    target = float(labels.mean())
    low, high = -50.0, 50.0
    for _ in range(100):
        middle = (low + high) / 2
        if float(np.mean(1.0 / (1.0 + np.exp(-(scaled + middle))))) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def fit_model(
    features: FloatArray, labels: npt.NDArray[np.int64], cutoffs: npt.NDArray[np.int64]
) -> Model:
    """Logistic regression on the earlier cutoffs, calibrated on the last CALIBRATION_SHARE
    of them (or on all rows when the slice lacks a class)."""
    distinct = np.unique(cutoffs)
    calibration_cutoffs = max(1, round(CALIBRATION_SHARE * distinct.size))
    if distinct.size > 1:
        first_calibration = distinct[-calibration_cutoffs]
        fitting = cutoffs < first_calibration
        calibrating = ~fitting
    else:
        fitting = calibrating = np.ones(len(labels), dtype=bool)
    if labels[fitting].min() == labels[fitting].max():
        fitting = np.ones(len(labels), dtype=bool)
    mean, scale, coef, intercept = _fit_logistic(features[fitting], labels[fitting])
    z = np.clip((features[calibrating] - mean) / scale, -Z_LIMIT, Z_LIMIT)
    raw = z @ coef + intercept
    a, b = _platt(raw, labels[calibrating])
    return Model(tuple(mean), tuple(scale), tuple(coef), intercept, a, b)


def evaluate(
    model: Model, features: FloatArray, labels: npt.NDArray[np.int64], bins: int = RELIABILITY_BINS
) -> tuple[float, float, tuple[Bin, ...]]:
    """AUC, Brier score and reliability bins (equal width in predicted probability)."""
    from sklearn.metrics import brier_score_loss, roc_auc_score

    predicted = model.predict(features)
    auc = float(roc_auc_score(labels, predicted)) if labels.min() != labels.max() else math.nan
    brier = float(brier_score_loss(labels, predicted))
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(predicted, edges[1:-1]), 0, bins - 1)
    table = []
    for index in range(bins):
        inside = which == index
        count = int(inside.sum())
        if count:
            table.append(
                Bin(
                    float(edges[index]),
                    float(edges[index + 1]),
                    count,
                    float(predicted[inside].mean()),
                    float(labels[inside].mean()),
                )
            )
    return auc, brier, tuple(table)


def train(dataset: Dataset) -> Trained | TooLittle:
    """Evaluate on a time split, then refit on every row; or say why there is too little."""
    labels = dataset.labels
    positives = int(labels.sum())
    if len(dataset) < MIN_ROWS or positives < MIN_POSITIVES:
        return TooLittle(
            "too_little_history",
            {
                "rows": len(dataset),
                "left": positives,
                "need_rows": MIN_ROWS,
                "need_left": MIN_POSITIVES,
            },
        )
    train_rows, test_rows = time_split(dataset.cutoffs)
    train_positives = int(labels[train_rows].sum()) if train_rows.size else 0
    test_positives = int(labels[test_rows].sum()) if test_rows.size else 0
    if (
        train_rows.size == 0
        or train_positives < MIN_POSITIVES // 2
        or train_positives == train_rows.size
        or test_positives < MIN_TEST_POSITIVES
        or test_positives == test_rows.size
    ):
        return TooLittle(
            "too_little_history_split",
            {
                "train_left": train_positives,
                "test_left": test_positives,
                "need_left": MIN_TEST_POSITIVES,
            },
        )
    features = dataset.features
    held_out = fit_model(features[train_rows], labels[train_rows], dataset.cutoffs[train_rows])
    auc, brier, bins = evaluate(held_out, features[test_rows], labels[test_rows])
    evaluation = Evaluation(
        auc,
        brier,
        float(labels[test_rows].mean()),
        bins,
        int(train_rows.size),
        int(test_rows.size),
        train_positives,
        test_positives,
        int(dataset.cutoffs[test_rows].min()),
    )
    # The no-skill forecast: always the leaving rate seen in training (what one knows then).
    train_rate = train_positives / train_rows.size
    base_brier = float(np.mean((train_rate - labels[test_rows]) ** 2))
    if not (auc >= MIN_AUC and brier < base_brier):
        # No better than chance at ranking, or than always saying the historical rate.
        return TooLittle(
            "model_too_weak",
            {
                "auc": round(auc, 2),
                "need_auc": MIN_AUC,
                "brier": round(brier, 4),
                "base_brier": round(base_brier, 4),
            },
            evaluation,
        )
    model = fit_model(features, labels, dataset.cutoffs)
    return Trained(model, evaluation)


@dataclass(frozen=True)
class ChurnReason:
    feature: str
    share: int  # percent of the customer's upward push

    def as_dict(self) -> dict[str, object]:
        return {"feature": self.feature, "share": self.share}


def reasons(model: Model, features: Sequence[float], count: int = 3) -> list[ChurnReason]:
    """The features that raise this customer's risk the most, with their share of the push."""
    pushes = model.contributions(np.asarray([features], dtype=np.float64))[0]
    upward = [(float(p), name) for p, name in zip(pushes, model.features, strict=True) if p > 0]
    total = sum(p for p, _n in upward)
    upward.sort(key=lambda item: -item[0])
    return [ChurnReason(name, round(100 * push / total)) for push, name in upward[:count] if total]
