"""The ``review_queue`` section: every text ranked from the most generic down, with why it counts
as generic: its typicality and percentile, its cluster and that cluster's keywords, the stock
phrases it contains, its nearest near-duplicate, and a suggested action: *regenerate* (one of the
texts whose removal makes the default check rules pass, :mod:`auditor.variance.suggest`),
*review* (a near-duplicate, a stock phrase, or among the most generic tenth), else *keep*.
Written beside the report as ``<name>-review.csv`` too."""

from __future__ import annotations

from typing import Any

import numpy as np

from auditor.audit.context import AuditContext

STEP = "review queue"

_ID = {"type": ["string", "integer"]}
SCHEMA = {"review_queue": {"type": "array", "items": {
    "type": "object", "required": ["rank", "id", "typicality", "percentile"],
    "properties": {"rank": {"type": "integer"}, "id": _ID, "typicality": {"type": "number"},
                   "percentile": {"type": "number"}, "cluster": {"type": ["integer", "null"]},
                   "cluster_keywords": {"type": "array", "items": {"type": "string"}},
                   "stock_phrases": {"type": "array", "items": {"type": "string"}},
                   "near_duplicate_of": {"anyOf": [_ID, {"type": "null"}]},
                   "near_duplicate_similarity": {"type": ["number", "null"]},
                   "action": {"enum": ["keep", "review", "regenerate"]}, "action_reason": {"type": "string"}}}}}
#: Texts at or above this typicality percentile are suggested for review.
REVIEW_PERCENTILE = 90.0
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
    nearest = {int(q): (int(j), float(s)) for q, j, s in zip(scan.queries, scan.twin, scan.twin_similarity)
               if j >= 0}
    clusters = ctx.clusters
    keywords = {c["id"]: c["keywords"] for c in clusters.clusters} if clusters is not None else {}
    regenerate = regenerate_rows(ctx)
    rows = []
    for rank, i in enumerate(order.tolist(), start=1):
        label = int(clusters.labels[i]) if clusters is not None else None
        twin = nearest.get(i)
        rows.append({"rank": rank, "id": ids[i], "typicality": round(float(typ[i]), 6),
                     "percentile": round(float(percentile[i]), 2), "cluster": label,
                     "cluster_keywords": keywords.get(label, [])[:5] if label is not None else [],
                     "stock_phrases": phrases.get(i, [])[:PHRASES_PER_TEXT],
                     "near_duplicate_of": ids[twin[0]] if twin else None,
                     "near_duplicate_similarity": round(twin[1], 6) if twin else None,
                     **_action(i, regenerate, twin is not None, bool(phrases.get(i)), percentile[i])})
    return rows


def _action(i: int, regenerate: dict[int, str], twin: bool, phrase: bool, percentile: float) -> dict[str, str]:
    if i in regenerate:
        return {"action": "regenerate", "action_reason": regenerate[i]}
    why = [w for w, hit in (("a near-duplicate", twin), ("a stock phrase", phrase),
                            ("among the most generic tenth", percentile >= REVIEW_PERCENTILE)) if hit]
    return {"action": "review", "action_reason": ", ".join(why)} if why else {"action": "keep", "action_reason": ""}


def regenerate_rows(ctx: AuditContext) -> dict[int, str]:
    """The texts (row → reason) whose removal makes the default check rules pass, when one fails."""
    from auditor.check.config import DEFAULT_RULES
    from auditor.check.evaluate import metric_value, rule_problems
    from auditor.variance.suggest import suggest_removals

    data = {"metrics": ctx.whole.metrics}
    failing = []
    for rule in DEFAULT_RULES:
        try:
            if rule_problems(rule, metric_value(data, rule.metric)):
                failing.append(rule)
        except KeyError:  # a metric this audit left out (--no-lexical)
            continue
    if not failing or ctx.exact is not None:  # a merged state's sample is not the corpus
        return {}
    scan, frames = ctx.whole.semantic.scan, ctx.whole.frames
    known = (scan.index, scan.similarity, frames, scan.partners) if scan.exact and frames is not None else None
    phrases = ctx.whole.lexical.phrases if ctx.whole.lexical else None
    found, _ = suggest_removals(ctx.embeddings.host, ctx.corpus.texts, ctx.corpus.frame["id"].tolist(), failing,
                                ctx.near_duplicates, lambda rule, value: not rule_problems(rule, value), known,
                                phrases, verify=False)
    return {s.row: f"to pass rule {s.rule!r} ({s.kind})" for s in found}
