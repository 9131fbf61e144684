"""Feed metrics (auditor.metrics.feed) against brute force: every pair, every user left out."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from auditor.metrics.catalogue import gini, item_sets, mean_jaccard
from auditor.metrics.feed import Exposures, feed_figures


def random_log(seed: int, n_users: int = 9, n_items: int = 25, n_periods: int = 4, d: int = 6):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_items, d)) + 1.5 * rng.normal(size=d)  # a common direction: q > 0
    X = (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32).astype(np.float64)
    rows = []
    for u in range(n_users):
        for t in range(n_periods):
            for _ in range(rng.integers(0, 5)):
                rows.append((u, rng.integers(n_items), t))
    rows.append((n_users - 1, 0, 0))  # every user appears at least once
    user, item, period = (np.array(c) for c in zip(*rows))
    return X, Exposures.of(user, item, period, n_items, n_periods)


def pair_mean(V: np.ndarray) -> float:
    n = len(V)
    return np.mean([V[i] @ V[j] for i in range(n) for j in range(n) if i != j]) if n >= 2 else np.nan


def brute_between(X, exp, rows_of):
    """Mean over pairs of users of μ̂a·μ̂b / √(qa qb), users with q > 0 (rows_of(u) -> exposure rows)."""
    w = {}
    for u in range(exp.n_users):
        V = X[exp.item[rows_of(u)]]
        q = pair_mean(V)
        if np.isfinite(q) and q > 1e-6:
            w[u] = V.mean(axis=0) / np.sqrt(q)
    pairs = [w[a] @ w[b] for a, b in itertools.permutations(w, 2)]
    return (np.mean(pairs) if pairs else np.nan), w


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("block", [2, 4096])
def test_feed_figures_equal_brute_force(seed: int, block: int) -> None:
    X, exp = random_log(seed)
    positions = np.array([0.0, 1.0, 2.5, 3.0])
    fig = feed_figures(X, exp, positions, block=block)
    U, T = exp.n_users, exp.n_periods
    for u in range(U):
        rows = np.flatnonzero(exp.user == u)
        assert fig.user_within[u] == pytest.approx(pair_mean(X[exp.item[rows]]), nan_ok=True, abs=1e-9)
        per_t = [pair_mean(X[exp.item[rows[exp.period[rows] == t]]]) for t in range(T)]
        ts = [positions[t] for t in range(T) if np.isfinite(per_t[t])]
        ys = [y for y in per_t if np.isfinite(y)]
        want = np.polyfit(ts, ys, 1)[0] if len(set(ts)) >= 2 else np.nan
        assert fig.user_narrowing[u] == pytest.approx(want, nan_ok=True, abs=1e-9)
        novelty = []
        for t in range(T):
            now, before = rows[exp.period[rows] == t], rows[exp.period[rows] < t]
            if len(now) and len(before):
                novelty.append((t, np.mean(1 - X[exp.item[now]] @ X[exp.item[before]].T)))
        want = np.mean([v for _, v in novelty]) if novelty else np.nan
        assert fig.user_novelty[u] == pytest.approx(want, nan_ok=True, abs=1e-9)
    between, _ = brute_between(X, exp, lambda u: np.flatnonzero(exp.user == u))
    assert fig.between == pytest.approx(between, abs=1e-9)
    per_period = []
    for t in range(T):
        b, _ = brute_between(X, exp, lambda u: np.flatnonzero((exp.user == u) & (exp.period == t)))
        per_period.append(b)
        assert fig.per_period[t]["between_users"] == pytest.approx(b, nan_ok=True, abs=1e-9)
        cells = [pair_mean(X[exp.item[(exp.user == u) & (exp.period == t)]]) for u in range(U)]
        assert fig.per_period[t]["within_user"] == pytest.approx(np.nanmean(cells), abs=1e-9)
    ok = np.isfinite(per_period)
    assert fig.convergence == pytest.approx(np.polyfit(positions[ok], np.array(per_period)[ok], 1)[0], abs=1e-9)


def test_jackknife_values_leave_each_user_out() -> None:
    X, exp = random_log(7)
    positions = np.arange(4.0)
    fig = feed_figures(X, exp, positions)
    for u in range(exp.n_users):
        rest = np.flatnonzero(exp.user != u)
        sub = exp.subset(rest)
        other = feed_figures(X, sub, positions)
        assert fig.between_jack[u] == pytest.approx(other.between, abs=1e-9)
        assert fig.convergence_jack[u] == pytest.approx(other.convergence, abs=1e-9, nan_ok=True)


def test_gini_and_coverage_by_hand() -> None:
    assert gini(np.array([5, 5, 5])) == 0.0
    counts = np.array([0, 1, 2, 3, 4])
    brute = np.abs(counts[:, None] - counts[None, :]).sum() / (2 * len(counts) ** 2 * counts.mean())
    assert gini(counts) == pytest.approx(brute)


def test_mean_jaccard_over_all_pairs_and_sampled_pairs() -> None:
    rng = np.random.default_rng(3)
    sets = [set(rng.choice(30, size=rng.integers(1, 10), replace=False).tolist()) for _ in range(40)]
    user = np.array([u for u, s in enumerate(sets) for _ in s])
    item = np.array([i for s in sets for i in s])
    M = item_sets(Exposures.of(user, item, None, 30), None)
    brute = np.mean([len(a & b) / len(a | b) for a, b in itertools.combinations(sets, 2)])
    assert mean_jaccard(M) == pytest.approx(brute)
    sampled = mean_jaccard(M, max_pairs=200, seed=1)
    assert abs(sampled - brute) < 0.05 and sampled != brute


def test_within_user_similarity_and_coverage_agree_with_rexmex() -> None:
    """rexmex's intra_list_similarity (mean over lists of the mean cosine over pairs) is the raw
    within-user similarity averaged over users; its item_coverage is the catalogue coverage."""
    ranking = pytest.importorskip("rexmex.metrics.ranking")
    coverage_module = pytest.importorskip("rexmex.metrics.coverage")
    rng = np.random.default_rng(11)
    n_items, d = 40, 12
    X = rng.normal(size=(n_items, d)) + rng.normal(size=d)
    X = (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32).astype(np.float64)
    lists = [list(rng.choice(30, size=rng.integers(2, 9), replace=False)) for _ in range(25)]  # items 30-39 never shown
    user = np.array([u for u, items in enumerate(lists) for _ in items])
    item = np.array([i for items in lists for i in items])
    fig = feed_figures(X, Exposures.of(user, item, None, n_items), np.zeros(1))
    assert np.nanmean(fig.user_within) == pytest.approx(ranking.intra_list_similarity(lists, X), abs=1e-6)  # float32 sums
    reference = coverage_module.item_coverage((list(range(25)), list(range(n_items))), list(zip(user, item)))
    assert round(fig.coverage, 3) == reference and fig.coverage <= 0.75
