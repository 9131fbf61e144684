"""Texts built from a few templates: the share of texts that share a frame with their nearest
neighbour.

Slot-filled templates ("Discover the {adj} {product} that blends style and function…") keep
their fixed words in order while the slots change, so a text and its nearest neighbour (by
cosine) share a long common subsequence of words even when the slots make them semantically
apart and no single phrase recurs in most texts. A text counts as *templated* when the ROUGE-L F
of its words with its nearest neighbour's is at least :data:`FRAME_OVERLAP`: at least half of the
two texts' words form one common sequence. Independent human writing on one topic rarely shares
more than a fifth (HC3 human answers: ROUGE-L 0.1–0.2 between answers).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from auditor.metrics.lexical import _encode_tokens, rouge_l_f

#: ROUGE-L F with the nearest neighbour at or above which a text counts as templated.
FRAME_OVERLAP = 0.5


def frame_overlap(texts: Sequence[str], queries: np.ndarray, neighbours: np.ndarray) -> np.ndarray:
    """ROUGE-L F between each text ``queries[k]`` and its nearest neighbour ``neighbours[k]``.

    >>> frame_overlap(["buy the red lamp today", "buy the blue lamp today", "taxes due"],
    ...               np.array([0, 2]), np.array([1, 0])).round(2).tolist()
    [0.8, 0.0]
    """
    rows = sorted(set(np.asarray(queries).tolist()) | set(np.asarray(neighbours).tolist()))
    tokens = dict(zip(rows, _encode_tokens([texts[i] for i in rows])))
    return np.array([rouge_l_f(tokens[q], tokens[n]) for q, n in zip(np.asarray(queries).tolist(),
                                                                      np.asarray(neighbours).tolist())])


def template_share(frames: np.ndarray, overlap: float = FRAME_OVERLAP) -> tuple[float, int, int]:
    """Share of texts whose words form one common sequence with their nearest neighbour's for at
    least ``overlap`` of both (ROUGE-L F ≥ ``overlap``; Lin 2004), from the texts'
    :func:`frame_overlap`: (share, templated, searched).

    >>> frames = frame_overlap(["buy the red lamp today", "buy the blue lamp today", "taxes due"],
    ...                        np.array([0, 1, 2]), np.array([1, 0, 0]))
    >>> template_share(frames)
    (0.6666666666666666, 2, 3)
    """
    hits = int((np.asarray(frames) >= overlap).sum())
    return hits / len(frames), hits, len(frames)
