"""The one guard every writer goes through, before any work: nothing a user supplied (inputs,
the config, the baseline being read, the history database) is written over, nor any file that
auditor did not provably write itself (:mod:`auditor.ownership`), and no report takes the folder
index's name.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> (folder / "notes.txt").write_text("mine")
4
>>> guard = OutputGuard().protect(folder / "copy.csv", "the input")
>>> guard.file(folder / "copy.csv")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
auditor.errors.AuditorError: refusing to overwrite the input .../copy.csv
>>> guard.file(folder / "notes.txt")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
auditor.errors.AuditorError: refusing to overwrite .../notes.txt: auditor did not write it...
"""

from __future__ import annotations

import os
from pathlib import Path

from auditor.errors import PARAM, AuditorError, SettingsError
from auditor.ownership import record_problem, written_by_auditor

INDEX_NAME = "index.html"


def folder_problem(folder: str | Path) -> str | None:
    """Why ``folder`` cannot be written into (it is a file, or its nearest existing folder is not
    writable), or None when it exists as a folder or can be made."""
    path = Path(folder).expanduser()
    if path.exists() and not path.is_dir():
        return f"{folder} is a file, not a folder"
    existing = next(p for p in [path, *path.resolve().parents] if p.exists())
    if not existing.is_dir():
        return f"{folder}: cannot write in {existing} (a file, not a folder)"
    if not os.access(existing, os.W_OK | os.X_OK) or not _can_create_in(existing):
        return f"{folder}: cannot write in {existing}"
    return None


def _can_create_in(folder: Path) -> bool:
    """Whether a file can be made in ``folder`` (an unnamed temp file, gone when closed: a
    pseudo-filesystem such as /proc passes the permission test and still refuses files)."""
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


class OutputGuard:
    """Paths protected from writing (``protect``), and the checks every target passes."""

    def __init__(self) -> None:
        self._files: dict[Path, str] = {}
        self._folders: dict[Path, str] = {}

    def protect(self, path: str | Path | None, role: str) -> "OutputGuard":
        """Never write ``path`` (a file) or anything inside it (a folder); ``role`` names it in
        the message ("the input", "the baseline", ...)."""
        if path is not None:
            resolved = Path(path).expanduser().resolve()
            (self._folders if resolved.is_dir() else self._files)[resolved] = role
        return self

    def folder(self, folder: str | Path, flag: str = "--out") -> Path:
        """A folder to write reports into: an existing folder, or one that can be made."""
        if str(folder) == "-":
            raise AuditorError(f"{flag} - is not supported: reports are files (for the JSON on stdout: {PARAM} json)",
                               "format")
        problem = folder_problem(folder)
        if problem:
            raise AuditorError(f"{flag} {problem}")
        return Path(folder).expanduser()

    def file(self, target: str | Path, flag: str | None = None) -> Path:
        """``target`` if it may be written: not protected, not inside a protected folder, not a
        folder, and either new or a file auditor wrote; else an :class:`AuditorError`."""
        path = Path(target).expanduser()
        resolved = path.resolve()
        where = f"{flag} {target}" if flag else str(target)
        if resolved in self._files:
            raise AuditorError(f"refusing to overwrite {self._files[resolved]} {target}")
        for folder, role in self._folders.items():
            if folder == resolved or folder in resolved.parents:
                raise AuditorError(f"refusing to write {where} inside {role} {folder}")
        if path.is_dir():
            raise AuditorError(f"{where} is a folder, not a file")
        if path.exists() and not written_by_auditor(path):
            raise AuditorError(f"refusing to overwrite {target}: auditor did not write it (or it changed "
                               "since); move it away or choose another path")
        self.folder(path.parent, flag or "the folder of")
        problem = record_problem(path.parent) if path.parent.is_dir() else None
        if problem:
            raise AuditorError(f"refusing to write {where}: {problem}")
        return path

    def report_set(self, out: str | Path, name: str) -> dict[str, Path]:
        """The JSON and HTML paths of a report named ``name`` in ``out``, and the folder's index,
        each checked; a report may not take the index's name."""
        self.folder(out)
        if f"{name}.html" == INDEX_NAME:
            raise SettingsError("name", f"{name!r} is taken by the folder's {INDEX_NAME}; choose another name")
        out = Path(out)
        return {"html": self.file(out / f"{name}.html"), "json": self.file(out / f"{name}.json"),
                "review": self.file(out / f"{name}-review.csv"), "index": self.file(out / INDEX_NAME)}
