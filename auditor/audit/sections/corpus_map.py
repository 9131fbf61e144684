"""The ``clusters`` and ``map`` sections: the reducer places every text on a 2-D map, the
clusterer groups the map (so colours match the groupings a reader sees), c-TF-IDF names the
clusters; the map's points (a seeded sample above :data:`MAP_MAX_POINTS`) carry what the report's
hover and colouring need."""

from __future__ import annotations

from typing import Any

import numpy as np

from auditor.audit.context import AuditContext
from auditor.feed.log import SHOWN_COLUMN
from auditor.metrics.clusters import ClusterSummary
from auditor.metrics.uncertainty import subsample_indices

MAP_MAX_POINTS = 5000
HOVER_CHARS = 280

_NUM = {"type": "number"}
SCHEMA = {
    "clusters": {"type": "object",
                 "required": ["method", "n_clusters", "size_entropy", "largest_share", "noise_share", "clusters"],
                 "properties": {"method": {"type": "string"}, "n_clusters": {"type": "integer"},
                                "size_entropy": _NUM, "largest_share": _NUM, "noise_share": _NUM,
                                "clusters": {"type": "array", "items": {
                                    "type": "object", "required": ["id", "size", "share"],
                                    "properties": {"id": {"type": "integer"}, "size": {"type": "integer"},
                                                   "share": _NUM,
                                                   "keywords": {"type": "array", "items": {"type": "string"}}}}}}},
    "map": {"type": "object", "required": ["n_points", "n_texts", "sampled", "method", "points"],
            "properties": {"n_points": {"type": "integer"}, "n_texts": {"type": "integer"},
                           "sampled": {"type": "boolean"}, "method": {"type": "string"},
                           "points": {"type": "array", "items": {
                               "type": "object", "required": ["id", "x", "y", "cluster", "typicality"],
                               "properties": {"x": _NUM, "y": _NUM, "cluster": {"type": "integer"},
                                              "shown": {"type": "integer"},
                                              "typicality": _NUM, "text": {"type": "string"}}}}}},
}


STEP = "map and clusters"


def applies(ctx: AuditContext) -> bool:
    return ctx.stages.clusterer is not None


def build(ctx: AuditContext) -> dict[str, Any]:
    if ctx.stages.clusterer is None:
        return {}
    summary = ctx.clusters
    seed = ctx.settings.seed
    clusters = {
        "method": summary.method, "seed": seed, "n_clusters": summary.n_clusters,
        "size_entropy": summary.size_entropy, "largest_share": summary.largest_share,
        "noise_share": summary.noise_share, "clusters": summary.clusters,
        "fit_sample": summary.fit_sample, "placement": summary.placement,
        "note": "Cluster statistics carry no interval: clustering is not resampled.",
    }
    return {"clusters": clusters, "map": map_points(ctx, summary, summary.map_method)}


def _short(text: str) -> str:
    return text if len(text) <= HOVER_CHARS else text[: HOVER_CHARS - 1].rstrip() + "…"


def map_points(ctx: AuditContext, summary: ClusterSummary, method: str) -> dict[str, Any]:
    """The map: coordinates scaled to [0, 1] for a seeded sample of at most MAP_MAX_POINTS texts."""
    frame = ctx.corpus.frame
    typicality = ctx.whole.semantic.typicality
    keep = subsample_indices(len(frame), MAP_MAX_POINTS, ctx.settings.seed)
    coords = summary.coords
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    scaled = (coords - lo) / np.where(hi > lo, hi - lo, 1.0)
    has_group, has_time = "group" in frame, "time" in frame
    shown = SHOWN_COLUMN if ctx.feed is not None and SHOWN_COLUMN in frame else None
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
        if shown:
            point["shown"] = int(frame[shown].iat[i])
        point["text"] = _short(frame["text"].iat[i])
        points.append(point)
    return {"n_points": len(points), "n_texts": len(frame), "sampled": len(points) < len(frame),
            "method": method, "fit_sample": summary.fit_sample, "placement": summary.placement, "points": points}
