"""Comparison metrics against hand-computed cases and brute-force reference formulas."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

from auditor.metrics.two_sample import (
    auc_score,
    centroid_distance,
    centroid_distance_interval,
    centroid_similarity_matrix,
    classifier_auc,
    mmd2_unbiased,
    mmd_test,
    permanova,
    pseudo_f,
)
from auditor.metrics.convergence import reference_pull
from auditor.metrics.stats import ols_slope, ols_slope_interval, wilson_interval
from auditor.metrics.uncertainty import IntervalSettings

from conftest import unit_rows


def _unit(M: np.ndarray) -> np.ndarray:
    return M / np.linalg.norm(M, axis=1, keepdims=True)


def _shifted(n: int, d: int, shift: float, seed: int) -> np.ndarray:
    X = np.random.default_rng(seed).standard_normal((n, d))
    X[:, 0] += shift
    return _unit(X)


def test_centroid_distance_of_orthogonal_and_identical_groups() -> None:
    assert centroid_distance(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])) == pytest.approx(1.0)
    A = unit_rows(10, 8, seed=1)
    assert centroid_distance(A, A) == pytest.approx(0.0, abs=1e-12)
    # hand case: centroids (1, 1)/2 and (1, 0) → cos 45° → 1 − √½
    A = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert centroid_distance(A, np.array([[1.0, 0.0]])) == pytest.approx(1 - np.sqrt(0.5))


def test_centroid_distance_interval_contains_the_estimate_and_shrinks_with_more_texts() -> None:
    s = IntervalSettings(100, 0, 0.95)
    small = centroid_distance_interval(_shifted(40, 16, 1, 0), _shifted(40, 16, 0, 1), s)
    large = centroid_distance_interval(_shifted(400, 16, 1, 0), _shifted(400, 16, 0, 1), s)
    for est, lo, hi in (small, large):
        assert lo <= est <= hi
    assert large[2] - large[1] < small[2] - small[1]


def test_similarity_matrix_is_symmetric_with_unit_diagonal() -> None:
    X = unit_rows(30, 8, seed=2)
    labels = np.repeat(["a", "b", "c"], 10)
    S = centroid_similarity_matrix(X, labels, ["a", "b", "c"])
    assert np.allclose(S, S.T) and np.allclose(np.diag(S), 1.0)
    ca, cb = X[:10].mean(0), X[10:20].mean(0)
    assert S[0, 1] == pytest.approx(ca @ cb / np.linalg.norm(ca) / np.linalg.norm(cb))


def test_auc_matches_sklearn_including_ties() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    scores = np.round(rng.standard_normal(300) + y, 1)  # many ties
    assert auc_score(y, scores) == pytest.approx(roc_auc_score(y, scores), abs=1e-12)


def test_classifier_auc_is_high_for_separable_groups_and_near_half_for_identical_ones() -> None:
    s = IntervalSettings(100, 0, 0.95)
    A, B = _shifted(100, 16, 3.0, 0), _shifted(100, 16, 0.0, 1)
    sep = classifier_auc(np.concatenate([A, B]), np.r_[np.ones(100), np.zeros(100)], settings=s)
    assert sep.auc > 0.95 and sep.ci_low > 0.9
    A, B = _shifted(100, 16, 0.0, 2), _shifted(100, 16, 0.0, 3)
    same = classifier_auc(np.concatenate([A, B]), np.r_[np.ones(100), np.zeros(100)], settings=s)
    assert same.ci_low <= 0.5 <= same.ci_high + 0.05
    assert same.auc < 0.65


def _mmd2_loops(A: np.ndarray, B: np.ndarray, sigma: float) -> float:
    k = lambda x, y: np.exp(-np.sum((x - y) ** 2) / (2 * sigma ** 2))  # noqa: E731
    m, n = len(A), len(B)
    xx = sum(k(A[i], A[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(B[i], B[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(A[i], B[j]) for i in range(m) for j in range(n)) / (m * n)
    return xx + yy - 2 * xy


def test_mmd2_unbiased_equals_the_double_sum_formula() -> None:
    A, B = unit_rows(12, 5, seed=3), _shifted(9, 5, 1.0, 4)
    assert mmd2_unbiased(A, B, 0.8) == pytest.approx(_mmd2_loops(A, B, 0.8), rel=1e-10)


def test_mmd_test_rejects_shifted_samples_and_not_identically_distributed_ones() -> None:
    shifted = mmd_test(_shifted(150, 16, 0.8, 0), _shifted(150, 16, 0.0, 1), permutations=199, seed=0)
    assert shifted.p_value == pytest.approx(1 / 200)
    same = mmd_test(_shifted(150, 16, 0.0, 2), _shifted(150, 16, 0.0, 3), permutations=199, seed=0)
    assert same.p_value > 0.05
    assert abs(same.mmd2) < shifted.mmd2 / 5
    assert (same.permutations, same.seed, same.n_a) == (199, 0, 150)


def test_mmd_permutation_p_values_are_roughly_uniform_under_the_null() -> None:
    ps = [mmd_test(_shifted(30, 8, 0, 2 * s), _shifted(30, 8, 0, 2 * s + 1), permutations=99, seed=s).p_value
          for s in range(40)]
    assert 0.01 <= np.mean(np.array(ps) <= 0.1) <= 0.25  # nominal 0.10


def _pseudo_f_from_distances(X: np.ndarray, labels: np.ndarray) -> float:
    """Anderson (2001) from the distance matrix, independently of the O(Nd) shortcut."""
    D2 = np.array([[np.sum((x - y) ** 2) for y in X] for x in X])
    n = len(X)
    names = np.unique(labels)
    ss_t = np.triu(D2, 1).sum() / n
    ss_w = sum(np.triu(D2[np.ix_(labels == g, labels == g)], 1).sum() / (labels == g).sum() for g in names)
    a = len(names)
    return ((ss_t - ss_w) / (a - 1)) / (ss_w / (n - a))


def test_pseudo_f_equals_andersons_distance_formula() -> None:
    X = unit_rows(25, 6, seed=5)
    labels = np.array(list("aaaaaaaabbbbbbbbbcccccccc"))
    assert pseudo_f(X, labels) == pytest.approx(_pseudo_f_from_distances(X, labels), rel=1e-10)


def test_permanova_separates_shifted_groups_and_not_random_labels() -> None:
    X = np.concatenate([_shifted(60, 12, s, i) for i, s in enumerate((0.0, 0.7, 1.4))])
    labels = np.repeat(["a", "b", "c"], 60)
    sep = permanova(X, labels, permutations=199, seed=0)
    assert sep.p_value == pytest.approx(1 / 200) and 0 < sep.r_squared < 1
    null = permanova(unit_rows(180, 12, seed=9), labels, permutations=199, seed=0)
    assert null.p_value > 0.05 and null.pseudo_f < sep.pseudo_f / 5


def test_ols_slope_interval_matches_scipy_linregress() -> None:
    t = np.arange(8, dtype=float)
    y = 0.3 * t + np.random.default_rng(0).standard_normal(8)
    fit = stats.linregress(t, y)
    lo, hi = ols_slope_interval(t, y, 0.95)
    q = stats.t.ppf(0.975, 6)
    assert ols_slope(t, y) == pytest.approx(fit.slope)
    assert (lo, hi) == pytest.approx((fit.slope - q * fit.stderr, fit.slope + q * fit.stderr))


def test_wilson_interval_of_five_out_of_ten() -> None:
    assert wilson_interval(5, 10, 0.95) == pytest.approx((0.2366, 0.7634), abs=1e-4)


def test_reference_pull_counts_texts_closer_to_the_reference() -> None:
    X = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    # reference along y, own voice along x: the 2nd and 3rd texts are closer to the reference
    assert reference_pull(X, np.array([1.0, 0.0]), np.array([0.0, 2.0])) == pytest.approx(2 / 3)


def test_a_rate_of_zero_gets_a_wilson_interval_not_a_zero_width_one() -> None:
    from auditor.metrics.suite import semantic_suite
    from tests.conftest import unit_rows

    v = semantic_suite(unit_rows(40, 64, seed=1), intervals=IntervalSettings(50, 0)).values["near_duplicate_rate"]
    z2 = 1.959963984540054 ** 2
    assert v["value"] == 0.0 and v["ci_method"] == "wilson"
    assert v["ci_low"] == 0.0 and v["ci_high"] == pytest.approx(z2 / (40 + z2))  # Wilson's upper bound at 0/n


def test_an_auc_interval_below_chance_is_flagged(monkeypatch) -> None:
    import auditor.audit.sections.comparison as section
    from auditor.metrics.two_sample import ClassifierAUC

    monkeypatch.setattr(section, "classifier_auc", lambda *a, **k: ClassifierAUC(0.41, 0.37, 0.46, 40, 40, 5))
    X = np.random.default_rng(0).standard_normal((80, 8))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    out = section.comparison(X, np.array(["a", "b"] * 40), seed=0, intervals=IntervalSettings(20, 0), permutations=99)
    assert out["distinctiveness"]["a"]["classifier_auc"]["note"].startswith("below chance")
