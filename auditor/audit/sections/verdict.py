"""The ``verdict`` section: the audit's numbers put into one plain sentence.

The bands are calibrated for all-MiniLM-L6-v2 on the corpora in ``../shared/corpora`` and
``sample_corpora`` (see README, "Reading the verdict"): varied human writing on one topic sits
near 0.2–0.35 mean pairwise similarity, model-written answers to the same questions near 0.4–0.55,
templated copy above 0.6. Other models shift these bands; the verdict says which model it assumes.
"""

from __future__ import annotations

from typing import Any

from auditor.audit.context import AuditContext

#: (upper bound on mean pairwise similarity, level, phrase), in increasing order.
SIMILARITY_BANDS = (
    (0.30, "varied", "varied: its texts mostly say different things"),
    (0.45, "moderate", "moderately homogeneous: its texts share a common register"),
    (0.60, "homogeneous", "homogeneous: its texts converge on the same few things"),
    (1.01, "very_homogeneous", "highly homogeneous: its texts are variations on one template"),
)
LEVELS = [band[1] for band in SIMILARITY_BANDS]
NEAR_DUPLICATE_ALARM = 0.10

SCHEMA = {"verdict": {"type": "object", "required": ["level", "headline"],
                      "properties": {"level": {"enum": LEVELS}, "headline": {"type": "string"}}}}


STAGE = "verdict"


def build(ctx: AuditContext) -> dict[str, Any]:
    return {"verdict": verdict(ctx.whole.metrics, len(ctx.corpus))}


def verdict(metrics: dict[str, dict[str, Any]], n_texts: int) -> dict[str, Any]:
    """Level ("varied" … "very_homogeneous") and a one-sentence headline from the core metrics.

    The level comes from mean pairwise similarity; a near-duplicate rate of 10% or more raises it
    to at least "homogeneous".
    """
    mps = metrics["mean_pairwise_similarity"]["value"]
    ndr = metrics["near_duplicate_rate"]["value"]
    vendi = metrics["vendi_score"]["value"]
    index = next(i for i, band in enumerate(SIMILARITY_BANDS) if mps < band[0])
    if ndr >= NEAR_DUPLICATE_ALARM:
        index = max(index, LEVELS.index("homogeneous"))
    level, phrase = SIMILARITY_BANDS[index][1], SIMILARITY_BANDS[index][2]
    headline = (
        f"This corpus is {phrase}. Two texts picked at random are {mps:.2f} similar on average; "
        f"its {n_texts:,} texts carry about {vendi:,.1f} effectively distinct ones; "
        f"{ndr:.0%} of texts have a near-duplicate."
    )
    return {"level": level, "headline": headline}
