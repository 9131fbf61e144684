"""The locales section (``--locale-col``): how distinct each locale's copy is, how close each
locale's version of an item sits to the other locales' versions (``--strata`` on the item id),
and, with dates, whether the locales converge on one voice (:mod:`auditor.metrics.locales`).

The source locale is "en" when present, else the locale with the most texts. Without items, the
versions are the locales' whole copy per period. Read it under a multilingual model
(``--model multilingual``): an English-only model puts other languages anywhere.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from auditor.audit.context import AuditContext
from auditor.audit.languages import NAMES
from auditor.audit.rounding import rounded
from auditor.metrics.locales import Trend, cross_similarity, distinctiveness, item_trend, versions

#: Items beyond this many are a seeded sample (the versions array grows with items × locales × periods).
MAX_ITEMS = 2000
_TREND = {"type": ["object", "null"]}
SCHEMA = {
    "locales": {"type": "object", "required": ["source", "locales", "by_item", "over_time", "headline"],
                "properties": {"source": {"type": "string"}, "headline": {"type": "string"},
                               "locales": {"type": "object"}, "by_item": {"type": ["object", "null"]},
                               "over_time": {"type": ["object", "null"]}}},
}

STAGE = "locales"


def applies(ctx: AuditContext) -> bool:
    return ctx.corpus.locales is not None


def build(ctx: AuditContext) -> dict[str, Any]:
    labels = ctx.corpus.locales.to_numpy(dtype=str)
    names = sorted(pd.unique(labels).tolist())
    codes = np.searchsorted(names, labels)
    counts = np.bincount(codes, minlength=len(names))
    source = names.index("en") if "en" in names else int(np.argmax(counts))
    X = ctx.embeddings.host
    apart = distinctiveness(X, codes, len(names))
    out: dict[str, Any] = {"source": names[source], "by_item": None, "over_time": None,
                           "locales": {n: {"n_texts": int(counts[k]), "distinctiveness": rounded(apart[k])}
                                       for k, n in enumerate(names)}}
    items = _items(ctx)
    periods = ctx.periods
    if items is not None:
        item, n_items = items
        V = versions(X, item, codes, np.zeros(len(codes), dtype=int), n_items, len(names), 1)
        pooled = cross_similarity(V)[0]
        to_source = cross_similarity(V, source)[0]
        out["by_item"] = {"n_items": int(np.isfinite(pooled).sum()), "column": ctx.corpus.columns.get("stratum"),
                        "cross_locale_similarity": rounded(float(np.nanmean(pooled))) if np.isfinite(pooled).any() else None}
        for k, n in enumerate(names):
            column = to_source[:, k]
            out["locales"][n]["similarity_to_source"] = (rounded(float(np.nanmean(column)))
                                                         if np.isfinite(column).any() else None)
    if periods is not None and len(periods.bins) >= 2:
        out["over_time"] = {"freq": periods.freq, "all_locales": None, "toward_source": {}, "unit": "whole copy"}
        if items is not None:  # trends need items: their slopes are the independent units
            item, n_items = items
            V = versions(X, item, codes, periods.codes, n_items, len(names), len(periods.bins))
            times = np.array([b.position for b in periods.bins])
            toward = cross_similarity(V, source)
            out["over_time"].update(
                all_locales=_trend(item_trend(cross_similarity(V), times, ctx.level)), unit="items",
                toward_source={n: _trend(item_trend(toward[:, :, k], times, ctx.level))
                               for k, n in enumerate(names) if k != source})
    out["headline"] = headline(out, ctx.level)
    return {"locales": out}


def _items(ctx: AuditContext) -> tuple[np.ndarray, int] | None:
    strata = ctx.corpus.strata
    if strata is None:
        return None
    labels = strata.to_numpy(dtype=str)
    names = sorted(pd.unique(labels).tolist())
    if len(names) > MAX_ITEMS:
        keep = set(np.random.default_rng(ctx.settings.seed).choice(names, MAX_ITEMS, replace=False).tolist())
        labels = np.where(np.isin(labels, list(keep)), labels, "")
        names = sorted(keep)
    return np.where(labels == "", -1, np.searchsorted(names, labels)), len(names)  # −1: left out of the sample


def _trend(trend: Trend | None) -> dict[str, Any] | None:
    if trend is None:
        return None
    return {"slope_per_year": rounded(trend.slope, 8), "ci_low": rounded(trend.ci_low, 8),
            "ci_high": rounded(trend.ci_high, 8), "first": rounded(trend.first), "last": rounded(trend.last),
            "n_items": trend.n_items, "n_periods": trend.n_periods}


def _name(code: str) -> str:
    return NAMES.get(code.split("-")[0].split("_")[0].lower(), code)


def headline(out: dict[str, Any], level: float) -> str:
    """The plain-language answer: do the locales converge, and which drifted toward the source?"""
    source = _name(out["source"])
    pct = f"{level * 100:.0f}%"
    over = out["over_time"]
    if over is None or over["all_locales"] is None:
        apart = {n: v["distinctiveness"] for n, v in out["locales"].items() if v["distinctiveness"] is not None}
        if not apart:
            return "One locale only: nothing to compare."
        most = max(apart, key=apart.get)
        return (f"The most distinct copy is the {_name(most)} (distinctiveness {apart[most]:.3f}); "
                "give dates and an item column (--time-col, --strata) to see whether the locales converge.")
    trend = over["all_locales"]
    if trend["ci_low"] > 0:
        sentence = (f"The locales are converging on one voice: versions of the same item grew more alike, "
                    f"{trend['first']:.3f} → {trend['last']:.3f} ({trend['slope_per_year']:+.4f} per year, "
                    f"{pct} CI {trend['ci_low']:+.4f} to {trend['ci_high']:+.4f}).")
    elif trend["ci_high"] < 0:
        sentence = (f"The locales are drifting apart: versions of the same item grew less alike "
                    f"({trend['slope_per_year']:+.4f} per year, {pct} CI {trend['ci_low']:+.4f} to {trend['ci_high']:+.4f}).")
    else:
        sentence = (f"No sign that the locales converge: versions of the same item are as alike as before "
                    f"({trend['slope_per_year']:+.4f} per year, {pct} CI {trend['ci_low']:+.4f} to {trend['ci_high']:+.4f}).")
    drifted = {n: t for n, t in over["toward_source"].items() if t is not None and t["ci_low"] > 0}
    if drifted:
        name, t = max(drifted.items(), key=lambda kv: kv[1]["slope_per_year"])
        sentence += (f" The {_name(name)} copy has drifted most toward the {source}: "
                     f"{t['first']:.3f} → {t['last']:.3f} similar to it ({t['slope_per_year']:+.4f} per year, "
                     f"{pct} CI {t['ci_low']:+.4f} to {t['ci_high']:+.4f}).")
    return sentence
