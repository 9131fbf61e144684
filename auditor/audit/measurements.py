"""Every metric of one set of texts and their embeddings, labelled for people."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from threadpoolctl import threadpool_limits

from auditor.metrics.lexical_suite import LexicalSummary, lexical_suite
from auditor.metrics.suite import SemanticSummary, semantic_suite
from auditor.metrics.templates import FRAME_OVERLAP, frame_overlap, template_share
from auditor.metrics.wording_suite import wording_suite
from auditor.metrics.uncertainty import IntervalSettings, rate_interval
from auditor.vocabulary import info

if TYPE_CHECKING:
    from auditor.audit.settings import AuditSettings


@dataclass(frozen=True)
class Measurement:
    """``metrics`` (id → {value, label, meaning, higher_means, …}) and the suites behind them:
    per-text typicality and the neighbour scan (``semantic``), the stock phrases (``lexical``)."""

    metrics: dict[str, dict[str, Any]]
    semantic: SemanticSummary
    lexical: LexicalSummary | None
    #: ROUGE-L F of each searched text (``semantic.scan.queries``) with its nearest neighbour.
    frames: Any = None
    #: Metrics left out, with the reason (a missing optional package).
    unavailable: dict[str, str] = field(default_factory=dict)


def described(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each metric entry with its label, meaning and direction from the vocabulary."""
    out = {}
    for metric_id, entry in values.items():
        meta = info(metric_id)
        out[metric_id] = {**entry, "label": meta.label, "meaning": meta.meaning,
                          "higher_means": meta.higher_means}
    return out


def templates(frames: np.ndarray, exact: bool, intervals: IntervalSettings | None) -> dict[str, Any]:
    """The template share of the texts the neighbour scan searched (their frame overlaps with
    their nearest neighbours), with its Wilson interval."""
    share, hits, searched = template_share(frames)
    entry: dict[str, Any] = {"value": share, "overlap": FRAME_OVERLAP, "n_queries": searched,
                             "method": "exact" if exact else "sampled"}
    if intervals is not None:
        entry.update(rate_interval(hits, searched, intervals))
    return entry


def measure(X: Any, texts: list[str], *, settings: "AuditSettings",
            intervals: IntervalSettings | None, rule: Any = None, compression: Any = None) -> Measurement:
    """Every metric of one set of texts and their embeddings ``X`` (NumPy or torch, on any
    device), with intervals when asked; near-duplicates decided by ``rule`` (else by the raw
    cosine ``settings.threshold``, 0.95 when unset). ``compression``: these texts'
    :class:`~auditor.metrics.lexical_suite.CompressionJob`, when one was started earlier."""
    # The semantic suite's array work overlaps the lexical Python in a second thread, with one BLAS
    # thread: idle BLAS workers spin-wait, taking the cores from the Python they should overlap.
    with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(semantic_suite, X, threshold=settings.threshold or 0.95, rule=rule,
                              seed=settings.seed, intervals=intervals)
        lexical = (lexical_suite(texts, seed=settings.seed, intervals=intervals, compression=compression)
                   if settings.lexical else None)
        wording, unavailable = (wording_suite(texts, seed=settings.seed, intervals=intervals) if settings.lexical
                                else ({}, {}))
        semantic = pending.result()
    values = dict(semantic.values)
    frames = None
    if lexical is not None:
        values.update(lexical.values)
        frames = frame_overlap(texts, semantic.scan.queries, semantic.scan.index)
        values["template_share"] = templates(frames, semantic.scan.exact, intervals)
        values.update(wording)
    return Measurement(described(values), semantic, lexical, frames, unavailable)
