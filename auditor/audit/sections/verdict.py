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
#: The level of a sample too small to tell (its interval spans more than one band).
UNDETERMINED = "undetermined"
NEAR_DUPLICATE_ALARM = 0.10
#: Under this many texts the verdict names a level only when the similarity's interval lies in one band.
SMALL_SAMPLE = 10

_NUM = {"type": ["number", "null"]}
SCHEMA = {"verdict": {"type": "object", "required": ["level", "headline", "scale", "raised_by"],
                      "properties": {
                          "level": {"enum": LEVELS + [UNDETERMINED]}, "headline": {"type": "string"},
                          "details": {"type": "string"}, "small_sample": {"type": "boolean"},
                          "scale": {"type": "object",
                                    "required": ["similarity", "floor", "above_floor", "calibration_texts"],
                                    "properties": {"similarity": _NUM, "floor": _NUM, "above_floor": _NUM,
                                                   "calibration_texts": {"type": "integer"},
                                                   "bands": {"type": "array"}}},
                          "raised_by": {"type": ["string", "null"]},
                          "warning": {"type": "string"},
                          "scope": {"enum": ["corpus", "comparison"]}}}}


STEP = "verdict"


def build(ctx: AuditContext) -> dict[str, Any]:
    found = verdict(ctx.whole.metrics, ctx.n_texts, ctx.baseline)
    if ctx.languages.warning:  # the model does not read these texts' language: say so with the verdict
        found["warning"] = ctx.languages.warning
    return {"verdict": found}


def verdict(metrics: dict[str, dict[str, Any]], n_texts: int, floor: Baseline) -> dict[str, Any]:
    """Level ("varied" … "very_homogeneous", or "undetermined" for a sample too small to tell), a
    one-sentence ``headline`` and the ``details`` behind it, the level read from similarity above
    the model's ``floor``.

    >>> m = {"mean_pairwise_similarity": {"value": 0.5}, "near_duplicate_rate": {"value": 0.0},
    ...      "vendi_score": {"value": 3.0}}
    >>> verdict(m, 10, Baseline(0.0, 96))["level"], verdict(m, 10, Baseline(0.4, 96))["level"]
    ('homogeneous', 'varied')
    >>> verdict(m, 2, Baseline(0.0, 96))["level"]
    'undetermined'
    """
    mps = metrics["mean_pairwise_similarity"]["value"]
    ndr = metrics["near_duplicate_rate"]["value"]
    vendi = metrics["vendi_score"]["value"]
    above = floor.above(mps)
    index = band_of(above)
    raised_by = None
    if ndr >= NEAR_DUPLICATE_ALARM and index < LEVELS.index("homogeneous"):
        raised_from, index, raised_by = LEVELS[index], LEVELS.index("homogeneous"), "near_duplicate_rate"
    level, phrase = SIMILARITY_BANDS[index][1], SIMILARITY_BANDS[index][2]
    details = (
        f"Two texts picked at random are {mps:.2f} similar on average, {above:.2f} on a scale where unrelated "
        f"texts score 0 and identical ones 1 under this model; its {n_texts:,} texts carry about {vendi:,.1f} "
        f"effectively distinct ones; {ndr:.0%} of texts have a near-duplicate."
    )
    if raised_by:
        details += (f" The level is raised from {raised_from.replace('_', ' ')} because {ndr:.0%} of texts have "
                    f"a near-duplicate (the alarm is {NEAR_DUPLICATE_ALARM:.0%}).")
    headline = f"This corpus is {phrase}."
    if raised_by or ndr >= NEAR_DUPLICATE_ALARM:
        headline = f"This corpus is {phrase.split(':')[0]}: {share_words(ndr)} of it repeats itself almost word for word."
    small = n_texts < SMALL_SAMPLE
    if small:
        bands = _interval_bands(metrics["mean_pairwise_similarity"], floor)
        if bands is None or len(bands) > 1 or (raised_by is None and bands != {index}):
            level, raised_by = UNDETERMINED, None
            headline = (f"Too few texts to say: {n_texts} texts are not evidence of a level "
                        f"(their similarity, {above:.2f} above the floor, could sit in more than one band).")
        else:
            headline = f"A small sample ({n_texts} texts), but plain: " + headline[0].lower() + headline[1:]
    return {"level": level, "headline": headline, "details": details, "small_sample": small,
            "raised_by": raised_by, "scope": "corpus",
            "scale": {"similarity": round(mps, 6), "floor": round(floor.similarity, 6),
                      "above_floor": round(above, 6), "calibration_texts": floor.n_texts,
                      "calibration_language": floor.language,
                      "bands": [{"level": lvl, "below": bound} for bound, lvl, _ in SIMILARITY_BANDS[:-1]]}}


def band_of(above: float) -> int:
    """The index of the band that a similarity above the floor falls in."""
    return next(i for i, band in enumerate(SIMILARITY_BANDS) if above < band[0])


def _interval_bands(entry: dict[str, Any], floor: Baseline) -> set[int] | None:
    """The bands the similarity's interval spans (None without an interval)."""
    lo, hi = entry.get("ci_low"), entry.get("ci_high")
    if lo is None or hi is None:
        return None
    return set(range(band_of(floor.above(lo)), band_of(floor.above(hi)) + 1))


def share_words(share: float) -> str:
    """A share as a reader would say it: "a fifth", "most", "nearly all", "12%".

    >>> share_words(0.2), share_words(0.86), share_words(0.12)
    ('a fifth', 'most', '12%')
    """
    for value, words in ((1.0, "all"), (0.5, "half"), (1 / 3, "a third"), (0.25, "a quarter"), (0.2, "a fifth"),
                         (0.1, "a tenth")):
        if abs(share - value) < 0.015:
            return words
    if share >= 0.95:
        return "nearly all"
    if share > 0.6:
        return "most"
    return f"{share:.0%}"
