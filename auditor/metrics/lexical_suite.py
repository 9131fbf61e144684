"""The lexical metric suite: every lexical metric of a list of texts, with half-sampling
intervals, and the corpus's repeated (stock) phrases."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from auditor.background import lower_priority
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
    compression: "CompressionJob | None" = None,
) -> LexicalSummary:
    """Compression ratio (gzip, xz), distinct-1..4, n-gram diversity, self-repetition,
    homogenization (ROUGE-L) and the stock-phrase share, with intervals when asked.
    ``compression``: the :class:`CompressionJob` of these texts, seed and intervals when one was
    started earlier (an audit starts it before the encoder); else one is started here, and runs
    while the Python below does."""
    texts = list(texts)
    if compression is None:
        compression = CompressionJob(texts, seed, intervals)
    elif not compression.made_for(texts, seed, intervals):
        raise ValueError("the compression job was started for other texts, seed or intervals")
    summary = _suite(texts, seed, rouge_max_pairs, intervals, phrases_top)
    return LexicalSummary({**compression.values(), **summary.values}, summary.phrases)


class CompressionJob:
    """The compression ratios (gzip, xz) of ``texts`` and, with ``intervals``, their subsample
    replicates and intervals, computed in background threads from the moment the job is made
    (zlib and lzma release the GIL), the slowest first, at the lowest priority
    (:mod:`auditor.background`). An audit starts it before its encoder runs, in the cycles the
    encoder leaves idle; :meth:`values` waits for the figures.
    Daemon threads: a process that no longer needs them (its result was stored) does not wait."""

    def __init__(self, texts: Sequence[str], seed: int, intervals: IntervalSettings | None) -> None:
        texts = list(texts)
        self._made = (hash(tuple(texts)), seed, intervals)  # str hashes are cached: ~1 ms for 10,000 texts
        packed = compression_sample(texts, seed)
        kept = [texts[i] for i in packed]
        self._how = {"n_texts": len(kept), "method": "exact" if len(kept) == len(texts) else "sampled"}
        self._intervals = intervals
        # (algorithm, replicate or None for the corpus's value, the texts), slowest first
        tasks: list[tuple[str, int | None, list[str]]] = []
        self._replicates: dict[str, tuple[int, float, int]] = {}
        for algorithm, cap in sorted(COMPRESSORS.items(), key=lambda item: item[0] != "xz"):
            tasks.append((algorithm, None, kept))
            if intervals is not None and len(texts) >= 4:
                count = min(intervals.n_resamples, LEXICAL_MAX_RESAMPLES, cap)
                m, scale, parts = replicate_parts(kept, count, intervals.seed)
                self._replicates[algorithm] = (m, scale, len(parts))
                tasks += [(algorithm, k, part) for k, part in enumerate(parts)]
        self._found: dict[tuple[str, int | None], float] = {}
        self._errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._left = len(tasks)
        self._done = threading.Event()
        queue = iter(tasks)
        for _ in range(min(os.cpu_count() or 1, len(tasks))):
            threading.Thread(target=self._work, args=(queue,), daemon=True, name="auditor-compression").start()

    def _work(self, queue: Any) -> None:
        lower_priority()
        while True:
            with self._lock:
                task = next(queue, None)
            if task is None:
                return
            algorithm, replicate, part = task
            try:
                ratio = compression_ratio(part, algorithm)
            except BaseException as exc:  # noqa: BLE001  (re-raised by values(), in the caller's thread)
                with self._lock:
                    self._errors.append(exc)
            else:
                self._found[algorithm, replicate] = ratio
            with self._lock:
                self._left -= 1
                if self._left == 0:
                    self._done.set()

    def made_for(self, texts: Sequence[str], seed: int, intervals: IntervalSettings | None) -> bool:
        return self._made == (hash(tuple(texts)), seed, intervals)

    def values(self) -> dict[str, dict[str, Any]]:
        """``compression_ratio_gzip`` and ``compression_ratio_xz`` (id → entry), once computed."""
        self._done.wait()
        if self._errors:
            raise self._errors[0]
        values: dict[str, dict[str, Any]] = {}
        for algorithm in COMPRESSORS:
            entry = values[f"compression_ratio_{algorithm}"] = {"value": self._found[algorithm, None], **self._how}
            if algorithm in self._replicates:
                m, scale, count = self._replicates[algorithm]
                rep = [self._found[algorithm, k] for k in range(count)]
                intervals = self._intervals
                assert intervals is not None
                lo, hi = interval(entry["value"], rep, intervals.level, (0.0, np.inf), scale)
                entry.update(ci_low=lo, ci_high=hi, **{**intervals.as_dict(), "n_resamples": len(rep)},
                             replicate_texts=m)
        return values


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


def replicate_parts(texts: Sequence[str], count: int, seed: int,
                    budget: int = REPLICATE_BYTES) -> tuple[int, float, list[list[str]]]:
    """``count`` seeded subsamples of m texts: halves, or fewer texts when a half holds more than
    ``budget`` bytes; returns (m, the deviation scale, the subsamples' texts)."""
    n = len(texts)
    total = int(joined_bytes(texts).sum())
    m = max(2, min(n // 2, int(n * budget / max(total, 1))))
    return m, subsample_scale(m, n), [[texts[i] for i in rows] for rows in subsamples(n, m, count, seed)]


def compression_replicates(texts: Sequence[str], algorithm: str, count: int, seed: int,
                           budget: int = REPLICATE_BYTES) -> tuple[int, float, list[float]]:
    """Compression ratios of the :func:`replicate_parts` of ``texts``: (m, the deviation scale,
    the ratios)."""
    m, scale, parts = replicate_parts(texts, count, seed, budget)
    return m, scale, [compression_ratio(part, algorithm) for part in parts]
