"""The audit pipeline: corpus → embeddings → metrics → :class:`AuditResult`."""

from __future__ import annotations

import datetime as _dt
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from auditor.corpus import Corpus, from_frame, from_texts, load_corpus
from auditor.embed import Embedder
from auditor.embed.model import cuda_may_exist, select_device
from auditor.metrics._xp import on_device
from auditor.metrics.catalog import info
from auditor.metrics.suite import SemanticSummary, semantic_suite
from auditor.result import SCHEMA_VERSION, AuditResult
from auditor.verdict import verdict

RANKING_SIZE = 10
PAIRS_SHOWN = 50
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
    """Accept a :class:`Corpus`, a DataFrame, a path, or a sequence of strings."""
    if isinstance(data, Corpus):
        return data
    if isinstance(data, pd.DataFrame):
        return from_frame(data, **columns)
    if isinstance(data, (str, Path)) and not isinstance(data, str) or (
        isinstance(data, str) and Path(data).exists()
    ):
        return load_corpus(data, **columns)
    if isinstance(data, str):
        raise TypeError("audit() takes a path that exists, a DataFrame, a Corpus or a list of texts")
    return from_texts(list(data))


def _described(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for metric_id, entry in values.items():
        meta = info(metric_id)
        out[metric_id] = {**entry, "label": meta.label, "meaning": meta.meaning,
                          "higher_means": meta.higher_means}
    return out


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
) -> AuditResult:
    """Audit a corpus for homogenization.

    ``data`` is a path, a DataFrame, a :class:`Corpus` or a list of strings. ``model`` is a model
    name, a local path or an object with ``encode(list[str])``; ``cache`` an embedding-cache
    directory (``False`` disables it). ``sample`` audits a seeded random subset of that many texts.
    Same input and same seed give identical numbers.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    corpus = as_corpus(data, text_col=text_col, group_col=group_col, time_col=time_col, id_col=id_col)
    if sample is not None:
        corpus = corpus.sample(sample, seed)
    if embedder is None:
        embedder = Embedder(model, device=device, batch_size=batch_size, cache=cache, progress=progress)
    vectors = embedder.encode(corpus.texts)
    metrics_device = _metrics_device(device, embedder)
    X = on_device(vectors, metrics_device)

    summary = semantic_suite(X, threshold=threshold, seed=seed)
    groups: dict[str, Any] = {}
    if corpus.groups is not None:
        labels = corpus.groups.to_numpy()
        for group in sorted(pd.unique(labels)):
            idx = np.flatnonzero(labels == group)
            entry: dict[str, Any] = {"n_texts": int(len(idx)), "metrics": {}}
            if len(idx) >= 2:
                sub = semantic_suite(X[idx] if metrics_device == "cpu" else X[on_device(idx, metrics_device)],
                                     threshold=threshold, seed=seed)
                entry["metrics"] = _described(sub.values)
            else:
                entry["note"] = "fewer than 2 texts: no metrics"
            groups[str(group)] = entry

    frame = corpus.frame
    time_range = None
    if corpus.times is not None:
        time_range = [frame["time"].min().isoformat(), frame["time"].max().isoformat()]
    metrics = _described(summary.values)
    data_out = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "auditor", "version": package_versions()["auditor"]},
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
        "settings": {"seed": seed, "sample": sample, "near_duplicate_threshold": threshold,
                     "ranking_size": top},
        "verdict": verdict(metrics, len(corpus)),
        "metrics": metrics,
        "groups": groups,
        "texts": _rankings(corpus, summary, top),
        "embedding": {"n_embedded": embedder.n_embedded, "n_cached": embedder.n_cached},
        "versions": package_versions(),
    }
    return AuditResult(data_out, embeddings=vectors, typicality=summary.typicality, corpus=corpus)
