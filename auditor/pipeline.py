"""The audit pipeline: corpus → embeddings → metrics → :class:`AuditResult`."""

from __future__ import annotations

import datetime as _dt
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from auditor.convergence import (
    FREQS,
    choose_freq,
    comparison_section,
    reference_section,
    time_bins,
    trend_section,
)
from auditor.corpus import Corpus, from_frame, from_texts, load_corpus
from auditor.embed import Embedder
from auditor.errors import CorpusError
from auditor.metrics.compare import DEFAULT_PERMUTATIONS
from auditor.embed.model import cuda_may_exist, select_device
from auditor.metrics._xp import on_device
from auditor.metrics.catalog import SIZE_DEPENDENT
from auditor.metrics.lexical_suite import LexicalSummary
from auditor.metrics.semantic import typicality
from auditor.metrics.suite import SemanticSummary
from auditor.measure import measure, take
from auditor.metrics.uncertainty import IntervalSettings, subsample_indices
from auditor.result import SCHEMA_VERSION, AuditResult
from auditor.verdict import verdict

RANKING_SIZE = 10
PAIRS_SHOWN = 50
PHRASE_EXAMPLES = 3
PHRASE_IDS = 200
_VERSION_PACKAGES = ("auditor", "numpy", "pandas", "torch", "sentence-transformers", "transformers")


def package_versions() -> dict[str, str | None]:
    """Installed versions of the packages that shape the numbers."""
    out: dict[str, str | None] = {}
    for name in _VERSION_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def as_corpus(data: Any, **columns: Any) -> Corpus:
    """Accept a :class:`Corpus`, a DataFrame, a path (a string is always a path, never one
    text), or a sequence of strings."""
    if isinstance(data, Corpus):
        return data
    if isinstance(data, pd.DataFrame):
        return from_frame(data, **columns)
    if isinstance(data, (str, Path)):
        return load_corpus(data, **columns)
    return from_texts(list(data))


def _text_entry(corpus: Corpus, i: int, **extra: Any) -> dict[str, Any]:
    row = corpus.frame.iloc[i]
    entry: dict[str, Any] = {"id": row["id"], **extra}
    if "group" in corpus.frame:
        entry["group"] = row["group"]
    if "source" in corpus.frame:
        entry["source"] = row["source"]
    entry["text"] = row["text"]
    return entry


def _rankings(corpus: Corpus, summary: SemanticSummary, top: int) -> dict[str, Any]:
    typ = summary.typicality
    order = np.lexsort((np.arange(len(typ)), -typ))
    generic = [_text_entry(corpus, int(i), typicality=round(float(typ[i]), 6)) for i in order[:top]]
    rev = np.lexsort((np.arange(len(typ)), typ))
    distinct = [_text_entry(corpus, int(i), typicality=round(float(typ[i]), 6)) for i in rev[:top]]
    ids, texts = corpus.frame["id"].to_numpy(), corpus.frame["text"].to_numpy()
    pairs = [
        {"a": ids[i], "b": ids[j], "similarity": round(s, 6), "text_a": texts[i], "text_b": texts[j]}
        for i, j, s in summary.scan.pairs[:PAIRS_SHOWN]
    ]
    return {
        "most_generic": generic,
        "most_distinctive": distinct,
        "near_duplicate_pairs": pairs,
        "near_duplicate_pair_count": summary.scan.pair_count,
        "near_duplicate_pairs_complete": summary.scan.exact,
    }


def _phrases(corpus: Corpus, lexical: LexicalSummary) -> list[dict[str, Any]]:
    ids, texts = corpus.frame["id"].to_numpy(), corpus.frame["text"].to_numpy()
    return [
        {"phrase": p.text, "n_words": p.n_words, "doc_freq": p.doc_freq,
         "doc_share": round(p.doc_share, 6),
         "examples": [{"id": ids[i], "text": texts[i]} for i in p.docs[:PHRASE_EXAMPLES]],
         "ids": [ids[i] for i in p.docs[:PHRASE_IDS]]}
        for p in lexical.phrases
    ]


def _group_entries(
    X: Any, corpus: Corpus, device: str, *, threshold: float, seed: int,
    intervals: IntervalSettings | None, lexical: bool,
) -> tuple[dict[str, Any], int | None]:
    """Per group: every metric, and the size-dependent ones again at the smallest group's size."""
    labels = corpus.groups.to_numpy()
    texts = corpus.frame["text"].to_numpy()
    members = {str(g): np.flatnonzero(labels == g) for g in sorted(pd.unique(labels))}
    sizes = [len(idx) for idx in members.values() if len(idx) >= 2]
    common = min(sizes) if len(sizes) >= 2 else None
    groups: dict[str, Any] = {}
    for name, idx in members.items():
        entry: dict[str, Any] = {"n_texts": int(len(idx)), "metrics": {}}
        if len(idx) < 2:
            entry["note"] = "fewer than 2 texts: no metrics"
            groups[name] = entry
            continue
        kw = {"threshold": threshold, "seed": seed, "intervals": intervals, "lexical": lexical}
        entry["metrics"], _, _ = measure(take(X, idx, device), texts[idx].tolist(), **kw)
        if common is not None:
            if len(idx) == common:
                at_common = entry["metrics"]
            else:
                sub = idx[subsample_indices(len(idx), common, seed)]
                at_common, _, _ = measure(take(X, sub, device), texts[sub].tolist(), **kw)
            for metric_id in SIZE_DEPENDENT & set(entry["metrics"]):
                m = at_common[metric_id]
                entry["metrics"][metric_id]["at_common_size"] = {
                    k: m[k] for k in ("value", "ci_low", "ci_high") if k in m}
        groups[name] = entry
    return groups, common


def _convergence_sections(
    vectors: np.ndarray, X: Any, corpus: Corpus, device: str, ref_corpus: Corpus | None,
    ref_vectors: np.ndarray | None, *, freq: str | None, threshold: float, seed: int,
    intervals: IntervalSettings | None, lexical: bool, permutations: int,
) -> dict[str, Any]:
    """The comparison, trend and reference sections, where groups, times or a reference exist."""
    out: dict[str, Any] = {}
    labels = corpus.groups.astype(str).to_numpy() if corpus.groups is not None else None
    texts = corpus.frame["text"].to_numpy()
    if labels is not None:
        section = comparison_section(vectors, labels, seed=seed, intervals=intervals, permutations=permutations)
        if section is not None:
            out["comparison"] = section
    periods = None
    if corpus.times is not None:
        chosen = freq or choose_freq(corpus.times)
        periods = time_bins(corpus.times, chosen)

        def measure_at(idx: np.ndarray) -> dict[str, dict[str, Any]]:
            return measure(take(X, idx, device), texts[idx].tolist(), threshold=threshold, seed=seed,
                           intervals=intervals, lexical=lexical)[0]

        ref_c = ref_vectors.mean(axis=0) if ref_vectors is not None else None
        out["trend"] = trend_section(vectors, *periods, labels, freq=chosen, freq_given=freq is not None,
                                     measure_at=measure_at, seed=seed, intervals=intervals, reference=ref_c)
    if ref_corpus is not None and ref_vectors is not None:
        out["reference"] = reference_section(
            vectors, ref_vectors, labels, periods, name=ref_corpus.source or "reference",
            seed=seed, permutations=permutations, level=intervals.level if intervals else 0.95)
    return out


def _metrics_device(device: str, embedder: Embedder) -> str:
    if device == "cpu":
        return "cpu"
    if embedder.device is not None and embedder.device.startswith("cuda"):
        return embedder.device
    if device.startswith("cuda") or (device == "auto" and cuda_may_exist()):
        chosen = select_device(device)
        return chosen if chosen.startswith("cuda") else "cpu"
    return "cpu"


def audit(
    data: Any,
    *,
    text_col: str | None = None,
    group_col: str | None = None,
    time_col: str | None = None,
    id_col: str | None = None,
    model: Any = None,
    device: str = "auto",
    embedder: Embedder | None = None,
    cache: Any = None,
    sample: int | None = None,
    seed: int = 0,
    threshold: float = 0.95,
    top: int = RANKING_SIZE,
    batch_size: int = 64,
    progress: bool | None = None,
    lexical: bool = True,
    resamples: int = 200,
    ci_level: float = 0.95,
    clusters: str | None = "hdbscan",
    reuse_results: bool = True,
    freq: str | None = None,
    reference: Any = None,
    permutations: int = DEFAULT_PERMUTATIONS,
) -> AuditResult:
    """Audit a corpus for homogenization.

    ``data`` is a path, a DataFrame, a :class:`Corpus` or a list of strings. ``model`` is a model
    name, a local path or an object with ``encode(list[str])``; ``cache`` an embedding-cache
    directory (``False`` disables it). ``sample`` audits a seeded random subset of that many texts.
    Every metric carries a ``ci_level`` interval from ``resamples`` half-samples (0 turns
    intervals off). ``clusters`` ("hdbscan", "kmeans" or None) adds the corpus map and clusters.
    With groups, adds the comparison (distinctiveness, heatmap, PERMANOVA, MMD tests with
    ``permutations`` relabellings); with times, the per-period picture binned by ``freq`` (year,
    quarter, month or decade; chosen from the date span when None) and the convergence index;
    ``reference`` (a path, DataFrame, Corpus or list of texts) adds how close each group sits to
    that reference corpus. Same input and same seed give identical numbers.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    corpus = as_corpus(data, text_col=text_col, group_col=group_col, time_col=time_col, id_col=id_col)
    if freq is not None and corpus.times is None:
        raise CorpusError("--freq needs a time column (--time-col)")
    if freq is not None and freq not in FREQS:
        raise CorpusError(f"--freq must be one of {', '.join(FREQS)}, got {freq!r}")
    ref_corpus = as_corpus(reference) if reference is not None else None
    if sample is not None:
        corpus = corpus.sample(sample, seed)
    if embedder is None:
        embedder = Embedder(model, device=device, batch_size=batch_size, cache=cache, progress=progress)
    vectors = embedder.encode(corpus.texts)
    ref_vectors = embedder.encode(ref_corpus.texts) if ref_corpus is not None else None
    settings = {"seed": seed, "sample": sample, "near_duplicate_threshold": threshold,
                "ranking_size": top, "ci_method": "half-sampling" if resamples > 0 else None,
                "n_resamples": resamples, "ci_level": ci_level, "permutations": permutations}
    store, key = None, ""
    if reuse_results and embedder.cache is not None and embedder.spec is not None:
        from auditor.result_cache import ResultCache, result_key

        store = ResultCache(embedder.cache.directory)
        columns = {c: corpus.frame[c].astype(str).tolist() for c in ("group", "time") if c in corpus.frame}
        key = result_key(corpus.fingerprint(), columns, embedder.spec.identity,
                         {**settings, "lexical": lexical, "clusters": clusters, "device": device,
                          "source": corpus.source, "freq": freq, "permutations": permutations,
                          "reference": ref_corpus.fingerprint() if ref_corpus is not None else None})
        stored = store.get(key)
        if stored is not None:
            stored["created_at"] = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
            stored["embedding"] = {"n_embedded": embedder.n_embedded, "n_cached": embedder.n_cached,
                                   "result_reused": True}
            return AuditResult(stored, embeddings=vectors, typicality=typicality(vectors), corpus=corpus)
    metrics_device = _metrics_device(device, embedder)
    X = on_device(vectors, metrics_device)

    intervals = IntervalSettings(resamples, seed, ci_level) if resamples > 0 else None
    metrics, summary, lex = measure(X, corpus.texts, threshold=threshold, seed=seed,
                                    intervals=intervals, lexical=lexical)
    groups: dict[str, Any] = {}
    common_size = None
    if corpus.groups is not None:
        groups, common_size = _group_entries(X, corpus, metrics_device, threshold=threshold, seed=seed,
                                             intervals=intervals, lexical=lexical)

    frame = corpus.frame
    time_range = None
    if corpus.times is not None:
        time_range = [frame["time"].min().isoformat(), frame["time"].max().isoformat()]
    versions = package_versions()
    data_out = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "auditor", "version": versions["auditor"]},
        "created_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "corpus": {
            "n_texts": len(corpus),
            "n_groups": len(groups),
            "source": corpus.source,
            "columns": corpus.columns,
            "fingerprint": corpus.fingerprint(),
            "time_range": time_range,
        },
        "model": {**embedder.model_info, "dimension": int(vectors.shape[1]),
                  "metrics_device": metrics_device},
        "settings": {**settings, "group_common_size": common_size},
        "verdict": verdict(metrics, len(corpus)),
        "metrics": metrics,
        "groups": groups,
        "texts": {**_rankings(corpus, summary, top),
                  "repeated_phrases": _phrases(corpus, lex) if lex else []},
        "embedding": {"n_embedded": embedder.n_embedded, "n_cached": embedder.n_cached},
        "versions": versions,
    }
    data_out.update(_convergence_sections(
        vectors, X, corpus, metrics_device, ref_corpus, ref_vectors, freq=freq, threshold=threshold,
        seed=seed, intervals=intervals, lexical=lexical, permutations=permutations))
    if clusters:
        from auditor.structure import corpus_structure

        data_out["clusters"], data_out["map"] = corpus_structure(
            vectors, corpus, summary.typicality, method=clusters, seed=seed)
    if store is not None:
        store.put(key, data_out)
    return AuditResult(data_out, embeddings=vectors, typicality=summary.typicality, corpus=corpus)
