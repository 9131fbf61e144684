"""The ``trend`` section (with a time column): every metric per period at a common size with its
change per year, and, with groups or a reference, the regression-to-the-mean index."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from auditor.audit.context import AuditContext
from auditor.audit.rounding import rounded
from auditor.corpus.periods import Periods
from auditor.metrics.convergence import Cells, Slope, convergence_slopes, make_cells
from auditor.metrics.stats import ols_slope, ols_slope_interval
from auditor.metrics.uncertainty import IntervalSettings, subsample_indices

#: A period needs this many texts for its metrics (half-sampling needs 4).
MIN_BIN_TEXTS = 4

_NUM = {"type": ["number", "null"]}
_SLOPE = {"type": "object", "required": ["slope_per_year"], "properties": {"slope_per_year": _NUM}}
SCHEMA = {"trend": {
    "type": "object",
    "required": ["freq", "freq_source", "min_bin_texts", "common_size", "bins", "metric_slopes"],
    "properties": {
        "freq": {"enum": ["year", "quarter", "month", "decade"]},
        "common_size": {"type": ["integer", "null"]},
        "bins": {"type": "array", "items": {
            "type": "object", "required": ["label", "start", "end", "position", "n_texts"],
            "properties": {"label": {"type": "string"}, "position": {"type": "number"},
                           "n_texts": {"type": "integer"}, "metrics": {"$ref": "#/$defs/metrics"}}}},
        "metric_slopes": {"type": "object", "additionalProperties": _SLOPE},
        "convergence": {"type": "object", "required": ["cell_size", "composition", "bins", "slopes"],
                        "properties": {"slopes": {"type": "object", "additionalProperties": _SLOPE},
                                       "summary": {"type": "string"}}},
    }}}


STEP = "periods"


def applies(ctx: AuditContext) -> bool:
    return ctx.corpus.times is not None


def build(ctx: AuditContext) -> dict[str, Any]:
    periods = ctx.periods
    if periods is None:
        return {}
    bins, common, metric_slopes = period_metrics(ctx, periods)
    out: dict[str, Any] = {"freq": periods.freq,
                           "freq_source": "given" if periods.freq_given else "chosen from the date span",
                           "min_bin_texts": MIN_BIN_TEXTS, "common_size": common, "bins": bins,
                           "metric_slopes": metric_slopes}
    labels = ctx.labels
    names = [str(g) for g in sorted(pd.unique(labels))] if labels is not None else ["all"]
    group_codes = np.searchsorted(names, labels) if labels is not None else np.zeros(len(ctx.corpus), dtype=int)
    cells = make_cells(periods.codes, group_codes, periods.positions, len(names), seed=ctx.settings.seed)
    reference = ctx.reference.vectors.mean(axis=0) if ctx.reference is not None else None
    if len(cells.bins_used) >= 2 and (len(names) >= 2 or reference is not None):
        out["convergence"] = convergence(ctx.embeddings.host, cells, periods, names,
                                         ctx.intervals or IntervalSettings(0, ctx.settings.seed), reference)
    return {"trend": out}


def period_metrics(ctx: AuditContext, periods: Periods) -> tuple[list[dict[str, Any]], int | None, dict[str, Any]]:
    """Per period its entry (with every metric at the smallest usable period's size), that size,
    and each metric's slope per year."""
    sizes = periods.sizes()
    usable = [b for b in range(len(periods.bins)) if sizes[b] >= MIN_BIN_TEXTS]
    bins = [{**p.as_dict(), "n_texts": int(sizes[b])} for b, p in enumerate(periods.bins)]
    if not usable:
        return bins, None, {}
    common = int(min(sizes[b] for b in usable))
    for b, entry in enumerate(bins):
        if b not in usable:
            entry["note"] = f"fewer than {MIN_BIN_TEXTS} texts: no metrics"
            continue
        idx = np.flatnonzero(periods.codes == b)
        entry["metrics"] = ctx.measure(idx[subsample_indices(len(idx), common, ctx.settings.seed)]).metrics
    slopes: dict[str, Any] = {}
    if len(usable) >= 2:
        t = periods.positions[usable]
        for metric_id in bins[usable[0]]["metrics"]:
            y = np.array([bins[b]["metrics"][metric_id]["value"] for b in usable], dtype=np.float64)
            if np.isfinite(y).all():
                lo, hi = ols_slope_interval(t, y, ctx.level)
                slopes[metric_id] = {"slope_per_year": rounded(ols_slope(t, y), 8), "ols_ci_low": rounded(lo, 8),
                                     "ols_ci_high": rounded(hi, 8), "n_bins": len(usable)}
    return bins, common, slopes


def convergence(X: np.ndarray, cells: Cells, periods: Periods, names: list[str],
                intervals: IntervalSettings, reference: np.ndarray | None) -> dict[str, Any]:
    """The regression-to-the-mean index: per period the centroid similarities, their slopes,
    and the sentences that state them."""
    values, slopes = convergence_slopes(X, cells, intervals, reference)
    rows = []
    for i, b in enumerate(cells.bins_used):
        rows.append({"label": periods.bins[b].label, "position": periods.bins[b].position,
                     "groups": [names[g] for g in cells.groups_in(b)],
                     **{s: rounded(values[s][i]) for s in values if np.isfinite(values[s][i])}})
    out: dict[str, Any] = {"cell_size": cells.k, "composition": cells.composition, "bins": rows,
                           "slopes": {s: _slope_entry(v) for s, v in slopes.items()}}
    if "mutual_similarity" in slopes:
        out["summary"] = describe_slope(
            slopes["mutual_similarity"], what="the mean cosine similarity between group centroids",
            up="Groups moved closer together", down="Groups moved apart", level=intervals.level)
    if "to_reference" in slopes:
        out["reference_summary"] = describe_slope(
            slopes["to_reference"], what="the mean cosine similarity of group centroids to the reference",
            up="Groups moved toward the reference", down="Groups moved away from the reference",
            level=intervals.level)
    return out


def _slope_entry(s: Slope) -> dict[str, Any]:
    return {"slope_per_year": rounded(s.slope, 8), "ci_low": rounded(s.ci_low, 8), "ci_high": rounded(s.ci_high, 8),
            "ols_ci_low": rounded(s.ols_ci_low, 8), "ols_ci_high": rounded(s.ols_ci_high, 8), "n_bins": s.n_bins}


def describe_slope(s: Slope, *, what: str, up: str, down: str, level: float) -> str:
    """One sentence stating the direction, size and intervals of a per-year change."""
    pct = f"{level:.0%}"
    figures = (f"{s.slope:+.4f} per year ({pct} CI {s.ci_low:+.4f} to {s.ci_high:+.4f} from resampling "
               f"texts within periods; {s.ols_ci_low:+.4f} to {s.ols_ci_high:+.4f} treating the "
               f"{s.n_bins} periods as observations)")
    if not np.isfinite(s.ci_low):
        return f"{what} changed by {figures}; too few texts per period for a resampling interval."
    if s.ci_low > 0 or s.ci_high < 0:
        direction = up if s.ci_low > 0 else down
        steady = np.isfinite(s.ols_ci_low) and (s.ols_ci_low > 0 or s.ols_ci_high < 0)
        tail = "" if steady else ", though the change is not steady from period to period"
        return f"{direction}: {what} changed by {figures}{tail}."
    return f"No clear change: {what} changed by {figures}; the interval includes no change."
