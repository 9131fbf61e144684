"""Trends across snapshots: each metric run by run, the convergence index over runs, which
groups moved most since the last run, and which runs are not comparable with the one before."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from auditor.history.store import Snapshot
from auditor.corpus.periods import decimal_year
from auditor.metrics.stats import ols_slope, ols_slope_interval
from auditor.vocabulary import RUN_TREND_METRICS

#: Settings that change the numbers; a difference in any of them makes two runs not comparable.
COMPARABLE_SETTINGS = ("seed", "sample", "near_duplicate_threshold", "ci_level", "n_resamples")


def _years(stamp: str) -> float:
    return decimal_year(dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")))


def mutual_group_similarity(data: dict[str, Any]) -> float | None:
    """Mean cosine between the group centroids of one result (off-diagonal of its heatmap)."""
    sim = (data.get("comparison") or {}).get("centroid_similarity")
    if not sim or len(sim) < 2:
        return None
    S = np.array(sim, dtype=float)
    return float(S[np.triu_indices(len(S), k=1)].mean())


def comparability(previous: Snapshot, current: Snapshot) -> list[str]:
    """Why ``current``'s numbers cannot be compared with ``previous``'s (empty when they can)."""
    reasons = []
    if previous.model_identity != current.model_identity:
        reasons.append(f"model changed ({previous.model_name} → {current.model_name})"
                       if previous.model_name != current.model_name else "model files changed (same name, new revision)")
    for key in COMPARABLE_SETTINGS:
        if previous.settings.get(key) != current.settings.get(key):
            reasons.append(f"setting {key} changed ({previous.settings.get(key)} → {current.settings.get(key)})")
    return reasons


def trend_data(name: str, runs: list[Snapshot], level: float = 0.95) -> dict[str, Any]:
    """The trend report's content for snapshots ``runs`` (oldest first, with their results)."""
    if not runs:
        raise ValueError(f"no snapshots named {name!r}")
    rows = []
    for i, s in enumerate(runs):
        assert s.data is not None
        flags = comparability(runs[i - 1], s) if i else []
        rows.append({"id": s.id, "created_at": s.created_at, "n_texts": s.n_texts, "model": s.model_name,
                     "fingerprint": (s.fingerprint or "")[:12], "report_path": s.report_path,
                     "not_comparable": flags, "verdict": s.data.get("verdict", {}).get("level"),
                     "metrics": {m: {k: s.data["metrics"][m].get(k) for k in ("label", "value", "ci_low", "ci_high")}
                                 for m in RUN_TREND_METRICS if m in s.data.get("metrics", {})},
                     "mutual_group_similarity": mutual_group_similarity(s.data)})
    # the comparable stretch: runs since the last model or settings change
    start = max([i for i, r in enumerate(rows) if r["not_comparable"]] or [0])
    out: dict[str, Any] = {"name": name, "runs": rows, "comparable_from": rows[start]["id"]}
    index = [(r, _years(r["created_at"])) for r in rows[start:] if r["mutual_group_similarity"] is not None]
    if len(index) >= 2:
        t = np.array([y for _, y in index])
        v = np.array([r["mutual_group_similarity"] for r, _ in index])
        out["index"] = {"n_runs": len(index), "first": float(v[0]), "last": float(v[-1]),
                        "span_days": round(float(np.ptp(t)) * 365.25, 2), "per_year": False}
        if per_year_meaningful(t):
            lo, hi = ols_slope_interval(t, v, level)
            out["index"].update(slope_per_year=ols_slope(t, v), ols_ci_low=lo, ols_ci_high=hi, per_year=True)
    if len(runs) >= 2:
        out["moved"] = groups_moved(runs[-2].data or {}, runs[-1].data or {})
        out["changes"] = metric_changes(rows[-2], rows[-1])
        out["summary"] = describe_last_run(rows[-2], rows[-1], out["changes"])
    return out


#: A change per year is stated only over runs spanning at least this long, and at least 3 runs:
#: two runs minutes apart say nothing about a yearly rate.
MIN_SPAN_DAYS = 28
MIN_RUNS_PER_YEAR = 3


def per_year_meaningful(years: np.ndarray) -> bool:
    """Whether runs at these times (decimal years) span enough time for a per-year slope."""
    return len(years) >= MIN_RUNS_PER_YEAR and float(np.ptp(years)) * 365.25 >= MIN_SPAN_DAYS


def metric_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Each trend metric's change from one run to the next, largest first (measured in widths
    of the earlier run's interval, or relative change without one); ``clear`` when the two
    intervals do not overlap."""
    out = []
    for metric, now in after["metrics"].items():
        then = before["metrics"].get(metric)
        if not then or then.get("value") is None or now.get("value") is None:
            continue
        change = now["value"] - then["value"]
        width = (then["ci_high"] - then["ci_low"]) if then.get("ci_low") is not None else None
        scale = width if width else max(abs(then["value"]), 1e-9)
        clear = (then.get("ci_low") is not None and now.get("ci_low") is not None
                 and (now["ci_low"] > then["ci_high"] or now["ci_high"] < then["ci_low"]))
        out.append({"metric": metric, "label": now.get("label") or metric, "before": then["value"],
                    "after": now["value"], "change": change, "clear": bool(clear), "size": abs(change) / scale})
    return sorted(out, key=lambda c: -c["size"])


def describe_last_run(before: dict[str, Any], after: dict[str, Any], changes: list[dict[str, Any]]) -> str:
    """One sentence on the last run against the one before: the verdict, and the metrics that
    changed most (those whose intervals no longer overlap first)."""
    parts = []
    if before.get("verdict") != after.get("verdict"):
        parts.append(f"the verdict went from {_level(before)} to {_level(after)}")
    named = [c for c in changes if c["clear"]][:3] or changes[:1]
    for c in named:
        parts.append(f"{c['label']} went from {c['before']:.3g} to {c['after']:.3g}"
                     + ("" if c["clear"] else " (within the intervals)"))
    if not parts:
        return "Since the run before, nothing was measured."
    return f"Since the run before: {'; '.join(parts)}."


def _level(row: dict[str, Any]) -> str:
    return (row.get("verdict") or "unknown").replace("_", " ")


def groups_moved(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Per group in both runs: the change in mean pairwise similarity and in distinctiveness
    (centroid distance to the other groups), largest absolute distinctiveness change first."""
    out = []
    d0 = (before.get("comparison") or {}).get("distinctiveness", {})
    d1 = (after.get("comparison") or {}).get("distinctiveness", {})
    g0, g1 = before.get("groups", {}), after.get("groups", {})
    for group in sorted(set(g0) & set(g1)):
        def mps(g: dict[str, Any]) -> float | None:
            m = (g.get("metrics") or {}).get("mean_pairwise_similarity")
            return m.get("value") if m else None

        def dist(d: dict[str, Any]) -> float | None:
            return d.get(group, {}).get("centroid_distance", {}).get("value")

        a, b, c, e = mps(g0[group]), mps(g1[group]), dist(d0), dist(d1)
        out.append({"group": group,
                    "similarity_change": None if a is None or b is None else b - a,
                    "distinctiveness_change": None if c is None or e is None else e - c})
    return sorted(out, key=lambda r: -abs(r["distinctiveness_change"] or r["similarity_change"] or 0))
