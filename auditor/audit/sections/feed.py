"""The feed section (``auditor feed LOG --user-col U``): is each user's feed narrowing, are all
users shown the same, how new is what they are shown, how much of the catalogue is shown; per
period, per cohort, and the difference between cohorts (:mod:`auditor.metrics.feed`,
:mod:`auditor.feed.summary`). The corpus the other sections read is the log's distinct items."""

from __future__ import annotations

from typing import Any

import numpy as np

from auditor.audit.context import AuditContext
from auditor.audit.feed_summary import cohort_differences, headline, narrowing_most, per_period_rows, summarize
from auditor.metrics.feed import feed_figures

_NUM = {"type": ["number", "null"]}
_VALUE = {"type": "object", "required": ["value", "ci_low", "ci_high"],
          "properties": {"value": _NUM, "ci_low": _NUM, "ci_high": _NUM}}
_TREND = {"type": "object", "required": ["slope", "ci_low", "ci_high", "unit"],
          "properties": {"slope": _NUM, "ci_low": _NUM, "ci_high": _NUM, "unit": {"type": "string"}}}
_FIGURES = {"n_users": {"type": "integer"}, "n_exposures": {"type": "integer"}, "within_user": _VALUE,
            "between_users": _VALUE, "novelty": _VALUE, "narrowing": _TREND, "convergence": _TREND,
            "novelty_trend": _TREND, "coverage": _NUM, "gini": _NUM, "overlap": _NUM}
_PERIOD = {"type": "object",
           "required": ["period", "n_users", "within_user", "between_users", "novelty", "coverage", "gini", "overlap"],
           "properties": {"period": {"type": "string"}, "n_users": {"type": "integer"}, "within_user": _NUM,
                          "between_users": _NUM, "novelty": _NUM, "coverage": _NUM, "gini": _NUM, "overlap": _NUM}}
SCHEMA = {
    "feed": {"type": "object",
             "required": ["n_users", "n_items", "n_exposures", "within_user", "between_users", "novelty",
                          "narrowing", "convergence", "novelty_trend", "per_period", "headline"],
             "properties": {**_FIGURES, "n_items": {"type": "integer"}, "catalog_size": {"type": "integer"},
                            "headline": {"type": "string"}, "per_period": {"type": "array", "items": _PERIOD},
                            "cohorts": {"type": "object", "additionalProperties": {
                                "type": "object", "properties": _FIGURES}},
                            "cohort_differences": {"type": "array", "items": {
                                "type": "object", "required": ["a", "b", "metric", "difference", "ci_low",
                                                               "ci_high", "p_value"],
                                "properties": {"a": {"type": "string"}, "b": {"type": "string"},
                                               "metric": {"type": "string"}, "difference": _NUM,
                                               "ci_low": _NUM, "ci_high": _NUM, "p_value": _NUM}}},
                            "narrowing_most": {"type": "array"}, "skipped": {"type": "object"},
                            "columns": {"type": "object"}}},
}

STEP = "feed"


def applies(ctx: AuditContext) -> bool:
    return ctx.feed is not None


def build(ctx: AuditContext) -> dict[str, Any]:
    log, s = ctx.feed, ctx.settings
    X = ctx.embeddings.host
    positions = log.periods.positions if log.periods is not None else np.zeros(1)
    labels = [b.label for b in log.periods.bins] if log.periods is not None else ["all"]
    freq = log.periods.freq if log.periods is not None else None
    n_resamples = s.resamples if s.resamples > 0 else 0
    whole = feed_figures(X, log.exposures, positions, catalog_size=log.catalog_size, seed=s.seed)
    feed: dict[str, Any] = {
        "n_items": log.exposures.n_items, "catalog_size": log.catalog_size,
        **summarize(whole, ctx.baseline, freq, resamples=n_resamples, seed=s.seed, level=ctx.level),
        "per_period": per_period_rows(whole, ctx.baseline, labels),
        "narrowing_most": narrowing_most(whole, ctx.baseline, freq, log.users),
        "skipped": dict(log.skipped), "columns": dict(log.columns),
    }
    if log.cohorts is not None:
        figures = {}
        for name in sorted(set(log.cohorts.tolist())):
            rows = np.flatnonzero(log.cohorts[log.exposures.user] == name)
            figures[name] = feed_figures(X, log.exposures.subset(rows), positions, catalog_size=log.catalog_size,
                                         seed=s.seed)
        feed["cohorts"] = {name: {**summarize(f, ctx.baseline, freq, resamples=n_resamples, seed=s.seed,
                                              level=ctx.level),
                                  "per_period": per_period_rows(f, ctx.baseline, labels)}
                           for name, f in figures.items()}
        feed["cohort_differences"] = cohort_differences(figures, ctx.baseline, freq, permutations=s.permutations,
                                                        seed=s.seed, level=ctx.level)
    feed["headline"] = headline(feed, ctx.level)
    return {"feed": feed}
