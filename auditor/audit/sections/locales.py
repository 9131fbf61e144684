"""The locales section (``--locale-col``): how distinct each locale's copy is, how close each
locale's version of an item sits to the other locales' versions (``--strata`` on the item id) and to
a plain translation of the source (``--translation-col``), and, with dates, whether the locales
converge on one voice (:mod:`auditor.metrics.locales`).

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
from auditor.metrics.locales import (
    Trend,
    cell_means,
    cross_similarity,
    distinctiveness,
    item_trend,
    locale_similarity,
    pair_mean,
    period_trend,
    similarity_to_translations,
    to_others,
    versions,
)

#: Items beyond this many are a seeded sample (the versions array grows with items × locales × periods).
MAX_ITEMS = 2000
#: Items listed one by one in the result (the most alike across locales first).
ITEMS_SHOWN = 100
SCHEMA = {
    "locales": {"type": "object", "required": ["source", "locales", "by_item", "over_time", "headline"],
                "properties": {"source": {"type": "string"}, "headline": {"type": "string"},
                               "locales": {"type": "object"}, "by_item": {"type": ["object", "null"]},
                               "over_time": {"type": ["object", "null"]}}},
}

STEP = "locales"


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
    translated = _translation_similarity(ctx)
    if translated is not None:
        for k, n in enumerate(names):
            rows = np.flatnonzero((codes == k) & np.isfinite(translated))
            out["locales"][n].update(n_translated=len(rows), similarity_to_translation=(
                rounded(float(translated[rows].mean())) if len(rows) else None))
    if items is not None:
        out["by_item"] = _by_item(ctx, X, items, codes, names, source, translated)
        to_source, apart = out["by_item"].pop("to_source"), out["by_item"].pop("to_others")
        for n in names:
            out["locales"][n].update(similarity_to_source=to_source[n], similarity_to_others=apart[n])
    periods = ctx.periods
    if periods is not None and len(periods.bins) >= 2:
        out["over_time"] = _over_time(ctx, X, items, codes, names, source, translated)
    out["headline"] = headline(out, ctx.level)
    return {"locales": out}


def _translation_similarity(ctx: AuditContext) -> np.ndarray | None:
    """cos(text, its plain translation) per row (NaN where there is none), or None without them
    (a merged state's rows bring theirs, computed when each state was built)."""
    known = getattr(ctx.exact, "translation_similarity", None)
    if known is not None:
        return known
    given = ctx.corpus.translations
    if given is None or ctx.encode is None:
        return None
    return similarity_to_translations(ctx.embeddings.host, given.to_numpy(dtype=object), ctx.encode)


def _by_item(ctx: AuditContext, X: np.ndarray, items: tuple[np.ndarray, list[str]], codes: np.ndarray,
             names: list[str], source: int, translated: np.ndarray | None) -> dict[str, Any]:
    """Per item: how alike its locales' versions are, each locale's version against the source's
    and (with translations) its texts against their plain translations."""
    item, item_names = items
    V = versions(X, item, codes, np.zeros(len(codes), dtype=int), len(item_names), len(names), 1)
    pooled, to_source, apart = cross_similarity(V)[0], cross_similarity(V, source)[0], to_others(V)[0]
    to_translation = None
    if translated is not None:  # (items, locales): the mean over each version's texts
        rows = np.flatnonzero((item >= 0) & np.isfinite(translated))
        to_translation = cell_means(translated, rows, codes, item, len(names), len(item_names)).T
    order = [i for i in np.lexsort((np.arange(len(pooled)), -np.nan_to_num(pooled, nan=-9.0))) if np.isfinite(pooled[i])]
    listed = []
    for i in order[:ITEMS_SHOWN]:
        entry = {"item": item_names[i], "cross_locale_similarity": rounded(pooled[i]),
                 "to_others": {n: rounded(apart[i, k]) for k, n in enumerate(names) if np.isfinite(apart[i, k])},
                 "to_source": {n: rounded(to_source[i, k]) for k, n in enumerate(names) if np.isfinite(to_source[i, k])}}
        if to_translation is not None:
            entry["to_translation"] = {n: rounded(to_translation[i, k]) for k, n in enumerate(names)
                                       if np.isfinite(to_translation[i, k])}
        listed.append(entry)
    return {"n_items": int(np.isfinite(pooled).sum()), "column": ctx.corpus.columns.get("stratum"),
            "cross_locale_similarity": rounded(float(np.nanmean(pooled))) if np.isfinite(pooled).any() else None,
            "items": listed, "to_source": {n: _nanmean(to_source[:, k]) for k, n in enumerate(names)},
            "to_others": {n: _nanmean(apart[:, k]) for k, n in enumerate(names)}}


def _over_time(ctx: AuditContext, X: np.ndarray, items: tuple[np.ndarray, list[str]] | None, codes: np.ndarray,
               names: list[str], source: int, translated: np.ndarray | None) -> dict[str, Any]:
    """The trends: of all locales' likeness, of each locale toward the source and toward a plain
    translation. With items, each item's slope is a unit (t interval over items); without, each
    period's value is (t interval over periods)."""
    periods = ctx.periods
    times = periods.positions
    out: dict[str, Any] = {"freq": periods.freq, "toward_translation": None}
    others = [k for k in range(len(names)) if k != source]
    if items is not None:
        item, item_names = items
        V = versions(X, item, codes, periods.codes, len(item_names), len(names), len(periods.bins))
        toward = cross_similarity(V, source)
        out.update(unit="items", all_locales=_trend(item_trend(cross_similarity(V), times, ctx.level)),
                   toward_source={names[k]: _trend(item_trend(toward[:, :, k], times, ctx.level)) for k in others})
    else:
        S = locale_similarity(X, codes, periods.codes, len(names), len(periods.bins))
        out.update(unit="periods", all_locales=_trend(period_trend(pair_mean(S), times, ctx.level)),
                   toward_source={names[k]: _trend(period_trend(S[:, k, source], times, ctx.level)) for k in others})
    if translated is not None:
        item, n_items = (items[0], len(items[1])) if items is not None else (np.zeros(len(codes), dtype=int), 1)
        trend = item_trend if items is not None else (lambda v, t, level: period_trend(v[:, 0], t, level))
        out["toward_translation"] = {}
        for k in others:
            rows = np.flatnonzero((codes == k) & np.isfinite(translated) & (item >= 0))
            if len(rows):
                M = cell_means(translated, rows, periods.codes, item, len(periods.bins), n_items)
                out["toward_translation"][names[k]] = _trend(trend(M, times, ctx.level))
    return out


def _nanmean(values: np.ndarray) -> float | None:
    return rounded(float(np.nanmean(values))) if np.isfinite(values).any() else None


def _items(ctx: AuditContext) -> tuple[np.ndarray, list[str]] | None:
    """Each text's item (−1: left out of a sample of :data:`MAX_ITEMS`) and the items' names."""
    strata = ctx.corpus.strata
    if strata is None:
        return None
    labels = strata.to_numpy(dtype=str)
    names = sorted(pd.unique(labels).tolist())
    if len(names) > MAX_ITEMS:
        keep = set(np.random.default_rng(ctx.settings.seed).choice(names, MAX_ITEMS, replace=False).tolist())
        labels = np.where(np.isin(labels, list(keep)), labels, "")
        names = sorted(keep)
    return np.where(labels == "", -1, np.searchsorted(names, labels)), names


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

    def interval(t: dict[str, Any]) -> str:
        return f"{t['slope_per_year']:+.4f} per year, {pct} CI {t['ci_low']:+.4f} to {t['ci_high']:+.4f}"

    if over is None or over["all_locales"] is None:
        apart = {n: v["distinctiveness"] for n, v in out["locales"].items() if v["distinctiveness"] is not None}
        if not apart:
            return "One locale only: nothing to compare."
        most = max(apart, key=apart.get)
        return (f"The most distinct copy is the {_name(most)} (distinctiveness {apart[most]:.3f}); "
                "give dates (--time-col, at least 3 periods) to see whether the locales converge."
                + _closest_to_translation(out, source))
    trend = over["all_locales"]
    what = "versions of the same item" if over["unit"] == "items" else "the locales' copies"
    if trend["ci_low"] > 0:
        sentence = (f"The locales are converging on one voice: {what} grew more alike, "
                    f"{trend['first']:.3f} → {trend['last']:.3f} ({interval(trend)}).")
    elif trend["ci_high"] < 0:
        sentence = f"The locales are drifting apart: {what} grew less alike ({interval(trend)})."
    else:
        sentence = f"No sign that the locales converge: {what} are as alike as before ({interval(trend)})."
    drifted = {n: t for n, t in over["toward_source"].items() if t is not None and t["ci_low"] > 0}
    if drifted:
        name, t = max(drifted.items(), key=lambda kv: kv[1]["slope_per_year"])
        sentence += (f" The {_name(name)} copy has drifted most toward the {source}: "
                     f"{t['first']:.3f} → {t['last']:.3f} similar to it ({interval(t)}).")
    literal = {n: t for n, t in (over["toward_translation"] or {}).items() if t is not None and t["ci_low"] > 0}
    if literal:
        name, t = max(literal.items(), key=lambda kv: kv[1]["slope_per_year"])
        sentence += (f" The {_name(name)} copy reads more and more like a plain translation of the {source}: "
                     f"{t['first']:.3f} → {t['last']:.3f} similar to it ({interval(t)}).")
    elif over["toward_translation"]:
        sentence += _closest_to_translation(out, source)
    return sentence


def _closest_to_translation(out: dict[str, Any], source: str) -> str:
    """The sentence naming the locale whose copy sits closest to a plain translation ("" without)."""
    close = {n: v["similarity_to_translation"] for n, v in out["locales"].items()
             if v.get("similarity_to_translation") is not None}
    if not close:
        return ""
    name = max(close, key=close.get)
    rest = ", ".join(f"{_name(n)} {v:.3f}" for n, v in sorted(close.items()) if n != name)
    return (f" The {_name(name)} copy sits closest to a plain translation of the {source} "
            f"({close[name]:.3f} similar to it{'; ' + rest if rest else ''}).")
