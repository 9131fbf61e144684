"""The lexical metric suite: every lexical metric of a list of texts, with half-sampling
intervals, and the corpus's repeated (stock) phrases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from auditor.metrics.lexical import (
    compression_ratio,
    distinct_ns,
    ngram_ids,
    rouge_l_pairs,
    self_repetition,
    token_ids,
)
from auditor.metrics.phrases import Phrase, repeated_phrases, stock_phrase_share
from auditor.metrics.uncertainty import IntervalSettings, half_samples, interval

#: ROUGE-L is exact up to this many pairs (about 200 texts) and sampled beyond.
ROUGE_MAX_PAIRS = 20_000
#: Lexical intervals recompute compression on every half; cap their replicates (xz is slowest).
LEXICAL_MAX_RESAMPLES = 50
XZ_MAX_RESAMPLES = 20
#: ``top_phrase_share`` looks at phrases of at least this many words ("one of the" is not stock).
TOP_PHRASE_MIN_WORDS = 4


@dataclass
class LexicalSummary:
    values: dict[str, dict[str, Any]]
    phrases: list[Phrase]


class _WithinDocNgrams:
    """Ids of every n-gram lying inside one text, with the text it lies in: distinct-n of any
    subset of texts is then one vectorized count (for the half-sample replicates)."""

    def __init__(self, texts: Sequence[str], max_n: int) -> None:
        words = [t.split() for t in texts]
        lengths = np.array([len(w) for w in words])
        ids = token_ids([tok for w in words for tok in w])
        doc_of = np.repeat(np.arange(len(texts)), lengths)
        self.grams, self.docs = [], []
        for n, g in enumerate(ngram_ids(ids, max_n), start=1):
            inside = doc_of[: len(g)] == doc_of[n - 1:] if len(g) else np.zeros(0, dtype=bool)
            self.grams.append(g[inside])
            self.docs.append(doc_of[: len(g)][inside])

        # distinct (text, 4-gram) pairs, for self-repetition of any subset of texts
        pairs = np.unique(np.stack([self.docs[-1], self.grams[-1]]), axis=1) if max_n >= 4 else None
        self.pair_docs, self.pair_grams = (pairs[0], pairs[1]) if pairs is not None else (None, None)
        self.n_texts = len(texts)

    def self_repetition(self, chosen: np.ndarray) -> float:
        """Self-repetition (n = 4) of the texts where ``chosen`` is True."""
        mask = chosen[self.pair_docs]
        grams, docs = self.pair_grams[mask], self.pair_docs[mask]
        df = np.bincount(grams)
        reuse = np.bincount(docs, weights=df[grams] - 1, minlength=self.n_texts)
        return float(np.mean(np.log1p(reuse[chosen])))

    def distinct(self, chosen: np.ndarray) -> list[float]:
        out = []
        for g, d in zip(self.grams, self.docs):
            sel = g[chosen[d]]
            out.append(len(np.unique(sel)) / len(sel) if len(sel) else 0.0)
        return out


def lexical_suite(
    texts: Sequence[str],
    *,
    seed: int = 0,
    rouge_max_pairs: int | None = ROUGE_MAX_PAIRS,
    intervals: IntervalSettings | None = None,
    phrases_top: int = 25,
) -> LexicalSummary:
    """Compression ratio (gzip, xz), distinct-1..4, n-gram diversity, self-repetition,
    homogenization (ROUGE-L) and the stock-phrase share, with intervals when asked."""
    texts = list(texts)
    n = len(texts)
    pi, pj, rouge = rouge_l_pairs(texts, rouge_max_pairs, seed)
    phrases = repeated_phrases(texts, top=phrases_top)
    long_phrases = [p for p in phrases if p.n_words >= TOP_PHRASE_MIN_WORDS]
    top = max(long_phrases, key=lambda p: p.doc_freq, default=None)
    rouge_info = {"n_pairs": int(len(rouge)), "exact": bool(len(rouge) == n * (n - 1) // 2),
                  "pair_seed": seed}
    distinct = dict(enumerate(distinct_ns(texts, 4), start=1))
    values: dict[str, dict[str, Any]] = {
        "compression_ratio_gzip": {"value": compression_ratio(texts, "gzip")},
        "compression_ratio_xz": {"value": compression_ratio(texts, "xz")},
        "ngram_diversity": {"value": float(sum(distinct.values())), "max_n": 4},
        **{f"distinct_{k}": {"value": v, "n": k} for k, v in distinct.items()},
        "self_repetition": {"value": self_repetition(texts, 4), "n": 4},
        "homogenization_rouge_l": {"value": float(rouge.mean()), **rouge_info},
        "stock_phrase_share": {"value": stock_phrase_share(texts, phrases),
                               "n_phrases": len(phrases)},
        "top_phrase_share": {"value": top.doc_share if top else 0.0,
                             "phrase": top.text if top else None},
    }
    if intervals is not None and n >= 4:
        settings = IntervalSettings(min(intervals.n_resamples, LEXICAL_MAX_RESAMPLES),
                                    intervals.seed, intervals.level)
        within = _WithinDocNgrams(texts, 4)
        covered = np.zeros(n, dtype=bool)
        for phrase in phrases:
            covered[list(phrase.docs)] = True
        in_top = np.zeros(n, dtype=bool)
        if top is not None:
            in_top[list(top.docs)] = True
        reps: dict[str, list[float]] = {}
        in_half = np.zeros(n, dtype=bool)
        for half in half_samples(n, settings.n_resamples, settings.seed):
            sub = [texts[i] for i in half]
            in_half[:] = False
            in_half[half] = True
            both = in_half[pi] & in_half[pj]
            d = dict(enumerate(within.distinct(in_half), start=1))
            row = {
                "compression_ratio_gzip": compression_ratio(sub, "gzip"),
                "compression_ratio_xz": (compression_ratio(sub, "xz")
                                         if len(reps.get("compression_ratio_xz", [])) < XZ_MAX_RESAMPLES
                                         else None),
                "ngram_diversity": sum(d.values()),
                **{f"distinct_{k}": v for k, v in d.items()},
                "self_repetition": within.self_repetition(in_half),
                "homogenization_rouge_l": float(rouge[both].mean()) if both.any() else np.nan,
                "stock_phrase_share": float(covered[half].mean()),
                "top_phrase_share": float(in_top[half].mean()),
            }
            for key, value in row.items():
                if value is not None:
                    reps.setdefault(key, []).append(value)
        for key, rep in reps.items():
            bounds = (0.0, 1.0) if key.endswith("_share") else (0.0, np.inf)
            lo, hi = interval(values[key]["value"], rep, settings.level, bounds)
            values[key].update(ci_low=lo, ci_high=hi, **{**settings.as_dict(), "n_resamples": len(rep)})
    return LexicalSummary(values, phrases)
