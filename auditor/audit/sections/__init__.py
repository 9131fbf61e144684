"""The sections of an audit result, in the order they are built. Each module has
``build(context) -> dict`` (the top-level result keys it fills, possibly none) and ``SCHEMA``
(the JSON Schema of those keys). A new capability is a new module in :data:`SECTIONS`."""

from auditor.audit.sections import (
    comparison,
    corpus_map,
    groups,
    metrics,
    provenance,
    reference,
    texts,
    trend,
    verdict,
)

SECTIONS = (provenance, verdict, metrics, groups, texts, comparison, trend, reference, corpus_map)

__all__ = ["SECTIONS"]
