"""The JSON Schema of an audit result, assembled from the sections' own ``SCHEMA`` fragments
(printed by ``auditor schema``; the tests validate real results against it)."""

from __future__ import annotations

from typing import Any

from auditor.audit.sections import SECTIONS

#: Keys every result has; the others appear when their section applies (groups, times, ...).
ALWAYS = ("schema_version", "tool", "created_at", "corpus", "model", "settings", "verdict", "metrics",
          "groups", "texts", "embedding", "versions")

_NUM = {"type": ["number", "null"]}
METRIC = {
    "type": "object",
    "required": ["value", "label", "meaning", "higher_means"],
    "properties": {
        "value": _NUM, "ci_low": _NUM, "ci_high": _NUM, "label": {"type": "string"},
        "meaning": {"type": "string"}, "higher_means": {"enum": ["homogeneous", "diverse"]},
        "ci_method": {"type": ["string", "null"]}, "n_resamples": {"type": "integer"},
        "at_common_size": {"type": "object", "required": ["value"],
                           "properties": {"value": _NUM, "ci_low": _NUM, "ci_high": _NUM}},
    },
}


def result_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :meth:`AuditResult.to_dict` output."""
    properties: dict[str, Any] = {"timings": {"type": "object", "additionalProperties": {"type": "number"}}}
    for section in SECTIONS:
        properties.update(section.SCHEMA)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "auditor audit result",
        "type": "object",
        "required": list(ALWAYS),
        "properties": properties,
        "$defs": {"metrics": {"type": "object", "additionalProperties": METRIC}},
    }
