"""The default check rules on real text: varied human writing passes, a templated batch fails."""

from __future__ import annotations

import pytest

from auditor.check import evaluate
from auditor.check.config import DEFAULT_RULES
from auditor.corpus import from_frame
from auditor.audit import audit
from tests.test_real_hc3 import paired_sample

pytestmark = [pytest.mark.slow, pytest.mark.model]

PRODUCTS = ["desk lamp", "kettle", "hiking backpack", "rain jacket", "wool scarf", "speaker", "notebook",
            "blender", "office chair", "water bottle", "headphones", "tent", "yoga mat", "coffee grinder",
            "travel mug"]
STYLES = ["sleek", "premium", "versatile", "timeless", "rugged", "minimalist", "handcrafted", "compact"]
WHO = ["busy parents", "weekend explorers", "remote workers", "home cooks", "students", "city commuters",
       "early risers", "creative minds"]
TEMPLATES = [
    "Unlock the power of the {a} {p}, crafted for {w} who demand more from every single day.",
    "Discover the {a} {p} that seamlessly blends style and functionality for {w} and their modern lifestyle.",
    "Elevate your routine with the {p}: {a}, reliable and ready for {w} whenever inspiration strikes.",
    "Experience the difference of a {a} {p}, thoughtfully engineered to make life simpler for {w}.",
]


def templated(n: int = 15) -> list[str]:
    """``n`` texts from 4 generic templates, every slot filled differently."""
    return [TEMPLATES[i % 4].format(p=PRODUCTS[i], a=STYLES[(i * 3) % 8], w=WHO[(i * 5) % 8]) for i in range(n)]


SLOTS = ["jacket", "kettle", "backpack", "lamp", "notebook", "blender", "scarf", "speaker"]
ADJ = ["sleek", "modern", "premium", "versatile", "timeless"]


def check(frame) -> dict[str, str]:
    result = audit(from_frame(frame, text_col="text"), resamples=0, clusterer=None)
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


@pytest.mark.parametrize("varied", ["human answers", "unrelated texts"])
def test_a_batch_with_15_of_40_texts_from_4_templates_fails_on_templates_alone(varied: str) -> None:
    import pandas as pd

    from auditor.calibration.texts import TEXTS

    if varied == "human answers":
        frame = paired_sample("wiki_csai", 150)
        base = frame[frame["group"] == "human"]["text"].tolist()[:25]
    else:
        base = list(TEXTS["en"][:25])
    statuses = check(pd.DataFrame({"text": base + templated(15)}))
    assert statuses["templates"] == "fail"
    # the rules that were there before pass it: no near-duplicates, no dominant phrase, low similarity
    assert statuses["near-duplicates"] == statuses["stock-phrases"] == statuses["pairwise-similarity"] == "pass"
