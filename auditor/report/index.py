"""``reports/index.html``: every report in a folder, newest first, with a small trend line per corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from markupsafe import Markup

from auditor.escape import relative_link
from auditor.guard import INDEX_NAME
from auditor.ownership import remove_owned, write_owned_text, written_by_auditor
from auditor.report.charts import sparkline
from auditor.report.html import environment, page, stylesheet


def report_entries(folder: Path) -> list[dict[str, Any]]:
    """The audit and trend reports auditor wrote in ``folder`` (from their JSON files), newest first."""
    entries = []
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith(".") or not written_by_auditor(path):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            continue
        if not isinstance(data, dict) or "created_at" not in data:
            continue
        html = path.with_suffix(".html")
        if data.get("kind") == "trend":
            entries.append({"kind": "trend", "key": data["name"], "created_at": data["created_at"],
                            "html": _link(html), "title": f"trend: {data['name']}",
                            "n_runs": len(data.get("runs", []))})
            continue
        if "metrics" not in data:
            continue
        snap = data.get("snapshot") or {}
        mps = data["metrics"].get("mean_pairwise_similarity", {}).get("value")
        entries.append({"kind": "audit", "key": snap.get("name") or data.get("corpus", {}).get("source") or path.stem,
                        "created_at": data["created_at"], "html": _link(html),
                        "title": path.stem, "n_texts": data.get("corpus", {}).get("n_texts"),
                        "verdict": data.get("verdict", {}).get("level"), "mps": mps})
    return sorted(entries, key=lambda e: (e["created_at"], e["title"]), reverse=True)


def _link(html: Path) -> str | None:
    """A relative link to a report beside the index, or None (no such file, or a name that is
    not a plain file name, e.g. ``javascript:…``)."""
    return relative_link(html.name) if html.exists() else None


def render_index(folder: Path) -> str:
    entries = report_entries(folder)
    lines: dict[str, list[float]] = {}
    for e in reversed(entries):
        if e["kind"] == "audit" and e.get("mps") is not None:
            lines.setdefault(e["key"], []).append(float(e["mps"]))
    corpora = [{"key": k, "n": len(v), "last": v[-1], "spark": Markup(sparkline(v))} for k, v in sorted(lines.items())]
    return page(environment(), "index.html.j2", entries=entries, corpora=corpora, css=stylesheet())


def remove_orphans(folder: Path) -> list[Path]:
    """Remove the pages and review CSVs auditor wrote whose report JSON never followed (a run
    killed between them; a snapshot's name is new each time, so nothing would replace them), once
    they are older than a write can take."""
    import time

    from auditor.fileio import STALE_TEMP_SECONDS

    removed = []
    now = time.time()
    for path in [*folder.glob("*.html"), *folder.glob("*-review.csv")]:
        stem = path.name[: -len("-review.csv")] if path.name.endswith("-review.csv") else path.stem
        if path.name == INDEX_NAME or (folder / f"{stem}.json").exists():
            continue
        try:
            old = now - path.stat().st_mtime > STALE_TEMP_SECONDS
        except OSError:
            continue
        if old and remove_owned(path):
            removed.append(path)
    return removed


def write_index(folder: str | Path) -> Path:
    """Remove the orphans of killed runs (:func:`remove_orphans`) and rebuild
    ``folder/index.html`` atomically; returns its path."""
    folder = Path(folder)
    remove_orphans(folder)
    return write_owned_text(folder / INDEX_NAME, render_index(folder))
