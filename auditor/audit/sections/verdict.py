"""The ``verdict`` section: the audit's numbers put into one plain sentence, on a scale that
means the same under any model.

The level is read from mean pairwise similarity *above the model's floor*: s = (c − b)/(1 − b),
b the mean pairwise similarity of unrelated texts this project writes (:mod:`auditor.calibration`),
so unrelated texts score 0 and identical ones 1 whatever the model's anisotropy. The bands were
set with all-MiniLM-L6-v2 (floor 0.051) on ``../shared/corpora`` and ``sample_corpora``: varied
human writing on one topic sits near s = 0.15–0.30, model-written answers to the same questions
near 0.35–0.50, templated copy above 0.58. A near-duplicate rate of 10% or more raises the level
to at least "homogeneous", and the verdict says so.
"""

from __future__ import annotations

from typing import Any

from auditor.audit.context import AuditContext
from auditor.calibration import Baseline

#: (upper bound on similarity above the floor, level, phrase), in increasing order.
SIMILARITY_BANDS = (
    (0.26, "varied", "varied: its texts mostly say different things"),
    (0.42, "moderate", "moderately homogeneous: its texts share a common register"),
    (0.58, "homogeneous", "homogeneous: its texts converge on the same few things"),
    (1.01, "very_homogeneous", "highly homogeneous: its texts are variations on one template"),
)
LEVELS = [band[1] for band in SIMILARITY_BANDS]
NEAR_DUPLICATE_ALARM = 0.10

_NUM = {"type": ["number", "null"]}
SCHEMA = {"verdict": {"type": "object", "required": ["level", "headline", "scale", "raised_by"],
                      "properties": {
                          "level": {"enum": LEVELS}, "headline": {"type": "string"},
                          "scale": {"type": "object",
                                    "required": ["similarity", "floor", "above_floor", "calibration_texts"],
                                    "properties": {"similarity": _NUM, "floor": _NUM, "above_floor": _NUM,
                                                   "calibration_texts": {"type": "integer"},
                                                   "bands": {"type": "array"}}},
                          "raised_by": {"type": ["string", "null"]},
                          "warning": {"type": "string"},
                          "scope": {"enum": ["corpus", "comparison"]}}}}


STAGE = "verdict"


def build(ctx: AuditContext) -> dict[str, Any]:
    found = verdict(ctx.whole.metrics, ctx.n_texts, ctx.baseline)
    if ctx.languages.warning:  # the model does not read these texts' language: say so with the verdict
        found["warning"] = ctx.languages.warning
    return {"verdict": found}


def verdict(metrics: dict[str, dict[str, Any]], n_texts: int, floor: Baseline) -> dict[str, Any]:
    """Level ("varied" … "very_homogeneous") and a one-sentence headline from the core metrics,
    the level read from similarity above the model's ``floor``.

    >>> m = {"mean_pairwise_similarity": {"value": 0.5}, "near_duplicate_rate": {"value": 0.0},
    ...      "vendi_score": {"value": 3.0}}
    >>> verdict(m, 10, Baseline(0.0, 96))["level"], verdict(m, 10, Baseline(0.4, 96))["level"]
    ('homogeneous', 'varied')
    """
    mps = metrics["mean_pairwise_similarity"]["value"]
    ndr = metrics["near_duplicate_rate"]["value"]
    vendi = metrics["vendi_score"]["value"]
    above = floor.above(mps)
    index = next(i for i, band in enumerate(SIMILARITY_BANDS) if above < band[0])
    raised_by = None
    if ndr >= NEAR_DUPLICATE_ALARM and index < LEVELS.index("homogeneous"):
        raised_from, index, raised_by = LEVELS[index], LEVELS.index("homogeneous"), "near_duplicate_rate"
    level, phrase = SIMILARITY_BANDS[index][1], SIMILARITY_BANDS[index][2]
    headline = (
        f"This corpus is {phrase}. Two texts picked at random are {mps:.2f} similar on average, "
        f"{above:.2f} on a scale where unrelated texts score 0 and identical ones 1 under this model; "
        f"its {n_texts:,} texts carry about {vendi:,.1f} effectively distinct ones; "
        f"{ndr:.0%} of texts have a near-duplicate."
    )
    if raised_by:
        headline += (f" The level is raised from {raised_from.replace('_', ' ')} because {ndr:.0%} of texts have "
                     f"a near-duplicate (the alarm is {NEAR_DUPLICATE_ALARM:.0%}).")
    return {"level": level, "headline": headline, "raised_by": raised_by, "scope": "corpus",
            "scale": {"similarity": round(mps, 6), "floor": round(floor.similarity, 6),
                      "above_floor": round(above, 6), "calibration_texts": floor.n_texts,
                      "calibration_language": floor.language,
                      "bands": [{"level": lvl, "below": bound} for bound, lvl, _ in SIMILARITY_BANDS[:-1]]}}
