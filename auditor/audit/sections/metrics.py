"""The ``metrics`` section: every metric of the whole corpus, with its interval and meaning."""

from __future__ import annotations

from typing import Any

from auditor.audit.context import AuditContext

SCHEMA = {"metrics": {"$ref": "#/$defs/metrics"},
          "metrics_unavailable": {"type": "object", "additionalProperties": {"type": "string"}}}


STEP = "metrics and intervals"


def build(ctx: AuditContext) -> dict[str, Any]:
    """The metrics, and the ones left out with why (``metrics_unavailable``, when any is)."""
    out: dict[str, Any] = {"metrics": ctx.whole.metrics}
    if ctx.whole.unavailable:
        out["metrics_unavailable"] = dict(ctx.whole.unavailable)
    return out
