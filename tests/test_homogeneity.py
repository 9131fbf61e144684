"""Homogeneity within strata and tests of spread: values against brute force, the permutation
test against planted signals and seeded nulls."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from auditor.metrics.two_sample import mmd_test, permanova
from auditor.metrics.homogeneity import (
    STATISTICS,
    Stratified,
    compare_conditions,
    kernel_matrix,
    pair_means,
    rarefied_duplicate_rates,
    summarise,
    vendi2_per_text,
)


def unit(M):
    return M / np.linalg.norm(M, axis=1, keepdims=True)


def test_weighted_pair_mean_equals_the_mean_over_pairs_of_distinct_texts_brute_force():
    rng = np.random.default_rng(1)
    K = rng.random((7, 7))
    K = (K + K.T) / 2
    np.fill_diagonal(K, 1.0)
    W = rng.integers(0, 3, size=(20, 7))
    got = pair_means(K, W)
    for w, g in zip(W, got):
        copies = np.repeat(np.arange(7), w)  # the resample, copies included
        pairs = [K[a, b] for x, a in enumerate(copies) for y, b in enumerate(copies) if x != y and a != b]
        assert (np.isnan(g) and not pairs) or g == pytest.approx(np.mean(pairs), abs=1e-12)


def test_vendi_of_order_two_per_text_equals_the_eigenvalue_definition():
    rng = np.random.default_rng(2)
    X = unit(rng.normal(size=(9, 5)))
    K = X @ X.T
    lam = np.linalg.eigvalsh(K / 9)
    by_eigenvalues = 1.0 / np.sum(lam ** 2) / 9
    mu2 = pair_means(K * K, np.ones((1, 9)))[0]
    assert vendi2_per_text(mu2, 9) == pytest.approx(by_eigenvalues, rel=1e-10)


def test_rarefied_near_duplicate_rate_is_the_mean_over_all_subsets_of_that_size():
    rng = np.random.default_rng(3)
    D = (rng.random((8, 8)) < 0.25).astype(float)
    D = np.maximum(D, D.T)
    np.fill_diagonal(D, 0)
    for m in (2, 3, 5):
        shares = []
        for subset in itertools.combinations(range(8), m):
            sub = D[np.ix_(subset, subset)]
            shares.append(np.mean(sub.max(axis=1) > 0))
        got = rarefied_duplicate_rates(D, np.ones((1, 8)), m)[0]
        assert got == pytest.approx(np.mean(shares), abs=1e-12)


def test_near_duplicate_rate_at_full_size_is_the_plain_share_with_a_near_duplicate():
    X = unit(np.array([[1, 0, 0], [1, 0.01, 0], [0, 1, 0], [0, 0, 1.0]]))
    D = kernel_matrix("near_duplicate", X, None, threshold=0.95)
    assert rarefied_duplicate_rates(D, np.ones((1, 4)), 4)[0] == pytest.approx(0.5)


def planted(seed: int, strata: int = 12, per_cell: int = 10, d: int = 32, tight: float = 1.0):
    """Strata with their own centre; condition b spreads ``tight`` times as far as a around it."""
    rng = np.random.default_rng(seed)
    X, cells, labels = [], [], []
    for s in range(strata):
        centre = rng.normal(size=d) * 1.2
        for label, scale in ((0, 1.0), (1, tight)):
            X.append(centre + scale * rng.normal(size=(per_cell, d)))
            cells += [label] * per_cell
            labels += [s] * per_cell
    return unit(np.vstack(X)), np.array(cells), np.array(labels)


def by_stratum(X, cells, strata, kernel="cosine"):
    rows = [np.flatnonzero(strata == s) for s in np.unique(strata)]
    return Stratified([kernel_matrix(kernel, X[r], None) for r in rows], [cells[r] for r in rows],
                      [str(s) for s in np.unique(strata)])


def test_planted_within_stratum_homogenization_is_detected_while_location_tests_see_nothing():
    X, cells, strata = planted(0, tight=0.7)
    diff = compare_conditions(STATISTICS["mean_pairwise_similarity"], by_stratum(X, cells, strata),
                              permutations=499, resamples=200)
    assert diff.difference > 0 and diff.p_value < 0.01
    assert diff.ci_low > 0
    vendi = compare_conditions(STATISTICS["vendi_per_text"], by_stratum(X, cells, strata, "cosine_squared"),
                               permutations=499, resamples=0)
    assert vendi.difference < 0 and vendi.p_value < 0.01
    # the location tests: both conditions sit around the same centres
    assert permanova(X, cells, permutations=199).p_value > 0.05
    assert mmd_test(X[cells == 0], X[cells == 1], permutations=199).p_value > 0.05


def test_labels_are_permuted_within_strata_so_an_unbalanced_design_is_no_evidence():
    # condition b is over-represented in the tightest strata, but within strata a and b are alike
    rng = np.random.default_rng(5)
    X, cells, strata = [], [], []
    for s, spread in enumerate([0.3, 0.3, 2.0, 2.0]):
        centre = rng.normal(size=16)
        n_b = 12 if spread < 1 else 3
        n_a = 15 - n_b
        X.append(centre + spread * rng.normal(size=(15, 16)))
        cells += [0] * n_a + [1] * n_b
        strata += [s] * 15
    X, cells, strata = unit(np.vstack(X)), np.array(cells), np.array(strata)
    stat = STATISTICS["mean_pairwise_similarity"]
    pooled = compare_conditions(stat, by_stratum(X, cells, np.zeros(len(cells))), permutations=199, resamples=0)
    within = compare_conditions(stat, by_stratum(X, cells, strata), permutations=199, resamples=0)
    assert pooled.p_value < 0.01  # the pooled test mistakes the design for homogenization
    assert within.p_value > 0.05


def test_summary_skips_and_counts_strata_with_fewer_than_two_texts():
    K = np.ones((1, 1))
    data = Stratified([np.array([[1, .5], [.5, 1]]), K, np.array([[1, .1], [.1, 1]])],
                      [np.zeros(2, int), np.zeros(1, int), np.zeros(2, int)], ["a", "b", "c"])
    s = summarise(STATISTICS["mean_pairwise_similarity"], data, resamples=50)
    assert s.n_strata == 2 and s.skipped == 1
    assert s.value == pytest.approx(0.3)
    assert s.per_stratum.tolist() == pytest.approx([0.5, 0.1])


def test_same_seed_gives_identical_numbers():
    X, cells, strata = planted(1)
    data = by_stratum(X, cells, strata)
    a = compare_conditions(STATISTICS["mean_pairwise_similarity"], data, permutations=99, resamples=50, seed=3)
    b = compare_conditions(STATISTICS["mean_pairwise_similarity"], data, permutations=99, resamples=50, seed=3)
    assert a == b


@pytest.mark.slow
@pytest.mark.parametrize("statistic,kernel", [("mean_pairwise_similarity", "cosine"),
                                              ("vendi_per_text", "cosine_squared")])
def test_false_positive_rate_on_seeded_nulls_is_within_binomial_error_of_five_percent(statistic, kernel):
    rejections = 0
    runs = 200
    for seed in range(runs):
        X, cells, strata = planted(1000 + seed, strata=6, per_cell=5, d=16, tight=1.0)
        p = compare_conditions(STATISTICS[statistic], by_stratum(X, cells, strata, kernel),
                               permutations=199, resamples=0, seed=seed).p_value
        rejections += p <= 0.05
    rate = rejections / runs
    # 5% ± 3 binomial standard errors (sd = sqrt(.05·.95/200) ≈ 0.0154)
    assert 0.05 - 3 * 0.0154 <= rate <= 0.05 + 3 * 0.0154, rate


def test_permdisp_f_is_the_one_way_anova_of_distances_to_group_centroids():
    from scipy.stats import f_oneway

    from auditor.metrics.two_sample import permdisp

    X, cells, _ = planted(2, strata=1, per_cell=30, tight=0.6)
    test = permdisp(X, cells, permutations=199)
    z = [np.linalg.norm(X[cells == g] - X[cells == g].mean(axis=0), axis=1) for g in (0, 1)]
    assert test.f == pytest.approx(f_oneway(*z).statistic, rel=1e-10)
    assert test.p_value < 0.01  # the tighter condition is found
    assert test.mean_distance["1"] < test.mean_distance["0"]


def test_stratified_permdisp_measures_spread_around_each_strata_centre():
    from auditor.metrics.two_sample import permdisp

    X, cells, strata = planted(3, tight=0.7)
    pooled = permdisp(X, cells, permutations=199)
    within = permdisp(X, cells, strata=strata, permutations=199)
    # pooled distances mix the strata's centres into the spread; within strata the signal is clean
    assert within.p_value < 0.01 and within.f > pooled.f


def test_strata_labels_of_the_wrong_length_or_kind_are_refused_before_any_work(hash_encoder):
    import auditor
    from auditor.errors import AuditorError

    with pytest.raises(AuditorError, match="stratum labels for"):
        auditor.audit(["a b", "c d", "e f"], embedder=hash_encoder, strata=["x", "y"])
    with pytest.raises(AuditorError, match="one label per text"):
        auditor.audit(["a b", "c d", "e f"], embedder=hash_encoder, strata="brief")
    assert hash_encoder.calls == []
