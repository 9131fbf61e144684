"""The audit's own figures for a set of texts, to read a selection before and after: calibrated
mean pairwise similarity, Vendi score per text, near-duplicate rate, template share and, with
strata, the distinct variants per stratum. Each figure is the audit's metric function, called on
the rows of the set (no second formula)."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from auditor.calibration import Baseline
from auditor.metrics.neighbors import near_duplicate_rate, neighbor_scan
from auditor.metrics.semantic import mean_pairwise_similarity, vendi_score
from auditor.metrics.templates import frame_overlap, template_share

#: Texts per stratum at which distinct variants are counted (a seeded subsample of larger strata).
VARIANTS_AT = 10


def distinct_variants(X: np.ndarray, threshold: float) -> int:
    """The number of groups of near-paraphrases among the rows of ``X``: connected components of
    the relation cos ≥ ``threshold``, closed transitively (1: every text is a copy of one).

    >>> distinct_variants(np.array([[1.0, 0], [1, 0], [0, 1]]), 0.95)
    2
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    S = X @ X.T
    return int(connected_components(csr_matrix(S >= threshold), directed=False)[0])


def variants_per_stratum(X: np.ndarray, strata: np.ndarray, threshold: float, seed: int = 0) -> dict[str, Any]:
    """Distinct variants in each stratum at :data:`VARIANTS_AT` texts (seeded subsample; smaller
    strata at their size), and their mean over strata."""
    rng = np.random.default_rng(seed)
    found = {}
    for name in sorted(set(strata.tolist())):
        rows = np.flatnonzero(strata == name)
        if len(rows) > VARIANTS_AT:
            rows = np.sort(rng.choice(rows, VARIANTS_AT, replace=False))
        found[str(name)] = {"n_texts": int(len(rows)), "distinct_variants": distinct_variants(X[rows], threshold)}
    values = [v["distinct_variants"] for v in found.values()]
    return {"mean": float(np.mean(values)) if values else float("nan"), "per_stratum": found}


def subset_figures(X: np.ndarray, texts: Sequence[str], floor: Baseline, threshold: float,
                   strata: np.ndarray | None = None, seed: int = 0) -> dict[str, Any]:
    """The figures of the texts ``texts`` with unit vectors ``X`` (rows in the same order)."""
    X = np.asarray(X, dtype=np.float32)
    n = len(X)
    mps = mean_pairwise_similarity(X)
    scan = neighbor_scan(X, threshold, seed=seed)
    frames = frame_overlap(list(texts), scan.queries, scan.index)
    out = {"n_texts": n, "similarity": mps, "calibrated_similarity": floor.above(mps),
           "vendi_per_text": vendi_score(X) / n, "near_duplicate_rate": near_duplicate_rate(scan.similarity, threshold),
           "template_share": template_share(frames)[0]}
    if strata is not None:
        out["distinct_variants"] = variants_per_stratum(X, np.asarray(strata), threshold, seed)["mean"]
    return out
