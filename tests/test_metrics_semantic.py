"""Semantic metrics against brute-force N×N computations on random data."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from auditor.metrics import (
    EmbeddingStats,
    dispersion,
    effective_rank,
    embedding_stats,
    mean_pairwise_similarity,
    similarity_spectrum,
    typicality,
    vendi_score,
)
from tests.conftest import unit_rows


def brute_mps(X: np.ndarray) -> float:
    K = X @ X.T
    n = len(X)
    return float((K.sum() - np.trace(K)) / (n * (n - 1)))


def brute_vendi(X: np.ndarray, q: float) -> float:
    """Friedman & Dieng's definition on the N×N kernel."""
    K = X @ X.T
    lam = np.linalg.eigvalsh(K / len(X))
    lam = lam[lam > 1e-12]
    if q == 1:
        return float(np.exp(-np.sum(lam * np.log(lam))))
    if np.isinf(q):
        return float(1 / lam.max())
    return float(np.sum(lam ** q) ** (1 / (1 - q)))


@pytest.mark.parametrize("n,d,seed", [(50, 8, 0), (200, 32, 1), (37, 100, 2)])
def test_mean_pairwise_similarity_matches_brute_force(n: int, d: int, seed: int) -> None:
    X = unit_rows(n, d, seed) + 0.0
    X = X + 0.3  # a common offset, so the mean similarity is far from zero
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    assert mean_pairwise_similarity(X) == pytest.approx(brute_mps(X), abs=1e-6)


@pytest.mark.parametrize("q", [1, 2, np.inf, 0.5])
@pytest.mark.parametrize("n,d", [(60, 10), (20, 50)])
def test_vendi_score_via_dual_matches_n_by_n_kernel(q: float, n: int, d: int) -> None:
    X = unit_rows(n, d, seed=n + d)
    assert vendi_score(X, q) == pytest.approx(brute_vendi(X, q), abs=1e-6)


def test_vendi_score_of_identical_texts_is_one() -> None:
    x = unit_rows(1, 16)[0]
    X = np.tile(x, (40, 1))
    for q in (1, 2, np.inf):
        assert vendi_score(X, q) == pytest.approx(1.0, abs=1e-9)
    assert mean_pairwise_similarity(X) == pytest.approx(1.0, abs=1e-12)


def test_vendi_score_of_orthogonal_vectors_is_n() -> None:
    X = np.eye(12)[:9]
    for q in (1, 2, np.inf):
        assert vendi_score(X, q) == pytest.approx(9.0, abs=1e-9)
    assert mean_pairwise_similarity(X) == pytest.approx(0.0, abs=1e-12)


def test_vendi_score_orders_are_ordered() -> None:
    X = unit_rows(100, 20, seed=5)
    v1, v2, vinf = (vendi_score(X, q) for q in (1, 2, np.inf))
    assert v1 >= v2 >= vinf


def test_vendi_rejects_negative_order() -> None:
    with pytest.raises(ValueError, match="q must be"):
        vendi_score(unit_rows(5, 3), -1)


def test_effective_rank_matches_covariance_participation_ratio() -> None:
    X = unit_rows(150, 12, seed=3)
    C = np.cov(X.T, bias=True)
    mu = np.linalg.eigvalsh(C)
    assert effective_rank(X) == pytest.approx(mu.sum() ** 2 / np.sum(mu ** 2), abs=1e-6)
    # uncentred, it is the order-2 Vendi score
    assert effective_rank(X, centred=False) == pytest.approx(vendi_score(X, 2), abs=1e-9)


def test_effective_rank_of_points_on_one_line_is_one() -> None:
    a, b = np.eye(5)[0], np.eye(5)[1]
    t = np.linspace(0, 1, 30)[:, None]
    X = (1 - t) * a + t * b
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    # on an arc of a circle: two directions at most
    assert 1.0 <= effective_rank(X) <= 2.0


def test_typicality_is_cosine_to_mean_direction() -> None:
    X = unit_rows(80, 6, seed=9)
    c = X.mean(axis=0)
    expected = (X @ c) / np.linalg.norm(c)
    np.testing.assert_allclose(typicality(X), expected, atol=1e-9)
    # one formula, from the additive state: mean(1 − cos(xᵢ, ĉ)) = 1 − ‖c‖ for unit rows
    assert dispersion(X) == pytest.approx(np.mean(1 - expected), abs=1e-9)
    assert dispersion(embedding_stats(X)) == dispersion(X)


def test_stats_are_additive_across_partitions() -> None:
    X = unit_rows(300, 16, seed=11)
    merged = embedding_stats(X[:120]) + embedding_stats(X[120:])
    whole = embedding_stats(X)
    assert merged.n == whole.n
    np.testing.assert_allclose(merged.gram, whole.gram, atol=1e-10)
    assert mean_pairwise_similarity(merged) == pytest.approx(mean_pairwise_similarity(X), abs=1e-12)
    assert vendi_score(merged) == pytest.approx(vendi_score(X), abs=1e-9)


def test_blocked_stats_equal_unblocked() -> None:
    X = unit_rows(257, 8, seed=4)
    a = embedding_stats(X, block_rows=32)
    b = embedding_stats(X, block_rows=10_000)
    np.testing.assert_allclose(a.gram, b.gram, atol=1e-12)
    np.testing.assert_allclose(a.total, b.total, atol=1e-12)


def test_torch_and_numpy_give_the_same_numbers() -> None:
    X = unit_rows(120, 24, seed=8, dtype=np.float32)
    T = torch.from_numpy(X)
    assert mean_pairwise_similarity(T) == pytest.approx(mean_pairwise_similarity(X), abs=1e-6)
    assert vendi_score(T) == pytest.approx(vendi_score(X), abs=1e-6)
    np.testing.assert_allclose(typicality(T), typicality(X), atol=1e-6)


def test_metrics_reject_non_unit_rows() -> None:
    with pytest.raises(ValueError, match="unit-normalized"):
        mean_pairwise_similarity(np.full((4, 3), 2.0))


def test_metrics_reject_fewer_than_two_rows() -> None:
    with pytest.raises(ValueError, match="at least 2 rows"):
        vendi_score(np.ones((1, 3)) / np.sqrt(3))


def test_spectrum_sums_to_one_for_unit_rows() -> None:
    X = unit_rows(50, 10, seed=1)
    assert similarity_spectrum(X).sum() == pytest.approx(1.0, abs=1e-9)
    assert isinstance(embedding_stats(X), EmbeddingStats)
