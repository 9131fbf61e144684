"""Every metric of one set of texts and their embeddings, labelled for people."""

from __future__ import annotations

from typing import Any

import numpy as np

from auditor.metrics._xp import on_device
from auditor.metrics.catalog import info
from auditor.metrics.lexical_suite import LexicalSummary, lexical_suite
from auditor.metrics.suite import SemanticSummary, semantic_suite
from auditor.metrics.uncertainty import IntervalSettings


def _described(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for metric_id, entry in values.items():
        meta = info(metric_id)
        out[metric_id] = {**entry, "label": meta.label, "meaning": meta.meaning,
                          "higher_means": meta.higher_means}
    return out


def take(X: Any, idx: np.ndarray, device: str) -> Any:
    """Rows ``idx`` of X, which may live on a GPU."""
    return X[idx] if device == "cpu" else X[on_device(idx, device)]


def measure(
    X: Any,
    texts: list[str],
    *,
    threshold: float,
    seed: int,
    intervals: IntervalSettings | None,
    lexical: bool = True,
) -> tuple[dict[str, dict[str, Any]], SemanticSummary, LexicalSummary | None]:
    """Every metric of one set of texts and their embeddings, with intervals when asked."""
    summary = semantic_suite(X, threshold=threshold, seed=seed, intervals=intervals)
    values = dict(summary.values)
    lex = None
    if lexical:
        lex = lexical_suite(texts, seed=seed, intervals=intervals)
        values.update(lex.values)
    return _described(values), summary, lex
