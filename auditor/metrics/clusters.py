"""Corpus structure: a 2-D map and clusters, with cluster statistics and c-TF-IDF keywords.

Each stage is swappable (BERTopic-style): the reducer and the clusterer are objects with
``fit_transform`` / ``fit_predict``; the defaults are seeded UMAP and scikit-learn's HDBSCAN, with
k-means (k chosen by silhouette) as the alternative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

#: Above this many texts, UMAP and the clusterer see a PCA reduction to this many dimensions.
PCA_DIMENSIONS = 50
PCA_ABOVE = 3000


@dataclass
class ClusterSummary:
    """``labels`` per text (−1 = noise), ``coords`` the 2-D map, and the statistics:
    ``n_clusters``, ``size_entropy`` (normalized to [0, 1]), ``largest_share``, ``noise_share``;
    ``clusters``: per cluster {id, size, share, keywords}."""

    labels: np.ndarray
    coords: np.ndarray
    n_clusters: int
    size_entropy: float
    largest_share: float
    noise_share: float
    clusters: list[dict[str, Any]]
    method: str


def size_entropy(labels: np.ndarray) -> float:
    """Normalized entropy of the cluster sizes (noise excluded): H(p)/log(k), p the size shares
    of the k clusters; 1 = equal sizes, 0 = one cluster holds everything (0 when k ≤ 1)."""
    labels = np.asarray(labels)
    sizes = np.bincount(labels[labels >= 0]) if np.any(labels >= 0) else np.array([])
    sizes = sizes[sizes > 0]
    if len(sizes) <= 1:
        return 0.0
    p = sizes / sizes.sum()
    return float(-(p * np.log(p)).sum() / np.log(len(sizes)))


def ctfidf_keywords(texts: Sequence[str], labels: np.ndarray, top: int = 6) -> dict[int, list[str]]:
    """Class-based TF-IDF (Grootendorst 2022): each cluster's texts joined into one document;
    weight(t, c) = tf(t, c) · log(1 + A / f(t)), A the mean number of words per cluster and f(t)
    the frequency of t over all clusters. Returns the top words per cluster (English stop words
    removed)."""
    from sklearn.feature_extraction.text import CountVectorizer

    labels = np.asarray(labels)
    ids = sorted(int(c) for c in set(labels.tolist()) if c >= 0)
    if not ids:
        return {}
    docs = [" ".join(t for t, l in zip(texts, labels) if l == c) for c in ids]
    try:
        vectorizer = CountVectorizer(stop_words="english", token_pattern=r"(?u)\b[^\W\d_]{3,}\b")
        counts = vectorizer.fit_transform(docs).toarray().astype(np.float64)
    except ValueError:  # nothing but stop words
        return {c: [] for c in ids}
    words = vectorizer.get_feature_names_out()
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    avg = counts.sum() / len(ids)
    idf = np.log(1 + avg / np.maximum(counts.sum(axis=0), 1))
    weights = tf * idf
    return {c: [str(words[j]) for j in np.argsort(-weights[i])[:top] if weights[i, j] > 0]
            for i, c in enumerate(ids)}


def _reduce_input(X: np.ndarray, seed: int) -> np.ndarray:
    if X.shape[0] > PCA_ABOVE and X.shape[1] > PCA_DIMENSIONS:
        from sklearn.decomposition import PCA

        return PCA(PCA_DIMENSIONS, random_state=seed).fit_transform(X)
    return X


def map_coordinates(X: np.ndarray, seed: int = 0, reducer: Any = None) -> np.ndarray:
    """2-D coordinates of the texts: seeded UMAP (cosine) by default, or ``reducer``."""
    n = X.shape[0]
    if reducer is None:
        if n < 10:
            from sklearn.decomposition import PCA

            return PCA(2, random_state=seed).fit_transform(X) if n > 2 else np.zeros((n, 2))
        import umap

        reducer = umap.UMAP(n_components=2, n_neighbors=min(15, n - 1), min_dist=0.1,
                            metric="cosine", random_state=seed, n_jobs=1)
    return np.asarray(reducer.fit_transform(_reduce_input(X, seed)), dtype=np.float64)


def kmeans_by_silhouette(Z: np.ndarray, seed: int = 0, k_max: int = 12) -> np.ndarray:
    """k-means with k in 2..k_max chosen by the highest silhouette score."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = Z.shape[0]
    best, best_score = np.zeros(n, dtype=int), -np.inf
    for k in range(2, min(k_max, n - 1) + 1):
        labels = KMeans(k, n_init=4, random_state=seed).fit_predict(Z)
        if len(set(labels.tolist())) < 2:
            continue
        score = silhouette_score(Z, labels, sample_size=min(n, 3000), random_state=seed)
        if score > best_score:
            best, best_score = labels, score
    return best


def cluster_corpus(
    X: np.ndarray,
    texts: Sequence[str],
    *,
    method: str = "hdbscan",
    seed: int = 0,
    coords: np.ndarray | None = None,
    clusterer: Any = None,
) -> ClusterSummary:
    """Map and cluster unit-normalized embeddings ``X``.

    ``hdbscan``: HDBSCAN (min cluster size max(5, N/50)) on the seeded 2-D UMAP map itself, so
    the clusters are the groupings a reader sees on the map (and UMAP runs once); ``kmeans``:
    k-means on the same map, k by silhouette; or any ``clusterer`` with ``fit_predict``.
    """
    X = np.asarray(X, dtype=np.float32)
    n = X.shape[0]
    if coords is None:
        coords = map_coordinates(X, seed)
    if clusterer is None and method not in {"hdbscan", "kmeans"}:
        raise ValueError(f"cluster method must be 'hdbscan' or 'kmeans', got {method!r}")
    if n < 10:
        labels = np.zeros(n, dtype=int)
        method = "none (fewer than 10 texts)"
    else:
        Z = coords
        if clusterer is not None:
            labels = np.asarray(clusterer.fit_predict(Z))
            method = type(clusterer).__name__
        elif method == "kmeans":
            labels = kmeans_by_silhouette(Z, seed)
        else:
            from sklearn.cluster import HDBSCAN

            labels = HDBSCAN(min_cluster_size=max(5, n // 50), copy=True).fit_predict(Z)
    labels = labels.astype(int)
    keywords = ctfidf_keywords(texts, labels)
    sizes = {c: int(np.sum(labels == c)) for c in sorted(set(labels.tolist())) if c >= 0}
    clusters = [{"id": c, "size": s, "share": s / n, "keywords": keywords.get(c, [])}
                for c, s in sorted(sizes.items(), key=lambda kv: -kv[1])]
    return ClusterSummary(
        labels=labels, coords=coords, n_clusters=len(sizes),
        size_entropy=size_entropy(labels),
        largest_share=max(sizes.values()) / n if sizes else 0.0,
        noise_share=float(np.mean(labels < 0)), clusters=clusters, method=method,
    )
