"""Writing a report set: ``<out>/<name>.json`` and ``.html`` written atomically, then
``<out>/index.html`` refreshed. Never over an input of the run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterable

from auditor.corpus.loaders import corpus_name
from auditor.errors import PARAM, AuditorError, SettingsError
from auditor.escape import relative_link
from auditor.guard import OutputGuard
from auditor.ownership import write_owned_text
from auditor.report.index import write_index


def report_name(path: str | Path, name: str | None = None) -> str:
    """The report's base name: ``name`` (letters, digits, '-', '_' and '.'), else the input's
    file (or folder) name without its suffix."""
    if name:
        if not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise SettingsError("name", f"{name!r} may hold only letters, digits, '-', '_' and '.'")
        return name
    return corpus_name(path)


def report_paths(out: str | Path, name: str, inputs: Iterable[str | Path] = (),
                 guard: OutputGuard | None = None, source: str | Path | None = None) -> dict[str, Path]:
    """The JSON and HTML paths of a report set (and the folder's index), checked by the output
    guard before any work: never over an input, a file auditor did not write, or the index. With
    ``source`` (a name taken from the input's file name), never over the report of another
    corpus that has the same file name."""
    guard = guard or OutputGuard()
    for path in inputs:
        guard.protect(path, "the input")
    paths = guard.report_set(out, name)
    other = _report_source(paths["json"])
    if source is not None and other is not None and Path(other).resolve() != Path(source).resolve():
        raise AuditorError(f"{paths['json']} is the report of another corpus ({other}) with the same "
                           f"file name; pass {PARAM} to keep both", "name")
    return paths


def _report_source(path: Path) -> str | None:
    """The corpus a report JSON was written for, when it names one."""
    try:
        source = json.loads(path.read_text(encoding="utf-8")).get("corpus", {}).get("source")
    except (OSError, ValueError, AttributeError, RecursionError):
        return None
    return source if isinstance(source, str) else None


def write_report_set(result: Any, paths: dict[str, Path], *, include_text: bool = True,
                     record: Callable[[], Any] | None = None) -> dict[str, Path]:
    """Write ``result`` (an :class:`AuditResult`) as HTML, the review queue CSV and JSON at
    ``paths`` (from :func:`report_paths`) and refresh the folder's index; returns the paths. Both are rendered
    before either is written; the HTML is written first, then ``record`` runs (e.g. storing the
    snapshot; it is handed the result without its texts when that is what was written, else
    None), then the JSON: the index lists a report by its JSON, so a killed run never leaves
    a listed report without its page or its record."""
    from auditor.report.html import render_html
    from auditor.result import json_text

    review = paths.get("review")
    data = result.to_dict(include_text)  # without text: one walk for the page, the JSON and the CSV
    html = render_html(data, include_text=include_text, review_file=relative_link(review.name) if review else None)
    js = json_text(data)
    write_owned_text(paths["html"], html)
    if review is not None and "review_queue" in result.data:
        write_owned_text(review, result.review_csv(include_text=include_text, data=data))
    if record is not None:
        record(data if not include_text else None)
    write_owned_text(paths["json"], js)
    write_index(paths["html"].parent)
    return paths
