"""The ``texts`` section: the most generic texts (a review queue), the most distinctive ones,
near-duplicate pairs, and the repeated (stock) phrases with example texts."""

from __future__ import annotations

from typing import Any

import numpy as np

from auditor.audit.context import AuditContext
from auditor.corpus import Corpus
from auditor.metrics.templates import FRAME_OVERLAP

PAIRS_SHOWN = 50
TEMPLATED_SHOWN = 100
PHRASE_EXAMPLES = 3
PHRASE_IDS = 200

_ID = {"type": ["string", "integer"]}
_RANKED = {"type": "array", "items": {"type": "object", "required": ["id", "typicality"],
                                      "properties": {"id": _ID, "typicality": {"type": "number"},
                                                     "text": {"type": "string"}}}}
SCHEMA = {"texts": {
    "type": "object",
    "required": ["most_generic", "most_distinctive", "near_duplicate_pairs", "near_duplicate_pair_count",
                 "near_duplicate_pairs_complete", "repeated_phrases"],
    "properties": {
        "most_generic": _RANKED, "most_distinctive": _RANKED,
        "near_duplicate_pairs": {"type": "array", "items": {
            "type": "object", "required": ["a", "b", "similarity"],
            "properties": {"a": _ID, "b": _ID, "similarity": {"type": "number"}}}},
        "near_duplicate_pair_count": {"type": "integer"},
        "near_duplicate_pairs_complete": {"type": "boolean"},
        "repeated_phrases": {"type": "array", "items": {
            "type": "object", "required": ["n_words", "doc_freq", "doc_share", "examples"],
            "properties": {"phrase": {"type": "string"}, "n_words": {"type": "integer"},
                           "doc_freq": {"type": "integer"}, "doc_share": {"type": "number"}}}},
        "templated": {"type": "array", "items": {
            "type": "object", "required": ["id", "neighbour", "overlap"],
            "properties": {"id": _ID, "neighbour": _ID, "overlap": {"type": "number"}}}},
    }}}


STEP = "rankings and phrases"


def build(ctx: AuditContext) -> dict[str, Any]:
    whole = ctx.whole
    return {"texts": {**rankings(ctx.corpus, whole.semantic.typicality, whole.semantic.scan, ctx.settings.top,
                                 ctx.embeddings.host, ctx.near_duplicates),
                      "repeated_phrases": phrases(ctx.corpus, whole.lexical.phrases) if whole.lexical else [],
                      "templated": templated(ctx.corpus, whole.semantic.scan, whole.frames)}}


def templated(corpus: Corpus, scan: Any, frames: np.ndarray | None) -> list[dict[str, Any]]:
    """The texts that share a template frame with their nearest neighbour, the largest overlap
    first (at most :data:`TEMPLATED_SHOWN`)."""
    if frames is None:
        return []
    ids = corpus.frame["id"].to_numpy()
    hits = np.flatnonzero(frames >= FRAME_OVERLAP)
    hits = hits[np.lexsort((hits, -frames[hits]))][:TEMPLATED_SHOWN]
    return [{"id": ids[scan.queries[k]], "neighbour": ids[scan.index[k]], "overlap": round(float(frames[k]), 6)}
            for k in hits]


def _entry(corpus: Corpus, i: int, **extra: Any) -> dict[str, Any]:
    row = corpus.frame.iloc[i]
    entry: dict[str, Any] = {"id": row["id"], **extra}
    if "group" in corpus.frame:
        entry["group"] = row["group"]
    if "source" in corpus.frame:
        entry["source"] = row["source"]
    entry["text"] = row["text"]
    return entry


def rankings(corpus: Corpus, typ: np.ndarray, scan: Any, top: int, X: np.ndarray,
             near_duplicates: Any) -> dict[str, Any]:
    """The ``top`` most typical texts (the review queue), the ``top`` least typical ones worth
    keeping (never two near-duplicates of each other under the rule ``near_duplicates``), and
    the near-duplicate pairs found by ``scan``."""
    order = np.lexsort((np.arange(len(typ)), -typ))
    generic = [_entry(corpus, int(i), typicality=round(float(typ[i]), 6)) for i in order[:top]]
    distinct = [_entry(corpus, i, typicality=round(float(typ[i]), 6))
                for i in distinct_rows(np.lexsort((np.arange(len(typ)), typ)), X, near_duplicates, top)]
    ids, texts = corpus.frame["id"].to_numpy(), corpus.frame["text"].to_numpy()
    pairs = [
        {"a": ids[i], "b": ids[j], "similarity": round(s, 6), "text_a": texts[i], "text_b": texts[j]}
        for i, j, s in scan.pairs[:PAIRS_SHOWN]
    ]
    return {
        "most_generic": generic,
        "most_distinctive": distinct,
        "near_duplicate_pairs": pairs,
        "near_duplicate_pair_count": scan.pair_count,
        "near_duplicate_pairs_complete": bool(scan.exact and scan.pairs_complete),
    }


def distinct_rows(order: np.ndarray, X: np.ndarray, near_duplicates: Any, top: int) -> list[int]:
    """The first ``top`` rows of ``order`` none of which is a near-duplicate (under the rule
    ``near_duplicates``) of a row taken before it."""
    chosen: list[int] = []
    for i in order.tolist():
        if len(chosen) == top:
            break
        if not chosen or not near_duplicates.decide(chosen, [i] * len(chosen), X[chosen] @ X[i]).any():
            chosen.append(int(i))
    return chosen


def phrases(corpus: Corpus, found: list[Any]) -> list[dict[str, Any]]:
    """The stock phrases with their document frequency, example texts and the ids containing them."""
    ids, texts = corpus.frame["id"].to_numpy(), corpus.frame["text"].to_numpy()
    return [
        {"phrase": p.text, "n_words": p.n_words, "doc_freq": p.doc_freq,
         "doc_share": round(p.doc_share, 6),
         "examples": [{"id": ids[i], "text": texts[i]} for i in p.docs[:PHRASE_EXAMPLES]],
         "ids": [ids[i] for i in p.docs[:PHRASE_IDS]]}
        for p in found
    ]
