"""Exposure metrics of a personalised feed: is each user's feed narrowing, are all users shown the
same, how new is what they are shown, how much of the catalogue is shown at all.

A feed is a log of exposures (user u, item i, period t) with unit item vectors x_i. Everything
follows from additive sums per user and period (a *cell*): n_ut, s_ut = Σx and r_ut = Σ‖x‖², so a
log of millions of exposures costs O(exposures·d) and is processed in blocks of users.

- **Within-user similarity** of a cell: W_ut = (‖s_ut‖² − r_ut) / (n_ut(n_ut − 1)), the mean
  cosine over the distinct pairs of exposures shown to u in t (exactly, in O(n·d); needs n ≥ 2).
  It is an unbiased estimate of the user's expected pairwise similarity whatever n is, and users
  are averaged with equal weight, so heavy users neither read as narrower nor dominate. This is the
  intra-list similarity of Ziegler et al. (WWW 2005) per user and period; 1 − W is Microsoft
  Recommenders' ``diversity`` for one list.
- **Narrowing**: each user's OLS slope of W_ut over the periods they have (at least two), the mean
  over users, and the t interval over users (the summary-statistics approach to repeated
  measures; Nguyen et al. WWW 2014 measure per-user content diversity over time the same way).
- **Between users**: the debiased cosine of two users' exposure centroids,
  μ̂_a·μ̂_b / √(q_a q_b) with q = W (the U-statistic of ‖μ‖², Gretton et al. 2012), averaged over
  all pairs of users as (‖Σ_a w_a‖² − Σ_a‖w_a‖²) / (U(U − 1)) with w_a = μ̂_a/√q_a (O(U·d), never
  a U×U matrix). Its interval is the jackknife over users; **convergence** is its OLS slope over
  periods, with a jackknife interval over users (leaving one user out of every period at once).
- **Novelty**: 1 − x·μ̂_u,<t for an item shown to u in t: one minus its mean cosine with every item
  u was shown in earlier periods (Microsoft Recommenders' ``serendipity`` without its relevance
  term, on text embeddings). Unbiased whatever the length of the history; the cosine to the
  *normalised* earlier centroid is not (its noise shrinks as the history grows, so it drifts on a
  stationary feed). Averaged per cell, per user, and over users; its trend as for narrowing.
- **Coverage** (Recommenders' ``catalog_coverage``): distinct items shown / catalogue size;
  **Gini** of the exposure counts over the catalogue (items never shown count as 0);
  **overlap**: mean Jaccard |A ∩ B| / |A ∪ B| of two users' item sets (all pairs up to
  :data:`OVERLAP_PAIRS`, else that many seeded random pairs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np
from scipy import sparse

#: Users processed at once (a block's cell sums are at most this many users × periods × d).
USER_BLOCK = 4096
#: Pairs of users whose item sets are compared for the overlap (all of them when fewer).
OVERLAP_PAIRS = 20000
#: A cell's q below this is too small to normalise by (its w would be noise).
MIN_Q = 1e-6


@dataclass(frozen=True)
class Exposures:
    """An exposure log as codes: ``user`` (0..n_users−1), ``item`` (rows of the item vectors),
    ``period`` (0..n_periods−1; all 0 without times)."""

    user: np.ndarray
    item: np.ndarray
    period: np.ndarray
    n_users: int
    n_items: int
    n_periods: int

    @classmethod
    def of(cls, user: np.ndarray, item: np.ndarray, period: np.ndarray | None, n_items: int,
           n_periods: int = 1) -> "Exposures":
        user, item = np.asarray(user, dtype=np.int64), np.asarray(item, dtype=np.int64)
        period = np.zeros(len(user), dtype=np.int64) if period is None else np.asarray(period, dtype=np.int64)
        if not (len(user) == len(item) == len(period)):
            raise ValueError("user, item and period must have one entry per exposure")
        n_users = int(user.max()) + 1 if len(user) else 0
        return cls(user, item, period, n_users, int(n_items), int(n_periods))

    def subset(self, rows: np.ndarray) -> "Exposures":
        """The exposures ``rows`` with their users renumbered 0..k−1 (periods and items kept)."""
        users, user = np.unique(self.user[rows], return_inverse=True)
        return Exposures(user.ravel(), self.item[rows], self.period[rows], len(users), self.n_items, self.n_periods)


@dataclass
class Cells:
    """Per (user, period) cell: its user, period, n, ‖s‖², r, and s·ĉ_earlier (NaN for a user's
    first period)."""

    user: np.ndarray
    period: np.ndarray
    n: np.ndarray
    within: np.ndarray
    novelty: np.ndarray


@dataclass
class FeedFigures:
    """The figures of one feed (or one cohort's part of it); per-user arrays feed the intervals
    and the cohort tests."""

    n_users: int
    n_exposures: int
    user_within: np.ndarray        # per user, over all their exposures (NaN: fewer than 2)
    user_narrowing: np.ndarray     # per user, slope per period position unit (NaN: fewer than 2 periods)
    user_novelty: np.ndarray       # per user, mean novelty over their later periods (NaN: none)
    user_novelty_trend: np.ndarray
    between: float
    between_jack: np.ndarray       # leave-one-user-out values of ``between``
    convergence: float
    convergence_jack: np.ndarray
    per_period: list[dict[str, Any]] = field(default_factory=list)
    coverage: float = float("nan")
    gini: float = float("nan")
    overlap: float = float("nan")


def _blocks(n_users: int, size: int = USER_BLOCK) -> Iterator[tuple[int, int]]:
    for start in range(0, n_users, size):
        yield start, min(n_users, start + size)


def _cell_sums(X: np.ndarray, exp: Exposures, rows: np.ndarray, lo: int, hi: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For users lo..hi−1: the (user, period) cells present, their n, Σx (float64) and Σ‖x‖²."""
    u, t, i = exp.user[rows] - lo, exp.period[rows], exp.item[rows]
    key = u * exp.n_periods + t
    cells, inverse = np.unique(key, return_inverse=True)
    inverse = inverse.ravel()
    counts = sparse.csr_matrix((np.ones(len(rows)), (inverse, i)), shape=(len(cells), X.shape[0]))
    sums = np.asarray(counts @ X, dtype=np.float64)
    norms = counts @ np.einsum("ij,ij->i", X, X, dtype=np.float64)
    n = np.asarray(counts.sum(axis=1)).ravel()
    return cells, n, sums, np.asarray(norms).ravel()


def _pair_mean(n: np.ndarray, sq: np.ndarray, r: np.ndarray) -> np.ndarray:
    """(‖Σx‖² − Σ‖x‖²) / (n(n − 1)); NaN where n < 2."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n >= 2, (sq - r) / (n * (n - 1)), np.nan)


def _earlier_cosines(cells: np.ndarray, n_periods: int, sums: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Per cell, the mean cosine of its items with each item the same user was shown in earlier
    cells, s_t·s_<t / (n_t·n_<t) (NaN for a user's first cell). Cells are sorted by user, then period."""
    user = cells // n_periods
    start = np.r_[0, np.flatnonzero(np.diff(user)) + 1]
    first = np.repeat(start, np.diff(np.r_[start, len(cells)]))

    def earlier(values: np.ndarray) -> np.ndarray:
        total = np.cumsum(values, axis=0)
        base = np.where((first > 0).reshape((-1,) + (1,) * (values.ndim - 1)), total[np.maximum(first - 1, 0)], 0)
        return total - values - base

    before, n_before = earlier(sums), earlier(n)
    later = np.arange(len(cells)) > first
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.einsum("ij,ij->i", sums, before) / (n * n_before)
    return np.where(later, cos, np.nan)


def _segment_slope(group: np.ndarray, x: np.ndarray, y: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group, the OLS slope of y on x over its finite entries (NaN with fewer than 2 distinct x)."""
    ok = np.isfinite(y)
    g, x, y = group[ok], x[ok], y[ok]
    k = np.bincount(g, minlength=n_groups).astype(np.float64)
    sx, sy = np.bincount(g, x, n_groups), np.bincount(g, y, n_groups)
    sxx, sxy = np.bincount(g, x * x, n_groups), np.bincount(g, x * y, n_groups)
    den = k * sxx - sx * sx
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((k >= 2) & (den > 1e-12 * np.maximum(k * sxx, 1e-300)), (k * sxy - sx * sy) / den, np.nan)


def _segment_mean(group: np.ndarray, y: np.ndarray, n_groups: int) -> np.ndarray:
    ok = np.isfinite(y)
    k = np.bincount(group[ok], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(k > 0, np.bincount(group[ok], y[ok], n_groups) / k, np.nan)


def _sum_by(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Row sums of ``values`` per code 0..n−1 (one sparse product, not a Python loop)."""
    onehot = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(n, len(codes)))
    return np.asarray(onehot @ values)


def _w(sums: np.ndarray, n: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """w = μ̂/√q for the cells whose q is usable, and which cells those are."""
    ok = np.isfinite(q) & (q > MIN_Q)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = sums[ok] / (n[ok] * np.sqrt(q[ok]))[:, None]
    return w, ok


def _jackknife_pairs(total: np.ndarray, sq: float, count: int, dots: np.ndarray, own: np.ndarray) -> np.ndarray:
    """The pair mean (‖W‖² − Q)/(U(U−1)) without each member a: W − w_a, Q − ‖w_a‖², U − 1."""
    m = count - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(m >= 2, (total @ total - 2 * dots + own - (sq - own)) / (m * (m - 1)), np.nan)


def feed_figures(X: np.ndarray, exp: Exposures, positions: np.ndarray, *, catalog_size: int | None = None,
                 block: int = USER_BLOCK, overlap_pairs: int = OVERLAP_PAIRS, seed: int = 0) -> FeedFigures:
    """Every figure of the module docstring for the exposures ``exp`` of the unit item vectors
    ``X``; ``positions`` places each period on the time axis (slopes are per unit of it);
    ``catalog_size``: the items that could have been shown (default: those in ``X``).
    Within-user similarity and novelty are on the raw cosine scale (the caller calibrates)."""
    X = np.asarray(X, dtype=np.float32)
    U, T, d = exp.n_users, exp.n_periods, X.shape[1]
    positions = np.asarray(positions, dtype=np.float64)
    order = np.argsort(exp.user, kind="stable")
    bounds = np.searchsorted(exp.user[order], np.arange(U + 1))
    user_within = np.full(U, np.nan)
    cell_parts: list[Cells] = []
    W_all, Q_all, n_all = np.zeros(d), 0.0, 0
    W_t, Q_t, n_t = np.zeros((T, d)), np.zeros(T), np.zeros(T, dtype=np.int64)
    for lo, hi in _blocks(U, block):
        rows = order[bounds[lo]:bounds[hi]]
        cells, n, sums, r = _cell_sums(X, exp, rows, lo, hi)
        cu, ct = cells // T, cells % T
        within = _pair_mean(n, np.einsum("ij,ij->i", sums, sums), r)
        cell_parts.append(Cells(cu + lo, ct, n, within, 1.0 - _earlier_cosines(cells, T, sums, n)))
        w, ok = _w(sums, n, within)
        W_t += _sum_by(ct[ok], w, T)
        Q_t += np.bincount(ct[ok], np.einsum("ij,ij->i", w, w), T)
        n_t += np.bincount(ct[ok], minlength=T)
        us = _sum_by(cu, sums, hi - lo)
        un = np.bincount(cu, n, hi - lo)
        ur = np.bincount(cu, r, hi - lo)
        uq = _pair_mean(un, np.einsum("ij,ij->i", us, us), ur)
        user_within[lo:hi] = uq
        uw, uok = _w(us, un, uq)
        W_all += uw.sum(axis=0)
        Q_all += float(np.einsum("ij,ij->", uw, uw))
        n_all += int(uok.sum())
    allc = Cells(*(np.concatenate([getattr(c, f) for c in cell_parts]) for f in
                   ("user", "period", "n", "within", "novelty")))
    pos = positions[allc.period]
    with np.errstate(invalid="ignore", divide="ignore"):
        between_t = np.where(n_t >= 2, (np.einsum("td,td->t", W_t, W_t) - Q_t) / (n_t * (n_t - 1.0)), np.nan)
        between = (W_all @ W_all - Q_all) / (n_all * (n_all - 1.0)) if n_all >= 2 else float("nan")
    # second pass: each user's share of the pair sums, for the jackknife over users
    jack_between = np.full(U, between)
    jack_t = np.tile(between_t, (U, 1))
    for lo, hi in _blocks(U, block):
        rows = order[bounds[lo]:bounds[hi]]
        cells, n, sums, r = _cell_sums(X, exp, rows, lo, hi)
        cu, ct = cells // T, cells % T
        w, ok = _w(sums, n, _pair_mean(n, np.einsum("ij,ij->i", sums, sums), r))
        dots = np.einsum("ij,ij->i", w, W_t[ct[ok]])
        own = np.einsum("ij,ij->i", w, w)
        jack_t[cu[ok] + lo, ct[ok]] = _jackknife_pairs_t(W_t, Q_t, n_t, ct[ok], dots, own)
        us = _sum_by(cu, sums, hi - lo)
        un, ur = np.bincount(cu, n, hi - lo), np.bincount(cu, r, hi - lo)
        uw, uok = _w(us, un, _pair_mean(un, np.einsum("ij,ij->i", us, us), ur))
        idx = np.flatnonzero(uok) + lo
        jack_between[idx] = _jackknife_pairs(W_all, Q_all, n_all, uw @ W_all, np.einsum("ij,ij->i", uw, uw))
    valid_t = np.isfinite(between_t)
    convergence = _slope(positions[valid_t], between_t[valid_t])
    convergence_jack = _row_slopes(positions[valid_t], jack_t[:, valid_t])
    novelty = allc.novelty
    counts_t = _period_item_counts(exp)
    unseen = max(0, (catalog_size or exp.n_items) - exp.n_items)
    if unseen:  # catalogue items never shown count as 0 exposures
        counts_t = np.hstack([counts_t, np.zeros((T, unseen), dtype=counts_t.dtype)])
    per_period = []
    for t in range(T):
        here = allc.period == t
        users_t = int(here.sum())
        per_period.append({
            "n_users": users_t,
            "within_user": _nanmean(allc.within[here]),
            "between_users": float(between_t[t]),
            "novelty": _nanmean(novelty[here]),
            "coverage": coverage(counts_t[t]),
            "gini": gini(counts_t[t]),
            "overlap": mean_jaccard(_item_sets(exp, exp.period == t), overlap_pairs, seed),
        })
    totals = counts_t.sum(axis=0)
    return FeedFigures(
        n_users=U, n_exposures=len(exp.user), user_within=user_within,
        user_narrowing=_segment_slope(allc.user, pos, allc.within, U),
        user_novelty=_segment_mean(allc.user, novelty, U),
        user_novelty_trend=_segment_slope(allc.user, pos, novelty, U),
        between=float(between), between_jack=jack_between, convergence=convergence,
        convergence_jack=convergence_jack, per_period=per_period, coverage=coverage(totals),
        gini=gini(totals), overlap=mean_jaccard(_item_sets(exp, None), overlap_pairs, seed))


def _jackknife_pairs_t(W_t: np.ndarray, Q_t: np.ndarray, n_t: np.ndarray, t: np.ndarray, dots: np.ndarray,
                       own: np.ndarray) -> np.ndarray:
    m = n_t[t] - 1.0
    total = np.einsum("td,td->t", W_t, W_t)[t]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(m >= 2, (total - 2 * dots + own - (Q_t[t] - own)) / (m * (m - 1)), np.nan)


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2 or np.ptp(x) == 0:
        return float("nan")
    xc = x - x.mean()
    return float(xc @ (y - y.mean()) / (xc @ xc))


def _row_slopes(x: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The OLS slope of each row of ``Y`` on ``x`` (NaN with fewer than 2 distinct x)."""
    if len(x) < 2 or np.ptp(x) == 0:
        return np.full(len(Y), np.nan)
    xc = x - x.mean()
    return (Y - Y.mean(axis=1, keepdims=True)) @ xc / (xc @ xc)


def _nanmean(v: np.ndarray) -> float:
    v = v[np.isfinite(v)]
    return float(v.mean()) if len(v) else float("nan")


def _period_item_counts(exp: Exposures) -> np.ndarray:
    """Exposures per (period, item): a T × n_items array."""
    return np.bincount(exp.period * exp.n_items + exp.item,
                       minlength=exp.n_periods * exp.n_items).reshape(exp.n_periods, exp.n_items)


def _item_sets(exp: Exposures, rows: np.ndarray | None) -> sparse.csr_matrix:
    """Binary users × items matrix of who was shown what (users with no exposure: empty rows)."""
    user, item = (exp.user, exp.item) if rows is None else (exp.user[rows], exp.item[rows])
    M = sparse.csr_matrix((np.ones(len(user), dtype=np.float32), (user, item)), shape=(exp.n_users, exp.n_items))
    M.data[:] = 1.0
    M.sum_duplicates()
    M.data[:] = 1.0
    return M


def coverage(counts: np.ndarray) -> float:
    """Catalogue coverage: the share of items shown at least once (Recommenders' ``catalog_coverage``).

    >>> coverage(np.array([3, 0, 1, 0]))
    0.5
    """
    counts = np.asarray(counts)
    return float((counts > 0).mean()) if len(counts) else float("nan")


def gini(counts: np.ndarray) -> float:
    """Gini coefficient of exposure counts over the catalogue: G = Σᵢ(2i − n − 1)·x₍ᵢ₎ / (n·Σx)
    with x sorted ascending, i = 1..n (0: every item shown equally; → 1: all exposures on one item).

    >>> gini(np.array([1, 1, 1, 1]))
    0.0
    >>> round(gini(np.array([0, 0, 0, 4])), 4)
    0.75
    """
    x = np.sort(np.asarray(counts, dtype=np.float64))
    n, total = len(x), x.sum()
    if n == 0 or total == 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return float(((2 * i - n - 1) * x).sum() / (n * total))


def mean_jaccard(M: sparse.csr_matrix, max_pairs: int = OVERLAP_PAIRS, seed: int = 0) -> float:
    """Mean Jaccard overlap |A ∩ B| / |A ∪ B| of the item sets (rows of the binary ``M``) over
    pairs of non-empty rows: every pair when there are at most ``max_pairs``, else that many
    seeded random pairs of distinct rows.

    >>> M = sparse.csr_matrix(np.array([[1, 1, 0], [0, 1, 1], [1, 1, 0]]))
    >>> round(mean_jaccard(M), 4)  # pairs: 1/3, 1, 1/3
    0.5556
    """
    sizes = np.asarray(M.sum(axis=1)).ravel()
    rows = np.flatnonzero(sizes > 0)
    k = len(rows)
    if k < 2:
        return float("nan")
    if k * (k - 1) // 2 <= max_pairs:
        a, b = np.triu_indices(k, 1)
    else:
        rng = np.random.default_rng(seed)
        a = rng.integers(0, k, max_pairs)
        b = (a + rng.integers(1, k, max_pairs)) % k  # a different row, uniformly
    a, b = rows[a], rows[b]
    inter = np.asarray(M[a].multiply(M[b]).sum(axis=1)).ravel()
    union = sizes[a] + sizes[b] - inter
    return float((inter / union).mean())
