"""Convergence over time: per-period centroid similarities and their slope (the
regression-to-the-mean index).

The data are "cells": the texts of one group in one time bin, each subsampled (seeded) to a
common size k, because the cosine between two centroids estimated from few texts is biased
towards 0, and a bias that changed with the cell size would show up as a trend. Inputs are
unit-normalized NumPy embeddings; nothing here reads files or prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from auditor.metrics.two_sample import unit
from auditor.metrics.stats import ols_slope, ols_slope_interval
from auditor.metrics.uncertainty import IntervalSettings, interval

STATISTICS = ("mutual_similarity", "to_center", "to_reference")


@dataclass
class Cells:
    """Which texts make up each (bin, group) cell, already cut to the common size ``k``."""

    bin_times: np.ndarray  # (B,) position of each bin, in years
    members: dict[tuple[int, int], np.ndarray]  # (bin, group) → row indices, each of length k
    k: int
    n_groups: int
    bins_used: list[int] = field(default_factory=list)
    composition: str = "single group"  # "balanced": the same groups in every bin; or "varying"

    def groups_in(self, b: int) -> list[int]:
        return sorted(g for (bb, g) in self.members if bb == b)


def make_cells(bin_codes: np.ndarray, group_codes: np.ndarray, bin_times: np.ndarray,
               n_groups: int, *, min_cell: int = 2, seed: int = 0) -> Cells:
    """Cells of at least ``min_cell`` texts in bins holding at least 2 such cells (or, with a
    single group, every bin), subsampled to the smallest cell's size. When at least two groups
    have a cell in every usable bin, only those groups are used, so that a group entering or
    leaving does not move the index."""
    rng = np.random.default_rng(seed)
    counts: dict[tuple[int, int], np.ndarray] = {}
    for b in np.unique(bin_codes):
        for g in np.unique(group_codes[bin_codes == b]):
            idx = np.flatnonzero((bin_codes == b) & (group_codes == g))
            if len(idx) >= min_cell:
                counts[(int(b), int(g))] = idx
    need = 2 if n_groups >= 2 else 1
    per_bin: dict[int, list[int]] = {}
    for b, g in counts:
        per_bin.setdefault(b, []).append(g)
    usable = sorted(b for b, gs in per_bin.items() if len(gs) >= need)
    composition = "single group"
    if n_groups >= 2 and usable:
        always = set.intersection(*(set(per_bin[b]) for b in usable))
        if len(always) >= 2:
            counts = {c: v for c, v in counts.items() if c[1] in always}
            composition = "balanced"
        else:
            composition = "varying"
    counts = {c: v for c, v in counts.items() if c[0] in usable}
    if not counts:
        return Cells(np.asarray(bin_times, dtype=np.float64), {}, 0, n_groups, [], composition)
    k = min(len(v) for v in counts.values())
    members = {c: np.sort(rng.choice(v, size=k, replace=False)) if len(v) > k else v
               for c, v in sorted(counts.items())}
    return Cells(np.asarray(bin_times, dtype=np.float64), members, k, n_groups, usable, composition)


def bin_statistics(X: np.ndarray, cells: Cells, reference: np.ndarray | None = None,
                   pick: dict[tuple[int, int], np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Per usable bin, from the cell centroids c_g (cells' rows, or ``pick``'s subsets of them):

    - mutual_similarity = mean over group pairs g < h of cos(c_g, c_h) (needs ≥ 2 groups),
    - to_center = mean over groups of cos(c_g, c̄), c̄ the mean of the bin's cell centroids,
    - to_reference = mean over groups of cos(c_g, ĉ_ref), when a reference direction is given.
    """
    bins = cells.bins_used
    out = {s: np.full(len(bins), np.nan) for s in STATISTICS}
    for i, b in enumerate(bins):
        gs = cells.groups_in(b)
        rows = [(pick or cells.members)[(b, g)] for g in gs]
        cents = np.stack([X[r].mean(axis=0) for r in rows])
        units = unit(cents)
        if len(gs) >= 2:
            sim = units @ units.T
            out["mutual_similarity"][i] = sim[np.triu_indices(len(gs), k=1)].mean()
        center = unit(cents.mean(axis=0))
        out["to_center"][i] = (units @ center).mean()
        if reference is not None:
            out["to_reference"][i] = (units @ unit(reference)).mean()
    return out


@dataclass(frozen=True)
class Slope:
    """Change per year of a per-period statistic, with two intervals: ``ci_*`` from
    half-sampling the texts within each cell (sampling noise), ``ols_ci_*`` treating
    periods as observations (period-to-period variation)."""

    slope: float
    ci_low: float
    ci_high: float
    ols_ci_low: float
    ols_ci_high: float
    n_bins: int


def convergence_slopes(X: np.ndarray, cells: Cells, settings: IntervalSettings,
                       reference: np.ndarray | None = None) -> tuple[dict[str, np.ndarray], dict[str, Slope]]:
    """Per-bin statistics (see :func:`bin_statistics`) and the OLS slope of each over the bins'
    times, in units per year. The regression-to-the-mean index is the slope of
    ``mutual_similarity``: positive = groups converging."""
    X = np.asarray(X, dtype=np.float64)
    values = bin_statistics(X, cells, reference)
    bins = cells.bins_used
    t = cells.bin_times[bins]
    slopes: dict[str, Slope] = {}
    if len(bins) < 2:
        return values, slopes
    rng = np.random.default_rng(settings.seed)
    half = max(1, cells.k // 2)
    reps: dict[str, list[float]] = {s: [] for s in STATISTICS}
    if cells.k >= 2:
        for _ in range(settings.n_resamples):
            pick = {c: np.sort(rng.choice(v, size=half, replace=False)) for c, v in cells.members.items()}
            rep = bin_statistics(X, cells, reference, pick)
            for s in STATISTICS:
                if np.isfinite(rep[s]).all():
                    reps[s].append(ols_slope(t, rep[s]))
    for s in STATISTICS:
        if not np.isfinite(values[s]).all():
            continue
        est = ols_slope(t, values[s])
        lo, hi = interval(est, reps[s], settings.level)
        olo, ohi = ols_slope_interval(t, values[s], settings.level)
        slopes[s] = Slope(est, lo, hi, olo, ohi, len(bins))
    return values, slopes


def closer_to_reference(X: np.ndarray, own: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Per row of X: whether cos(xᵢ, ĉ_ref) > cos(xᵢ, ĉ_own). ``own`` is one centroid (d,) shared
    by all rows, or one per row (N×d, e.g. leave-one-out centroids)."""
    X = np.asarray(X, dtype=np.float64)
    ref = unit(np.asarray(reference, dtype=np.float64))
    own_u = unit(np.asarray(own, dtype=np.float64))
    to_own = X @ own_u if own_u.ndim == 1 else np.einsum("ij,ij->i", X, own_u)
    return X @ ref > to_own


def reference_pull(X: np.ndarray, own: np.ndarray, reference: np.ndarray) -> float:
    """Share of the rows of X closer (by cosine) to the reference centroid than to ``own``,
    their group's earlier centroid: mean of [cos(xᵢ, ĉ_ref) > cos(xᵢ, ĉ_own)].

    >>> reference_pull(np.array([[1.0, 0], [0.6, 0.8]]), own=np.array([0.0, 1]), reference=np.array([1.0, 0]))
    0.5
    """
    return float(np.mean(closer_to_reference(X, own, reference)))
