"""The ``groups`` section (with a group column): every metric per group, and the size-dependent
ones again at the common size (the smallest group's), so that groups compare fairly."""

from __future__ import annotations

from typing import Any

from auditor.audit.context import AuditContext
from auditor.metrics.uncertainty import subsample_indices
from auditor.vocabulary import SIZE_DEPENDENT

SCHEMA = {"groups": {"type": "object", "additionalProperties": {
    "type": "object", "required": ["n_texts", "metrics"],
    "properties": {"n_texts": {"type": "integer"}, "metrics": {"$ref": "#/$defs/metrics"},
                   "note": {"type": "string"}}}}}


STEP = "groups"


def build(ctx: AuditContext) -> dict[str, Any]:
    groups = ctx.groups
    if groups is None:
        return {"groups": {}}
    common = groups.common_size
    out: dict[str, Any] = {}
    for name, idx in groups.members.items():
        entry: dict[str, Any] = {"n_texts": ctx.size(idx, ("group", name)), "metrics": {}}
        if len(idx) < 2:
            entry["note"] = "fewer than 2 texts: no metrics"
            out[name] = entry
            continue
        entry["metrics"] = ctx.measure(idx, ("group", name)).metrics
        if common is not None:
            if len(idx) == common:
                at_common = entry["metrics"]
            else:
                at_common = ctx.measure(idx[subsample_indices(len(idx), common, ctx.settings.seed)]).metrics
            for metric_id in SIZE_DEPENDENT & set(entry["metrics"]):
                m = at_common[metric_id]
                entry["metrics"][metric_id]["at_common_size"] = {
                    k: m[k] for k in ("value", "ci_low", "ci_high") if k in m}
        out[name] = entry
    return {"groups": out}
