"""Cross-locale convergence: do a brand's locales keep their own voice, or converge on one?

A *version* is the unit centroid of the texts of one item (a product, a campaign: the strata) in
one locale, in one period when there are periods. For item i and locales a, b, the cross-locale
similarity is cos(v_ia, v_ib) under a multilingual model (the same content in two languages sits
close; so does one template translated twice). Per item and period,

    C_i,t = mean over locale pairs present of cos(v_ia,t, v_ib,t)          (all locales)
    D_i,t(a) = cos(v_ia,t, v_i,source,t)                                    (one locale vs the source)

and the convergence index is the mean over items of each item's OLS slope per year of C (or D),
with the t interval of that mean (the items are the independent units; the summary-statistics
approach to repeated measures, Holmes & Friston 1998). A locale's distinctiveness is 1 − cos(its centroid, the centroid of the other
locales' texts) (0: indistinguishable from the rest).

Without items, the versions are each locale's whole copy in a period, compared by the debiased
cosine of their mean vectors, μ̂_a·μ̂_b / √(q_a q_b) with q_a = (‖Σx‖² − Σ‖x‖²) / (n(n − 1)), the
unbiased estimate of ‖μ_a‖² (a U-statistic, as in the unbiased MMD of Gretton et al. 2012), so a
period with fewer texts does not read as less alike; the trend is the OLS slope over periods with
its classical t interval (n − 2 degrees of freedom). With a plain translation T_j of the source's
version for text j, its translation similarity is cos(x_j, T_j): 1 when the locale's copy is the
plain translation, lower when it was written or adapted for its market.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from auditor.metrics.two_sample import centroids, unit
from auditor.metrics.stats import ols_slope


def versions(X: np.ndarray, item: np.ndarray, locale: np.ndarray, period: np.ndarray,
             n_items: int, n_locales: int, n_periods: int) -> np.ndarray:
    """V[t, i, l]: the unit centroid of item i's texts in locale l and period t (NaN rows where
    there are none)."""
    V = np.full((n_periods, n_items, n_locales, X.shape[1]), np.nan)
    kept = item >= 0  # item −1: left out
    found, cell = np.unique(((period * n_items + item) * n_locales + locale)[kept], return_inverse=True)
    t, rest = np.divmod(found, n_items * n_locales)
    i, loc = np.divmod(rest, n_locales)
    V[t, i, loc] = unit(centroids(X[kept], cell.ravel()))
    return V


def _cosines(V: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """S[t, i, a, b]: the cosine of locales a's and b's versions (0 where either is missing), and
    which versions are present."""
    filled = np.nan_to_num(V)
    return np.einsum("tiad,tibd->tiab", filled, filled), ~np.isnan(V[..., 0])


def to_others(V: np.ndarray) -> np.ndarray:
    """O[t, i, l]: the mean cosine of locale l's version of item i with the other locales' versions
    present (NaN where l's is missing or alone)."""
    S, present = _cosines(V)
    others = present.sum(axis=2, keepdims=True) - present
    total = np.einsum("tiab,tib->tia", S, present.astype(np.float64)) - np.einsum("tiaa->tia", S)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(present & (others > 0), total / others, np.nan)


def cross_similarity(V: np.ndarray, source: int | None = None) -> np.ndarray:
    """C[t, i] (mean cosine over the pairs of locales present), or with ``source`` the (t, i, l)
    cosines of each locale's version with the source locale's (NaN where either is missing)."""
    S, present = _cosines(V)
    if source is not None:
        out = S[:, :, :, source]
        out[~(present & present[:, :, [source]])] = np.nan
        out[:, :, source] = np.nan
        return out
    n = present.sum(axis=2)
    pair_sum = (S.sum(axis=(2, 3)) - np.einsum("tiaa->ti", S)) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n >= 2, pair_sum / (n * (n - 1) / 2), np.nan)


@dataclass(frozen=True)
class Trend:
    """Slope per year of a per-period mean over items, with its interval from resampling items."""

    slope: float
    ci_low: float
    ci_high: float
    first: float
    last: float
    n_items: int | None  # None: a trend over periods, not items
    n_periods: int


def item_trend(values: np.ndarray, times: np.ndarray, level: float = 0.95) -> Trend | None:
    """The trend of ``values`` (periods × items, NaN where missing): the mean over items of each
    item's OLS slope per year, with the t interval of that mean (n − 1 degrees of freedom: the
    items are the independent units, and each item's slope carries its own period-to-period
    noise); the first and last periods' means over items describe the change."""
    from scipy.special import stdtrit

    slopes = []
    for column in values.T:
        seen = np.isfinite(column)
        if seen.sum() >= 2 and np.ptp(times[seen]) > 0:
            slopes.append(ols_slope(times[seen], column[seen]))
    usable = np.flatnonzero(np.isfinite(values).any(axis=1))
    if len(slopes) < 2 or len(usable) < 2:
        return None
    slopes_arr = np.array(slopes)
    mean, half = float(slopes_arr.mean()), float(slopes_arr.std(ddof=1) / np.sqrt(len(slopes_arr)))
    q = float(stdtrit(len(slopes_arr) - 1, 0.5 + level / 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        means = np.nanmean(values[usable], axis=1)
    return Trend(mean, mean - q * half, mean + q * half, float(means[0]), float(means[-1]), len(slopes_arr),
                 len(usable))


def period_trend(values: np.ndarray, times: np.ndarray, level: float = 0.95) -> Trend | None:
    """The OLS slope per year of one value per period (NaN where missing) with its t interval over
    periods (at least 3 periods with values)."""
    from auditor.metrics.stats import ols_slope_interval

    seen = np.isfinite(values)
    if seen.sum() < 3:
        return None
    t, y = times[seen], values[seen]
    low, high = ols_slope_interval(t, y, level)
    return Trend(ols_slope(t, y), low, high, float(y[0]), float(y[-1]), None, int(seen.sum()))


def locale_similarity(X: np.ndarray, locale: np.ndarray, period: np.ndarray, n_locales: int,
                      n_periods: int) -> np.ndarray:
    """S[t, a, b]: the debiased cosine of locale a's and b's mean vectors in period t (NaN where a
    cell has fewer than 2 texts), μ̂_a·μ̂_b / √(q_a q_b), q_a = (‖Σx‖² − Σ‖x‖²) / (n(n − 1))."""
    X = X.astype(np.float64)
    cell = period * n_locales + locale
    size = np.bincount(cell, minlength=n_periods * n_locales).astype(np.float64)
    sums = np.zeros((n_periods * n_locales, X.shape[1]))
    np.add.at(sums, cell, X)
    squares = np.bincount(cell, weights=np.einsum("ij,ij->i", X, X), minlength=n_periods * n_locales)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = (np.einsum("ij,ij->i", sums, sums) - squares) / (size * (size - 1))
        means = sums / size[:, None]
        scale = np.where((size >= 2) & (q > 0), 1.0 / np.sqrt(np.where(q > 0, q, 1.0)), np.nan)
    M = (means * scale[:, None]).reshape(n_periods, n_locales, -1)
    return np.einsum("tad,tbd->tab", np.nan_to_num(M), np.nan_to_num(M)) + np.where(
        np.isnan(M[..., :1]) | np.isnan(M[..., :1]).transpose(0, 2, 1), np.nan, 0.0)


def pair_mean(S: np.ndarray) -> np.ndarray:
    """The mean over the pairs of locales (a < b) of S[t, a, b] that are present, per period."""
    a, b = np.triu_indices(S.shape[1], 1)
    pairs = S[:, a, b]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(pairs, axis=1) if pairs.shape[1] else np.full(len(S), np.nan)


def cell_means(values: np.ndarray, rows: np.ndarray, period: np.ndarray, item: np.ndarray, n_periods: int,
               n_items: int) -> np.ndarray:
    """M[t, i]: the mean of ``values`` over ``rows`` in period t and item i (NaN where none; any
    two keys serve, e.g. locale and item)."""
    cell = period[rows] * n_items + item[rows]
    total = np.bincount(cell, weights=values[rows], minlength=n_periods * n_items)
    count = np.bincount(cell, minlength=n_periods * n_items)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (total / count).reshape(n_periods, n_items)


def translation_similarity(X: np.ndarray, T: np.ndarray) -> np.ndarray:
    """cos(x_j, T_j) for unit rows: how close each text sits to its plain translation."""
    return np.einsum("ij,ij->i", X.astype(np.float64), T.astype(np.float64))


def similarity_to_translations(X: np.ndarray, translations: np.ndarray, encode: Any) -> np.ndarray:
    """cos(x_j, encode(t_j)) for each row with a translation t_j ("" for none: NaN), the
    translations embedded in one call of ``encode`` (texts → unit vectors)."""
    rows = np.flatnonzero(translations != "")
    out = np.full(len(translations), np.nan)
    if len(rows):
        out[rows] = translation_similarity(np.asarray(X)[rows], encode(translations[rows].tolist()))
    return out


def distinctiveness(X: np.ndarray, locale: np.ndarray, n_locales: int) -> np.ndarray:
    """1 − cos(centroid of each locale's texts, centroid of all the other locales' texts)."""
    X = X.astype(np.float64)
    total = X.sum(axis=0)
    out = np.full(n_locales, np.nan)
    for loc in range(n_locales):
        rows = locale == loc
        if rows.any() and (~rows).any():
            own, rest = X[rows].sum(axis=0), total - X[rows].sum(axis=0)
            out[loc] = 1.0 - float(unit(own[None])[0] @ unit(rest[None])[0])
    return out
