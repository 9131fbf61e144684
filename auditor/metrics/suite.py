"""The core semantic metric suite: every semantic metric of one set of embeddings in one pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from auditor.metrics._xp import namespace, to_numpy
from auditor.metrics.neighbors import NeighborScan, near_duplicate_rate, neighbor_scan
from auditor.metrics.semantic import (
    EmbeddingStats,
    centroid_direction,
    dispersion,
    embedding_stats,
    mean_pairwise_similarity,
    participation_ratio,
    similarity_spectrum,
    typicality,
    vendi_from_spectrum,
)
from auditor.metrics.uncertainty import IntervalSettings, half_samples, interval

#: Rows are dealt at random into at most this many blocks for half-sampling; a half is half of them.
INTERVAL_BLOCKS = 64


@dataclass
class SemanticSummary:
    """Metric values (``values``: id → {"value", ...}), per-text typicality, and the neighbour scan."""

    values: dict[str, dict[str, Any]]
    typicality: np.ndarray
    scan: NeighborScan
    extras: dict[str, Any] = field(default_factory=dict)


def semantic_suite(
    X: Any,
    *,
    threshold: float = 0.95,
    seed: int = 0,
    exact_limit: int | None = None,
    query_sample: int | None = None,
    max_pairs: int = 1000,
    intervals: IntervalSettings | None = None,
) -> SemanticSummary:
    """Compute MPS, Vendi (q = 1, 2, ∞ and per text), effective rank, dispersion,
    nearest-neighbour similarity and the near-duplicate rate of unit-normalized ``X``; with
    ``intervals``, each value gets ``ci_low``/``ci_high`` by half-sampling."""
    stats = embedding_stats(X)
    n = stats.n
    typ = typicality(X, centroid_direction(stats))
    kwargs: dict[str, Any] = {"seed": seed, "max_pairs": max_pairs}
    if exact_limit is not None:
        kwargs["exact_limit"] = exact_limit
    if query_sample is not None:
        kwargs["query_sample"] = query_sample
    scan = neighbor_scan(X, threshold, **kwargs)
    nn = {"method": "exact" if scan.exact else "sampled", "n_queries": int(len(scan.queries))}
    spectral = _spectrum_metrics(stats)
    values: dict[str, dict[str, Any]] = {
        "mean_pairwise_similarity": {"value": spectral["mean_pairwise_similarity"]},
        "vendi_score": {"value": spectral["vendi_score"], "q": 1},
        "vendi_score_q2": {"value": spectral["vendi_score_q2"], "q": 2},
        "vendi_score_qinf": {"value": spectral["vendi_score_qinf"], "q": "inf"},
        "vendi_score_per_text": {"value": spectral["vendi_score_per_text"]},
        "effective_rank": {"value": spectral["effective_rank"], "centred": True},
        "dispersion": {"value": dispersion(typ)},
        "nearest_neighbor_similarity": {"value": float(np.mean(scan.similarity)), **nn},
        "near_duplicate_rate": {"value": near_duplicate_rate(scan.similarity, threshold),
                                "threshold": threshold, **nn},
    }
    if intervals is not None and n >= 4:
        for metric_id, (lo, hi) in semantic_intervals(X, values, scan, threshold, intervals).items():
            values[metric_id].update(ci_low=lo, ci_high=hi, **intervals.as_dict())
    return SemanticSummary(values, typ, scan, {"stats": stats})


def _spectral_values(n: int, total: np.ndarray, sq_norms: float, lam: np.ndarray,
                     mu: np.ndarray) -> dict[str, float]:
    """The additive-state metrics from n, Σxᵢ, Σ‖xᵢ‖² and the spectra λ of XᵀX/N and μ of the
    centred covariance (either side of the kernel duality: same non-zero eigenvalues)."""
    vs1 = vendi_from_spectrum(lam, 1)
    return {
        "mean_pairwise_similarity": float((total @ total - sq_norms) / (n * (n - 1))),
        "vendi_score": vs1,
        "vendi_score_q2": vendi_from_spectrum(lam, 2),
        "vendi_score_qinf": vendi_from_spectrum(lam, np.inf),
        "vendi_score_per_text": vs1 / n,
        "effective_rank": participation_ratio(mu),
        # mean of 1 − xᵢ·ĉ over unit rows = 1 − ‖c‖
        "dispersion": 1.0 - float(np.linalg.norm(total)) / n,
    }


def _spectrum_metrics(stats: EmbeddingStats) -> dict[str, float]:
    """Every metric that follows from the additive state (one eigendecomposition per spectrum)."""
    return _spectral_values(stats.n, stats.total, stats.sq_norms, similarity_spectrum(stats),
                            similarity_spectrum(stats, centred=True))


def _row_replicate(Xh: np.ndarray) -> dict[str, float]:
    """Spectral metrics of a small set of rows through the m×m kernel (cheaper when m < d)."""
    m = Xh.shape[0]
    K = Xh @ Xh.T
    rowsum = K.sum(axis=1)
    centred = K - rowsum[:, None] / m - rowsum[None, :] / m + rowsum.sum() / m ** 2
    lam = np.clip(np.linalg.eigvalsh(K / m), 0, None)
    mu = np.clip(np.linalg.eigvalsh(centred / m), 0, None)
    return _spectral_values(m, Xh.sum(axis=0), float(np.trace(K)), lam, mu)


def semantic_intervals(
    X: Any,
    values: dict[str, dict[str, Any]],
    scan: NeighborScan,
    threshold: float,
    settings: IntervalSettings,
) -> dict[str, tuple[float, float]]:
    """Half-sampling intervals for the semantic suite.

    When a half has fewer rows than dimensions, each replicate works on its rows' kernel.
    Otherwise rows are dealt at random (seeded) into at most :data:`INTERVAL_BLOCKS` blocks whose
    additive states are computed once, and each replicate sums a random half of the blocks.
    Nearest-neighbour metrics use each searched text's neighbour in the full corpus (an interval
    conditional on the neighbours found), half-sampled over the searched texts.
    """
    n, d = X.shape
    xp = namespace(X)
    reps: dict[str, list[float]] = {}
    if n // 2 <= d:
        X64 = to_numpy(X).astype(np.float64)
        for half in half_samples(n, settings.n_resamples, settings.seed):
            for metric_id, value in _row_replicate(X64[half]).items():
                reps.setdefault(metric_id, []).append(value)
    else:
        rng = np.random.default_rng(settings.seed)
        n_blocks = min(n, INTERVAL_BLOCKS)
        assignment = rng.permutation(n) % n_blocks
        counts = np.zeros(n_blocks)
        totals = np.zeros((n_blocks, d))
        grams = np.zeros((n_blocks, d, d))
        for b in range(n_blocks):
            rows = np.flatnonzero(assignment == b)
            Xb = xp.astype(X[rows] if isinstance(X, np.ndarray) else X[xp.asarray(rows, device=X.device)],
                           xp.float64)
            counts[b] = len(rows)
            totals[b] = to_numpy(xp.sum(Xb, axis=0))
            grams[b] = to_numpy(Xb.T @ Xb)
        for half in half_samples(n_blocks, settings.n_resamples, settings.seed):
            gram = grams[half].sum(axis=0)
            state = EmbeddingStats(int(counts[half].sum()), totals[half].sum(axis=0), gram,
                                   float(np.trace(gram)))
            for metric_id, value in _spectrum_metrics(state).items():
                reps.setdefault(metric_id, []).append(value)
    out = {m: interval(values[m]["value"], r, settings.level) for m, r in reps.items()}

    sims = scan.similarity
    if len(sims) >= 4:
        dup = (sims >= threshold).astype(np.float64)
        halves = half_samples(len(sims), settings.n_resamples, settings.seed)
        out["nearest_neighbor_similarity"] = interval(
            values["nearest_neighbor_similarity"]["value"], [sims[h].mean() for h in halves], settings.level)
        out["near_duplicate_rate"] = interval(
            values["near_duplicate_rate"]["value"], [dup[h].mean() for h in halves], settings.level,
            (0.0, 1.0))
    return out
