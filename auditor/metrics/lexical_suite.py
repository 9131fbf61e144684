"""The lexical metric suite: every lexical metric of a list of texts, with half-sampling
intervals, and the corpus's repeated (stock) phrases."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from auditor.metrics.lexical import WordNgrams, compression_ratio, rouge_l_pairs
from auditor.metrics.phrases import Phrase, repeated_phrases, stock_phrase_share, top_phrase
from auditor.metrics.uncertainty import IntervalSettings, half_samples, interval, subsample_scale, subsamples

#: ROUGE-L is exact up to this many pairs (100 texts) and sampled beyond.
ROUGE_MAX_PAIRS = 4_950
#: Lexical intervals recompute compression on every half; cap their replicates (xz is slowest).
LEXICAL_MAX_RESAMPLES = 50
XZ_MAX_RESAMPLES = 20
#: The compressors, each with the most interval replicates it gets.
COMPRESSORS = {"gzip": LEXICAL_MAX_RESAMPLES, "xz": XZ_MAX_RESAMPLES}
#: Compression ratios are computed on at most this many bytes of text (beyond: a seeded sample of
#: texts), and each interval replicate on a subsample of at most REPLICATE_BYTES, its deviation
#: rescaled by √(m/(n−m)) (:func:`~auditor.metrics.uncertainty.subsample_scale`).
COMPRESSION_MAX_BYTES = 8_000_000
REPLICATE_BYTES = 150_000


@dataclass
class LexicalSummary:
    values: dict[str, dict[str, Any]]
    phrases: list[Phrase]


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
    with ThreadPoolExecutor(max_workers=1) as pool:  # zlib and lzma release the GIL: they overlap the Python below
        packed = compression_sample(texts, seed)
        kept = [texts[i] for i in packed]
        ratios = {algorithm: pool.submit(compression_ratio, kept, algorithm) for algorithm in COMPRESSORS}
        replicates = {}
        if intervals is not None and n >= 4:
            count = min(intervals.n_resamples, LEXICAL_MAX_RESAMPLES)
            replicates = {algorithm: pool.submit(compression_replicates, kept, algorithm, min(count, cap), intervals.seed)
                          for algorithm, cap in COMPRESSORS.items()}
        summary = _suite(texts, seed, rouge_max_pairs, intervals, phrases_top)
        how = {"n_texts": len(kept), "method": "exact" if len(kept) == n else "sampled"}
        values: dict[str, dict[str, Any]] = {}
        for algorithm, ratio in ratios.items():
            entry = values[f"compression_ratio_{algorithm}"] = {"value": ratio.result(), **how}
            if algorithm in replicates:
                m, scale, rep = replicates[algorithm].result()
                lo, hi = interval(entry["value"], rep, intervals.level, (0.0, np.inf), scale)
                entry.update(ci_low=lo, ci_high=hi, **{**intervals.as_dict(), "n_resamples": len(rep)},
                             replicate_texts=m)
    return LexicalSummary({**values, **summary.values}, summary.phrases)


def _suite(texts: list[str], seed: int, rouge_max_pairs: int | None, intervals: IntervalSettings | None,
           phrases_top: int) -> LexicalSummary:
    """Every lexical metric but compression, with its interval."""
    n = len(texts)
    pi, pj, rouge = rouge_l_pairs(texts, rouge_max_pairs, seed)
    phrases = repeated_phrases(texts, top=phrases_top)
    top = top_phrase(phrases)
    rouge_info = {"n_pairs": int(len(rouge)), "exact": bool(len(rouge) == n * (n - 1) // 2),
                  "pair_seed": seed}
    words = WordNgrams(texts, 4)
    distinct = dict(enumerate(words.distinct(), start=1))
    values: dict[str, dict[str, Any]] = {
        "ngram_diversity": {"value": float(sum(distinct.values())), "max_n": 4},
        **{f"distinct_{k}": {"value": v, "n": k} for k, v in distinct.items()},
        "self_repetition": {"value": words.self_repetition(), "n": 4},
        "homogenization_rouge_l": {"value": float(rouge.mean()), **rouge_info},
        "stock_phrase_share": {"value": stock_phrase_share(texts, phrases),
                               "n_phrases": len(phrases)},
        "top_phrase_share": {"value": top.doc_share if top else 0.0,
                             "phrase": top.text if top else None},
    }
    if intervals is not None and n >= 4:
        settings = IntervalSettings(min(intervals.n_resamples, LEXICAL_MAX_RESAMPLES),
                                    intervals.seed, intervals.level)
        covered = np.zeros(n, dtype=bool)
        for phrase in phrases:
            covered[list(phrase.docs)] = True
        in_top = np.zeros(n, dtype=bool)
        if top is not None:
            in_top[list(top.docs)] = True
        reps: dict[str, list[float]] = {}
        in_half = np.zeros(n, dtype=bool)
        for half in half_samples(n, settings.n_resamples, settings.seed):
            in_half[:] = False
            in_half[half] = True
            both = in_half[pi] & in_half[pj]
            d = dict(enumerate(words.distinct(in_half), start=1))
            row = {
                "ngram_diversity": sum(d.values()),
                **{f"distinct_{k}": v for k, v in d.items()},
                "self_repetition": words.self_repetition(in_half),
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


def joined_bytes(texts: Sequence[str]) -> np.ndarray:
    """Each text's share of the joined corpus's bytes: its UTF-8 length plus the joining space."""
    return np.array([len(t.encode("utf-8")) + 1 for t in texts])


def compression_sample(texts: Sequence[str], seed: int, budget: int = COMPRESSION_MAX_BYTES) -> np.ndarray:
    """The texts whose compression is measured: all of them, or a seeded sample of about
    ``budget`` bytes (in corpus order)."""
    sizes = joined_bytes(texts)
    if sizes.sum() <= budget:
        return np.arange(len(texts))
    m = max(2, int(len(texts) * budget / sizes.sum()))
    return np.sort(np.random.default_rng(seed).choice(len(texts), size=m, replace=False))


def compression_replicates(texts: Sequence[str], algorithm: str, count: int, seed: int,
                           budget: int = REPLICATE_BYTES) -> tuple[int, float, list[float]]:
    """Compression ratios of ``count`` seeded subsamples of m texts: halves, or fewer texts when
    a half holds more than ``budget`` bytes; returns (m, the deviation scale, the ratios)."""
    n = len(texts)
    total = int(joined_bytes(texts).sum())
    m = max(2, min(n // 2, int(n * budget / max(total, 1))))
    parts = [[texts[i] for i in rows] for rows in subsamples(n, m, count, seed)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # zlib and lzma release the GIL
        reps = list(pool.map(lambda part: compression_ratio(part, algorithm), parts))
    return m, subsample_scale(m, n), reps
