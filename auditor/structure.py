"""The corpus map and clusters as they go into the result: clusters of every text, map points
(a seeded sample above :data:`MAP_MAX_POINTS`) with what the report's hover and colouring need."""

from __future__ import annotations

from typing import Any

import numpy as np

from auditor.corpus import Corpus
from auditor.metrics.clusters import cluster_corpus
from auditor.metrics.uncertainty import subsample_indices

MAP_MAX_POINTS = 5000
HOVER_CHARS = 280


def _short(text: str) -> str:
    return text if len(text) <= HOVER_CHARS else text[: HOVER_CHARS - 1].rstrip() + "…"


def corpus_structure(
    vectors: np.ndarray, corpus: Corpus, typicality: np.ndarray, *, method: str = "hdbscan", seed: int = 0,
    max_points: int = MAP_MAX_POINTS,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``clusters`` and ``map`` sections of the result JSON.

    Clusters and the map are computed on every text; only the points written for the map are
    sampled (seeded) when there are more than ``max_points``.
    """
    frame = corpus.frame
    summary = cluster_corpus(vectors, frame["text"].tolist(), method=method, seed=seed)
    clusters = {
        "method": summary.method, "seed": seed, "n_clusters": summary.n_clusters,
        "size_entropy": summary.size_entropy, "largest_share": summary.largest_share,
        "noise_share": summary.noise_share, "clusters": summary.clusters,
        "note": "Cluster statistics carry no interval: clustering is not resampled.",
    }
    keep = subsample_indices(len(frame), max_points, seed)
    coords = summary.coords
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    scaled = (coords - lo) / np.where(hi > lo, hi - lo, 1.0)
    has_group, has_time = "group" in frame, "time" in frame
    points = []
    for i in keep.tolist():
        point: dict[str, Any] = {"id": frame["id"].iat[i], "x": round(float(scaled[i, 0]), 4),
                                 "y": round(float(scaled[i, 1]), 4),
                                 "cluster": int(summary.labels[i]),
                                 "typicality": round(float(typicality[i]), 4)}
        if has_group:
            point["group"] = frame["group"].iat[i]
        if has_time:
            point["time"] = frame["time"].iat[i].strftime("%Y-%m-%d")
        point["text"] = _short(frame["text"].iat[i])
        points.append(point)
    mapping = {"n_points": len(points), "n_texts": len(frame), "sampled": len(points) < len(frame),
               "method": "UMAP (cosine)" if len(frame) >= 10 else "PCA", "points": points}
    return clusters, mapping
