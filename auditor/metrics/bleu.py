"""Self-BLEU (Zhu et al. 2018, "Texygen"): how much of each text's wording the other texts
already contain. Higher means more homogeneous.

For each text i (the hypothesis) and every other text as a reference (Papineni et al. 2002):
BLEU_i = BP · exp(Σₙ₌₁..₄ ¼ log pₙ), pₙ = Σ_g min(count_i(g), max_{j≠i} count_j(g)) / max(1, #n-grams
of i), a zero numerator smoothed to 0.1 (Chen & Cherry 2014, method 1), BP = exp(1 − r/c) when
the text's length c is below r, the closest other text's length (the shorter on a tie), else 1.
Self-BLEU is the mean over texts. The maximum over the other texts is exact for every text at
once: per n-gram the two largest counts and the text holding the first.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from auditor.metrics.lexical import ngram_vocabulary, rouge_tokens, token_ids

MAX_N = 4
EPSILON = 0.1


def self_bleu_per_text(texts: Sequence[str], max_n: int = MAX_N) -> np.ndarray:
    """BLEU of each text against all the others as references (see the module docstring).

    Vectorised: the n-grams of all texts get dense ids, each (n-gram, text) its count; sorting
    the counts of each n-gram in descending order gives its largest count, the text holding it
    and the second largest (equal to the largest on a tie), so each text's clipped count is
    min(its count, the largest count among the others).

    >>> self_bleu_per_text(["the cat sat on the mat", "the cat sat on the mat"]).round(6).tolist()
    [1.0, 1.0]
    >>> self_bleu_per_text(["a b c d", "e f g h"]).round(6).tolist()  # (0.1/4 · 0.1/3 · 0.1/2 · 0.1/1)^¼
    [0.04518, 0.04518]
    """
    tokens = [rouge_tokens(t) for t in texts]
    n_texts = len(tokens)
    lengths = np.array([len(t) for t in tokens], dtype=np.int64)
    doc = np.repeat(np.arange(n_texts), lengths)
    grams, _ = ngram_vocabulary(token_ids([w for t in tokens for w in t]), max_n)
    log_p = np.zeros(n_texts)
    for n in range(1, max_n + 1):
        ids = grams[n - 1]
        within = np.flatnonzero(doc[:len(ids)] == doc[n - 1:n - 1 + len(ids)]) if len(ids) else ids
        keys, count = np.unique(ids[within] * n_texts + doc[within], return_counts=True)
        gram, text = keys // n_texts, keys % n_texts
        order = np.lexsort((-count, gram))  # per n-gram, its counts in descending order
        gram, text, count = gram[order], text[order], count[order]
        start = np.flatnonzero(np.diff(gram, prepend=-1))  # each n-gram's first row
        size = np.diff(np.r_[start, len(gram)])
        top = np.repeat(count[start], size)
        holder = np.repeat(text[start], size)
        second = np.repeat(np.where(size > 1, count[np.minimum(start + 1, len(count) - 1)], 0), size)
        clipped = np.minimum(count, np.where(text == holder, second, top))
        numerator = np.bincount(text, weights=clipped, minlength=n_texts)
        total = np.maximum(1, lengths - n + 1)
        log_p += np.log(np.where(numerator > 0, numerator, EPSILON) / total) / max_n
    return brevity_penalty(lengths) * np.exp(log_p)


def brevity_penalty(lengths: np.ndarray) -> np.ndarray:
    """exp(1 − r/c) when c < r, else 1; c each text's length, r the closest other length (the
    shorter on a tie); 0 for an empty text."""
    order = np.argsort(lengths, kind="stable")
    ranked = lengths[order]
    out = np.ones(len(lengths))
    for rank, i in enumerate(order):
        c = lengths[i]
        neighbours = [ranked[k] for k in (rank - 1, rank + 1) if 0 <= k < len(ranked)]
        r = min(neighbours, key=lambda length: (abs(length - c), length))
        out[i] = 0.0 if c == 0 else (1.0 if c >= r else np.exp(1 - r / c))
    return out


def self_bleu(texts: Sequence[str], max_n: int = MAX_N) -> float:
    """Mean over texts of :func:`self_bleu_per_text`."""
    return float(np.mean(self_bleu_per_text(texts, max_n)))
