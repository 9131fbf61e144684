"""On-disk embedding cache: one SQLite file, keyed by (model identity, sha256 of the text).

A re-run looks every text up before loading any model, so an unchanged corpus embeds nothing.
SQLite gives atomic, concurrent-safe writes (WAL mode, busy timeout): a killed run leaves the
cache valid, and two runs can share it. Every vector read back is checked (its length, finite
values, unit norm, and a checksum of model, key and bytes written beside it); a damaged one is
embedded again, with one warning.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from auditor.errors import AuditorWarning

_LOOKUP_CHUNK = 500
#: A cached vector's norm may differ from 1 by at most this much (float32 rounding).
_NORM_TOLERANCE = 1e-3


class CacheWarning(AuditorWarning):
    """The embedding cache was damaged and has been replaced."""


def default_cache_dir() -> Path:
    """``$AUDITOR_CACHE_DIR``, else ``$XDG_CACHE_HOME/auditor``, else ``~/.cache/auditor``."""
    if os.environ.get("AUDITOR_CACHE_DIR"):
        return Path(os.environ["AUDITOR_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "auditor"


def _checksum(model: str, key: bytes, vec: bytes) -> bytes:
    return hashlib.sha256(model.encode("utf-8") + b"\x00" + key + vec).digest()[:8]


def text_key(text: str) -> bytes:
    """sha256 of the UTF-8 text: the cache key (with the model identity)."""
    return hashlib.sha256(text.encode("utf-8")).digest()


def _checked(model: str, key: bytes, dim: object, vec: object, chk: object, unit: bool) -> np.ndarray | None:
    """The vector of one cache row, or None when the row is damaged: a length that is not its
    dimension's, a missing or wrong checksum, a value that is not finite, or (``unit``) a norm
    that is not 1."""
    if not isinstance(dim, int) or not isinstance(vec, bytes) or dim <= 0 or len(vec) != 4 * dim:
        return None
    if not isinstance(chk, bytes) or chk != _checksum(model, key, vec):
        return None
    vector = np.frombuffer(vec, dtype=np.float32, count=dim)
    if not np.isfinite(vector).all() or (unit and abs(float(np.linalg.norm(vector)) - 1.0) > _NORM_TOLERANCE):
        return None
    return vector


class EmbeddingCache:
    """Get and put float32 vectors by (model identity, text hash)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.path = self.directory / "embeddings.sqlite3"
        self._conn: sqlite3.Connection | None = None

    @classmethod
    def of(cls, setting: "str | Path | EmbeddingCache | bool | None") -> "EmbeddingCache | None":
        """The cache a ``cache`` setting names: None for False, the default folder for None or
        True, a folder, or the cache itself."""
        if setting is False:
            return None
        if isinstance(setting, EmbeddingCache):
            return setting
        return cls(None if setting in (None, True) else setting)

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            try:
                self._conn = self._open()
            except sqlite3.DatabaseError as exc:  # damaged: set it aside and start afresh
                self._conn = self._quarantine(exc)
        return self._conn

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=60)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, key BLOB NOT NULL, "
                "dim INTEGER NOT NULL, vec BLOB NOT NULL, chk BLOB, PRIMARY KEY (model, key)) WITHOUT ROWID"
            )
            if "chk" not in {row[1] for row in conn.execute("PRAGMA table_info(vectors)")}:
                conn.execute("ALTER TABLE vectors ADD COLUMN chk BLOB")  # a cache of an earlier version
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _quarantine(self, exc: Exception) -> sqlite3.Connection:
        """Move a damaged cache file (and its WAL files) aside, say so, and open a new one."""
        if self._conn is not None:
            self._conn.close()
        aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{self.path}{suffix}")
            if part.exists():
                os.replace(part, f"{aside}{suffix}")
        warnings.warn(CacheWarning(f"the embedding cache {self.path} was damaged ({exc}); moved it to {aside} "
                                   f"and started a new one (--no-cache skips the cache)"), stacklevel=3)
        self._conn = self._open()
        return self._conn

    def get(self, model: str, keys: Sequence[bytes], unit: bool = True) -> dict[bytes, np.ndarray]:
        """The cached vectors among ``keys`` (missing or damaged ones are absent; ``unit``: every
        vector must have norm 1); a cache found damaged while reading is set aside and counts as empty."""
        try:
            return self._get(model, keys, unit)
        except sqlite3.DatabaseError as exc:
            self._quarantine(exc)
            return {}

    def _get(self, model: str, keys: Sequence[bytes], unit: bool) -> dict[bytes, np.ndarray]:
        conn = self._connect()
        found: dict[bytes, np.ndarray] = {}
        damaged = 0
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[start:start + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT key, dim, vec, chk FROM vectors WHERE model = ? AND key IN ({marks})",
                [model, *chunk],
            )
            for key, dim, vec, chk in rows:
                vector = _checked(model, key, dim, vec, chk, unit)
                if vector is None:
                    damaged += 1
                else:
                    found[key] = vector
        dims = {len(v) for v in found.values()}
        if len(dims) > 1:  # rows of another length than the model's: none is trusted
            damaged += len(found)
            found = {}
        if damaged:
            warnings.warn(CacheWarning(f"{damaged} vectors in the embedding cache {self.path} were damaged or "
                                       "unverifiable; they are embedded again"), stacklevel=3)
        return found

    def put(self, model: str, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        """Store ``vectors[i]`` under ``keys[i]`` in one transaction (in a fresh cache when this
        one turns out damaged)."""
        try:
            self._put(model, keys, vectors)
        except sqlite3.DatabaseError as exc:
            self._quarantine(exc)
            self._put(model, keys, vectors)

    def _put(self, model: str, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        conn = self._connect()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        with conn:
            conn.executemany(
                "INSERT OR REPLACE INTO vectors (model, key, dim, vec, chk) VALUES (?, ?, ?, ?, ?)",
                ((model, key, vectors.shape[1], vectors[i].tobytes(), _checksum(model, key, vectors[i].tobytes()))
                 for i, key in enumerate(keys)),
            )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
