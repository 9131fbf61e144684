"""Exporting the history: every metric of every snapshot as CSV or JSON, one row per snapshot,
scope, group and metric."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from auditor.errors import SettingsError
from auditor.escape import csv_cell
from auditor.guard import OutputGuard
from auditor.history.store import HistoryStore, history_url
from auditor.ownership import write_owned_text

EXPORT_FORMATS = ("csv", "json")
FIELDS = ["snapshot_id", "name", "created_at", "model_name", "fingerprint", "scope", "group_name",
          "metric", "value", "ci_low", "ci_high"]


def export_format(output: str | Path, fmt: str | None = None) -> str:
    """``fmt``, else the output file's suffix; one of :data:`EXPORT_FORMATS`."""
    kind = fmt or Path(output).suffix.lstrip(".").lower()
    if kind not in EXPORT_FORMATS:
        raise SettingsError("format", f"must be csv or json, got {kind!r} (from the output file's name when not given)")
    return kind


def export_metrics(output: str | Path, *, history: str | Path | None = None, name: str | None = None,
                   fmt: str | None = None) -> int:
    """Write the metric table of the history (or of the series ``name``) to ``output``
    atomically; returns the number of rows. Refuses to write over the history database. CSV
    cells that a spreadsheet would run as a formula are quoted (see :func:`auditor.escape.csv_cell`)."""
    kind = export_format(output, fmt)
    url = history_url(history)
    guard = OutputGuard()
    if url.startswith("sqlite:///"):
        guard.protect(url.split("///", 1)[1], "the history database")
    guard.file(output, "--output")
    with HistoryStore(history, must_exist=True) as store:
        rows = store.metric_table(name)
    if kind == "json":
        write_owned_text(output, json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
        write_owned_text(output, buffer.getvalue())
    return len(rows)
