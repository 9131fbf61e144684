"""The one guard every writer goes through, before any work: nothing a user supplied (inputs,
the config, the baseline being read, the history database) is written over, nor any file that
auditor did not write itself, and no report takes the folder index's name.

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
auditor.errors.AuditorError: refusing to overwrite .../notes.txt: auditor did not write it
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from auditor.errors import AuditorError

INDEX_NAME = "index.html"
#: Marks every HTML page auditor writes; the CSP line marks pages of earlier versions.
GENERATOR = '<meta name="generator" content="auditor">'
_OLD_HTML = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'"
_CHECK_TEXT_END = re.compile(r"^(passed|failed): \d+ rules, \d+ failed, \d+ warnings$", re.M)
_HEAD_BYTES = 4096


def written_by_auditor(path: Path) -> bool:
    """Whether ``path`` is a file auditor wrote: a report, index or trend page, a result, trend
    or export JSON, a metrics CSV export, or a check output (text, JUnit, SARIF, GitHub)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    if head.lstrip().lower().startswith("<!doctype html>"):
        return GENERATOR in head or _OLD_HTML in head
    if head.startswith(("snapshot_id,name,created_at,", "rank,id,typicality,percentile,", "# written by auditor")):
        return True
    if '<testsuite name="auditor check"' in head:
        return True
    if head.startswith('{"message": ') and '"source": {"name": "auditor"}' in head.splitlines()[0]:
        return True  # rdjsonl
    if head.lstrip().startswith(("{", "[")):
        return _auditor_json(path)
    try:
        return bool(_CHECK_TEXT_END.search(path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False


def _auditor_json(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if isinstance(data, list):  # history export: rows of snapshot metrics
        return all(isinstance(r, dict) and "snapshot_id" in r for r in data)
    if not isinstance(data, dict):
        return False
    runs = data.get("runs")
    first = runs[0] if isinstance(runs, list) and runs and isinstance(runs[0], dict) else {}
    driver = (first.get("tool") or {}).get("driver") or {}  # SARIF
    return ((data.get("tool") or {}).get("name") == "auditor" or data.get("kind") == "trend"
            or driver.get("name") == "auditor")


def folder_problem(folder: str | Path) -> str | None:
    """Why ``folder`` cannot be written into (it is a file, or its nearest existing folder is not
    writable), or None when it exists as a folder or can be made."""
    path = Path(folder).expanduser()
    if path.exists() and not path.is_dir():
        return f"{folder} is a file, not a folder"
    existing = next(p for p in [path, *path.resolve().parents] if p.exists())
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{folder}: cannot write in {existing}"
    return None


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
            raise AuditorError(f"{flag} - is not supported: reports are files (for the JSON on stdout: --format json)")
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
            raise AuditorError(f"refusing to overwrite {target}: auditor did not write it")
        self.folder(path.parent, flag or "the folder of")
        return path

    def report_set(self, out: str | Path, name: str) -> dict[str, Path]:
        """The JSON and HTML paths of a report named ``name`` in ``out``, and the folder's index,
        each checked; a report may not take the index's name."""
        self.folder(out)
        if f"{name}.html" == INDEX_NAME:
            raise AuditorError(f"--name {name!r} is taken by the folder's {INDEX_NAME}; choose another name")
        out = Path(out)
        return {"html": self.file(out / f"{name}.html"), "json": self.file(out / f"{name}.json"),
                "review": self.file(out / f"{name}-review.csv"), "index": self.file(out / INDEX_NAME)}
