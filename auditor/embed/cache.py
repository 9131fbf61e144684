"""On-disk embedding cache: one SQLite file, keyed by (model identity, sha256 of the text).

A re-run looks every text up before loading any model, so an unchanged corpus embeds nothing.
SQLite gives atomic, concurrent-safe writes (WAL mode, busy timeout): a killed run leaves the
cache valid, and two runs can share it.
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


class CacheWarning(AuditorWarning):
    """The embedding cache was damaged and has been replaced."""


def default_cache_dir() -> Path:
    """``$AUDITOR_CACHE_DIR``, else ``$XDG_CACHE_HOME/auditor``, else ``~/.cache/auditor``."""
    if os.environ.get("AUDITOR_CACHE_DIR"):
        return Path(os.environ["AUDITOR_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "auditor"


def text_key(text: str) -> bytes:
    """sha256 of the UTF-8 text: the cache key (with the model identity)."""
    return hashlib.sha256(text.encode("utf-8")).digest()


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
                "dim INTEGER NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (model, key)) WITHOUT ROWID"
            )
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

    def get(self, model: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """The cached vectors among ``keys`` (missing keys are simply absent); a cache found
        damaged while reading is set aside and counts as empty."""
        try:
            return self._get(model, keys)
        except sqlite3.DatabaseError as exc:
            self._quarantine(exc)
            return {}

    def _get(self, model: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        conn = self._connect()
        found: dict[bytes, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[start:start + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT key, dim, vec FROM vectors WHERE model = ? AND key IN ({marks})",
                [model, *chunk],
            )
            for key, dim, vec in rows:
                found[key] = np.frombuffer(vec, dtype=np.float32, count=dim)
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
                "INSERT OR REPLACE INTO vectors (model, key, dim, vec) VALUES (?, ?, ?, ?)",
                ((model, key, vectors.shape[1], vectors[i].tobytes()) for i, key in enumerate(keys)),
            )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
