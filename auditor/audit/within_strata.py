"""The homogeneity statistics of an audit, within strata: a corpus summarised over its strata
(the ``strata`` section) and two groups compared (``comparison.homogeneity``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from auditor.audit.context import AuditContext
from auditor.audit.rounding import rounded
from auditor.metrics.homogeneity import (
    STATISTICS,
    Difference,
    Statistic,
    Stratified,
    compare_conditions,
    kernel_matrix,
    stratum_rows,
    summarise,
)

#: Embedding kernels are n×n per stratum: each stratum is subsampled (seeded) to at most this.
EMBEDDING_MAX_PER_STRATUM = 400
#: ROUGE-L needs every pair of a stratum's texts (an LCS each): at most this many texts per stratum.
ROUGE_MAX_PER_STRATUM = 60


def statistics(ctx: AuditContext) -> list[Statistic]:
    """The homogeneity statistics this audit computes (ROUGE-L with the lexical metrics)."""
    names = ["mean_pairwise_similarity", "vendi_per_text", "near_duplicate_rate"]
    return [STATISTICS[n] for n in names + (["rouge_l"] if ctx.settings.lexical else [])]


def strata_labels(ctx: AuditContext) -> np.ndarray | None:
    strata = ctx.corpus.strata
    return None if strata is None else strata.astype(str).to_numpy()


def stratified(ctx: AuditContext, stat: Statistic, rows: np.ndarray, cells: np.ndarray) -> Stratified:
    """``stat``'s kernel in every stratum of the texts ``rows`` (cells: their condition)."""
    cap = ROUGE_MAX_PER_STRATUM if stat.kernel == "rouge_l" else EMBEDDING_MAX_PER_STRATUM
    strata = strata_labels(ctx)
    local, names = stratum_rows(None if strata is None else strata[rows], cells, cap, ctx.settings.seed)
    X, texts = ctx.embeddings.host, ctx.texts
    rule = ctx.near_duplicates
    matrices = [kernel_matrix(stat.kernel, X[rows[idx]], texts[rows[idx]].tolist(),
                              near_duplicates=rule.subset(rows[idx]) if rule is not None else None)
                for idx in local]
    return Stratified(matrices, [cells[idx] for idx in local], names)


def settings(ctx: AuditContext) -> dict[str, Any]:
    s = ctx.settings
    return {"column": ctx.corpus.columns.get("stratum"), "embedding_max_per_stratum": EMBEDDING_MAX_PER_STRATUM,
            "rouge_max_per_stratum": ROUGE_MAX_PER_STRATUM, "ci_method": "bootstrap of strata (of texts within cells with fewer than 10 strata; pairs of copies excluded)",
            "n_resamples": s.resamples, "ci_level": ctx.level, "permutations": s.permutations, "seed": s.seed,
            "formulas": {name: st.formula for name, st in STATISTICS.items()}}


def within_strata(ctx: AuditContext) -> dict[str, Any]:
    """Every homogeneity statistic in each stratum and its mean over strata."""
    n = len(ctx.corpus)
    rows, cells = np.arange(n), np.zeros(n, dtype=np.int64)
    out: dict[str, Any] = {}
    per: dict[str, dict[str, float | None]] = {}
    for stat in statistics(ctx):
        data = stratified(ctx, stat, rows, cells)
        s = summarise(stat, data, resamples=ctx.settings.resamples, seed=ctx.settings.seed, level=ctx.level)
        out[stat.name] = {"value": rounded(s.value), "ci_low": rounded(s.ci_low), "ci_high": rounded(s.ci_high),
                          "common_size": s.common_size, "n_strata": s.n_strata, "skipped_strata": s.skipped}
        for name, value in zip(s.kept, s.per_stratum):
            per.setdefault(name, {})[stat.name] = rounded(float(value))
    return {"metrics": out, "per_stratum": per}


def difference(ctx: AuditContext, stat: Statistic, a: str, b: str) -> Difference:
    """``stat`` of group ``b`` minus group ``a``, within strata when the corpus has them."""
    labels = ctx.labels
    rows = np.flatnonzero((labels == a) | (labels == b))
    cells = (labels[rows] == b).astype(np.int64)
    s = ctx.settings
    return compare_conditions(stat, stratified(ctx, stat, rows, cells), permutations=s.permutations,
                              resamples=s.resamples, seed=s.seed, level=ctx.level)


def comparisons(ctx: AuditContext, names: list[str]) -> list[dict[str, Any]]:
    """For every pair of groups, each statistic's difference (b − a) with interval and p-value."""
    stratified_ = ctx.corpus.strata is not None
    out = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            for stat in statistics(ctx):
                d = difference(ctx, stat, a, b)
                out.append({"a": a, "b": b, "metric": stat.name, "value_a": rounded(d.value_a),
                            "value_b": rounded(d.value_b), "difference": rounded(d.difference),
                            "ci_low": rounded(d.ci_low), "ci_high": rounded(d.ci_high),
                            "p_value": rounded(d.p_value), "stratified": stratified_,
                            "n_strata": d.n_strata, "skipped_strata": d.skipped})
    return out


def headline(rows: list[dict[str, Any]], stratum_column: str | None, level: float) -> str | None:
    """Which group's texts are more alike, by how much and how sure, from the mean pairwise
    similarity comparison with the smallest p-value."""
    mps = [r for r in rows if r["metric"] == "mean_pairwise_similarity" and r["difference"] is not None]
    if not mps:
        return None
    r = min(mps, key=lambda r: (r["p_value"] if r["p_value"] is not None else 2.0))
    where = f" within {stratum_column}" if stratum_column else ""
    b_more = r["difference"] > 0
    more, less = (r["b"], r["a"]) if b_more else (r["a"], r["b"])
    values = f"{max(r['value_a'], r['value_b']):.3f} vs {min(r['value_a'], r['value_b']):.3f}"
    interval = ""
    if r["ci_low"] is not None:  # the interval of more − less
        lo, hi = (r["ci_low"], r["ci_high"]) if b_more else (-r["ci_high"], -r["ci_low"])
        interval = f", {level:.0%} CI {lo:+.3f} to {hi:+.3f}"
    figures = f"mean pairwise similarity {values} (difference {abs(r['difference']):.3f}{interval}, p = {r['p_value']:.3g})"
    significant = r["p_value"] is not None and r["p_value"] < 1 - level
    excludes_zero = r["ci_low"] is not None and (r["ci_low"] > 0 or r["ci_high"] < 0)
    if significant and (excludes_zero or r["ci_low"] is None):
        return f"{more} is more alike than {less}{where}: {figures}."
    if significant or excludes_zero:
        return f"Weak evidence that {more} is more alike than {less}{where} (the test and the interval disagree): {figures}."
    return f"No clear difference in how alike {r['a']} and {r['b']} are{where}: {figures}."
