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

from auditor.metrics.catalogue import OVERLAP_PAIRS, coverage, gini, item_sets, mean_jaccard
from auditor.metrics.semantic import pair_mean_from_sums

#: Users processed at once (a block's cell sums are at most this many users × periods × d).
USER_BLOCK = 4096
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
    return pair_mean_from_sums(np.full(len(dots), count - 1), total @ total - 2 * dots + own, sq - own)


@dataclass
class _Block:
    """One block of users: its cells (user, period, n, Σx, Σ‖x‖², within-user similarity), the
    cells' and the users' w = μ̂/√q where q is usable, and each user's within-user similarity."""

    lo: int
    cells: np.ndarray
    user: np.ndarray
    period: np.ndarray
    n: np.ndarray
    sums: np.ndarray
    within: np.ndarray
    w: np.ndarray
    ok: np.ndarray
    user_within: np.ndarray
    uw: np.ndarray
    uok: np.ndarray

    @classmethod
    def of(cls, X: np.ndarray, exp: Exposures, rows: np.ndarray, lo: int, hi: int) -> "_Block":
        T = exp.n_periods
        cells, n, sums, r = _cell_sums(X, exp, rows, lo, hi)
        cu, ct = cells // T, cells % T
        within = pair_mean_from_sums(n, np.einsum("ij,ij->i", sums, sums), r)
        w, ok = _w(sums, n, within)
        us, un, ur = _sum_by(cu, sums, hi - lo), np.bincount(cu, n, hi - lo), np.bincount(cu, r, hi - lo)
        uq = pair_mean_from_sums(un, np.einsum("ij,ij->i", us, us), ur)
        uw, uok = _w(us, un, uq)
        return cls(lo, cells, cu, ct, n, sums, within, w, ok, uq, uw, uok)


@dataclass
class _PairSums:
    """Σw, Σ‖w‖² and the count of usable w, per period and over all periods (users pooled)."""

    W_t: np.ndarray
    Q_t: np.ndarray
    n_t: np.ndarray
    W: np.ndarray
    Q: float = 0.0
    n: int = 0

    def add(self, b: _Block) -> None:
        T = len(self.Q_t)
        ct = b.period[b.ok]
        self.W_t += _sum_by(ct, b.w, T)
        self.Q_t += np.bincount(ct, np.einsum("ij,ij->i", b.w, b.w), T)
        self.n_t += np.bincount(ct, minlength=T)
        self.W += b.uw.sum(axis=0)
        self.Q += float(np.einsum("ij,ij->", b.uw, b.uw))
        self.n += int(b.uok.sum())

    def means(self) -> tuple[np.ndarray, float]:
        """The pair means (‖W‖² − Q)/(m(m − 1)) per period and over all periods."""
        per = pair_mean_from_sums(self.n_t, np.einsum("td,td->t", self.W_t, self.W_t), self.Q_t)
        return per, float(pair_mean_from_sums(self.n, self.W @ self.W, self.Q))


def feed_figures(X: np.ndarray, exp: Exposures, positions: np.ndarray, *, catalog_size: int | None = None,
                 block: int = USER_BLOCK, overlap_pairs: int = OVERLAP_PAIRS, seed: int = 0) -> FeedFigures:
    """Every figure of the module docstring for the exposures ``exp`` of the unit item vectors
    ``X``; ``positions`` places each period on the time axis (slopes are per unit of it);
    ``catalog_size``: the items that could have been shown (default: those in ``X``).
    Within-user similarity and novelty are on the raw cosine scale (the caller calibrates)."""
    X = np.asarray(X, dtype=np.float32)
    U, T = exp.n_users, exp.n_periods
    positions = np.asarray(positions, dtype=np.float64)
    order = np.argsort(exp.user, kind="stable")
    bounds = np.searchsorted(exp.user[order], np.arange(U + 1))

    def blocks() -> Iterator[_Block]:  # computed again for the second pass: memory stays one block's
        for lo, hi in _blocks(U, block):
            yield _Block.of(X, exp, order[bounds[lo]:bounds[hi]], lo, hi)

    user_within = np.full(U, np.nan)
    parts: list[Cells] = []
    sums = _PairSums(np.zeros((T, X.shape[1])), np.zeros(T), np.zeros(T, dtype=np.int64), np.zeros(X.shape[1]))
    for b in blocks():
        novelty = 1.0 - _earlier_cosines(b.cells, T, b.sums, b.n)
        parts.append(Cells(b.user + b.lo, b.period, b.n, b.within, novelty))
        sums.add(b)
        user_within[b.lo:b.lo + len(b.user_within)] = b.user_within
    cells = Cells(*(np.concatenate([getattr(c, f) for c in parts]) for f in ("user", "period", "n", "within", "novelty")))
    between_t, between = sums.means()
    jack_between, jack_t = np.full(U, between), np.tile(between_t, (U, 1))
    for b in blocks():  # each user's share of the pair sums: the jackknife over users
        ct = b.period[b.ok]
        jack_t[b.user[b.ok] + b.lo, ct] = _jackknife_pairs_t(
            sums.W_t, sums.Q_t, sums.n_t, ct, np.einsum("ij,ij->i", b.w, sums.W_t[ct]), np.einsum("ij,ij->i", b.w, b.w))
        jack_between[np.flatnonzero(b.uok) + b.lo] = _jackknife_pairs(
            sums.W, sums.Q, sums.n, b.uw @ sums.W, np.einsum("ij,ij->i", b.uw, b.uw))
    valid = np.isfinite(between_t)
    counts = _period_item_counts(exp, catalog_size)
    pos = positions[cells.period]
    return FeedFigures(
        n_users=U, n_exposures=len(exp.user), user_within=user_within,
        user_narrowing=_segment_slope(cells.user, pos, cells.within, U),
        user_novelty=_segment_mean(cells.user, cells.novelty, U),
        user_novelty_trend=_segment_slope(cells.user, pos, cells.novelty, U),
        between=between, between_jack=jack_between, convergence=_slope(positions[valid], between_t[valid]),
        convergence_jack=_row_slopes(positions[valid], jack_t[:, valid]),
        per_period=_per_period(exp, cells, between_t, counts, overlap_pairs, seed),
        coverage=coverage(counts.sum(axis=0)), gini=gini(counts.sum(axis=0)),
        overlap=mean_jaccard(item_sets(exp, None), overlap_pairs, seed))


def _per_period(exp: Exposures, cells: Cells, between_t: np.ndarray, counts: np.ndarray, overlap_pairs: int,
                seed: int) -> list[dict[str, Any]]:
    rows = []
    for t in range(exp.n_periods):
        here = cells.period == t
        rows.append({"n_users": int(here.sum()), "within_user": _nanmean(cells.within[here]),
                     "between_users": float(between_t[t]), "novelty": _nanmean(cells.novelty[here]),
                     "coverage": coverage(counts[t]), "gini": gini(counts[t]),
                     "overlap": mean_jaccard(item_sets(exp, exp.period == t), overlap_pairs, seed)})
    return rows


def _jackknife_pairs_t(W_t: np.ndarray, Q_t: np.ndarray, n_t: np.ndarray, t: np.ndarray, dots: np.ndarray,
                       own: np.ndarray) -> np.ndarray:
    """Each period's pair mean without one member (in period ``t``)."""
    total = np.einsum("td,td->t", W_t, W_t)[t]
    return pair_mean_from_sums(n_t[t] - 1, total - 2 * dots + own, Q_t[t] - own)


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


def _period_item_counts(exp: Exposures, catalog_size: int | None = None) -> np.ndarray:
    """Exposures per (period, item): a T × catalogue array (items never shown count 0)."""
    counts = np.bincount(exp.period * exp.n_items + exp.item,
                         minlength=exp.n_periods * exp.n_items).reshape(exp.n_periods, exp.n_items)
    unseen = max(0, (catalog_size or exp.n_items) - exp.n_items)
    return np.hstack([counts, np.zeros((exp.n_periods, unseen), dtype=counts.dtype)]) if unseen else counts
