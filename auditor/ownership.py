"""The record of what auditor wrote: a file may be replaced only when it still holds exactly the
bytes auditor wrote there.

Each folder auditor writes a report, a check output, a baseline or an export into holds one
hidden record, ``.auditor-written.json``: the SHA-256 of every file auditor wrote in that folder.
Ownership is read from that record, never from a file's content, so no ordinary file (``[]``, a
JSON with a familiar key, a text quoting a summary line) can pass for one of auditor's, and a
file the user edited after auditor wrote it is theirs again. Updates hold an exclusive lock on the
folder; while a file is being replaced the record accepts both its old and its new bytes, so a
kill at any point leaves a file auditor can replace again.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = write_owned_text(folder / "out.json", "[]\\n")
>>> written_by_auditor(folder / "out.json")
True
>>> (folder / "mine.json").write_text("[]\\n")
3
>>> written_by_auditor(folder / "mine.json")
False
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from auditor.errors import AuditorError
from auditor.fileio import atomic_write_bytes, folder_lock

RECORD_NAME = ".auditor-written.json"
_FORMAT = "auditor-written"
_MAX_RECORD_BYTES = 8 * 1024 * 1024
_HASH_CHUNK = 1 << 20


def file_digest(path: Path) -> str | None:
    """The SHA-256 that the record keeps for ``path``'s bytes (None when it cannot be read)."""
    try:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(_HASH_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def _read_record(folder: Path) -> dict[str, list[str]] | None:
    """The folder's record (file name -> accepted hashes); {} when there is none, None when a file
    of that name exists but is not a record auditor wrote (damaged, or someone else's)."""
    path = folder / RECORD_NAME
    try:
        if path.stat().st_size > _MAX_RECORD_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("format") != _FORMAT or not isinstance(data.get("files"), dict):
        return None
    files: dict[str, list[str]] = {}
    for name, hashes in data["files"].items():
        if isinstance(name, str) and isinstance(hashes, list) and all(isinstance(h, str) for h in hashes):
            files[name] = hashes[:2]
    return files


def written_by_auditor(path: str | Path, record: dict[str, list[str]] | None = None) -> bool:
    """Whether ``path`` holds exactly the bytes auditor last wrote there (by its folder's record,
    or by ``record`` from :func:`recorded_files` when the caller checks many files of one folder)."""
    path = Path(path).expanduser()
    if not path.is_file():
        return False
    hashes = (record if record is not None else recorded_files(path.parent)).get(path.name)
    return bool(hashes) and file_digest(path) in hashes


def recorded_files(folder: str | Path) -> dict[str, list[str]]:
    """The folder's record: each file auditor wrote there and its accepted SHA-256 hashes (empty
    when there is no record, or one that is not auditor's)."""
    return _read_record(Path(folder).expanduser()) or {}


def record_problem(folder: str | Path) -> str | None:
    """Why auditor cannot keep its record in ``folder`` (a file of the record's name that auditor
    did not write is there), or None."""
    folder = Path(folder).expanduser()
    if _read_record(folder) is None:
        return f"{folder / RECORD_NAME} is not auditor's record of the files it wrote; move it away"
    return None


def _write_record(folder: Path, files: dict[str, list[str]]) -> None:
    text = json.dumps({"format": _FORMAT, "note": "files auditor wrote here (sha256); do not edit",
                       "files": dict(sorted(files.items()))}, indent=1)
    atomic_write_bytes(folder / RECORD_NAME, text.encode("utf-8"))


def write_owned_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and record it as auditor's; return the path."""
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = path.parent
    new = hashlib.sha256(data).hexdigest()
    with folder_lock(folder):
        files = _read_record(folder)
        if files is None:
            raise AuditorError(record_problem(folder) or f"cannot read {folder / RECORD_NAME}")
        old = files.get(path.name, [])
        current = file_digest(path) if path.exists() else None
        keep = [current] if current is not None and current in old else []
        files[path.name] = keep + [new] if new not in keep else keep
        _write_record(folder, files)
        atomic_write_bytes(path, data)
        files[path.name] = [new]
        _write_record(folder, files)
    return path


def write_owned_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically and record it as auditor's; return the path."""
    return write_owned_bytes(path, text.encode(encoding))


def remove_owned(path: str | Path) -> bool:
    """Delete ``path`` when it still holds exactly the bytes auditor wrote there, and forget it;
    returns whether it was removed."""
    path = Path(path).expanduser()
    folder = path.parent
    if not folder.is_dir():
        return False
    with folder_lock(folder):
        files = _read_record(folder)
        if not files or path.name not in files or file_digest(path) not in files[path.name]:
            return False
        path.unlink()
        del files[path.name]
        _write_record(folder, files)
    return True
