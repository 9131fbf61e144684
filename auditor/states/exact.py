"""Exact values from merged states, put in place of the sample's estimates.

When a merged state's sample holds fewer rows than the corpus, an audit of the sample estimates
every metric; those that follow from the additive states (mean pairwise similarity, dispersion,
the Vendi scores, effective rank; per group too) and from the distinct-n sketches are replaced by
their values for the whole corpus. Their intervals keep the sample's half-sampling interval,
centred on the exact value and narrowed by √(m/N) (m sampled of N texts: the deviation of a mean
over N texts is √(m/N) times that over m); for the metrics that grow or shrink with the number
of texts (Vendi scores, distinct-n) the deviations are taken relative to the value. Every other metric says it was estimated from the
sample (``method: "sampled"``, ``n_texts``).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from auditor.audit.measurements import Measurement
from auditor.metrics.semantic import EmbeddingStats
from auditor.metrics.suite import state_metrics
from auditor.states.state import TRANSLATION_SIMILARITY, AuditState
from auditor.vocabulary import SIZE_DEPENDENT

EXACT_METHOD = "exact (merged states)"


class ExactValues:
    """The exact values a merged state knows, for the sections' measurements."""

    def __init__(self, state: AuditState, most_typical: list[dict[str, Any]] | None = None) -> None:
        self.state = state
        #: The most typical texts of the whole corpus (id, text, typicality), when a second pass
        #: over every text found them (the Ray engine).
        self.most_typical = most_typical

    @property
    def n_texts(self) -> int:
        return self.state.n_texts

    @property
    def sampled(self) -> bool:
        return self.state.sampled

    @property
    def translation_similarity(self) -> np.ndarray | None:
        """Each sample row's cosine with its plain translation (NaN: none), when the corpus gave them."""
        values = self.state.sample.columns.get(TRANSLATION_SIMILARITY)
        return None if values is None else np.array([np.nan if v is None else v for v in values], dtype=np.float64)

    @property
    def languages(self) -> dict[str, int] | None:
        """Texts per language of the whole corpus, when every state counted them (a merge keeps
        counts only when both sides have them for every text)."""
        return dict(self.state.languages) or None

    def values(self, key: tuple[str, str] | None = None) -> dict[str, float]:
        """Exact metric values of the whole corpus (``key`` None) or of ("group", label)."""
        if key is None:
            return {**_from_stats(self.state.whole), **self.state.lexical.values()}
        if key[0] == "group" and key[1] in self.state.groups:
            return _from_stats(self.state.groups[key[1]])
        return {}

    def summary(self) -> dict[str, Any]:
        """What a merged result came from: states, texts, the sample and the exact parts."""
        state = self.state
        return {
            "n_states": state.parts, "sources": state.sources, "n_texts": state.n_texts,
            "sample": {"n_texts": len(state.sample), "sampled": state.sampled,
                       "method": "bottom-k by a seeded hash of each text"},
            "exact_metrics": sorted(self.values()) if state.sampled else [],
            "distinct_n_exact": state.lexical.exact,
            "groups": {label: {"n_texts": s.n, **_from_stats(s)} for label, s in state.groups.items()},
            "months": {label: {"n_texts": s.n, **_from_stats(s)} for label, s in state.months.items()},
            "time_range": list(state.time_range) if state.time_range else None,
            **({"most_typical": self.most_typical} if self.most_typical is not None else {}),
        }

    def n_of(self, key: tuple[str, str] | None) -> int | None:
        if key is None:
            return self.state.n_texts
        stats = self.state.groups.get(key[1]) if key[0] == "group" else None
        return stats.n if stats is not None else None

    def correct(self, measurement: Measurement, key: tuple[str, str] | None = None) -> Measurement:
        """``measurement`` (of the sample's rows for ``key``) with the exact values in place."""
        total = self.n_of(key)
        if not self.sampled or total is None:
            return measurement
        exact = self.values(key)
        m = measurement.semantic.typicality.shape[0]
        metrics: dict[str, dict[str, Any]] = {}
        for metric_id, entry in measurement.metrics.items():
            entry = dict(entry)
            if metric_id in exact and total > m:
                entry.update(_recentred(metric_id, entry, exact[metric_id], math.sqrt(m / total)), method=EXACT_METHOD,
                             n_texts=total)
            elif total > m:
                entry.update(method="sampled", n_texts=m)
            metrics[metric_id] = entry
        return replace(measurement, metrics=metrics)


def _from_stats(stats: EmbeddingStats) -> dict[str, float]:
    if stats.n < 2:
        return {}
    return state_metrics(stats, spectral=stats.gram is not None)


def _recentred(metric_id: str, entry: dict[str, Any], value: float, scale: float) -> dict[str, Any]:
    """The exact value with the sample's interval moved onto it and narrowed by ``scale``; for a
    metric that depends on the number of texts, the interval's deviations relative to the value."""
    out: dict[str, Any] = {"value": value}
    if "ci_low" in entry and "ci_high" in entry:
        unit = value / entry["value"] if metric_id in SIZE_DEPENDENT and entry["value"] else 1.0
        out["ci_low"] = value - (entry["value"] - entry["ci_low"]) * unit * scale
        out["ci_high"] = value + (entry["ci_high"] - entry["value"]) * unit * scale
    return out
