"""Scheduled runs: audit a corpus and store it as a snapshot; write the trend report across them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from auditor.fileio import atomic_write_text
from auditor.history.store import HistoryError, HistoryStore
from auditor.history.trend import trend_data
from auditor.report.index import write_index


def take_snapshot(data: Any, *, name: str, history: str | Path | None = None, out: str | Path = "reports",
                  include_text: bool = True, **audit_options: Any) -> dict[str, Any]:
    """Audit ``data``, write ``out/<name>-<UTC time>.{html,json}``, store the result in the
    history under ``name`` and refresh ``out/index.html``. Returns the snapshot id and paths."""
    from auditor.pipeline import audit

    store = HistoryStore(history)  # fail on a bad database before the (slow) audit
    try:
        result = audit(data, **audit_options)
        result.data["snapshot"] = {"name": name}
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        out = Path(out)
        html, js = out / f"{name}-{stamp}.html", out / f"{name}-{stamp}.json"
        atomic_write_text(js, result.to_json(include_text=include_text))
        atomic_write_text(html, result.to_html(include_text=include_text))
        snapshot_id = store.add(name, result.to_dict(include_text=False), report_path=html.name)
    finally:
        store.close()
    write_index(out)
    return {"id": snapshot_id, "html": html, "json": js, "result": result}


def write_trend(name: str, *, history: str | Path | None = None, out: str | Path = "reports") -> dict[str, Any]:
    """Write ``out/<name>-trend.{html,json}`` from every snapshot named ``name``."""
    from auditor.report.trend_html import render_trend

    with HistoryStore(history) as store:
        runs = store.series(name)
        if not runs:
            known = ", ".join(store.names()) or "none"
            raise HistoryError(f"no snapshots named {name!r} in {store.display} (names: {known})")
    trend = trend_data(name, runs)
    trend.update(kind="trend", created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    out = Path(out)
    html, js = out / f"{name}-trend.html", out / f"{name}-trend.json"
    atomic_write_text(js, json.dumps(trend, indent=2, ensure_ascii=False, default=str))
    atomic_write_text(html, render_trend(trend))
    write_index(out)
    return {"html": html, "json": js, "trend": trend}
