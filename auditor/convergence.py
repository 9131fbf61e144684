"""Groups and periods: the comparison, trend and reference sections of an audit.

Turns a corpus's group and time columns into the inputs of :mod:`auditor.metrics.compare` and
:mod:`auditor.metrics.trend`, and their outputs into plain, JSON-ready dictionaries.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd

from auditor.errors import CorpusError
from auditor.metrics.compare import (
    CLASSIFIER_MAX_PER_CLASS,
    DEFAULT_PERMUTATIONS,
    MMD_MAX_PER_SIDE,
    centroid_cosine,
    centroid_distance_interval,
    centroid_similarity_matrix,
    classifier_auc,
    mmd_test,
    one_vs_rest_sample,
    permanova,
)
from auditor.metrics.trend import (
    Cells,
    Slope,
    convergence_slopes,
    decimal_year,
    make_cells,
    ols_slope,
    ols_slope_interval,
    closer_to_reference,
    wilson_interval,
)
from auditor.metrics.uncertainty import IntervalSettings, subsample_indices

FREQS = ("year", "quarter", "month", "decade")
#: A period needs this many texts for its metrics (half-sampling needs 4).
MIN_BIN_TEXTS = 4
#: Pairwise MMD tests are run for every pair of groups only up to this many groups.
MMD_MAX_GROUPS = 8
#: PERMANOVA runs on a seeded, group-stratified subsample of at most this many texts.
PERMANOVA_MAX_TEXTS = 3000

Measure = Callable[[np.ndarray], dict[str, dict[str, Any]]]


def _r(x: float, digits: int = 6) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), digits)


def choose_freq(times: pd.Series) -> str:
    """year when the dates span 3 years or more, quarter from 9 months, else month."""
    span_years = (times.max() - times.min()).days / 365.25
    return "year" if span_years >= 3 else "quarter" if span_years >= 0.75 else "month"


def time_bins(times: pd.Series, freq: str) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Bin code of each text and, per bin in time order, its label, start, end and position
    (the period's midpoint as a decimal year)."""
    if freq not in FREQS:
        raise CorpusError(f"--freq must be one of {', '.join(FREQS)}, got {freq!r}")
    if freq == "decade":
        years = (times.dt.year // 10 * 10).to_numpy()
        keys = sorted(set(years.tolist()))
        codes = np.searchsorted(keys, years)
        bins = [{"label": f"{y}s", "start": f"{y}-01-01", "end": f"{y + 9}-12-31",
                 "position": float(y + 5)} for y in keys]
        return codes, bins
    periods = times.dt.to_period({"year": "Y", "quarter": "Q", "month": "M"}[freq])
    keys = sorted(periods.unique())
    lookup = {p: i for i, p in enumerate(keys)}
    codes = periods.map(lookup).to_numpy().astype(int)
    bins = []
    for p in keys:
        start, end = p.start_time, p.end_time
        bins.append({"label": str(p), "start": start.date().isoformat(), "end": end.date().isoformat(),
                     "position": round(decimal_year(start + (end - start) / 2), 6)})
    return codes, bins


def _slope_entry(s: Slope) -> dict[str, Any]:
    return {"slope_per_year": _r(s.slope, 8), "ci_low": _r(s.ci_low, 8), "ci_high": _r(s.ci_high, 8),
            "ols_ci_low": _r(s.ols_ci_low, 8), "ols_ci_high": _r(s.ols_ci_high, 8), "n_bins": s.n_bins}


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


def comparison_section(X: np.ndarray, labels: np.ndarray, *, seed: int,
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
                                 "centroid_distance": {"value": _r(value), "ci_low": _r(lo), "ci_high": _r(hi)}}
        idx = one_vs_rest_sample(labels, g, CLASSIFIER_MAX_PER_CLASS, seed)
        try:
            auc = classifier_auc(X[idx], labels[idx] == g, seed=seed, settings=intervals)
            entry["classifier_auc"] = {"value": _r(auc.auc), "ci_low": _r(auc.ci_low), "ci_high": _r(auc.ci_high),
                                       "n_positive": auc.n_positive, "n_negative": auc.n_negative,
                                       "folds": auc.folds}
        except ValueError as exc:
            entry["classifier_auc"] = {"value": None, "note": str(exc)}
        distinct[str(g)] = entry
    sim = centroid_similarity_matrix(X, labels, names)
    sub = _stratified(labels, PERMANOVA_MAX_TEXTS, seed)
    perm = permanova(X[sub], labels[sub], permutations=permutations, seed=seed)
    tests: list[dict[str, Any]] = []
    if len(names) <= MMD_MAX_GROUPS:
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                t = mmd_test(X[labels == a], X[labels == b], permutations=permutations, seed=seed)
                tests.append({"a": str(a), "b": str(b), "mmd2": _r(t.mmd2, 8), "p_value": _r(t.p_value),
                              "bandwidth": _r(t.bandwidth), "n_a": t.n_a, "n_b": t.n_b})
    return {
        "groups": [str(g) for g in names],
        "centroid_similarity": [[_r(v, 4) for v in row] for row in sim],
        "distinctiveness": distinct,
        "permanova": {"pseudo_f": _r(perm.pseudo_f), "p_value": _r(perm.p_value), "r_squared": _r(perm.r_squared),
                      "n_texts": perm.n_texts, "n_groups": perm.n_groups},
        "mmd": tests,
        "settings": {"permutations": permutations, "seed": seed, "mmd_max_per_side": MMD_MAX_PER_SIDE,
                     "mmd_kernel": "gaussian, median-distance bandwidth",
                     "classifier": "logistic regression (C=1, balanced), stratified 5-fold",
                     "classifier_max_per_class": CLASSIFIER_MAX_PER_CLASS,
                     "permanova_max_texts": PERMANOVA_MAX_TEXTS,
                     "permanova_distance": "euclidean between unit embeddings"},
    }


def _stratified(labels: np.ndarray, cap: int, seed: int) -> np.ndarray:
    n = len(labels)
    if n <= cap:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    out = []
    for g in pd.unique(labels):
        idx = np.flatnonzero(labels == g)
        size = max(2, int(round(len(idx) * cap / n)))
        out.append(idx if len(idx) <= size else rng.choice(idx, size=size, replace=False))
    return np.sort(np.concatenate(out))


def _bin_metrics(codes: np.ndarray, bins: list[dict[str, Any]], measure_at: Measure, seed: int,
                 level: float) -> tuple[int | None, dict[str, Any]]:
    """Every metric per period at the smallest usable period's size, and each metric's slope."""
    sizes = np.bincount(codes, minlength=len(bins))
    usable = [b for b in range(len(bins)) if sizes[b] >= MIN_BIN_TEXTS]
    for b in range(len(bins)):
        bins[b]["n_texts"] = int(sizes[b])
    if len(usable) < 1:
        return None, {}
    common = int(min(sizes[b] for b in usable))
    for b in range(len(bins)):
        if b not in usable:
            bins[b]["note"] = f"fewer than {MIN_BIN_TEXTS} texts: no metrics"
            continue
        idx = np.flatnonzero(codes == b)
        bins[b]["metrics"] = measure_at(idx[subsample_indices(len(idx), common, seed)])
    slopes: dict[str, Any] = {}
    if len(usable) >= 2:
        t = np.array([bins[b]["position"] for b in usable])
        for metric_id in bins[usable[0]]["metrics"]:
            y = np.array([bins[b]["metrics"][metric_id]["value"] for b in usable], dtype=np.float64)
            if np.isfinite(y).all():
                lo, hi = ols_slope_interval(t, y, level)
                slopes[metric_id] = {"slope_per_year": _r(ols_slope(t, y), 8), "ols_ci_low": _r(lo, 8),
                                     "ols_ci_high": _r(hi, 8), "n_bins": len(usable)}
    return common, slopes


def _convergence(X: np.ndarray, cells: Cells, bins: list[dict[str, Any]], names: list[str],
                 intervals: IntervalSettings, reference: np.ndarray | None) -> dict[str, Any]:
    values, slopes = convergence_slopes(X, cells, intervals, reference)
    rows = []
    for i, b in enumerate(cells.bins_used):
        rows.append({"label": bins[b]["label"], "position": bins[b]["position"],
                     "groups": [names[g] for g in cells.groups_in(b)],
                     **{s: _r(values[s][i]) for s in values if np.isfinite(values[s][i])}})
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


def trend_section(X: np.ndarray, codes: np.ndarray, bins: list[dict[str, Any]], labels: np.ndarray | None, *,
                  freq: str, freq_given: bool, measure_at: Measure, seed: int,
                  intervals: IntervalSettings | None, reference: np.ndarray | None = None) -> dict[str, Any]:
    """Per period (``codes``, ``bins`` from :func:`time_bins`): every metric at a common size,
    and (with groups) the convergence index."""
    level = intervals.level if intervals else 0.95
    common, metric_slopes = _bin_metrics(codes, bins, measure_at, seed, level)
    out: dict[str, Any] = {"freq": freq, "freq_source": "given" if freq_given else "chosen from the date span",
                           "min_bin_texts": MIN_BIN_TEXTS, "common_size": common, "bins": bins,
                           "metric_slopes": metric_slopes}
    names = [str(g) for g in sorted(pd.unique(labels))] if labels is not None else ["all"]
    group_codes = (np.searchsorted(names, labels.astype(str)) if labels is not None
                   else np.zeros(len(codes), dtype=int))
    cells = make_cells(codes, group_codes, np.array([b["position"] for b in bins]), len(names), seed=seed)
    if len(cells.bins_used) >= 2 and (len(names) >= 2 or reference is not None):
        out["convergence"] = _convergence(X, cells, bins, names, intervals or IntervalSettings(0, seed),
                                          reference)
    return out


def reference_section(X: np.ndarray, R: np.ndarray, labels: np.ndarray | None,
                      periods: tuple[np.ndarray, list[dict[str, Any]]] | None, *, name: str, seed: int,
                      permutations: int, level: float) -> dict[str, Any]:
    """How close the corpus (and each group) sits to a reference corpus, and the share of texts
    closer to the reference centroid than to their own group's earlier voice (``periods``: the
    codes and bins of :func:`time_bins`, or None without a time column)."""
    ref_c = R.mean(axis=0)
    t = mmd_test(X, R, permutations=permutations, seed=seed)
    out: dict[str, Any] = {
        "name": name, "n_texts": int(len(R)),
        "corpus_similarity": _r(centroid_cosine(X, R)),
        "mmd": {"mmd2": _r(t.mmd2, 8), "p_value": _r(t.p_value), "n_a": t.n_a, "n_b": t.n_b,
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
        codes, bins = periods
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
                counts = by_bin.setdefault(bins[b]["label"], [0, 0])
                counts[0] += closer
                counts[1] += int(cell.sum())
            if n_total:
                groups[g] = _pull_entry(X[in_g], ref_c, closer_total, n_total, level)
        out["pull_by_bin"] = []
        for label, (c, n) in by_bin.items():
            lo, hi = wilson_interval(c, n, level)
            out["pull_by_bin"].append({"label": label, "share": _r(c / n), "ci_low": _r(lo), "ci_high": _r(hi),
                                       "n_texts": n})
    out["pull_compared_with"] = pull_kind
    out["groups"] = groups
    return out


def _pull_entry(rows: np.ndarray, ref_c: np.ndarray, closer: int, n: int, level: float) -> dict[str, Any]:
    lo, hi = wilson_interval(closer, n, level)
    return {"similarity": _r(centroid_cosine(rows, ref_c[None, :])), "closer_to_reference": closer,
            "n_texts": n, "pull_share": _r(closer / n), "ci_low": _r(lo), "ci_high": _r(hi)}


__all__ = ["comparison_section", "trend_section", "reference_section", "time_bins", "choose_freq",
           "describe_slope", "FREQS", "DEFAULT_PERMUTATIONS"]
