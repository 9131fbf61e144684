"""The audit's own figures for a set of texts, to read a selection before and after: calibrated
mean pairwise similarity, Vendi score per text, near-duplicate rate, template share and, with
strata, the distinct variants per stratum. Each figure is the audit's metric function, called on
the rows of the set (no second formula)."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from auditor.calibration import Baseline
from auditor.metrics.near_duplicates import NearDuplicateRule
from auditor.metrics.neighbors import near_duplicate_scan
from auditor.metrics.semantic import mean_pairwise_similarity, vendi_score
from auditor.metrics.templates import frame_overlap, template_share
from auditor.metrics.variants import mean_variants, variants_per_stratum

def subset_figures(X: np.ndarray, texts: Sequence[str], floor: Baseline, near_duplicates: NearDuplicateRule,
                   strata: np.ndarray | None = None, seed: int = 0) -> dict[str, Any]:
    """The figures of the texts ``texts`` with unit vectors ``X`` (rows in the same order;
    ``near_duplicates``: the rule for these rows)."""
    X = np.asarray(X, dtype=np.float32)
    n = len(X)
    mps = mean_pairwise_similarity(X)
    scan = near_duplicate_scan(X, near_duplicates, seed=seed)
    frames = frame_overlap(list(texts), scan.queries, scan.index)
    out = {"n_texts": n, "similarity": mps, "calibrated_similarity": floor.above(mps),
           "vendi_per_text": vendi_score(X) / n, "near_duplicate_rate": float(np.mean(scan.duplicate)),
           "template_share": template_share(frames)[0]}
    if strata is not None:
        per = variants_per_stratum(X, np.asarray(strata), near_duplicates.floors, seed)
        out["distinct_variants"] = mean_variants(per)["value"]
    return out
