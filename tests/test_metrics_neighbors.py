"""Nearest-neighbour scan and near-duplicate detection against the full N×N matrix."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from auditor.metrics import near_duplicate_rate, neighbor_scan
from tests.conftest import unit_rows


def planted(n: int = 400, d: int = 24, seed: int = 0) -> np.ndarray:
    X = unit_rows(n, d, seed)
    rng = np.random.default_rng(seed)
    for i, j in [(3, 250), (10, 11), (399, 0), (120, 121)]:
        X[j] = X[i] + rng.normal(0, 0.02, d)
    X[7] = X[3]  # an exact duplicate of a duplicate: 3, 7 and 250 form a triangle
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def brute(X: np.ndarray, threshold: float):
    S = X @ X.T
    np.fill_diagonal(S, -np.inf)
    i, j = np.nonzero(np.triu(S >= threshold, 1))
    return S.max(1), S.argmax(1), set(zip(i.tolist(), j.tolist()))


@pytest.mark.parametrize("block", [7, 64, 4096])
def test_exact_scan_matches_full_matrix(block: int) -> None:
    X = planted()
    sim, idx, pairs = brute(X, 0.95)
    scan = neighbor_scan(X, 0.95, block=block)
    np.testing.assert_allclose(scan.similarity, sim, atol=1e-9)
    np.testing.assert_array_equal(scan.index, idx)
    assert {(i, j) for i, j, _ in scan.pairs} == pairs
    assert scan.pair_count == len(pairs)
    assert scan.exact


def test_near_duplicate_rate_counts_texts_with_a_close_neighbour() -> None:
    X = planted()
    scan = neighbor_scan(X, 0.95)
    sim, _, pairs = brute(X, 0.95)
    members = {i for pair in pairs for i in pair}
    assert near_duplicate_rate(scan.similarity, 0.95) == pytest.approx(len(members) / len(X))
    assert near_duplicate_rate(np.array([0.1, 0.96, 0.95, 0.2]), 0.95) == 0.5


def test_sampled_scan_searches_queries_against_every_row() -> None:
    X = planted()
    sim, idx, pairs = brute(X, 0.95)
    scan = neighbor_scan(X, 0.95, exact_limit=10, query_sample=150, seed=3, block=64)
    assert not scan.exact and len(scan.queries) == 150
    np.testing.assert_allclose(scan.similarity, sim[scan.queries], atol=1e-9)
    np.testing.assert_array_equal(scan.index, idx[scan.queries])
    q = set(scan.queries.tolist())
    expected = {(i, j) for i, j in pairs if i in q or j in q}
    assert {(i, j) for i, j, _ in scan.pairs} == expected


def test_pair_list_is_capped_to_the_most_similar_but_counts_all() -> None:
    x = unit_rows(1, 8)[0]
    X = np.tile(x, (30, 1))  # 435 identical pairs
    scan = neighbor_scan(X, 0.9, max_pairs=20, block=8)
    assert scan.pair_count == 30 * 29 // 2
    assert len(scan.pairs) == 20
    assert scan.pairs[0][:2] == (0, 1)


def test_torch_scan_equals_numpy_scan() -> None:
    X = planted().astype(np.float32)
    a = neighbor_scan(X, 0.95, block=100)
    b = neighbor_scan(torch.from_numpy(X), 0.95, block=100)
    np.testing.assert_allclose(a.similarity, b.similarity, atol=1e-6)
    assert [p[:2] for p in a.pairs] == [p[:2] for p in b.pairs]
