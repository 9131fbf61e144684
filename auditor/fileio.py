"""Atomic file writes: a temp file in the target's folder, then a rename. A crash or a kill never
leaves a half-written file behind, and the old file stays until the new one is complete. And the
folder lock that processes writing into one folder take in turn."""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import tempfile
import time
from pathlib import Path
from typing import Iterator


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; return the path."""
    return atomic_write_bytes(path, text.encode(encoding))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: A temp file of a write this old was left by a killed process: the next write removes it.
STALE_TEMP_SECONDS = 600


#: Every temp file auditor writes starts with this (so that a sweep touches nothing else).
TEMP_PREFIX = ".auditor-"


def remove_stale_temps(path: Path) -> None:
    """Delete the temp files that killed writes left in ``path``'s folder, for any target name
    (a snapshot writes a new name each time), older than :data:`STALE_TEMP_SECONDS` so that a
    concurrent write is never disturbed; and those of earlier versions for ``path`` itself."""
    now = time.time()
    pattern = [f"{TEMP_PREFIX}*.tmp", f".{glob.escape(path.name)}.*.tmp"]
    for temp in (t for p in pattern for t in path.parent.glob(p)):
        try:
            if now - temp.stat().st_mtime > STALE_TEMP_SECONDS:
                temp.unlink()
        except OSError:
            pass


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path)
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a report should read like any file
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


@contextlib.contextmanager
def folder_lock(folder: str | Path) -> Iterator[None]:
    """Hold ``folder``'s exclusive lock (``flock`` on the folder itself: nothing is created in it)
    until the block ends; other processes wait. Not re-entrant within one process."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
