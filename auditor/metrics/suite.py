"""The core semantic metric suite: every semantic metric of one set of embeddings in one pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from auditor.metrics.neighbors import NeighborScan, near_duplicate_rate, neighbor_scan
from auditor.metrics.semantic import (
    centroid_direction,
    dispersion,
    effective_rank,
    embedding_stats,
    mean_pairwise_similarity,
    typicality,
    vendi_score,
)


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
) -> SemanticSummary:
    """Compute MPS, Vendi (q = 1, 2, ∞ and per text), effective rank, dispersion,
    nearest-neighbour similarity and the near-duplicate rate of unit-normalized ``X``."""
    stats = embedding_stats(X)
    n = stats.n
    typ = typicality(X, centroid_direction(stats))
    kwargs: dict[str, Any] = {"seed": seed, "max_pairs": max_pairs}
    if exact_limit is not None:
        kwargs["exact_limit"] = exact_limit
    if query_sample is not None:
        kwargs["query_sample"] = query_sample
    scan = neighbor_scan(X, threshold, **kwargs)
    vs1 = vendi_score(stats, 1)
    nn = {"method": "exact" if scan.exact else "sampled", "n_queries": int(len(scan.queries))}
    values: dict[str, dict[str, Any]] = {
        "mean_pairwise_similarity": {"value": mean_pairwise_similarity(stats)},
        "vendi_score": {"value": vs1, "q": 1},
        "vendi_score_q2": {"value": vendi_score(stats, 2), "q": 2},
        "vendi_score_qinf": {"value": vendi_score(stats, np.inf), "q": "inf"},
        "vendi_score_per_text": {"value": vs1 / n},
        "effective_rank": {"value": effective_rank(stats, centred=True), "centred": True},
        "dispersion": {"value": dispersion(typ)},
        "nearest_neighbor_similarity": {"value": float(np.mean(scan.similarity)), **nn},
        "near_duplicate_rate": {"value": near_duplicate_rate(scan.similarity, threshold),
                                "threshold": threshold, **nn},
    }
    return SemanticSummary(values, typ, scan, {"stats": stats})
