"""State files (``*.auditor-state``): a NumPy ``.npz`` archive of plain arrays and one JSON
document, read without pickle (a state from another machine runs no code when loaded)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from auditor.errors import CorpusError
from auditor.fileio import atomic_write_bytes
from auditor.metrics.semantic import EmbeddingStats
from auditor.states.archive import bounded_arrays
from auditor.states.lexical import LexicalState
from auditor.states.sketch import DistinctSketch
from auditor.states.state import STATE_VERSION, AuditState, Sample, StateMismatch

SUFFIX = ".auditor-state"
_FORMAT = "auditor-state"


def _keyed_arrays(prefix: str, keyed: dict[str, EmbeddingStats], d: int) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    keys = list(keyed)
    meta = {"keys": keys, "n": [s.n for s in keyed.values()], "sq_norms": [s.sq_norms for s in keyed.values()],
            "gram": bool(keyed) and all(s.gram is not None for s in keyed.values())}
    arrays = {f"{prefix}_total": np.array([s.total for s in keyed.values()]).reshape(len(keys), d)}
    if meta["gram"]:
        arrays[f"{prefix}_gram"] = np.array([s.gram for s in keyed.values()])
    return meta, arrays


def _keyed_from(prefix: str, meta: dict[str, Any], arrays: Any) -> dict[str, EmbeddingStats]:
    totals = arrays[f"{prefix}_total"]
    grams = arrays[f"{prefix}_gram"] if meta["gram"] else None
    return {key: EmbeddingStats(int(n), totals[i], grams[i] if grams is not None else None, float(sq))
            for i, (key, n, sq) in enumerate(zip(meta["keys"], meta["n"], meta["sq_norms"]))}


def state_bytes(state: AuditState) -> bytes:
    """The state as the bytes of a state file."""
    d = state.header["model"]["dimension"]
    arrays: dict[str, np.ndarray] = {"whole_total": state.whole.total, "whole_gram": state.whole.gram,
                                     "calibration": state.calibration,
                                     "sample_priority": state.sample.priority, "sample_part": state.sample.part,
                                     "sample_row": state.sample.row, "sample_vectors": state.sample.vectors}
    keyed = {}
    for prefix, values in (("groups", state.groups), ("months", state.months)):
        keyed[prefix], more = _keyed_arrays(prefix, values, d)
        arrays.update(more)
    for sketch in state.lexical.sketches:
        arrays[f"sketch_{sketch.n}"] = sketch.hashes
    doc = {
        "format": _FORMAT, "header": state.header, "n_texts": state.n_texts, "sources": state.sources, "sizes": state.sizes,
        "whole": {"n": state.whole.n, "sq_norms": state.whole.sq_norms}, "keyed": keyed,
        "time_range": state.time_range,
        "lexical": {"head": state.lexical.head, "tail": state.lexical.tail,
                    "sketches": [{"n": s.n, "total": s.total, "k": s.k} for s in state.lexical.sketches]},
        "sample_columns": state.sample.columns, "languages": state.languages,
    }
    arrays["document"] = np.frombuffer(json.dumps(doc, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def write_state(state: AuditState, path: str | Path) -> Path:
    """Write a state file atomically."""
    return atomic_write_bytes(path, state_bytes(state))


def load_state(path: str | Path) -> Any:
    """A corpus state (:class:`AuditState`) or a feed state
    (:class:`~auditor.states.feed_state.FeedState`), whichever the file holds."""
    from auditor.states.feed_state import feed_state_from_bytes, is_feed_state

    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"{path}: no such state file")
    data = path.read_bytes()
    return feed_state_from_bytes(data, str(path)) if is_feed_state(data) else state_from_bytes(data, str(path))


def read_state(path: str | Path) -> AuditState:
    """Read a state file (:class:`CorpusError` when it is missing or not a state file,
    :class:`StateMismatch` when it is from another version)."""
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"{path}: no such state file")
    return state_from_bytes(path.read_bytes(), str(path))


def _consistent(state: AuditState, where: str) -> AuditState:
    """``state`` when its counts agree with its sums (a state claiming more texts than it holds
    is damaged or forged)."""
    n = state.n_texts
    problems = [what for what, bad in (
        ("text count", n != state.whole.n or n < 1),
        ("shard sizes", sum(state.sizes) != n or any(size < 0 for size in state.sizes)),
        ("sample", len(state.sample) > n),
        ("groups", sum(s.n for s in state.groups.values()) > n),
        ("months", sum(s.n for s in state.months.values()) > n),
        ("sums", not (np.isfinite(state.whole.total).all() and np.isfinite(state.whole.sq_norms)
                      and abs(state.whole.sq_norms - n) <= 1e-3 * max(n, 1))),
    ) if bad]
    if problems:
        raise CorpusError(f"{where}: damaged state ({', '.join(problems)} disagree with its sums)")
    return state


def state_from_bytes(data: bytes, where: str = "the state") -> AuditState:
    """A state from the bytes of a state file (``where`` names it in errors)."""
    data = bounded_arrays(data, where)
    try:
        doc = json.loads(bytes(data.pop("document")).decode("utf-8"))
    except (ValueError, KeyError, UnicodeDecodeError, RecursionError) as exc:
        raise CorpusError(f"{where}: not an auditor state file ({type(exc).__name__})") from None
    if not isinstance(doc, dict) or doc.get("format") != _FORMAT or not isinstance(doc.get("header"), dict):
        raise CorpusError(f"{where}: not an auditor state file")
    try:
        return _consistent(_state(doc, data, where), where)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise CorpusError(f"{where}: damaged state ({type(exc).__name__}: {exc})") from None


def _state(doc: dict[str, Any], data: dict[str, np.ndarray], where: str) -> AuditState:
    if doc["header"].get("version") != STATE_VERSION:
        raise StateMismatch(f"{where}: state version {doc['header'].get('version')}, this auditor reads "
                            f"version {STATE_VERSION}")
    whole = EmbeddingStats(int(doc["whole"]["n"]), data["whole_total"], data["whole_gram"],
                           float(doc["whole"]["sq_norms"]))
    sketches = [DistinctSketch(s["n"], int(s["total"]), data[f"sketch_{s['n']}"], int(s["k"]))
                for s in doc["lexical"]["sketches"]]
    sample = Sample(data["sample_priority"], data["sample_part"], data["sample_row"], data["sample_vectors"],
                    doc["sample_columns"])
    time_range = tuple(doc["time_range"]) if doc["time_range"] else None
    return AuditState(doc["header"], int(doc["n_texts"]), whole,
                      _keyed_from("groups", doc["keyed"]["groups"], data),
                      _keyed_from("months", doc["keyed"]["months"], data), time_range,
                      LexicalState(sketches, doc["lexical"]["head"], doc["lexical"]["tail"]), sample,
                      data["calibration"], list(doc["sources"]), [int(n) for n in doc["sizes"]],
                      {str(k): int(v) for k, v in doc.get("languages", {}).items()})
