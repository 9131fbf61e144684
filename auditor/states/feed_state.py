"""Partial states of an exposure log, for logs split into shards (by day, by region, by user):
each shard's validated exposures and the vectors of its items, embedded once where the shard was
read. States merge by concatenation (a user's exposures may sit in several shards), and the audit
of the merged state gives the feed audit of the whole log: the figures are computed on all of it.

A feed state file is an ``.npz`` of plain arrays (codes, times, vectors) and one JSON document,
read without pickle, each array checked against the document and bounded before it is read.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from auditor.calibration.texts import ALL_TEXTS
from auditor.errors import CorpusError
from auditor.feed.log import ExposureRows, exposure_rows, feed_log, merge_rows, read_exposures
from auditor.states.archive import bounded_arrays
from auditor.states.state import StateMismatch

FEED_FORMAT = "auditor-feed-state"
FEED_STATE_VERSION = 1


@dataclass(frozen=True)
class FeedState:
    """One shard's (or several merged shards') exposures, with its items' vectors (rows of
    ``rows.item_keys``) and the model's calibration vectors."""

    model: dict[str, Any]
    rows: ExposureRows
    item_vectors: np.ndarray
    calibration: np.ndarray

    @property
    def n_exposures(self) -> int:
        return len(self.rows.item)


def feed_state(data: Any, settings: Any = None, *, embedder: Any = None, **options: Any) -> FeedState:
    """The state of one shard of an exposure log: ``data`` a path, a DataFrame or validated
    :class:`ExposureRows`, ``options`` the log's columns (as :func:`auditor.feed.audit_feed`)
    and the model settings."""
    from auditor.audit.run import as_embedder
    from auditor.audit.settings import split_options
    from auditor.feed import FEED_OPTIONS

    columns = {k: options.pop(k) for k in FEED_OPTIONS if k in options}
    settings, _ = split_options(settings, options)
    if isinstance(data, ExposureRows):
        rows = data
    elif isinstance(data, pd.DataFrame):
        columns.pop("encoding", None)
        rows = exposure_rows(data, **columns)
    else:
        rows = read_exposures(data, **columns)
    embedder = as_embedder(embedder, settings)
    vectors = np.asarray(embedder.encode(list(rows.item_texts)), dtype=np.float32)
    calibration = np.asarray(embedder.encode(list(ALL_TEXTS)), dtype=np.float32)
    model = {**embedder.model_info, "dimension": int(vectors.shape[1])}
    return FeedState({k: model.get(k) for k in ("name", "revision", "dimension")}, rows, vectors, calibration)


def merge_feed_states(states: Sequence[FeedState]) -> FeedState:
    """The states of a log's shards as one, in order; they must come from one model."""
    first = states[0]
    for other in states[1:]:
        if other.model != first.model:
            raise StateMismatch(f"{other.rows.source}: embedded with {other.model.get('name')} @ "
                                f"{other.model.get('revision')}, {first.rows.source} with {first.model.get('name')} @ "
                                f"{first.model.get('revision')}; states of one log need one model")
    rows = merge_rows([s.rows for s in states])
    vectors = {}
    for s in states:
        vectors.update({k: v for k, v in zip(s.rows.item_keys.tolist(), s.item_vectors) if k not in vectors})
    return FeedState(first.model, rows, np.stack([vectors[k] for k in rows.item_keys.tolist()]), first.calibration)


def audit_feed_state(state: FeedState, settings: Any = None, *, reporter: Any = None, **options: Any) -> Any:
    """The feed audit of a (merged) state: the same result as :func:`auditor.feed.audit_feed` of
    the whole log, computed from the stored vectors (no model is loaded). ``options``: any
    :class:`~auditor.audit.settings.AuditSettings` field and the stages."""
    from auditor.audit.run import audit_loaded, stages_of
    from auditor.audit.settings import split_options
    from auditor.errors import SettingsError
    from auditor.progress import StepTimer
    from auditor.states.audit import StoredEmbedder

    stages = {k: options.pop(k) for k in ("reducer", "clusterer", "vectorizer") if k in options}
    if options.pop("reference", None) is not None:
        raise SettingsError("reference", "cannot be used with a feed")
    settings, _ = split_options(settings, options)
    log = feed_log(state.rows, settings.freq)
    if settings.freq is not None and log.periods is None:
        raise SettingsError("freq", "needs a time column")
    vectors = dict(zip(state.rows.item_texts.tolist(), state.item_vectors))
    vectors.update(zip(ALL_TEXTS, state.calibration))
    return audit_loaded(log.items, settings, stages_of(settings, **stages), StoredEmbedder(state.model, vectors),
                        reporter or StepTimer(), feed=log)


def feed_state_bytes(state: FeedState) -> bytes:
    rows = state.rows
    doc = {"format": FEED_FORMAT, "version": FEED_STATE_VERSION, "model": state.model, "source": rows.source,
           "columns": rows.columns, "catalog_size": rows.catalog_size, "invalid_rows": rows.invalid_rows,
           "item_keys": [str(k) for k in rows.item_keys], "item_texts": [str(t) for t in rows.item_texts]}
    users, user_codes = np.unique(rows.users.astype(str), return_inverse=True)
    doc["users"] = users.tolist()
    arrays = {"item": rows.item.astype(np.int64), "user": user_codes.astype(np.int64),
              "item_vectors": state.item_vectors.astype(np.float32), "calibration": state.calibration.astype(np.float32)}
    if rows.times is not None:
        arrays["time_ns"] = rows.times.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    if rows.cohorts is not None:
        cohorts, cohort_codes = np.unique(rows.cohorts.astype(str), return_inverse=True)
        doc["cohorts"] = cohorts.tolist()
        arrays["cohort"] = cohort_codes.astype(np.int64)
    arrays["document"] = np.frombuffer(json.dumps(doc, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def is_feed_state(data: bytes) -> bool:
    """Whether the bytes of a state file hold a feed state (they name its format near the start
    of the document member)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "document.npy" not in archive.namelist():
                return False
            with archive.open("document.npy") as member:
                return FEED_FORMAT.encode() in member.read(4096)
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _check(condition: bool, where: str, what: str) -> None:
    if not condition:
        raise CorpusError(f"{where}: damaged feed state ({what})")


def feed_state_from_bytes(data: bytes, where: str = "the state") -> FeedState:
    """A feed state from the bytes of its file, every array checked against the document."""
    arrays = bounded_arrays(data, where)
    try:
        doc = json.loads(bytes(arrays.pop("document")).decode("utf-8"))
    except (KeyError, ValueError, UnicodeDecodeError, RecursionError):
        raise CorpusError(f"{where}: not an auditor state file") from None
    _check(isinstance(doc, dict) and doc.get("format") == FEED_FORMAT, where, "no feed document")
    if doc.get("version") != FEED_STATE_VERSION:
        raise StateMismatch(f"{where}: feed state version {doc.get('version')}, this auditor reads {FEED_STATE_VERSION}")
    keys, texts, users = doc.get("item_keys"), doc.get("item_texts"), doc.get("users")
    _check(all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in (keys, texts, users))
           and len(keys) == len(texts), where, "item or user tables")
    item, user = arrays.get("item"), arrays.get("user")
    vectors, calibration = arrays.get("item_vectors"), arrays.get("calibration")
    _check(item is not None and user is not None and item.shape == user.shape and item.ndim == 1, where, "exposure codes")
    _check(len(item) == 0 or (0 <= item.min() and item.max() < len(keys) and 0 <= user.min() and user.max() < len(users)),
           where, "codes out of range")
    model = doc.get("model")
    _check(isinstance(model, dict) and isinstance(model.get("dimension"), int), where, "model")
    for name, matrix, rows_expected in (("item vectors", vectors, len(keys)), ("calibration", calibration, len(ALL_TEXTS))):
        _check(matrix is not None and matrix.ndim == 2 and matrix.shape == (rows_expected, model["dimension"])
               and bool(np.isfinite(matrix).all()), where, name)
    times = None
    if "time_ns" in arrays:
        _check(arrays["time_ns"].shape == item.shape, where, "times")
        times = pd.Series(arrays["time_ns"].astype("datetime64[ns]"))
    cohorts = None
    if "cohort" in arrays:
        names = doc.get("cohorts")
        codes = arrays["cohort"]
        _check(isinstance(names, list) and codes.shape == item.shape
               and (len(codes) == 0 or (0 <= codes.min() and codes.max() < len(names))), where, "cohorts")
        cohorts = np.asarray(names, dtype=object)[codes]
    columns = doc.get("columns")
    _check(isinstance(columns, dict), where, "columns")
    rows = ExposureRows(item.astype(np.int64), np.asarray(keys, dtype=object), np.asarray(texts, dtype=object),
                        np.asarray(users, dtype=object)[user], times, cohorts, int(doc.get("catalog_size", 0)),
                        str(doc.get("source", where)), columns, int(doc.get("invalid_rows", 0)))
    return FeedState(model, rows, vectors.astype(np.float32), calibration.astype(np.float32))


def read_feed_state(path: str | Path) -> FeedState:
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"{path}: no such state file")
    return feed_state_from_bytes(path.read_bytes(), str(path))
