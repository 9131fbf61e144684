"""The ``strata`` section (with ``--strata``): every homogeneity metric within each prompt, brief,
product or question, summarised over them, and how alike the strata are to one another."""

from __future__ import annotations

from typing import Any

import numpy as np

from auditor.audit.context import AuditContext
from auditor.audit.homogeneity import settings, strata_labels, within_strata
from auditor.audit.rounding import rounded
from auditor.metrics.groups import centroids, unit
from auditor.metrics.semantic import embedding_stats, mean_pairwise_similarity

#: The per-stratum table lists at most this many strata, the most alike first.
MAX_LISTED_STRATA = 200

_NUM = {"type": ["number", "null"]}
SCHEMA = {"strata": {
    "type": "object",
    "required": ["column", "n_strata", "metrics", "per_stratum", "between_strata_similarity", "settings"],
    "properties": {
        "column": {"type": ["string", "null"]},
        "n_strata": {"type": "integer"},
        "metrics": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["value", "ci_low", "ci_high", "n_strata", "skipped_strata"],
            "properties": {"value": _NUM, "ci_low": _NUM, "ci_high": _NUM, "common_size": {"type": ["integer", "null"]},
                           "n_strata": {"type": "integer"}, "skipped_strata": {"type": "integer"}}}},
        "per_stratum": {"type": "array", "items": {"type": "object", "required": ["stratum", "n_texts"]}},
        "between_strata_similarity": _NUM,
        "settings": {"type": "object"},
    }}}

STAGE = "strata"


def applies(ctx: AuditContext) -> bool:
    return ctx.corpus.strata is not None


def build(ctx: AuditContext) -> dict[str, Any]:
    labels = strata_labels(ctx)
    names, codes, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    summary = within_strata(ctx)
    per = [{"stratum": str(name), "n_texts": int(size), **summary["per_stratum"].get(str(name), {})}
           for name, size in zip(names, sizes)]
    per.sort(key=lambda r: (-(r.get("mean_pairwise_similarity") or -2.0), r["stratum"]))
    return {"strata": {
        "column": ctx.corpus.columns.get("stratum"),
        "n_strata": int(len(names)),
        "metrics": summary["metrics"],
        "per_stratum": per[:MAX_LISTED_STRATA],
        "between_strata_similarity": rounded(between_strata_similarity(ctx.embeddings.host, codes)),
        "settings": {**settings(ctx), "max_listed_strata": MAX_LISTED_STRATA},
    }}


def between_strata_similarity(X: np.ndarray, codes: np.ndarray) -> float:
    """Mean pairwise similarity of the strata's unit centroids: near 1 when every prompt's texts
    say the same thing (one template across products), low when strata differ."""
    means = centroids(X, codes)
    if len(means) < 2:
        return float("nan")
    return mean_pairwise_similarity(embedding_stats(unit(means)))
