"""The ``strata`` section (with ``--strata``): every homogeneity metric within each prompt, brief,
product or question, summarised over them, and how alike the strata are to one another."""

from __future__ import annotations

from typing import Any

import numpy as np

from auditor.audit.context import AuditContext
from auditor.audit.within_strata import settings, strata_labels, within_strata
from auditor.audit.rounding import rounded
from auditor.metrics.two_sample import centroids, unit
from auditor.metrics.semantic import embedding_stats, mean_pairwise_similarity
from auditor.metrics.variants import VARIANTS_AT, mean_variants, variants_per_stratum

#: A stratum with fewer texts is a small sample: its figures are not read alone.
SMALL_STRATUM = 5
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
        "distinct_variants_sentence": {"type": ["string", "null"]},
        "settings": {"type": "object"},
    }}}

STEP = "strata"


def applies(ctx: AuditContext) -> bool:
    return ctx.corpus.strata is not None


def build(ctx: AuditContext) -> dict[str, Any]:
    labels = strata_labels(ctx)
    names, codes, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    summary = within_strata(ctx)
    variants = variants_per_stratum(ctx.embeddings.host, labels, ctx.near_duplicates.floors, ctx.settings.seed)
    mean = mean_variants(variants, ctx.settings.resamples, ctx.settings.seed, ctx.level)
    summary["metrics"]["distinct_variants"] = {
        **{k: rounded(v) if k != "n_strata" else v for k, v in mean.items()}, "common_size": VARIANTS_AT,
        "skipped_strata": 0}
    per = [{"stratum": str(name), "n_texts": int(size), **summary["per_stratum"].get(str(name), {}),
            "distinct_variants": variants[str(name)]["distinct_variants"],
            "variants_at": variants[str(name)]["n_texts"], "small_sample": bool(size < SMALL_STRATUM)}
           for name, size in zip(names, sizes)]
    per.sort(key=lambda r: (-(r.get("mean_pairwise_similarity") or -2.0), r["stratum"]))
    return {"strata": {
        "column": ctx.corpus.columns.get("stratum"),
        "n_strata": int(len(names)),
        "metrics": summary["metrics"],
        "per_stratum": per[:MAX_LISTED_STRATA],
        "between_strata_similarity": rounded(between_strata_similarity(ctx.embeddings.host, codes)),
        "distinct_variants_sentence": variants_sentence(mean, variants, ctx.level),
        "settings": {**settings(ctx), "max_listed_strata": MAX_LISTED_STRATA},
    }}


def variants_sentence(mean: dict[str, Any], variants: dict[str, dict[str, int]], level: float) -> str | None:
    """"Of every 10 variants per brief, 2.3 are really different (…)"."""
    if mean["value"] is None:
        return None
    at = max(v["n_texts"] for v in variants.values())
    interval = (f" ({level:.0%} CI {mean['ci_low']:.1f} to {mean['ci_high']:.1f})"
                if mean["ci_low"] is not None else "")
    smaller = sum(v["n_texts"] < at for v in variants.values())
    note = f"; {smaller} of {len(variants)} strata have fewer texts and are counted at their size" if smaller else ""
    tiny = sum(v["n_texts"] < SMALL_STRATUM for v in variants.values())
    if tiny:
        note += f"; {tiny} have under {SMALL_STRATUM} texts, too few to read alone"
    return (f"Of every {at} variants per stratum, {mean['value']:.1f}{interval} are really different "
            f"(groups of paraphrases, over {len(variants)} strata{note}).")


def between_strata_similarity(X: np.ndarray, codes: np.ndarray) -> float:
    """Mean pairwise similarity of the strata's unit centroids: near 1 when every prompt's texts
    say the same thing (one template across products), low when strata differ."""
    means = centroids(X, codes)
    if len(means) < 2:
        return float("nan")
    return mean_pairwise_similarity(embedding_stats(unit(means)))
