"""Self-BLEU and syntactic templates of one set of texts, on a bounded seeded sample, with
intervals over the sampled texts (conditional on the sample's references and patterns)."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from auditor.metrics.bleu import self_bleu_per_text
from auditor.metrics.syntax import PATTERN_N, TOP_PATTERNS, TaggerMissing, syntactic_templates, weights_path
from auditor.metrics.uncertainty import IntervalSettings, half_sample_interval, rate_interval, subsample_indices

#: Self-BLEU compares every text with every other, and the tagger runs at ~100,000 tokens/s:
#: both read at most this many texts (one seeded sample).
WORDING_MAX_TEXTS = 500


def wording_suite(texts: Sequence[str], *, seed: int = 0,
                  intervals: IntervalSettings | None = None) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """``self_bleu``, ``syntactic_template_rate`` and ``templates_per_token`` (id → entry), and
    the metrics left out with the reason (the tagger's package missing)."""
    n = len(texts)
    rows = subsample_indices(n, WORDING_MAX_TEXTS, seed)
    chosen = [texts[i] for i in rows]
    sample = {"n_texts": len(chosen), "method": "exact" if len(chosen) == n else "sampled"}
    per_text = {"self_bleu": self_bleu_per_text(chosen)}
    values: dict[str, dict[str, Any]] = {"self_bleu": {"value": float(per_text["self_bleu"].mean()), "max_n": 4, **sample}}
    missing: dict[str, str] = {}
    try:
        weights_path()
    except TaggerMissing as exc:
        missing = {"syntactic_template_rate": str(exc), "templates_per_token": str(exc)}
    else:
        _, has, per_token = syntactic_templates(chosen)
        spec = {"n": PATTERN_N, "top_patterns": TOP_PATTERNS, **sample}
        values["syntactic_template_rate"] = {"value": float(has.mean()), **spec}
        values["templates_per_token"] = {"value": float(per_token.mean()), **spec}
        per_text["templates_per_token"] = per_token
        if intervals is not None:
            values["syntactic_template_rate"].update(rate_interval(int(has.sum()), len(has), intervals))
    if intervals is not None:
        for metric_id, scores in per_text.items():
            if len(scores) >= 4:
                lo, hi = half_sample_interval(lambda idx, s=scores: float(s[idx].mean()), len(scores),
                                              values[metric_id]["value"], intervals, (0.0, np.inf))
                values[metric_id].update(ci_low=lo, ci_high=hi, **intervals.as_dict())
    return values, missing
