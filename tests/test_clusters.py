"""Clusters and the map: statistics by hand, keywords, planted clusters recovered, report size."""

from __future__ import annotations

import math

import numpy as np
import pytest

from auditor.stages import cluster_corpus
from auditor.metrics.clusters import ctfidf_keywords, size_entropy
from auditor.stages import kmeans_by_silhouette


def blobs(sizes=(60, 60, 60), d=32, spread=0.08, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((len(sizes), d))
    X = np.concatenate([c + spread * rng.standard_normal((n, d)) * np.linalg.norm(c) for c, n in zip(centres, sizes)])
    labels = np.repeat(np.arange(len(sizes)), sizes)
    return (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32), labels


def test_size_entropy_by_hand() -> None:
    assert size_entropy(np.array([0, 0, 1, 1])) == pytest.approx(1.0)
    assert size_entropy(np.array([0, 0, 0, 1])) == pytest.approx(-(0.75 * math.log(0.75) + 0.25 * math.log(0.25)) / math.log(2))
    assert size_entropy(np.array([0, 0, -1, -1])) == 0.0  # one cluster: no spread
    assert size_entropy(np.array([0, 1, 2, -1, -1])) == pytest.approx(1.0)  # noise excluded


def test_ctfidf_finds_each_clusters_own_words() -> None:
    texts = ["wool jacket for the hill", "waxed wool coat on the hill", "wool cap against hill rain",
             "pancake pan for breakfast", "enamel pan for pancake day", "yellow pan and pancake batter"]
    keywords = ctfidf_keywords(texts, np.array([0, 0, 0, 1, 1, 1]))
    assert set(keywords[0][:2]) == {"wool", "hill"}
    assert set(keywords[1][:2]) == {"pan", "pancake"}


def test_kmeans_picks_the_planted_number_of_clusters() -> None:
    X, truth = blobs()
    labels = kmeans_by_silhouette(X, seed=0)
    assert len(set(labels.tolist())) == 3


@pytest.mark.parametrize("method", ["hdbscan", "kmeans"])
def test_planted_clusters_are_recovered(method: str) -> None:
    from sklearn.metrics import adjusted_rand_score

    X, truth = blobs(sizes=(80, 60, 40))
    names = ["alpine", "brook", "canyon"]
    texts = [f"{names[t]} {names[t]} shared" for t in truth]
    summary = cluster_corpus(X, texts, clusterer=method, seed=0)
    assert summary.n_clusters == 3
    kept = summary.labels >= 0
    assert adjusted_rand_score(truth[kept], summary.labels[kept]) > 0.95
    assert summary.largest_share == pytest.approx(80 / 180, abs=0.03)
    assert summary.coords.shape == (180, 2)
    assert summary.clusters[0]["keywords"][0] == "alpine"  # the largest cluster


def test_clustering_is_seeded() -> None:
    X, _ = blobs(seed=3)
    a = cluster_corpus(X, ["x"] * len(X), seed=5)
    b = cluster_corpus(X, ["x"] * len(X), seed=5)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_allclose(a.coords, b.coords)


@pytest.mark.slow
def test_report_for_10000_texts_stays_under_5_mb(tmp_path, hash_encoder) -> None:
    import auditor

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(3000)]
    texts = [" ".join(rng.choice(words, size=int(rng.integers(25, 60)))) for _ in range(10_000)]
    result = auditor.audit(texts, model=hash_encoder, resamples=0, lexical=False)
    path = tmp_path / "big.html"
    result.to_html(path)
    size = path.stat().st_size
    assert size < 5 * 1024 * 1024, size
    assert result.data["map"]["sampled"] and result.data["map"]["n_points"] == 5000
    assert "seeded sample of 5,000 of the 10,000 texts" in path.read_text()


def test_at_20000_texts_the_map_is_fitted_on_a_sample_and_planted_clusters_are_still_recovered() -> None:
    from sklearn.metrics import adjusted_rand_score

    from auditor.stages import FIT_MAX_TEXTS

    sizes = (6000, 5000, 4000, 3000, 2000)
    X, truth = blobs(sizes=sizes, d=64, spread=0.12, seed=3)
    summary = cluster_corpus(X, ["text"] * len(X), clusterer="hdbscan", seed=0)
    assert summary.fit_sample == FIT_MAX_TEXTS < len(X) and "nearest sampled texts" in summary.placement
    assert summary.coords.shape == (20000, 2) and summary.labels.shape == (20000,)
    assert summary.n_clusters == 5
    assert adjusted_rand_score(truth, summary.labels) > 0.9  # noise counted as a wrong cluster


def test_placement_keeps_sampled_texts_and_places_a_copy_of_a_sampled_text_on_it() -> None:
    from auditor.metrics.placement import place

    X, truth = blobs(sizes=(30, 30), d=16, seed=4)
    X = np.vstack([X, X[:3]])  # three exact copies of sampled texts
    sample = np.arange(60)
    coords = np.random.default_rng(0).random((60, 2))
    labels = truth.copy()
    xy, lab = place(X, sample, coords, labels, k=1)
    assert np.array_equal(xy[:60], coords) and np.array_equal(lab[:60], labels)
    assert np.allclose(xy[60:], coords[:3]) and np.array_equal(lab[60:], labels[:3])
