"""Writing a report set: ``<out>/<name>.json`` and ``.html`` written atomically, then
``<out>/index.html`` refreshed. Never over an input of the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from auditor.errors import AuditorError, SettingsError
from auditor.fileio import atomic_write_text
from auditor.report.index import write_index


def report_name(path: str | Path, name: str | None = None) -> str:
    """The report's base name: ``name`` (letters, digits, '-', '_' and '.'), else the input's
    file (or folder) name without its suffix."""
    if name:
        if not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise SettingsError("name", f"{name!r} may hold only letters, digits, '-', '_' and '.'")
        return name
    resolved = Path(path).resolve()
    return resolved.stem if resolved.is_file() else resolved.name or "corpus"


def report_paths(out: str | Path, name: str, inputs: Iterable[str | Path] = ()) -> dict[str, Path]:
    """The JSON and HTML paths of a report set; refuses any that would overwrite an input."""
    out = Path(out)
    paths = {"html": out / f"{name}.html", "json": out / f"{name}.json"}
    taken = {Path(p).resolve() for p in inputs}
    for target in paths.values():
        if target.resolve() in taken:
            raise AuditorError(f"refusing to overwrite the input {target}; pass --out or --name")
    return paths


def write_report_set(result: Any, paths: dict[str, Path], *, include_text: bool = True) -> dict[str, Path]:
    """Write ``result`` (an :class:`AuditResult`) as JSON and HTML at ``paths`` (from
    :func:`report_paths`) and refresh the folder's index; returns the paths."""
    html = result.to_html(include_text=include_text)
    atomic_write_text(paths["json"], result.to_json(include_text=include_text))
    atomic_write_text(paths["html"], html)
    write_index(paths["html"].parent)
    return paths
