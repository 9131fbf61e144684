"""Cluster statistics and c-TF-IDF keywords: pure functions of cluster labels and texts.

The stages that produce the map and the labels (reducer, clusterer) are in
:mod:`auditor.stages`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

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
    #: How many texts the map and clusters were fitted on, and how the others were placed.
    fit_sample: int | None = None
    placement: str | None = None
    #: How the map was made (e.g. "UMAP (cosine) on a 50-d PCA"), as the reducer said for this fit.
    map_method: str | None = None


KEYWORDS_IDENTITY = "count(stop_words=english,3+letters)"


def keyword_vectorizer() -> Any:
    """The default c-TF-IDF vocabulary: words of 3+ letters, English stop words removed."""
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(stop_words="english", token_pattern=r"(?u)\b[^\W\d_]{3,}\b")
    vectorizer.identity = KEYWORDS_IDENTITY
    return vectorizer


def size_entropy(labels: np.ndarray) -> float:
    """Normalized entropy of the cluster sizes (noise excluded): H(p)/log(k), p the size shares
    of the k clusters; 1 = equal sizes, 0 = one cluster holds everything (0 when k ≤ 1).

    >>> size_entropy(np.array([0, 0, 1, 1])), round(size_entropy(np.array([0, 0, 0, 1])), 4)
    (1.0, 0.8113)
    """
    labels = np.asarray(labels)
    sizes = np.bincount(labels[labels >= 0]) if np.any(labels >= 0) else np.array([])
    sizes = sizes[sizes > 0]
    if len(sizes) <= 1:
        return 0.0
    p = sizes / sizes.sum()
    return float(-(p * np.log(p)).sum() / np.log(len(sizes)))


def ctfidf_keywords(texts: Sequence[str], labels: np.ndarray, top: int = 6,
                    vectorizer: Any = None) -> dict[int, list[str]]:
    """Class-based TF-IDF (Grootendorst 2022): each cluster's texts joined into one document;
    weight(t, c) = tf(t, c) · log(1 + A / f(t)), A the mean number of words per cluster and f(t)
    the frequency of t over all clusters. Returns the top words per cluster. ``vectorizer`` (a
    scikit-learn text vectorizer) makes the vocabulary; by default words of 3+ letters without
    English stop words.

    >>> ctfidf_keywords(["red apple pie", "red apple tart", "blue sea wave"], np.array([0, 0, 1]), top=1)
    {0: ['apple'], 1: ['blue']}
    """

    labels = np.asarray(labels)
    ids = sorted(int(c) for c in set(labels.tolist()) if c >= 0)
    if not ids:
        return {}
    docs = [" ".join(t for t, l in zip(texts, labels) if l == c) for c in ids]
    try:
        vectorizer = vectorizer if vectorizer is not None else keyword_vectorizer()
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


def cluster_summary(labels: np.ndarray, coords: np.ndarray, texts: Sequence[str], *, method: str,
                    vectorizer: Any = None, fit_sample: int | None = None,
                    placement: str | None = None, map_method: str | None = None) -> ClusterSummary:
    """Statistics and keywords of the clusters ``labels`` (−1 = noise) of texts mapped to ``coords``."""
    labels = np.asarray(labels).astype(int)
    n = len(labels)
    keywords = ctfidf_keywords(texts, labels, vectorizer=vectorizer)
    sizes = {c: int(np.sum(labels == c)) for c in sorted(set(labels.tolist())) if c >= 0}
    clusters = [{"id": c, "size": s, "share": s / n, "keywords": keywords.get(c, [])}
                for c, s in sorted(sizes.items(), key=lambda kv: -kv[1])]
    return ClusterSummary(
        labels=labels, coords=coords, n_clusters=len(sizes),
        size_entropy=size_entropy(labels),
        largest_share=max(sizes.values()) / n if sizes else 0.0,
        noise_share=float(np.mean(labels < 0)), clusters=clusters, method=method,
        fit_sample=fit_sample, placement=placement, map_method=map_method,
    )
