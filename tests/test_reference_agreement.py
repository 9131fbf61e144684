"""Our metrics against the published reference implementations, on the same inputs.

Equal to 1e-6 where the reference is right (after its own rounding to 3 decimals, where it
rounds); where it is wrong, the test pins our correct value and says why.
"""

from __future__ import annotations

import gzip
import math

import numpy as np
import pytest

from auditor.metrics import mean_pairwise_similarity, vendi_score
from auditor.metrics.lexical import (
    compression_ratio,
    homogenization_rouge_l,
    ngram_diversity,
    self_repetition,
)
from tests.conftest import unit_rows
from tests.reference import diversity_module, vendi_module

CORPUS = [
    "elevate your everyday with the jacket designed for the modern lifestyle",
    "elevate your everyday with the kettle designed for those who expect more",
    "rain on the fell and wool on the back all the way down the glen",
    "pancakes flipped by small hands on a loud sunday morning",
    "a steel frame for the cobbles of the city and a bell that rings",
    "designed for the modern lifestyle it delivers exceptional quality you can feel",
    "steep the tea at the window while the tide goes out over the marsh",
    "unlock a new level of comfort with the jacket designed with you in mind",
]
DISJOINT = ["alpha beta gamma", "delta epsilon zeta", "eta theta iota", "kappa lambda mu"]


def rounded(x: float) -> float:
    return round(x, 3)


def test_ngram_diversity_matches_reference() -> None:
    ref = diversity_module("ngram_diversity")
    for corpus in (CORPUS, DISJOINT, CORPUS[:2] * 3):
        assert rounded(ngram_diversity(corpus)) == pytest.approx(ref.ngram_diversity_score(corpus, 4), abs=1e-6)


def test_self_repetition_matches_reference() -> None:
    ref = diversity_module("self_repetition")
    for corpus in (CORPUS, DISJOINT, CORPUS[:3] * 2):
        assert self_repetition(corpus) == pytest.approx(ref.self_repetition_score(corpus, verbose=False), abs=1e-6)


def test_xz_compression_ratio_matches_reference() -> None:
    ref = diversity_module("compression")
    for corpus in (CORPUS, CORPUS * 5):
        assert rounded(compression_ratio(corpus, "xz")) == pytest.approx(ref.compression_ratio(corpus, "xz"), abs=1e-6)


def test_gzip_compression_ratio_differs_from_reference_which_compresses_twice() -> None:
    """The reference writes gzip.compress(data) into a GzipFile: the data is gzipped twice (and
    the second header carries a file name), so its ratio is too low. Ours is the plain ratio."""
    ref = diversity_module("compression")
    data = " ".join(CORPUS * 5).encode()
    ours = compression_ratio(CORPUS * 5, "gzip")
    assert ours == pytest.approx(len(data) / len(gzip.compress(data, mtime=0)), abs=1e-12)
    # gzip of gzip, plus the 11 header bytes of the stored name "compressed\0"; the inner
    # header's timestamp moves the size by a byte or two, hence the tolerance
    double = len(data) / (len(gzip.compress(gzip.compress(data, mtime=0), mtime=0)) + 11)
    assert ref.compression_ratio(CORPUS * 5, "gzip") < ours - 0.5
    assert ref.compression_ratio(CORPUS * 5, "gzip") == pytest.approx(double, abs=0.1)


def test_rouge_l_homogenization_matches_reference() -> None:
    pytest.importorskip("rouge_score")
    ref = diversity_module("homogenization")
    for corpus in (CORPUS, CORPUS[:3] + CORPUS[:2]):
        assert rounded(homogenization_rouge_l(corpus)) == pytest.approx(
            ref.homogenization_score(corpus, "rougel", verbose=False), abs=1e-6)


def test_rouge_l_homogenization_of_disjoint_texts_is_zero_not_one() -> None:
    """The reference turns a total of 0 into len(data) ("all strings the same"), scoring a fully
    disjoint corpus 1.0, the maximum homogenization. No pair shares a word: the score is 0."""
    pytest.importorskip("rouge_score")
    ref = diversity_module("homogenization")
    assert ref.homogenization_score(DISJOINT, "rougel", verbose=False) == 1.0
    assert homogenization_rouge_l(DISJOINT) == 0.0
    assert homogenization_rouge_l(["same words here"] * 4) == 1.0


def test_vendi_score_matches_reference_dual_and_kernel() -> None:
    ref = vendi_module()
    X = unit_rows(300, 24, seed=2)
    K = X @ X.T
    for q, ref_q in ((1, 1), (2, 2), (0.5, 0.5), (np.inf, "inf")):
        assert vendi_score(X, q) == pytest.approx(ref.score_dual(X, q=ref_q), abs=1e-6)
    assert vendi_score(X, 1) == pytest.approx(ref.score_K(K, q=1), abs=1e-6)
    assert vendi_score(X, 2) == pytest.approx(ref.score_K(K, q=2), abs=1e-6)


def test_reference_score_x_ignores_q() -> None:
    """vendi_score.score_X passes q=1 to score_K whatever q it is given."""
    ref = vendi_module()
    X = unit_rows(100, 16, seed=3)
    assert ref.score_X(X, q=2) == pytest.approx(vendi_score(X, 1), abs=1e-6)
    assert not math.isclose(vendi_score(X, 2), vendi_score(X, 1), rel_tol=1e-3)


def test_mean_pairwise_similarity_matches_the_kernel_mean() -> None:
    X = unit_rows(200, 16, seed=4) + 0.2
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    K = X @ X.T
    assert mean_pairwise_similarity(X) == pytest.approx((K.sum() - 200) / (200 * 199), abs=1e-9)
