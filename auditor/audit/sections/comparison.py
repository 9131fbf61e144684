"""The ``comparison`` section: how distinct each group is (centroid distance, classifier AUC),
the centroid-similarity heatmap, PERMANOVA and pairwise MMD tests (where groups sit), and how alike
each group's texts are: PERMDISP and the homogeneity differences of every pair of groups (within
strata when the corpus has them), with a headline saying which group is more alike."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from auditor.audit.context import AuditContext
from auditor.audit.within_strata import comparisons, headline, strata_labels
from auditor.audit.rounding import rounded
from auditor.metrics.two_sample import (
    CLASSIFIER_MAX_PER_CLASS,
    MMD_MAX_PER_SIDE,
    centroid_distance_interval,
    centroid_similarity_matrix,
    classifier_auc,
    mmd_test,
    one_vs_rest_sample,
    permanova,
    permdisp,
)
from auditor.metrics.uncertainty import IntervalSettings, proportional_subsample

#: Pairwise MMD tests are run for every pair of groups only up to this many groups.
MMD_MAX_GROUPS = 8
#: What an AUC interval entirely below 0.5 means: not "anti-separation" but no separation.
BELOW_CHANCE = ("below chance: the classifier cannot tell this group apart, and cross-validated "
                "AUCs of indistinguishable groups scatter below 0.5; read it as 0.5")
#: PERMANOVA runs on a seeded, group-stratified subsample of at most this many texts.
PERMANOVA_MAX_TEXTS = 3000

_VALUE = {"type": ["number", "null"]}
_INTERVAL = {"type": "object", "properties": {"value": _VALUE, "ci_low": _VALUE, "ci_high": _VALUE}}
SCHEMA = {"comparison": {
    "type": "object",
    "required": ["groups", "centroid_similarity", "distinctiveness", "permanova", "mmd", "settings"],
    "properties": {
        "groups": {"type": "array", "items": {"type": "string"}},
        "centroid_similarity": {"type": "array", "items": {"type": "array", "items": _VALUE}},
        "distinctiveness": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["n_texts", "centroid_distance", "classifier_auc"],
            "properties": {"n_texts": {"type": "integer"}, "centroid_distance": _INTERVAL,
                           "classifier_auc": _INTERVAL}}},
        "permanova": {"type": "object", "required": ["pseudo_f", "p_value", "r_squared"],
                      "properties": {"pseudo_f": _VALUE, "p_value": _VALUE, "r_squared": _VALUE}},
        "mmd": {"type": "array", "items": {"type": "object", "required": ["a", "b", "mmd2", "p_value"],
                                           "properties": {"a": {"type": "string"}, "b": {"type": "string"},
                                                          "mmd2": _VALUE, "p_value": _VALUE}}},
        "permdisp": {"type": "object", "required": ["f", "p_value", "mean_distance"],
                     "properties": {"f": _VALUE, "p_value": _VALUE, "stratified": {"type": "boolean"},
                                    "mean_distance": {"type": "object", "additionalProperties": _VALUE}}},
        "homogeneity": {"type": "array", "items": {
            "type": "object",
            "required": ["a", "b", "metric", "value_a", "value_b", "difference", "ci_low", "ci_high", "p_value", "stratified"],
            "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "metric": {"type": "string"},
                           "value_a": _VALUE, "value_b": _VALUE, "difference": _VALUE, "ci_low": _VALUE,
                           "ci_high": _VALUE, "p_value": _VALUE, "stratified": {"type": "boolean"}}}},
        "headline": {"type": ["string", "null"]},
        "settings": {"type": "object"},
    }}}


STEP = "comparison"


def applies(ctx: AuditContext) -> bool:
    return ctx.labels is not None


def build(ctx: AuditContext) -> dict[str, Any]:
    """With groups: the comparison of groups of at least 2 texts (nothing with fewer than 2)."""
    if ctx.labels is None:
        return {}
    section = comparison(ctx.embeddings.host, ctx.labels, seed=ctx.settings.seed, intervals=ctx.intervals,
                         permutations=ctx.settings.permutations)
    if section is None:
        return {}
    names = section["groups"][:MMD_MAX_GROUPS]
    strata = strata_labels(ctx)
    keep = np.isin(ctx.labels, section["groups"])
    disp = permdisp(ctx.embeddings.host[keep], ctx.labels[keep], strata=None if strata is None else strata[keep],
                    permutations=ctx.settings.permutations, seed=ctx.settings.seed)
    section["permdisp"] = {"f": rounded(disp.f), "p_value": rounded(disp.p_value), "stratified": strata is not None,
                           "mean_distance": {g: rounded(v) for g, v in disp.mean_distance.items()},
                           "n_texts": disp.n_texts}
    section["homogeneity"] = comparisons(ctx, names)
    section["headline"] = headline(section["homogeneity"], ctx.corpus.columns.get("stratum"), ctx.level)
    section["settings"].update(homogeneity_max_groups=MMD_MAX_GROUPS,
                               permdisp="distances to each group's centroid (within strata), one-way F, labels permuted within strata")
    return {"comparison": section}


def comparison(X: np.ndarray, labels: np.ndarray, *, seed: int,
               intervals: IntervalSettings | None, permutations: int) -> dict[str, Any] | None:
    """Distinctiveness of each group, the centroid similarity heatmap, PERMANOVA and pairwise
    MMD tests, for groups with at least 2 texts."""
    names = [g for g in sorted(pd.unique(labels)) if (labels == g).sum() >= 2]
    if len(names) < 2:
        return None
    keep = np.isin(labels, names)
    X, labels = X[keep], labels[keep]
    settings = intervals or IntervalSettings(0, seed)
    distinct: dict[str, Any] = {}
    for g in names:
        inside, rest = X[labels == g], X[labels != g]
        value, lo, hi = centroid_distance_interval(inside, rest, settings)
        entry: dict[str, Any] = {"n_texts": int(len(inside)),
                                 "centroid_distance": {"value": rounded(value), "ci_low": rounded(lo), "ci_high": rounded(hi)}}
        idx = one_vs_rest_sample(labels, g, CLASSIFIER_MAX_PER_CLASS, seed)
        try:
            auc = classifier_auc(X[idx], labels[idx] == g, seed=seed, settings=intervals)
            entry["classifier_auc"] = {"value": rounded(auc.auc), "ci_low": rounded(auc.ci_low), "ci_high": rounded(auc.ci_high),
                                       "n_positive": auc.n_positive, "n_negative": auc.n_negative,
                                       "folds": auc.folds}
            if np.isfinite(auc.ci_high) and auc.ci_high < 0.5:
                entry["classifier_auc"]["note"] = BELOW_CHANCE
        except ValueError as exc:
            entry["classifier_auc"] = {"value": None, "note": str(exc)}
        distinct[str(g)] = entry
    sim = centroid_similarity_matrix(X, labels, names)
    sub = proportional_subsample(labels, PERMANOVA_MAX_TEXTS, seed)
    perm = permanova(X[sub], labels[sub], permutations=permutations, seed=seed)
    tests: list[dict[str, Any]] = []
    if len(names) <= MMD_MAX_GROUPS:
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                t = mmd_test(X[labels == a], X[labels == b], permutations=permutations, seed=seed)
                tests.append({"a": str(a), "b": str(b), "mmd2": rounded(t.mmd2, 8), "p_value": rounded(t.p_value),
                              "bandwidth": rounded(t.bandwidth), "n_a": t.n_a, "n_b": t.n_b})
    return {
        "groups": [str(g) for g in names],
        "centroid_similarity": [[rounded(v, 4) for v in row] for row in sim],
        "distinctiveness": distinct,
        "permanova": {"pseudo_f": rounded(perm.pseudo_f), "p_value": rounded(perm.p_value), "r_squared": rounded(perm.r_squared),
                      "n_texts": perm.n_texts, "n_groups": perm.n_groups},
        "mmd": tests,
        "settings": {"permutations": permutations, "seed": seed, "mmd_max_per_side": MMD_MAX_PER_SIDE,
                     "mmd_kernel": "gaussian, median-distance bandwidth",
                     "classifier": "logistic regression (C=1, balanced), stratified 5-fold",
                     "classifier_max_per_class": CLASSIFIER_MAX_PER_CLASS,
                     "permanova_max_texts": PERMANOVA_MAX_TEXTS,
                     "permanova_distance": "euclidean between unit embeddings"},
    }

