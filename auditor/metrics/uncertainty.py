"""Confidence intervals by half-sampling, and seeded subsampling to a common size.

Why half-sampling rather than the textbook bootstrap: resampling texts *with* replacement puts
exact copies into the resample, which the metrics read as near-duplicates: it lowers Vendi
scores, raises compression ratios and n-gram repetition, and biases every interval. A random half
of the texts (drawn without replacement) has, by the finite-population correction, about the
same sampling variance as the full-size estimate: Var(θ_{N/2} | data) ≈ σ²(2/N − 1/N) = σ²/N
(McCarthy 1969; Efron 1982, ch. 8). So the interval is

    [θ̂ + q_{α/2}(θ*_h − mean θ*), θ̂ + q_{1−α/2}(θ*_h − mean θ*)]

over R seeded half-samples θ*_h; centring on the half-sample mean removes the shift that
size-dependent metrics (Vendi, compression) show at half size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from auditor.defaults import CI_LEVEL, RESAMPLES
import numpy as np
import pandas as pd

DEFAULT_RESAMPLES = RESAMPLES
DEFAULT_LEVEL = CI_LEVEL


@dataclass(frozen=True)
class IntervalSettings:
    """How intervals are computed; recorded in the result next to every interval."""

    n_resamples: int = DEFAULT_RESAMPLES
    seed: int = 0
    level: float = DEFAULT_LEVEL

    def as_dict(self) -> dict[str, object]:
        return {"ci_method": "half-sampling", "n_resamples": self.n_resamples, "ci_seed": self.seed,
                "ci_level": self.level}


def subsample_scale(m: int, n: int) -> float:
    """√(m/(n−m)): a subsample of m of n items drawn without replacement has variance ≈
    σ²(1/m − 1/n), the full-size estimate σ²/n, so deviations are scaled by this (1 for halves;
    Politis & Romano 1994 with the finite-population correction).

    >>> subsample_scale(50, 100), round(subsample_scale(10, 100), 4)
    (1.0, 0.3333)
    """
    return float(np.sqrt(m / (n - m)))


def proportional_subsample(labels: np.ndarray, cap: int, seed: int) -> np.ndarray:
    """Positions of a seeded subsample of at most about ``cap`` of ``labels``, each label kept in
    proportion to its count and with at least 2 (all positions, in order, when there are at most
    ``cap``).

    >>> proportional_subsample(np.array(["a"] * 6 + ["b"] * 2), 4, 0).tolist()  # 3 of the a's, both b's
    [3, 4, 5, 6, 7]
    """
    n = len(labels)
    if n <= cap:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    out = []
    for g in pd.unique(labels):
        idx = np.flatnonzero(labels == g)
        size = max(2, int(round(len(idx) * cap / n)))
        out.append(idx if len(idx) <= size else rng.choice(idx, size=size, replace=False))
    return np.sort(np.concatenate(out))


def subsamples(n: int, m: int, n_resamples: int, seed: int) -> list[np.ndarray]:
    """``n_resamples`` seeded random subsets of m of the indices 0..n−1 (sorted)."""
    rng = np.random.default_rng(seed)
    return [np.sort(rng.choice(n, size=m, replace=False)) for _ in range(n_resamples)]


def half_samples(n: int, n_resamples: int, seed: int) -> list[np.ndarray]:
    """``n_resamples`` seeded random halves (⌊n/2⌋ of the indices 0..n−1, sorted)."""
    if n < 4:
        raise ValueError(f"half-sampling needs at least 4 items, got {n}")
    return subsamples(n, n // 2, n_resamples, seed)


def interval(estimate: float, replicates: Sequence[float], level: float = DEFAULT_LEVEL,
             bounds: tuple[float, float] = (-np.inf, np.inf), scale: float = 1.0) -> tuple[float, float]:
    """The half-sampling interval around ``estimate`` from the replicate values (see module doc),
    clipped to the metric's ``bounds``. Replicates on subsamples of m of n items instead of
    halves pass ``scale`` = :func:`subsample_scale` (m, n)."""
    reps = np.asarray(replicates, dtype=np.float64)
    reps = reps[np.isfinite(reps)]
    if reps.size < 2:
        return (float("nan"), float("nan"))
    alpha = (1.0 - level) / 2
    dev = (reps - reps.mean()) * scale
    lo, hi = estimate + np.quantile(dev, alpha), estimate + np.quantile(dev, 1 - alpha)
    return (float(np.clip(lo, *bounds)), float(np.clip(hi, *bounds)))


def half_sample_interval(
    statistic: Callable[[np.ndarray], float],
    n: int,
    estimate: float,
    settings: IntervalSettings = IntervalSettings(),
    bounds: tuple[float, float] = (-np.inf, np.inf),
) -> tuple[float, float]:
    """Interval for ``statistic(indices)`` (a metric of the texts at those indices), one metric at
    a time. The semantic and lexical suites draw the same :func:`half_samples` and read them with
    the same :func:`interval`, but compute every metric of a half in one pass (shared block sums,
    shared n-gram masks), which this one-statistic form cannot."""
    reps = [statistic(idx) for idx in half_samples(n, settings.n_resamples, settings.seed)]
    return interval(estimate, reps, settings.level, bounds)


def subsample_indices(n: int, size: int, seed: int) -> np.ndarray:
    """A seeded subsample of ``size`` of the indices 0..n−1 (all of them, sorted, if size ≥ n)."""
    if size >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def rate_interval(hits: int, n: int, settings: IntervalSettings) -> dict[str, object]:
    """The interval entries of a share of texts (``hits`` of ``n``): the Wilson score interval,
    recorded as such."""
    from auditor.metrics.stats import wilson_interval

    lo, hi = wilson_interval(hits, n, settings.level)
    return {"ci_low": lo, "ci_high": hi, **settings.as_dict(), "ci_method": "wilson", "n_resamples": 0}
