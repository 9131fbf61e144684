"""Cache of finished audit results, keyed by everything that determines the numbers.

Same corpus (ids, texts, groups, times) + same model + same settings + same auditor code gives
identical numbers, so a re-run of an unchanged corpus reuses the stored result instead of
recomputing intervals, lexical metrics and clusters. Entries are written atomically.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from auditor.fileio import atomic_write_text


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 over the auditor package's own source and templates: any code change misses."""
    root = Path(__file__).parents[1]  # the whole auditor package
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".j2", ".js", ".css"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def result_key(corpus_fingerprint: str, extra_columns: dict[str, list[str]], model: str,
               settings: dict[str, Any]) -> str:
    payload = json.dumps({"corpus": corpus_fingerprint, "columns": extra_columns, "model": model,
                          "settings": settings, "code": code_fingerprint()}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


class ResultCache:
    """Stored result JSON files under ``<directory>/results``."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory) / "results"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored result, or None when there is none or it fails its checksum."""
        path = self.directory / f"{key}.json"
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError, UnicodeDecodeError):
            return None
        if not isinstance(stored, dict) or not isinstance(stored.get("result"), str):
            return None
        if hashlib.sha256(stored["result"].encode("utf-8")).hexdigest() != stored.get("sha256"):
            return None  # damaged or edited: recompute
        return json.loads(stored["result"])

    def put(self, key: str, data: dict[str, Any]) -> None:
        """Store ``data`` with the sha256 of its JSON text."""
        text = json.dumps(data, ensure_ascii=False)
        payload = {"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "result": text}
        atomic_write_text(self.directory / f"{key}.json", json.dumps(payload, ensure_ascii=False))
