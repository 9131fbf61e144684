"""The ``metrics`` section: every metric of the whole corpus, with its interval and meaning."""

from __future__ import annotations

from typing import Any

from auditor.audit.context import AuditContext

SCHEMA = {"metrics": {"$ref": "#/$defs/metrics"}}


STAGE = "metrics and intervals"


def build(ctx: AuditContext) -> dict[str, Any]:
    return {"metrics": ctx.whole.metrics}
