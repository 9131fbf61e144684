"""The sections of an audit result, in the order they are built. Each module has
``build(context) -> dict`` (the top-level result keys it fills, possibly none), ``SCHEMA`` (the
JSON Schema of those keys), ``STEP`` (its name in progress and timings) and, when it does not
always apply, ``applies(context) -> bool``. A new capability is a new module in :data:`SECTIONS`."""

from auditor.audit.sections import (
    comparison,
    corpus_map,
    feed,
    groups,
    language_phrases,
    languages,
    locales,
    merged,
    metrics,
    provenance,
    reference,
    review,
    strata,
    texts,
    trend,
    verdict,
)

SECTIONS = (provenance, merged, languages, metrics, verdict, feed, groups, strata, texts, language_phrases, comparison, trend, locales, reference, corpus_map, review)


def applies(section: object, ctx: object) -> bool:
    """Whether ``section`` has anything to build for ``ctx``."""
    check = getattr(section, "applies", None)
    return check(ctx) if check is not None else True

__all__ = ["SECTIONS", "applies"]
