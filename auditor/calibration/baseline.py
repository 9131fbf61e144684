"""The model's floor: the mean pairwise similarity of unrelated texts (:mod:`.texts`), and
similarity read above it.

Anisotropic models (E5-style) put unrelated texts at cosine ~0.8. If every vector carries a common
offset u orthogonal to the spread (x' ∝ x + a·u), every cosine becomes c' = (c + a²)/(1 + a²); the
rescaling s = (c − b)/(1 − b) with the floor b measured the same way gives s' = s exactly, so a
verdict read on s does not move with the offset.

A corpus in several languages is read against the floor of its language mix: two of its texts
drawn at random are in languages l and m with probability w_l·w_m, and unrelated texts in l and m
sit at b_lm (b_ll the language's own floor; b_lm, l ≠ m, over the calibration texts of the two
languages that are not translations of each other), so the floor is Σ_l Σ_m w_l w_m b_lm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from auditor.calibration.texts import TEXTS
from auditor.metrics.two_sample import unit
from auditor.metrics.semantic import embedding_stats, mean_pairwise_similarity

_MEMO: dict[tuple[str, str], np.ndarray] = {}


@dataclass(frozen=True)
class Baseline:
    """``similarity``: mean pairwise similarity of ``n_texts`` unrelated ``language`` texts (for a
    mix, ``language`` is "mixed" and ``weights`` the share of each language)."""

    similarity: float
    n_texts: int
    language: str = "en"
    weights: dict[str, float] = field(default_factory=dict)

    def above(self, similarity: float) -> float:
        """(c − b) / (1 − b): 0 for unrelated texts, 1 for identical ones, below 0 for texts
        less alike than unrelated ones.

        >>> round(Baseline(0.2, 96).above(0.6), 12)
        0.5
        """
        return (similarity - self.similarity) / (1.0 - self.similarity)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"similarity": round(self.similarity, 6), "n_texts": self.n_texts,
                               "language": self.language}
        if self.weights:
            out["weights"] = {k: round(v, 6) for k, v in self.weights.items()}
        return out


def calibration_vectors(embedder: Any, language: str) -> np.ndarray:
    """Unit vectors of the calibration texts in ``language`` (an :class:`~auditor.embed.Embedder`;
    its embedding cache keeps them), remembered per model identity for the life of the process."""
    key = (getattr(embedder, "identity", None), language)
    if key[0] is not None and key in _MEMO:
        return _MEMO[key]
    vectors = unit(np.asarray(embedder.encode(list(TEXTS[language])), dtype=np.float64))
    if key[0] is not None:
        _MEMO[key] = vectors
    return vectors


def baseline(embedder: Any, language: str = "en") -> Baseline:
    """The floor of ``embedder`` in ``language``."""
    vectors = calibration_vectors(embedder, language)
    return Baseline(float(mean_pairwise_similarity(embedding_stats(vectors))), len(vectors), language)


def cross_floor(embedder: Any, a: str, b: str) -> float:
    """Mean cosine between the calibration texts of languages ``a`` and ``b`` that are not
    translations of each other (text k of one language and text k of another say the same)."""
    va, vb = calibration_vectors(embedder, a), calibration_vectors(embedder, b)
    sims = va @ vb.T
    k = min(len(va), len(vb))
    keep = np.ones(sims.shape, dtype=bool)
    keep[np.arange(k), np.arange(k)] = False
    return float(sims[keep].mean())


def mixed_baseline(embedder: Any, counts: Mapping[str, int]) -> Baseline:
    """The floor of a corpus with ``counts`` texts per calibration language: Σ_l Σ_m w_l w_m b_lm
    (the language's own floor when there is one language).

    >>> class Same:  # a model that reads every text as the same vector
    ...     identity = None
    ...     def encode(self, texts): return np.ones((len(texts), 2))
    >>> round(mixed_baseline(Same(), {"en": 3, "fr": 1}).similarity, 12)
    1.0
    """
    counts = {k: v for k, v in counts.items() if v > 0}
    if len(counts) == 1:
        return baseline(embedder, next(iter(counts)))
    total = sum(counts.values())
    weights = {k: v / total for k, v in sorted(counts.items())}
    floors = {k: baseline(embedder, k) for k in weights}
    value = 0.0
    for a, wa in weights.items():
        for b, wb in weights.items():
            value += wa * wb * (floors[a].similarity if a == b else cross_floor(embedder, a, b))
    return Baseline(value, sum(f.n_texts for f in floors.values()), "mixed", weights)
