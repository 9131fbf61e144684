"""The model's floor: the mean pairwise similarity of unrelated texts (:mod:`.texts`), and
similarity read above it.

Anisotropic models (E5-style) put unrelated texts at cosine ~0.8. If every vector carries a common
offset u orthogonal to the spread (x' ∝ x + a·u), every cosine becomes c' = (c + a²)/(1 + a²); the
rescaling s = (c − b)/(1 − b) with the floor b measured the same way gives s' = s exactly, so a
verdict read on s does not move with the offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from auditor.calibration.texts import TEXTS
from auditor.metrics.groups import unit
from auditor.metrics.semantic import embedding_stats, mean_pairwise_similarity

_MEMO: dict[tuple[str, str], "Baseline"] = {}


@dataclass(frozen=True)
class Baseline:
    """``similarity``: mean pairwise similarity of ``n_texts`` unrelated ``language`` texts."""

    similarity: float
    n_texts: int
    language: str = "en"

    def above(self, similarity: float) -> float:
        """(c − b) / (1 − b): 0 for unrelated texts, 1 for identical ones, below 0 for texts
        less alike than unrelated ones.

        >>> round(Baseline(0.2, 96).above(0.6), 12)
        0.5
        """
        return (similarity - self.similarity) / (1.0 - self.similarity)

    def as_dict(self) -> dict[str, Any]:
        return {"similarity": round(self.similarity, 6), "n_texts": self.n_texts, "language": self.language}


def baseline(embedder: Any, language: str = "en") -> Baseline:
    """The floor of ``embedder`` (an :class:`~auditor.embed.Embedder`; its embedding cache keeps
    the vectors), remembered per model identity for the life of the process."""
    key = (getattr(embedder, "identity", None), language)
    if key[0] is not None and key in _MEMO:
        return _MEMO[key]
    texts = list(TEXTS[language])
    vectors = unit(np.asarray(embedder.encode(texts), dtype=np.float64))
    found = Baseline(float(mean_pairwise_similarity(embedding_stats(vectors))), len(texts), language)
    if key[0] is not None:
        _MEMO[key] = found
    return found
