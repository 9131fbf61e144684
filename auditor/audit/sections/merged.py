"""The merged section: when an audit reads merged partial states (:mod:`auditor.states`), how
many states and texts, the sample the row-level parts used, which metrics are exact, and the
exact similarity and spread of every group and month."""

from __future__ import annotations

from typing import Any

from auditor.audit.context import AuditContext

_COUNTS = {"type": "object", "additionalProperties": {"type": "object", "required": ["n_texts"]}}
SCHEMA = {
    "merged": {"type": "object",
               "required": ["n_states", "sources", "n_texts", "sample", "exact_metrics", "groups", "months"],
               "properties": {"n_states": {"type": "integer", "minimum": 1}, "n_texts": {"type": "integer"},
                              "sources": {"type": "array", "items": {"type": "string"}},
                              "sample": {"type": "object", "required": ["n_texts", "sampled", "method"]},
                              "exact_metrics": {"type": "array", "items": {"type": "string"}},
                              "groups": _COUNTS, "months": _COUNTS}},
}

STEP = "merged states"


def applies(ctx: AuditContext) -> bool:
    return ctx.exact is not None


def build(ctx: AuditContext) -> dict[str, Any]:
    return {"merged": ctx.exact.summary()}
