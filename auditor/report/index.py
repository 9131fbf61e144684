"""``reports/index.html``: every report in a folder, newest first, with a small trend line per corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from markupsafe import Markup

from auditor.escape import relative_link
from auditor.guard import INDEX_NAME
from auditor.ownership import file_digest, recorded_files, remove_owned, write_owned_text, written_by_auditor
from auditor.report.charts import sparkline
from auditor.report.html import environment, page, stylesheet


#: What the index keeps of each report between writes (file name -> size, mtime, SHA-256 and its
#: entry), so that writing the index re-reads only the reports that changed.
ENTRY_CACHE = ".auditor-index.json"
_MAX_CACHE_BYTES = 16 * 1024 * 1024
_ENTRY_TYPES = {"kind": str, "key": str, "created_at": str, "title": str, "n_runs": (int, type(None)),
                "n_texts": (int, type(None)), "verdict": (str, type(None)), "mps": (int, float, type(None))}


def report_entries(folder: Path) -> list[dict[str, Any]]:
    """The audit and trend reports auditor wrote in ``folder`` (from their JSON files), newest
    first. A report unchanged since the last index (same size, time and recorded SHA-256) is
    taken from the entry cache instead of being read again."""
    record = recorded_files(folder)
    cached, fresh = _read_entry_cache(folder, record), {}
    entries = []
    for path in sorted(folder.glob("*.json")):
        hashes = record.get(path.name)
        if path.name.startswith(".") or not hashes:
            continue
        try:
            stat = path.stat()
        except OSError:
            continue
        stamp, hit = [stat.st_size, stat.st_mtime_ns], cached.get(path.name)
        if hit is not None and hit["stamp"] == stamp and hit["sha256"] in hashes:
            fresh[path.name] = hit
        else:
            digest = file_digest(path)
            if digest not in hashes:
                continue
            fresh[path.name] = {"stamp": stamp, "sha256": digest, "entry": _entry(path)}
        if fresh[path.name]["entry"] is not None:
            entries.append({**fresh[path.name]["entry"], "html": _link(path.with_suffix(".html"))})
    cache = folder / ENTRY_CACHE
    if fresh != cached and (not cache.exists() or written_by_auditor(cache, record)):  # never over a file not ours
        write_owned_text(cache, json.dumps(fresh, separators=(",", ":")) + "\n")
    return sorted(entries, key=lambda e: (e["created_at"], e["title"]), reverse=True)


def _entry(path: Path) -> dict[str, Any] | None:
    """What the index shows of one report JSON (None: not a report)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("created_at"), str):
        return None
    if data.get("kind") == "trend" and isinstance(data.get("name"), str):
        return {"kind": "trend", "key": data["name"], "created_at": data["created_at"],
                "title": f"trend: {data['name']}", "n_runs": len(data["runs"]) if isinstance(data.get("runs"), list) else 0}
    if not isinstance(data.get("metrics"), dict):
        return None
    snap = data.get("snapshot") or {}
    mps = (data["metrics"].get("mean_pairwise_similarity") or {}).get("value")
    entry = {"kind": "audit", "key": snap.get("name") or (data.get("corpus") or {}).get("source") or path.stem,
             "created_at": data["created_at"], "title": path.stem, "n_texts": (data.get("corpus") or {}).get("n_texts"),
             "verdict": (data.get("verdict") or {}).get("level"), "mps": mps}
    return entry if _valid_entry(entry) else None


def _valid_entry(entry: Any) -> bool:
    """An entry the index can show: a known kind, text where text belongs, numbers or nothing."""
    return (isinstance(entry, dict) and entry.get("kind") in ("audit", "trend")
            and all(isinstance(entry.get(k), str) for k in ("key", "created_at", "title"))
            and all(k in _ENTRY_TYPES and isinstance(v, _ENTRY_TYPES[k]) and not isinstance(v, bool)
                    for k, v in entry.items()))


def _read_entry_cache(folder: Path, record: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """The entry cache, checked item by item (auditor's own file, bounded; anything malformed
    is dropped and recomputed)."""
    path = folder / ENTRY_CACHE
    try:
        if not written_by_auditor(path, record) or path.stat().st_size > _MAX_CACHE_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {name: item for name, item in data.items()
            if isinstance(item, dict) and isinstance(item.get("sha256"), str)
            and isinstance(item.get("stamp"), list) and len(item["stamp"]) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in item["stamp"])
            and (item.get("entry") is None or _valid_entry(item["entry"]))}


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
