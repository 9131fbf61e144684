"""The provenance sections: schema version, tool, time, corpus, model, settings, what was
embedded and the package versions: everything needed to reproduce or compare the numbers."""

from __future__ import annotations

import datetime as _dt
from importlib import metadata
from typing import Any

from auditor.audit.context import AuditContext
from auditor.result import SCHEMA_VERSION

_VERSION_PACKAGES = ("auditor", "numpy", "pandas", "torch", "sentence-transformers", "transformers")

_STR = {"type": ["string", "null"]}
SCHEMA = {
    "schema_version": {"const": SCHEMA_VERSION},
    "tool": {"type": "object", "required": ["name", "version"]},
    "created_at": {"type": "string"},
    "corpus": {"type": "object", "required": ["n_texts", "n_groups", "source", "columns", "fingerprint", "time_range"],
               "properties": {"n_texts": {"type": "integer", "minimum": 2}, "n_groups": {"type": "integer"},
                              "source": _STR, "columns": {"type": "object"}, "fingerprint": {"type": "string"},
                              "time_range": {"type": ["array", "null"], "items": {"type": "string"}}}},
    "model": {"type": "object", "required": ["name", "revision", "device", "dimension", "metrics_device"],
              "properties": {"name": {"type": "string"}, "revision": _STR, "device": _STR,
                             "dimension": {"type": "integer"}, "metrics_device": {"type": "string"}}},
    "settings": {"type": "object",
                 "required": ["seed", "sample", "near_duplicate_threshold", "ranking_size", "ci_method",
                              "n_resamples", "ci_level", "permutations", "group_common_size"],
                 "properties": {"seed": {"type": "integer"}, "n_resamples": {"type": "integer"},
                                "ci_level": {"type": "number"}, "group_common_size": {"type": ["integer", "null"]}}},
    "embedding": {"type": "object", "required": ["n_embedded", "n_cached"],
                  "properties": {"n_embedded": {"type": "integer"}, "n_cached": {"type": "integer"},
                                 "n_repeated": {"type": "integer"},
                                 "result_reused": {"type": "boolean"}}},
    "versions": {"type": "object", "additionalProperties": _STR},
}


def package_versions() -> dict[str, str | None]:
    """Installed versions of the packages that shape the numbers."""
    out: dict[str, str | None] = {}
    for name in _VERSION_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def now() -> str:
    """The current UTC time, to the second, as the result records it."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


STEP = "provenance"


def build(ctx: AuditContext) -> dict[str, Any]:
    corpus, frame = ctx.corpus, ctx.corpus.frame
    time_range = None
    if corpus.times is not None:
        time_range = [frame["time"].min().isoformat(), frame["time"].max().isoformat()]
    versions = package_versions()
    groups = ctx.groups
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "auditor", "version": versions["auditor"]},
        "created_at": now(),
        "corpus": {"n_texts": ctx.n_texts, "n_groups": len(groups.members) if groups else 0,
                   "source": corpus.source, "columns": corpus.columns, "fingerprint": corpus.fingerprint(),
                   "time_range": time_range},
        "model": ctx.model,
        "settings": {**ctx.settings.as_result(), "group_common_size": groups.common_size if groups else None,
                     "near_duplicates": ctx.near_duplicates.as_dict() if ctx.near_duplicates is not None else None},
        "embedding": dict(ctx.embedding),
        "versions": versions,
    }
