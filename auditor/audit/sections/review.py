"""The ``review_queue`` section: every text ranked from the most generic down, with why it counts
as generic: its typicality and percentile, its cluster and that cluster's keywords, the stock
phrases it contains, and its nearest near-duplicate. Written beside the report as
``<name>-review.csv`` too."""

from __future__ import annotations

from typing import Any

import numpy as np

from auditor.audit.context import AuditContext

STAGE = "review queue"

_ID = {"type": ["string", "integer"]}
SCHEMA = {"review_queue": {"type": "array", "items": {
    "type": "object", "required": ["rank", "id", "typicality", "percentile"],
    "properties": {"rank": {"type": "integer"}, "id": _ID, "typicality": {"type": "number"},
                   "percentile": {"type": "number"}, "cluster": {"type": ["integer", "null"]},
                   "cluster_keywords": {"type": "array", "items": {"type": "string"}},
                   "stock_phrases": {"type": "array", "items": {"type": "string"}},
                   "near_duplicate_of": {"anyOf": [_ID, {"type": "null"}]},
                   "near_duplicate_similarity": {"type": ["number", "null"]}}}}}
#: At most this many stock phrases are named per text.
PHRASES_PER_TEXT = 3


def build(ctx: AuditContext) -> dict[str, Any]:
    return {"review_queue": review_queue(ctx)}


def review_queue(ctx: AuditContext) -> list[dict[str, Any]]:
    """Every text, most generic (highest typicality) first, with the reasons."""
    typ = ctx.whole.semantic.typicality
    n = len(typ)
    order = np.lexsort((np.arange(n), -typ))
    # percentile: the share of the other texts that are less typical than this one
    ranks = np.argsort(np.argsort(typ, kind="stable"), kind="stable")
    percentile = ranks / max(n - 1, 1) * 100
    ids = ctx.corpus.frame["id"].to_numpy()
    phrases: dict[int, list[str]] = {}
    for phrase in (ctx.whole.lexical.phrases if ctx.whole.lexical else []):
        for doc in phrase.docs:
            phrases.setdefault(int(doc), []).append(phrase.text)
    scan = ctx.whole.semantic.scan
    nearest = {int(q): (int(j), float(s)) for q, j, s in zip(scan.queries, scan.index, scan.similarity)
               if s >= scan.threshold}
    clusters = ctx.clusters
    keywords = {c["id"]: c["keywords"] for c in clusters.clusters} if clusters is not None else {}
    rows = []
    for rank, i in enumerate(order.tolist(), start=1):
        label = int(clusters.labels[i]) if clusters is not None else None
        twin = nearest.get(i)
        rows.append({"rank": rank, "id": ids[i], "typicality": round(float(typ[i]), 6),
                     "percentile": round(float(percentile[i]), 2), "cluster": label,
                     "cluster_keywords": keywords.get(label, [])[:5] if label is not None else [],
                     "stock_phrases": phrases.get(i, [])[:PHRASES_PER_TEXT],
                     "near_duplicate_of": ids[twin[0]] if twin else None,
                     "near_duplicate_similarity": round(twin[1], 6) if twin else None})
    return rows
