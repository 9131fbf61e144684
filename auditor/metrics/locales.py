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
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from auditor.metrics.groups import centroids, unit
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


def cross_similarity(V: np.ndarray, source: int | None = None) -> np.ndarray:
    """C[t, i] (mean cosine over the pairs of locales present), or with ``source`` the (t, i, l)
    cosines of each locale's version with the source locale's (NaN where either is missing)."""
    S = np.einsum("tiad,tibd->tiab", np.nan_to_num(V), np.nan_to_num(V))
    present = ~np.isnan(V[..., 0])
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
    n_items: int
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
