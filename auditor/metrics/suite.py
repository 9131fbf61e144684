"""The core semantic metric suite: every semantic metric of one set of embeddings in one pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from auditor.metrics.arrays import namespace, to_numpy
from auditor.metrics.near_duplicates import NearDuplicateRule
from auditor.metrics.neighbors import NeighborScan, near_duplicate_scan
from auditor.metrics.semantic import (
    EmbeddingStats,
    compute_spectra,
    centroid_direction,
    dispersion,
    effective_rank,
    embedding_stats,
    mean_pairwise_similarity,
    typicality,
    vendi_score,
)
from auditor.metrics.stats import wilson_interval
from auditor.metrics.uncertainty import IntervalSettings, half_samples, interval

#: Rows are dealt at random into at most this many blocks for half-sampling; a half is half of them.
INTERVAL_BLOCKS = 64
#: Metrics read from eigenvalues (Vendi scores, effective rank) use at most this many of the
#: half-samples: each needs a d×d eigendecomposition.
SPECTRAL_MAX_RESAMPLES = 100
#: Interval replicates are built (and their spectra computed) this many at a time.
REPLICATE_BATCH = 16
SPECTRAL = frozenset({"vendi_score", "vendi_score_q2", "vendi_score_qinf", "vendi_score_per_text", "effective_rank"})
#: Rates whose interval is the Wilson score interval of (texts with the property, texts searched).
WILSON_RATES = frozenset({"near_duplicate_rate"})


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
    rule: NearDuplicateRule | None = None,
    seed: int = 0,
    exact_limit: int | None = None,
    query_sample: int | None = None,
    max_pairs: int = 1000,
    intervals: IntervalSettings | None = None,
) -> SemanticSummary:
    """Compute MPS, Vendi (q = 1, 2, ∞ and per text), effective rank, dispersion,
    nearest-neighbour similarity and the near-duplicate rate of unit-normalized ``X`` (pairs decided
    by ``rule``, :mod:`auditor.metrics.near_duplicates`; without one, cosine ≥ ``threshold``); with
    ``intervals``, each value gets ``ci_low``/``ci_high`` by half-sampling."""
    stats = embedding_stats(X)
    n = stats.n
    typ = typicality(X, centroid_direction(stats))
    kwargs: dict[str, Any] = {"seed": seed, "max_pairs": max_pairs}
    if exact_limit is not None:
        kwargs["exact_limit"] = exact_limit
    if query_sample is not None:
        kwargs["query_sample"] = query_sample
    rule = rule if rule is not None else NearDuplicateRule.raw(n, threshold)
    scan = near_duplicate_scan(X, rule, **kwargs)
    nn = {"method": "exact" if scan.exact else "sampled", "n_queries": int(len(scan.queries))}
    state = state_metrics(stats)
    values: dict[str, dict[str, Any]] = {
        "mean_pairwise_similarity": {"value": state["mean_pairwise_similarity"]},
        "vendi_score": {"value": state["vendi_score"], "q": 1},
        "vendi_score_q2": {"value": state["vendi_score_q2"], "q": 2},
        "vendi_score_qinf": {"value": state["vendi_score_qinf"], "q": "inf"},
        "vendi_score_per_text": {"value": state["vendi_score_per_text"]},
        "effective_rank": {"value": state["effective_rank"], "centred": True},
        "dispersion": {"value": state["dispersion"]},
        "nearest_neighbor_similarity": {"value": float(np.mean(scan.similarity)), **nn},
        "near_duplicate_rate": {"value": float(np.mean(scan.duplicate)), "threshold": rule.threshold,
                                "decision": rule.method, **nn},
    }
    if intervals is not None and n >= 4:
        for metric_id, (lo, hi) in semantic_intervals(X, values, scan, intervals).items():
            values[metric_id].update(ci_low=lo, ci_high=hi, **intervals.as_dict())
            if metric_id in WILSON_RATES:
                values[metric_id].update(ci_method="wilson", n_resamples=0)
            elif metric_id in SPECTRAL:
                values[metric_id].update(n_resamples=min(intervals.n_resamples, SPECTRAL_MAX_RESAMPLES))
    return SemanticSummary(values, typ, scan, {"stats": stats})


def state_metrics(stats: EmbeddingStats, spectral: bool = True) -> dict[str, float]:
    """Every metric that follows from the additive state, each from its public function (the
    state computes each spectrum once); without ``spectral``, only those that need no spectrum."""
    if not spectral:
        return {"mean_pairwise_similarity": mean_pairwise_similarity(stats), "dispersion": dispersion(stats)}
    vs1 = vendi_score(stats, 1)
    return {
        "mean_pairwise_similarity": mean_pairwise_similarity(stats),
        "vendi_score": vs1,
        "vendi_score_q2": vendi_score(stats, 2),
        "vendi_score_qinf": vendi_score(stats, np.inf),
        "vendi_score_per_text": vs1 / stats.n,
        "effective_rank": effective_rank(stats),
        "dispersion": dispersion(stats),
    }


def _replicate_metrics(states: list[EmbeddingStats], first: int, reps: dict[str, list[float]]) -> None:
    """Append each replicate state's metrics to ``reps`` (replicates ``first``, ``first`` + 1, …;
    spectra for the first :data:`SPECTRAL_MAX_RESAMPLES`, from batched eigendecompositions)."""
    spectral = states[:max(0, SPECTRAL_MAX_RESAMPLES - first)]
    compute_spectra(spectral)  # the Vendi scores' (the effective rank needs no spectrum)
    for k, state in enumerate(states):
        for metric_id, value in state_metrics(state, k < len(spectral)).items():
            reps.setdefault(metric_id, []).append(value)


def semantic_intervals(
    X: Any,
    values: dict[str, dict[str, Any]],
    scan: NeighborScan,
    settings: IntervalSettings,
) -> dict[str, tuple[float, float]]:
    """Half-sampling intervals for the semantic suite.

    When a half has fewer rows than dimensions, each replicate is the state of its rows (whose
    spectra come from the rows' kernel).
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
        halves = half_samples(n, settings.n_resamples, settings.seed)
        for start in range(0, len(halves), REPLICATE_BATCH):
            states = [embedding_stats(X64[half], check=False) for half in halves[start:start + REPLICATE_BATCH]]
            _replicate_metrics(states, start, reps)
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
        halves = half_samples(n_blocks, settings.n_resamples, settings.seed)
        flat = grams.reshape(n_blocks, d * d)
        for start in range(0, len(halves), REPLICATE_BATCH):  # the halves' Gram sums: one product per batch
            batch = halves[start:start + REPLICATE_BATCH]
            chosen = np.zeros((len(batch), n_blocks))
            for row, half in enumerate(batch):
                chosen[row, half] = 1.0
            batch_grams = (chosen @ flat).reshape(-1, d, d)
            states = [EmbeddingStats(int(counts[half].sum()), totals[half].sum(axis=0), gram, float(np.trace(gram)))
                      for half, gram in zip(batch, batch_grams)]
            _replicate_metrics(states, start, reps)
    out = {m: interval(values[m]["value"], r, settings.level) for m, r in reps.items()}

    sims = scan.similarity
    if len(sims) >= 4:
        halves = half_samples(len(sims), settings.n_resamples, settings.seed)
        out["nearest_neighbor_similarity"] = interval(
            values["nearest_neighbor_similarity"]["value"], [sims[h].mean() for h in halves], settings.level)
        # a rate gets the Wilson score interval: never zero-width at 0 or 1 (WILSON_RATES)
        out["near_duplicate_rate"] = wilson_interval(int(np.sum(scan.duplicate)), len(sims), settings.level)
    return out
