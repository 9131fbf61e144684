"""The default check rules on real text: varied human writing passes, a templated batch fails."""

from __future__ import annotations

import pytest

from auditor.check import evaluate
from auditor.check.config import DEFAULT_RULES
from auditor.corpus import from_frame
from auditor.audit import audit
from tests.test_real_hc3 import paired_sample

pytestmark = [pytest.mark.slow, pytest.mark.model]

SLOTS = ["jacket", "kettle", "backpack", "lamp", "notebook", "blender", "scarf", "speaker"]
ADJ = ["sleek", "modern", "premium", "versatile", "timeless"]


def check(frame) -> dict[str, str]:
    result = audit(from_frame(frame, text_col="text"), resamples=0)
    return {v.rule.name: v.status for v in evaluate(result.data, DEFAULT_RULES).verdicts}


@pytest.mark.parametrize("domain", ["wiki_csai", "open_qa"])
def test_human_answers_pass_the_default_rules(domain: str) -> None:
    frame = paired_sample(domain, 150)
    statuses = check(frame[frame["group"] == "human"])
    assert set(statuses.values()) == {"pass"}, statuses


def test_a_templated_batch_fails_the_default_rules() -> None:
    import pandas as pd

    texts = [f"Elevate your everyday with the {ADJ[i % 5]} {SLOTS[i % 8]}. Thoughtfully designed for "
             f"the modern lifestyle, it blends style and performance. Because you deserve the best."
             for i in range(40)]
    statuses = check(pd.DataFrame({"text": texts}))
    assert statuses["pairwise-similarity"] == "fail"
    assert statuses["stock-phrases"] == "fail"
