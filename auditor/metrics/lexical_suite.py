"""The lexical metric suite: every lexical metric of a list of texts, with half-sampling
intervals, and the corpus's repeated (stock) phrases."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from auditor.metrics.lexical import (
    compression_ratio,
    distinct_n,
    doc_ngram_sets,
    pair_sample,
    rouge_l_f,
    rouge_tokens,
)
from auditor.metrics.phrases import Phrase, repeated_phrases, stock_phrase_share
from auditor.metrics.uncertainty import IntervalSettings, half_samples, interval

#: ROUGE-L is exact up to this many pairs (about 200 texts) and sampled beyond.
ROUGE_MAX_PAIRS = 20_000
#: Lexical intervals recompute compression on every half; cap their replicates.
LEXICAL_MAX_RESAMPLES = 50


@dataclass
class LexicalSummary:
    values: dict[str, dict[str, Any]]
    phrases: list[Phrase]


def _self_repetition_of(sets: list[set], idx: Sequence[int]) -> float:
    df: Counter = Counter()
    for i in idx:
        df.update(sets[i])
    return float(np.mean([np.log(1 + sum(df[g] for g in sets[i]) - len(sets[i])) for i in idx]))


def _distinct_within(doc_grams: list[list[tuple]], idx: Sequence[int]) -> float:
    """distinct-n over the n-grams inside the texts at ``idx`` (for half-sample replicates)."""
    total = sum(len(doc_grams[i]) for i in idx)
    if not total:
        return 0.0
    return len({g for i in idx for g in doc_grams[i]}) / total


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
    sets4 = doc_ngram_sets(texts, 4)
    tokens = [rouge_tokens(t) for t in texts]
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(tok, len(vocab)) for tok in toks] for toks in tokens]
    pi, pj = pair_sample(n, rouge_max_pairs, seed)
    rouge = np.array([rouge_l_f(ids[a], ids[b]) for a, b in zip(pi.tolist(), pj.tolist())])
    phrases = repeated_phrases(texts, top=phrases_top)
    rouge_info = {"n_pairs": int(len(rouge)), "exact": bool(len(rouge) == n * (n - 1) // 2),
                  "pair_seed": seed}
    distinct = {k: distinct_n(texts, k) for k in range(1, 5)}
    values: dict[str, dict[str, Any]] = {
        "compression_ratio_gzip": {"value": compression_ratio(texts, "gzip")},
        "compression_ratio_xz": {"value": compression_ratio(texts, "xz")},
        "ngram_diversity": {"value": float(sum(distinct.values())), "max_n": 4},
        **{f"distinct_{k}": {"value": v, "n": k} for k, v in distinct.items()},
        "self_repetition": {"value": _self_repetition_of(sets4, range(n)), "n": 4},
        "homogenization_rouge_l": {"value": float(rouge.mean()), **rouge_info},
        "stock_phrase_share": {"value": stock_phrase_share(texts, phrases),
                               "n_phrases": len(phrases)},
    }
    if intervals is not None and n >= 4:
        settings = IntervalSettings(min(intervals.n_resamples, LEXICAL_MAX_RESAMPLES),
                                    intervals.seed, intervals.level)
        grams = {k: [list(zip(*(t.split()[i:] for i in range(k)))) for t in texts] for k in range(1, 5)}
        covered = np.zeros(n, dtype=bool)
        for phrase in phrases:
            covered[list(phrase.docs)] = True
        reps: dict[str, list[float]] = {}
        in_half = np.zeros(n, dtype=bool)
        for half in half_samples(n, settings.n_resamples, settings.seed):
            sub = [texts[i] for i in half]
            in_half[:] = False
            in_half[half] = True
            both = in_half[pi] & in_half[pj]
            d = {k: _distinct_within(grams[k], half) for k in range(1, 5)}
            row = {
                "compression_ratio_gzip": compression_ratio(sub, "gzip"),
                "compression_ratio_xz": compression_ratio(sub, "xz"),
                "ngram_diversity": sum(d.values()),
                **{f"distinct_{k}": v for k, v in d.items()},
                "self_repetition": _self_repetition_of(sets4, half),
                "homogenization_rouge_l": float(rouge[both].mean()) if both.any() else np.nan,
                "stock_phrase_share": float(covered[half].mean()),
            }
            for key, value in row.items():
                reps.setdefault(key, []).append(value)
        for key, rep in reps.items():
            bounds = (0.0, 1.0) if key == "stock_phrase_share" else (0.0, np.inf)
            lo, hi = interval(values[key]["value"], rep, settings.level, bounds)
            values[key].update(ci_low=lo, ci_high=hi, **settings.as_dict())
    return LexicalSummary(values, phrases)
