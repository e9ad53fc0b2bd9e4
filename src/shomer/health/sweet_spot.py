"""The sweet spot: what the best customers share, and who is farthest from it.

Pure: numpy, no Django. The best customers are the top BEST_SHARE by value (the mean of
their percentile ranks in profit and in health); their profile is the median of each
feature (tenure, tier, contact pattern, profit, health); every customer's distance is the
root-mean-square of their features' distances from the profile, each in units of that
feature's spread across the whole book (a robust standard deviation).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

FEATURES: Final = (
    "profit",
    "health",
    "tenure_years",
    "tier_rank",
    "tickets_per_month",
    "after_hours_share",
)
BEST_SHARE: Final = 0.2
# Fewer customers than this and there is no "best fifth" worth describing.
MIN_CUSTOMERS: Final = 5
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Book:
    """One row per customer, columns as in FEATURES."""

    customer_ids: Sequence[int]
    values: FloatArray  # shape (n, len(FEATURES)); NaN where unknown


@dataclass(frozen=True)
class Trait:
    feature: str
    best: float
    everyone: float


@dataclass(frozen=True)
class SweetSpot:
    best_ids: tuple[int, ...]
    traits: tuple[Trait, ...]
    top_tier_rank: int | None
    distances: dict[int, float]

    def farthest(self, count: int) -> list[tuple[int, float]]:
        ranked = sorted(self.distances.items(), key=lambda item: (-item[1], item[0]))
        return ranked[:count]


def _ranks(column: FloatArray) -> FloatArray:
    """Percentile ranks in [0, 1], ties averaged; NaN ranks in the middle."""
    filled = np.where(
        np.isnan(column), np.nanmedian(column) if np.any(~np.isnan(column)) else 0, column
    )
    order = filled.argsort(kind="stable")
    ranks = np.empty(len(filled))
    ranks[order] = np.arange(len(filled), dtype=np.float64)
    # average the ranks of ties
    _, inverse, counts = np.unique(filled, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    ranks = sums[inverse] / counts[inverse]
    return ranks / max(len(filled) - 1, 1)


def _spread(column: FloatArray) -> float:
    known = column[~np.isnan(column)]
    if known.size < 2:
        return 1.0
    q75, q25 = np.percentile(known, [75, 25])
    robust = float((q75 - q25) / 1.349)
    if robust > 1e-9:
        return robust
    std = float(known.std())
    return std if std > 1e-9 else 1.0


def sweet_spot(book: Book) -> SweetSpot | None:
    """None with fewer than MIN_CUSTOMERS customers."""
    values = np.asarray(book.values, dtype=np.float64)
    count = len(book.customer_ids)
    if count < MIN_CUSTOMERS:
        return None
    profit, health = values[:, 0], values[:, 1]
    value = (_ranks(profit) + _ranks(health)) / 2.0
    best_count = max(1, round(BEST_SHARE * count))
    best = np.argsort(-value, kind="stable")[:best_count]
    traits = []
    profile = np.empty(values.shape[1])
    for index, name in enumerate(FEATURES):
        column = values[:, index]
        best_column = column[best]
        known_best = best_column[~np.isnan(best_column)]
        known_all = column[~np.isnan(column)]
        profile[index] = float(np.median(known_best)) if known_best.size else np.nan
        everyone = float(np.median(known_all)) if known_all.size else np.nan
        traits.append(Trait(name, profile[index], everyone))
    tiers = [int(t) for t in values[best, FEATURES.index("tier_rank")] if not np.isnan(t)]
    top_tier = Counter(tiers).most_common(1)[0][0] if tiers else None
    spreads = np.array([_spread(values[:, i]) for i in range(values.shape[1])])
    deviations = (values - profile) / spreads
    deviations = np.where(np.isnan(deviations), 0.0, deviations)
    distances = np.sqrt(np.mean(deviations**2, axis=1))
    return SweetSpot(
        tuple(int(book.customer_ids[i]) for i in best),
        tuple(traits),
        top_tier,
        {int(cid): float(d) for cid, d in zip(book.customer_ids, distances, strict=True)},
    )
