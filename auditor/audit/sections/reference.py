"""The ``reference`` section (with a reference corpus): how close each group sits to it, the MMD
test against it, and the pull: who drifts toward it."""

from __future__ import annotations

from typing import Any

import numpy as np

from auditor.audit.context import AuditContext
from auditor.audit.rounding import rounded
from auditor.corpus.periods import Periods
from auditor.metrics.convergence import closer_to_reference
from auditor.metrics.two_sample import centroid_cosine, mmd_test
from auditor.metrics.stats import wilson_interval

_NUM = {"type": ["number", "null"]}
SCHEMA = {"reference": {
    "type": "object",
    "required": ["name", "n_texts", "corpus_similarity", "mmd", "groups", "pull_compared_with"],
    "properties": {
        "name": {"type": "string"}, "n_texts": {"type": "integer"}, "corpus_similarity": _NUM,
        "mmd": {"type": "object", "required": ["mmd2", "p_value"]},
        "groups": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["similarity", "pull_share", "ci_low", "ci_high"],
            "properties": {"similarity": _NUM, "pull_share": _NUM, "ci_low": _NUM, "ci_high": _NUM}}},
        "pull_by_bin": {"type": "array", "items": {"type": "object", "required": ["label", "share", "n_texts"]}},
    }}}


STEP = "reference"


def applies(ctx: AuditContext) -> bool:
    return ctx.reference is not None


def build(ctx: AuditContext) -> dict[str, Any]:
    if ctx.reference is None:
        return {}
    s = ctx.settings
    return {"reference": reference(ctx.embeddings.host, ctx.reference.vectors, ctx.labels, ctx.periods,
                                   name=ctx.reference.name, seed=s.seed, permutations=s.permutations,
                                   level=ctx.level)}


def reference(X: np.ndarray, R: np.ndarray, labels: np.ndarray | None, periods: Periods | None, *,
              name: str, seed: int, permutations: int, level: float) -> dict[str, Any]:
    """How close the corpus (and each group) sits to a reference corpus ``R``, and the share of
    texts closer to the reference centroid than to their own group's earlier voice (without
    ``periods``: than to their group's centroid without the text)."""
    ref_c = R.mean(axis=0)
    t = mmd_test(X, R, permutations=permutations, seed=seed)
    out: dict[str, Any] = {
        "name": name, "n_texts": int(len(R)),
        "corpus_similarity": rounded(centroid_cosine(X, R)),
        "mmd": {"mmd2": rounded(t.mmd2, 8), "p_value": rounded(t.p_value), "n_a": t.n_a, "n_b": t.n_b,
                "permutations": permutations, "seed": seed},
    }
    group_of = labels.astype(str) if labels is not None else np.full(len(X), "all")
    names = sorted(set(group_of.tolist()))
    groups: dict[str, Any] = {}
    by_bin: dict[str, list[int]] = {}
    if periods is None:
        pull_kind = "own group's centroid without the text itself"
        for g in names:
            rows = X[group_of == g]
            if len(rows) < 2:
                continue
            own = (rows.sum(axis=0)[None, :] - rows)  # leave-one-out centroids
            closer = int(closer_to_reference(rows, own, ref_c).sum())
            groups[g] = _pull_entry(rows, ref_c, closer, len(rows), level)
    else:
        pull_kind = "own group's centroid over all earlier periods"
        codes, bins = periods.codes, periods.bins
        for g in names:
            in_g = group_of == g
            closer_total = n_total = 0
            for b in range(len(bins)):
                cell, earlier = in_g & (codes == b), in_g & (codes < b)
                if not cell.any() or not earlier.any():
                    continue
                closer = int(closer_to_reference(X[cell], X[earlier].mean(axis=0), ref_c).sum())
                closer_total += closer
                n_total += int(cell.sum())
                counts = by_bin.setdefault(bins[b].label, [0, 0])
                counts[0] += closer
                counts[1] += int(cell.sum())
            if n_total:
                groups[g] = _pull_entry(X[in_g], ref_c, closer_total, n_total, level)
        out["pull_by_bin"] = []
        for label, (c, n) in by_bin.items():
            lo, hi = wilson_interval(c, n, level)
            out["pull_by_bin"].append({"label": label, "share": rounded(c / n), "ci_low": rounded(lo), "ci_high": rounded(hi),
                                       "n_texts": n})
    out["pull_compared_with"] = pull_kind
    out["groups"] = groups
    return out


def _pull_entry(rows: np.ndarray, ref_c: np.ndarray, closer: int, n: int, level: float) -> dict[str, Any]:
    lo, hi = wilson_interval(closer, n, level)
    return {"similarity": rounded(centroid_cosine(rows, ref_c[None, :])), "closer_to_reference": closer,
            "n_texts": n, "pull_share": rounded(closer / n), "ci_low": rounded(lo), "ci_high": rounded(hi)}

