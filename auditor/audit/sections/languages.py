"""The languages section: the share of texts per language, the main one, the language of the
texts the verdict's floor was measured on, and a warning when an English-only model read mostly
other languages (:mod:`auditor.audit.languages`)."""

from __future__ import annotations

from typing import Any

from auditor.audit.context import AuditContext

SCHEMA = {
    "languages": {"type": "object", "required": ["shares", "main", "calibration_language", "detector", "warning"],
                  "properties": {"shares": {"type": "object", "additionalProperties": {"type": "number"}},
                                 "main": {"type": "string"}, "calibration_language": {"type": "string"},
                                 "detector": {"type": "string"}, "warning": {"type": ["string", "null"]}}},
}

STEP = "languages"


def build(ctx: AuditContext) -> dict[str, Any]:
    return {"languages": ctx.languages.as_dict()}
