"""Nearest-neighbour similarity and near-duplicate detection by blocked matrix products.

Memory stays O(block²) whatever N: the N×N similarity matrix is never formed. For large corpora
a seeded sample of query rows is searched against every row (an unbiased estimate of the
near-duplicate rate; the pairs found are those that touch a sampled row).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from auditor.metrics.arrays import check_embeddings, namespace, to_numpy

if TYPE_CHECKING:
    from auditor.metrics.near_duplicates import NearDuplicateRule

DEFAULT_THRESHOLD = 0.95
DEFAULT_BLOCK = 4096
#: Above this many rows, only a sample of query rows is searched (see :func:`neighbor_scan`).
EXACT_LIMIT = 20_000
DEFAULT_QUERY_SAMPLE = 2_000
#: A row's closest this many neighbours above its cut are tried as its near-duplicates.
MAX_CANDIDATES = 10


@dataclass
class NeighborScan:
    """Result of a nearest-neighbour scan.

    ``queries``: indices of the rows searched (all rows when exact); ``similarity`` and ``index``:
    each query's nearest other row and its cosine; ``pairs``: (i, j, cosine) with cosine ≥
    ``threshold``, i < j when both are queries, at most ``max_pairs`` of the highest;
    ``pair_count``: how many such pairs exist among those searched.
    """

    queries: np.ndarray
    similarity: np.ndarray
    index: np.ndarray
    pairs: list[tuple[int, int, float]]
    pair_count: int
    threshold: float
    exact: bool
    #: With a rule (:func:`near_duplicate_scan`): whether each query has a near-duplicate, its
    #: closest one (−1: none) and their cosine, and each row's near-duplicates (row → [(j, cos)],
    #: closest first, ties toward the lower j).
    duplicate: np.ndarray | None = None
    twin: np.ndarray | None = None
    twin_similarity: np.ndarray | None = None
    partners: dict[int, list[tuple[int, float]]] | None = None
    #: Whether ``pairs`` are all the near-duplicate pairs (an exact search, no row's candidates cut).
    pairs_complete: bool = True


class _PairCollector:
    """Keeps the ``limit`` most similar pairs seen, and counts all of them."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0
        self.chunks: list[np.ndarray] = []
        self.size = 0

    def add(self, rows: np.ndarray, cols: np.ndarray, sims: np.ndarray) -> None:
        self.count += len(sims)
        if not len(sims) or self.limit <= 0:
            return
        self.chunks.append(np.stack([rows.astype(np.float64), cols.astype(np.float64), sims], axis=1))
        self.size += len(sims)
        if self.size > 4 * self.limit:
            self._trim()

    def _trim(self) -> None:
        allp = np.concatenate(self.chunks)
        order = np.lexsort((allp[:, 1], allp[:, 0], -allp[:, 2]))[: self.limit]
        self.chunks, self.size = [allp[order]], len(order)

    def result(self) -> list[tuple[int, int, float]]:
        if not self.chunks:
            return []
        self._trim()
        return [(int(i), int(j), float(s)) for i, j, s in self.chunks[0]]


def _update(best: np.ndarray, best_idx: np.ndarray, sims: Any, xp: Any, offset: int, axis: int,
            target: slice) -> None:
    vals = to_numpy(xp.max(sims, axis=axis)).astype(np.float64)
    idx = to_numpy(xp.argmax(sims, axis=axis)) + offset
    cur = best[target]
    better = vals > cur
    cur[better] = vals[better]
    best_idx[target][better] = idx[better]


def neighbor_scan(
    X: Any,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    queries: np.ndarray | None = None,
    exact_limit: int = EXACT_LIMIT,
    query_sample: int = DEFAULT_QUERY_SAMPLE,
    seed: int = 0,
    max_pairs: int = 1000,
    block: int = DEFAULT_BLOCK,
) -> NeighborScan:
    """Each query row's nearest other row (cosine = dot product of unit rows) and the pairs at or
    above ``threshold``.

    Exact over all rows when N ≤ ``exact_limit`` (the upper triangle only, block by block);
    otherwise ``query_sample`` rows drawn with ``seed`` (or the given ``queries``) are searched
    against all N rows. Self-matches are excluded; ties break toward the lower index.

    >>> import numpy as np
    >>> scan = neighbor_scan(np.array([[1.0, 0], [1, 0], [0, 1]]), 0.95)
    >>> scan.similarity.tolist(), scan.pairs
    ([1.0, 1.0, 0.0], [(0, 1, 1.0)])
    """
    n, _ = check_embeddings(X)
    if queries is None and n <= exact_limit:
        return _exact_scan(X, n, threshold, max_pairs, block)
    if queries is None:
        rng = np.random.default_rng(seed)
        queries = np.sort(rng.choice(n, size=min(query_sample, n), replace=False))
    return _sampled_scan(X, n, threshold, np.asarray(queries, dtype=np.int64), max_pairs, block)


def _exact_scan(X: Any, n: int, threshold: float, max_pairs: int, block: int) -> NeighborScan:
    """Every row's nearest other row, over the upper triangle only, block by block."""
    xp = namespace(X)
    collector = _PairCollector(max_pairs)
    best = np.full(n, -np.inf)
    best_idx = np.zeros(n, dtype=np.int64)
    for i0 in range(0, n, block):
        qi = X[i0:i0 + block]
        for j0 in range(i0, n, block):
            sims = qi @ X[j0:j0 + block].T
            if j0 == i0:
                k = sims.shape[0]
                diag = np.arange(k)
                sims[diag, diag] = -np.inf
            _update(best, best_idx, sims, xp, j0, 1, slice(i0, i0 + sims.shape[0]))
            if j0 != i0:
                _update(best, best_idx, sims, xp, i0, 0, slice(j0, j0 + sims.shape[1]))
            r, c = (to_numpy(a) for a in xp.nonzero(sims >= threshold))
            if j0 == i0:
                keep = r < c
                r, c = r[keep], c[keep]
            if len(r):
                vals = to_numpy(sims[r, c])
                collector.add(r + i0, c + j0, vals.astype(np.float64))
    return NeighborScan(np.arange(n), best, best_idx, collector.result(), collector.count,
                        threshold, True)


def _sampled_scan(X: Any, n: int, threshold: float, queries: np.ndarray, max_pairs: int, block: int) -> NeighborScan:
    """The nearest other row of each of ``queries``, searched against all rows."""
    xp = namespace(X)
    collector = _PairCollector(max_pairs)
    query_set = np.zeros(n, dtype=bool)
    query_set[queries] = True
    best = np.full(len(queries), -np.inf)
    best_idx = np.zeros(len(queries), dtype=np.int64)
    qblock = max(1, min(block, 1024))
    cblock = 16384
    for q0 in range(0, len(queries), qblock):
        qidx = queries[q0:q0 + qblock]
        qx = X[qidx]
        for c0 in range(0, n, cblock):
            sims = qx @ X[c0:c0 + cblock].T
            inside = np.flatnonzero((qidx >= c0) & (qidx < c0 + cblock))
            if len(inside):
                sims[inside, qidx[inside] - c0] = -np.inf
            _update(best, best_idx, sims, xp, c0, 1, slice(q0, q0 + len(qidx)))
            r, c = (to_numpy(a) for a in xp.nonzero(sims >= threshold))
            if len(r):
                gi, gj = qidx[r], c + c0
                # a pair of two sampled rows is seen from both sides: keep it once
                keep = ~query_set[gj] | (gi < gj)
                r, c, gi, gj = r[keep], c[keep], gi[keep], gj[keep]
                vals = to_numpy(sims[r, c])
                collector.add(np.minimum(gi, gj), np.maximum(gi, gj), vals.astype(np.float64))
    return NeighborScan(queries, best, best_idx, collector.result(), collector.count, threshold, False)


def near_duplicate_scan(X: Any, rule: "NearDuplicateRule", *, queries: np.ndarray | None = None,
                        exact_limit: int = EXACT_LIMIT, query_sample: int = DEFAULT_QUERY_SAMPLE, seed: int = 0,
                        max_pairs: int = 1000, block: int = DEFAULT_BLOCK,
                        max_candidates: int = MAX_CANDIDATES) -> NeighborScan:
    """:func:`neighbor_scan`, then each query's near-duplicates under ``rule``
    (:mod:`auditor.metrics.near_duplicates`): the closest ``max_candidates`` rows above the row's
    cut, decided closest first. ``pairs`` are then the near-duplicate pairs (``exact`` False when a
    row had more candidates than were tried, or only a sample was searched: ``pairs_complete`` False)."""
    cuts = rule.cuts()
    scan = neighbor_scan(X, float(cuts.min()), queries=queries, exact_limit=exact_limit,
                         query_sample=query_sample, seed=seed, max_pairs=0, block=block)
    q = scan.queries
    twin = np.full(len(q), -1, dtype=np.int64)
    twin_sim = np.full(len(q), np.nan)
    partners: dict[int, dict[int, float]] = {}
    hit = np.flatnonzero(scan.similarity >= cuts[q])
    complete = scan.exact
    for start in range(0, len(hit), 256):
        local = hit[start:start + 256]
        for row, (cand, cs) in zip(local, _top_candidates(X, q[local], max_candidates, block, float(cuts.min()))):
            i = int(q[row])
            keep = cs >= np.minimum(cuts[i], cuts[cand])
            cand, cs = cand[keep], cs[keep]
            complete = complete and len(cand) < max_candidates
            found = rule.decide(np.full(len(cand), i), cand, cs)
            for j, c in zip(cand[found], cs[found]):
                partners.setdefault(i, {})[int(j)] = float(c)
                partners.setdefault(int(j), {})[i] = float(c)
            if found.any():
                twin[row], twin_sim[row] = int(cand[found][0]), float(cs[found][0])
    pairs = sorted({(min(i, j), max(i, j), c) for i, ps in partners.items() for j, c in ps.items()},
                   key=lambda p: (-p[2], p[0], p[1]))
    listed = {i: sorted(ps.items(), key=lambda p: (-p[1], p[0])) for i, ps in partners.items()}
    return NeighborScan(q, scan.similarity, scan.index, pairs[:max_pairs], len(pairs), float(cuts.min()), scan.exact,
                        twin >= 0, twin, twin_sim, listed, complete)


def _top_candidates(X: Any, rows: np.ndarray, m: int, block: int,
                    floor: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each of ``rows``' ``m`` closest other rows with cosine ≥ ``floor``: (indices, cosines),
    closest first, ties toward the lower index. A row with more than ``m`` rows above the floor
    in a block keeps its ``m`` closest there by partial sort; the others keep every hit (most rows
    have none: no sort over all N)."""
    xp = namespace(X)
    n = X.shape[0]
    qx = X[rows] if isinstance(X, np.ndarray) else X[xp.asarray(rows, device=X.device)]
    step = max(block, 4096)
    floor = np.float64(floor)  # compared in float64, whatever the vectors' precision
    found_r, found_c, found_s = [], [], []
    for c0 in range(0, n, step):
        sims = to_numpy(qx @ X[c0:c0 + step].T)
        inside = np.flatnonzero((rows >= c0) & (rows < c0 + sims.shape[1]))
        sims[inside, rows[inside] - c0] = -np.inf
        above = sims >= floor
        k = min(m, sims.shape[1])
        many = above.sum(axis=1) > k
        r, c = np.nonzero(above & ~many[:, None])
        if many.any():
            heavy = np.flatnonzero(many)
            part = np.argpartition(-sims[heavy], k - 1, axis=1)[:, :k]
            r, c = np.concatenate([r, np.repeat(heavy, k)]), np.concatenate([c, part.ravel()])
        found_r.append(r)
        found_c.append(c + c0)
        found_s.append(sims[r, c].astype(np.float64))
    r, c, s = (np.concatenate(a) for a in (found_r, found_c, found_s))
    order = np.lexsort((c, -s, r))  # by row, closest first, then the lower index
    r, c, s = r[order], c[order], s[order]
    starts = np.searchsorted(r, np.arange(len(rows) + 1))
    return [(c[a:min(b, a + m)], s[a:min(b, a + m)]) for a, b in zip(starts[:-1], starts[1:])]


def near_duplicate_rate(nn_similarity: np.ndarray, threshold: float = DEFAULT_THRESHOLD) -> float:
    """Share of texts whose nearest neighbour has cosine ≥ ``threshold``:
    (1/N)·Σᵢ 1[maxⱼ≠ᵢ cos(xᵢ, xⱼ) ≥ threshold].

    >>> import numpy as np
    >>> near_duplicate_rate(np.array([0.99, 0.5, 0.97]), 0.95)
    0.6666666666666666
    """
    s = np.asarray(nn_similarity, dtype=np.float64)
    if s.size == 0:
        raise ValueError("nn_similarity is empty")
    return float(np.mean(s >= threshold))
