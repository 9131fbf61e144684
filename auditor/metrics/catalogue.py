"""What a catalogue's exposures look like, item by item: the share of the catalogue shown
(coverage), how concentrated the exposures are (Gini), and how much two users' item sets overlap
(Jaccard). Plain functions of counts and of a users × items matrix."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse

#: Pairs of users whose item sets are compared for the overlap (all of them when fewer).
OVERLAP_PAIRS = 20000


def item_sets(exp: Any, rows: np.ndarray | None) -> sparse.csr_matrix:
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
