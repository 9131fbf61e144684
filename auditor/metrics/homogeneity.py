"""Homogeneity within strata (prompts, briefs, products, questions) and tests of *spread* between
two conditions, with labels permuted within strata only.

Every statistic is a function of one stratum's pairwise kernel matrix ``K`` (cosine, squared
cosine, ROUGE-L F, or "cosine ≥ threshold") and multiplicity weights ``w`` over its texts (1 for
a text of the cell, 0 otherwise; resampling counts in an interval). A *cell* is the texts of one
condition in one stratum.

- Pair mean (mean pairwise similarity, ROUGE-L homogenization; Padmakumar & He 2024):
  ``Σ_{i≠j} w_i w_j K_ij / Σ_{i≠j} w_i w_j``, over pairs of distinct texts only.
- Vendi score of order 2 per text at size m (Friedman & Dieng 2022; orders q of Pasarkar & Dieng
  2023): for m texts whose mean pairwise squared cosine is μ₂, ``VS₂ / m = 1 / (1 + (m−1)·μ₂)``
  exactly (VS₂ = 1/Σλ², Σλ² = ‖K/m‖²_F). Order 2 because it follows from pair sums, so it can be
  permutation-tested without an eigendecomposition per relabelling.
- Near-duplicate rate at size m, rarefied (Hurlbert 1971): the expected share of texts that have a
  near-duplicate (cosine ≥ t) among m texts drawn from the cell,
  ``mean_i [1 − C(a_i − k_i, m−1) / C(a_i, m−1)]``, a_i the other texts of the cell, k_i the
  near-duplicates among them.

A summary across strata is the mean of the per-stratum values (strata with fewer than 2 texts in
a cell are skipped and counted). Its interval resamples with replacement: the strata, keeping
their texts, when there are at least :data:`MIN_STRATA_TO_RESAMPLE` (the per-stratum values already
carry the texts' noise; resampling texts as well would count it twice, Davison & Hinkley 1997,
§3.8); otherwise the texts within each cell. Pairs of copies of one text are never counted, so a
resample does not invent near-duplicates (the reason the rest of auditor uses half-sampling, which
a 2-text cell cannot).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
from scipy.special import gammaln

from auditor.defaults import PERMUTATIONS, RESAMPLES, SEED
from auditor.metrics.uncertainty import proportional_subsample

#: Permutations are drawn and scored in batches of this many.
_BATCH = 250
#: With this many strata or more an interval resamples strata; with fewer, texts within cells.
MIN_STRATA_TO_RESAMPLE = 10


def pair_means(K: np.ndarray, W: np.ndarray) -> np.ndarray:
    """For each row w of ``W``: Σ_{i≠j} w_i w_j K_ij / Σ_{i≠j} w_i w_j (NaN when no pair).

    >>> K = np.array([[1.0, 0.2, 0.4], [0.2, 1.0, 0.6], [0.4, 0.6, 1.0]])
    >>> pair_means(K, np.array([[1, 1, 1], [1, 1, 0], [2, 0, 0]])).round(4).tolist()
    [0.4, 0.2, nan]
    """
    W = np.atleast_2d(np.asarray(W, dtype=np.float64))
    num = np.einsum("bi,bi->b", W @ K, W) - (W * W) @ np.diag(K)
    total = W.sum(axis=1)
    den = total * total - (W * W).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def vendi2_per_text(mu2: np.ndarray | float, m: int) -> np.ndarray:
    """Vendi score of order 2 per text of m texts with mean pairwise squared cosine ``mu2``:
    1 / (1 + (m−1)·μ₂). Identical texts give 1/m, orthogonal ones 1.

    >>> float(vendi2_per_text(1.0, 4)), float(vendi2_per_text(0.0, 4))
    (0.25, 1.0)
    """
    return 1.0 / (1.0 + (m - 1) * np.asarray(mu2, dtype=np.float64))


def rarefied_duplicate_rates(D: np.ndarray, W: np.ndarray, m: int) -> np.ndarray:
    """For each row w of ``W``: the expected share of texts with a near-duplicate among ``m``
    texts drawn from the cell, ``Σ_i w_i [1 − C(a_i − k_i, m−1)/C(a_i, m−1)] / Σ_i w_i``;
    ``D`` is the symmetric near-duplicate indicator (its diagonal is ignored), a_i = Σ_{j≠i} w_j,
    k_i = Σ_{j≠i} w_j D_ij. Texts with a_i < m−1 are left out (NaN when none is left).

    >>> D = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]])
    >>> rarefied_duplicate_rates(D, np.array([[1, 1, 1]]), 3).round(4).tolist()  # 2 of 3 texts
    [0.6667]
    >>> rarefied_duplicate_rates(D, np.array([[1, 1, 1]]), 2).round(4).tolist()  # (½ + ½ + 0)/3
    [0.3333]
    """
    W = np.atleast_2d(np.asarray(W, dtype=np.float64))
    Dm = np.asarray(D, dtype=np.float64).copy()
    np.fill_diagonal(Dm, 0.0)
    k = W @ Dm.T
    a = W.sum(axis=1, keepdims=True) - W
    r = m - 1
    ok = (W > 0) & (a >= r)
    with np.errstate(invalid="ignore"):
        log_none = (_log_choose(a - k, r) - _log_choose(a, r))
    none = np.where(a - k >= r, np.exp(np.where(ok & (a - k >= r), log_none, 0.0)), 0.0)
    rate = np.where(ok, 1.0 - none, 0.0)
    weight = np.where(ok, W, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight > 0, (W * rate).sum(axis=1) / np.where(weight > 0, weight, 1.0), np.nan)


def _log_choose(x: np.ndarray, r: int) -> np.ndarray:
    x = np.maximum(x, r)
    return gammaln(x + 1) - gammaln(r + 1) - gammaln(x - r + 1)


@dataclass(frozen=True)
class Statistic:
    """One homogeneity metric: how to read a cell's value from its stratum's kernel matrix."""

    name: str
    kernel: str  # "cosine", "cosine_squared", "rouge_l" or "near_duplicate"
    size_dependent: bool
    formula: str

    def values(self, K: np.ndarray, W: np.ndarray, m: int) -> np.ndarray:
        if self.kernel == "near_duplicate":
            return rarefied_duplicate_rates(K, W, m)
        means = pair_means(K, W)
        return vendi2_per_text(means, m) if self.kernel == "cosine_squared" else means


STATISTICS = {
    "mean_pairwise_similarity": Statistic("mean_pairwise_similarity", "cosine", False,
                                          "mean cosine over pairs of distinct texts"),
    "vendi_per_text": Statistic("vendi_per_text", "cosine_squared", True,
                                "Vendi score of order 2 per text at the common size m: 1/(1+(m−1)·mean cos²)"),
    "rouge_l": Statistic("rouge_l", "rouge_l", False,
                         "mean ROUGE-L F over pairs of distinct texts (homogenization score)"),
    "near_duplicate_rate": Statistic("near_duplicate_rate", "near_duplicate", True,
                                     "expected share of texts with a near-duplicate among m texts (rarefied)"),
}
#: Which way is "more homogeneous" for each statistic.
HIGHER_IS_MORE_ALIKE = {"mean_pairwise_similarity": True, "vendi_per_text": False, "rouge_l": True,
                        "near_duplicate_rate": True}


@dataclass(frozen=True)
class Stratified:
    """Per-stratum kernel matrices and cell labels (0, or 0/1 for two conditions)."""

    matrices: Sequence[np.ndarray]
    cells: Sequence[np.ndarray]
    names: Sequence[str]


@dataclass(frozen=True)
class Summary:
    """A metric within strata: the mean over strata with its interval, and each stratum's value."""

    value: float
    ci_low: float
    ci_high: float
    per_stratum: np.ndarray
    #: The names of the strata kept (at least 2 texts), in the order of ``per_stratum``.
    kept: tuple[str, ...]
    sizes: np.ndarray
    common_size: int | None
    n_strata: int
    skipped: int


@dataclass(frozen=True)
class Difference:
    """value_b − value_a of a metric between two conditions, within strata."""

    value_a: float
    value_b: float
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    n_strata: int
    skipped: int
    permutations: int


def _indicator(cells: np.ndarray, label: int) -> np.ndarray:
    """One row of weights: 1 for the texts of the cell ``label``."""
    return (cells == label).astype(np.float64)[None]


def _resampled(cells: np.ndarray, labels: Sequence[int], B: int, rng: np.random.Generator) -> list[np.ndarray]:
    """For each label, B rows of multiplicity weights: the cell's texts drawn with replacement."""
    out = []
    for label in labels:
        idx = np.flatnonzero(cells == label)
        W = np.zeros((B, len(cells)))
        W[:, idx] = rng.multinomial(len(idx), np.full(len(idx), 1.0 / len(idx)), size=B)
        out.append(W)
    return out


def _stratum_weights(S: int, B: int, rng: np.random.Generator) -> np.ndarray:
    return rng.multinomial(S, np.full(S, 1.0 / S), size=B).astype(np.float64) if S > 1 else np.ones((B, 1))


def _interval(value: Callable[[int, list[np.ndarray]], np.ndarray], data: Stratified, kept: list[int],
              labels: tuple[int, ...], observed: np.ndarray, B: int, rng: np.random.Generator,
              level: float) -> tuple[float, float]:
    """Percentile interval of the mean over strata: strata resampled (their values fixed) when
    there are enough, else texts within each cell (``value(stratum, weights per label)``)."""
    if len(kept) >= MIN_STRATA_TO_RESAMPLE:
        u = _stratum_weights(len(kept), B, rng)
        return _percentiles(u @ observed / u.sum(axis=1), level)
    draws = np.column_stack([value(s, _resampled(data.cells[s], labels, B, rng)) for s in kept])
    return _percentiles(_weighted_mean(draws, np.ones((B, len(kept)))), level)


def _weighted_mean(values: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Σ_s u_s v_s / Σ_s u_s over finite v (rows: resamples, columns: strata)."""
    finite = np.isfinite(values)
    w = np.where(finite, u, 0.0)
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (w * np.where(finite, values, 0.0)).sum(axis=1) / np.where(total > 0, total, 1), np.nan)


def _percentiles(draws: np.ndarray, level: float) -> tuple[float, float]:
    draws = draws[np.isfinite(draws)]
    if len(draws) < 2:
        return float("nan"), float("nan")
    alpha = (1 - level) / 2
    lo, hi = np.quantile(draws, [alpha, 1 - alpha])
    return float(lo), float(hi)


def summarise(stat: Statistic, data: Stratified, *, resamples: int = RESAMPLES, seed: int = SEED,
              level: float = 0.95) -> Summary:
    """``stat`` in every stratum with at least 2 texts, and its mean over strata with a
    resampling interval (see the module docstring). Size-dependent statistics are taken at the
    smallest kept stratum size.

    >>> K = np.array([[1, .5, 0, 0], [.5, 1, 0, 0], [0, 0, 1, .1], [0, 0, .1, 1]])
    >>> s = summarise(STATISTICS["mean_pairwise_similarity"], Stratified([K], [np.zeros(4, int)], ["x"]), resamples=0)
    >>> round(s.value, 12)  # one cell of 4 texts: (2·0.5 + 2·0.1) / 12
    0.1
    """
    kept = [s for s, cells in enumerate(data.cells) if np.sum(cells == 0) >= 2]
    sizes = np.array([int(np.sum(data.cells[s] == 0)) for s in kept], dtype=np.int64)
    m = int(sizes.min()) if len(kept) else None
    if not kept:
        return Summary(float("nan"), float("nan"), float("nan"), np.array([]), (), sizes, None, 0, len(data.cells))
    per = np.array([stat.values(data.matrices[s], _indicator(data.cells[s], 0), m)[0] for s in kept])
    lo = hi = float("nan")
    if resamples > 0:
        rng = np.random.default_rng(seed)
        lo, hi = _interval(lambda s, W: stat.values(data.matrices[s], W[0], m), data, kept, (0,), per,
                           resamples, rng, level)
    return Summary(float(per.mean()), lo, hi, per, tuple(data.names[s] for s in kept), sizes,
                   m if stat.size_dependent else None, len(kept), len(data.cells) - len(kept))


def compare_conditions(stat: Statistic, data: Stratified, *, permutations: int = PERMUTATIONS, resamples: int = RESAMPLES,
                       seed: int = 0, level: float = 0.95) -> Difference:
    """value_b − value_a of ``stat`` (cells 0 = a, 1 = b), averaged over strata where both cells
    have at least 2 texts; size-dependent statistics at each stratum's smaller cell size.

    p-value: two-sided, (1 + #{|D*| ≥ |D|}) / (1 + permutations), condition labels permuted
    within each stratum. Interval: strata resampled, or texts within each cell when there are
    fewer than :data:`MIN_STRATA_TO_RESAMPLE` strata.
    """
    kept = [s for s, c in enumerate(data.cells) if np.sum(c == 0) >= 2 and np.sum(c == 1) >= 2]
    skipped = len(data.cells) - len(kept)
    if not kept:
        nan = float("nan")
        return Difference(nan, nan, nan, nan, nan, nan, 0, skipped, permutations)
    sizes = [int(min(np.sum(data.cells[s] == 0), np.sum(data.cells[s] == 1))) for s in kept]
    obs = np.array([[stat.values(data.matrices[s], _indicator(data.cells[s], label), m)[0] for label in (0, 1)]
                    for s, m in zip(kept, sizes)])
    diff = float(np.mean(obs[:, 1] - obs[:, 0]))
    rng = np.random.default_rng(seed)
    exceed, done = 0, 0
    while done < permutations:
        batch = min(_BATCH, permutations - done)
        total = np.zeros(batch)
        for s, m in zip(kept, sizes):
            labels = rng.permuted(np.tile(data.cells[s], (batch, 1)), axis=1)
            K = data.matrices[s]
            total += stat.values(K, (labels == 1).astype(np.float64), m) - stat.values(K, (labels == 0).astype(np.float64), m)
        exceed += int(np.sum(np.abs(total / len(kept)) >= abs(diff) * (1 - 1e-9) - 1e-12))
        done += batch
    p = (1 + exceed) / (1 + permutations)
    lo = hi = float("nan")
    if resamples > 0:
        size_of = dict(zip(kept, sizes))
        lo, hi = _interval(lambda s, W: stat.values(data.matrices[s], W[1], size_of[s])
                           - stat.values(data.matrices[s], W[0], size_of[s]),
                           data, kept, (0, 1), obs[:, 1] - obs[:, 0], resamples, rng, level)
    return Difference(float(obs[:, 0].mean()), float(obs[:, 1].mean()), diff, lo, hi, float(p),
                      len(kept), skipped, permutations)


def stratum_rows(strata: np.ndarray | None, cells: np.ndarray, cap: int, seed: int) -> tuple[list[np.ndarray], list[str]]:
    """Row indices of each stratum (one stratum of every row without strata), each cell
    subsampled (seeded) to at most ``cap`` texts per stratum in proportion to its size."""
    n = len(cells)
    if strata is None:
        groups = {"(all)": np.arange(n)}
    else:
        codes, uniques = _codes(strata)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
        groups = {str(uniques[k]): order[bounds[k]:bounds[k + 1]] for k in range(len(uniques))}
    rows = [idx[proportional_subsample(cells[idx], cap, seed)] for idx in groups.values()]
    return rows, list(groups)


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    uniques, codes = np.unique(np.asarray(values).astype(str), return_inverse=True)
    return codes, uniques


def kernel_matrix(kernel: str, X: np.ndarray | None, texts: Sequence[str] | None, threshold: float = 0.95,
                  near_duplicates: Any = None) -> np.ndarray:
    """The kernel of one stratum's texts: ``X`` (unit rows) for the embedding kernels, ``texts``
    for ROUGE-L; the near-duplicate relation by the rule ``near_duplicates`` for these rows
    (:mod:`auditor.metrics.near_duplicates`; without one, cosine ≥ ``threshold``)."""
    if kernel == "rouge_l":
        from auditor.metrics.lexical import rouge_l_matrix

        return rouge_l_matrix(texts)
    X = np.asarray(X, dtype=np.float64)
    cos = np.clip(X @ X.T, -1.0, 1.0)
    if kernel == "cosine":
        return cos
    if kernel == "cosine_squared":
        return cos * cos
    if kernel == "near_duplicate":
        return near_duplicates.matrix(X) if near_duplicates is not None else (cos >= threshold).astype(np.float64)
    raise ValueError(f"unknown kernel {kernel!r}")
