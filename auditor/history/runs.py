"""Scheduled runs: audit a corpus and store it as a snapshot; write the trend report across them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from auditor.history.store import HistoryError, HistoryStore
from auditor.history.trend import trend_data
from auditor.guard import OutputGuard
from auditor.ownership import write_owned_text
from auditor.report.index import write_index
from auditor.report.sets import report_name, report_paths, write_report_set


def snapshot_file_name(out: Path, name: str, created_at: str) -> str:
    """``<name>-<created_at as YYYYMMDDTHHMMSSZ>``: the time the history records for the snapshot
    (a second snapshot within the same second gets ``-2``, ``-3``…)."""
    when = dt.datetime.fromisoformat(created_at).astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    base, k = f"{name}-{when}", 1
    while any((out / f"{base}{'' if k == 1 else f'-{k}'}{ext}").exists() for ext in (".html", ".json")):
        k += 1
    return base if k == 1 else f"{base}-{k}"


def take_snapshot(data: Any, *, name: str, history: str | Path | None = None, out: str | Path = "reports",
                  include_text: bool = True, **audit_options: Any) -> dict[str, Any]:
    """Audit ``data`` (any :func:`auditor.audit` options), write ``out/<name>-<UTC time>.{html,json}``,
    store the result in the history under ``name`` and refresh ``out/index.html``. Returns the
    snapshot id and paths."""
    from auditor.audit.run import as_corpus, audit
    from auditor.audit.settings import CORPUS_OPTIONS

    report_name("", name)  # the series name becomes part of file names
    guard = OutputGuard().protect(data if isinstance(data, (str, Path)) else None, "the input")
    guard.report_set(out, name)  # the folder and its index, before the (slow) audit
    corpus = as_corpus(data, **{k: audit_options.pop(k) for k in CORPUS_OPTIONS if k in audit_options})
    store = HistoryStore(history)  # the input is valid: fail on a bad database before the (slow) audit
    try:
        result = audit(corpus, **audit_options)
        result = result.with_data(snapshot={"name": name})
        paths = report_paths(out, snapshot_file_name(Path(out), name, result.data["created_at"]), guard=guard)
        stored: list[int] = []
        write_report_set(result, paths, include_text=include_text, record=lambda stripped: stored.append(
            store.add(name, stripped if stripped is not None else result.to_dict(include_text=False),
                      report_path=paths["html"].name)))
        snapshot_id = stored[0]
    finally:
        store.close()
    return {"id": snapshot_id, "html": paths["html"], "json": paths["json"], "result": result}


def write_trend(name: str, *, history: str | Path | None = None, out: str | Path = "reports") -> dict[str, Any]:
    """Write ``out/<name>-trend.{html,json}`` from every snapshot named ``name``."""
    from auditor.report.trend_html import render_trend

    report_name("", name)
    paths = report_paths(out, f"{name}-trend")
    with HistoryStore(history, must_exist=True) as store:
        runs = store.series(name)
        if not runs:
            known = ", ".join(store.names()) or "none"
            raise HistoryError(f"no snapshots named {name!r} in {store.display} (names: {known})")
    trend = trend_data(name, runs)
    trend.update(kind="trend", created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    write_owned_text(paths["json"], json.dumps(trend, indent=2, ensure_ascii=False, default=str))
    write_owned_text(paths["html"], render_trend(trend))
    write_index(out)
    return {"html": paths["html"], "json": paths["json"], "trend": trend}
