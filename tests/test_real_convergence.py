"""Real data: State of the Union addresses (1790-2021) by party and decade, and HC3 human vs
ChatGPT answers compared as two corpora. Uses ../shared/corpora (skipped when absent) and the
real default model.

What the tool finds, and why it is plausible:
- Per decade, the addresses' lexical overlap (ROUGE-L homogenization) falls steadily: the long,
  formulaic nineteenth-century sentences ("the Senate and House of Representatives", "the
  public service") give way to shorter, more varied ones.
- The early parties (Federalist, Democratic-Republican) are far easier to tell apart from the rest
  than Democrats or Republicans are: party is confounded with era, and the two modern parties
  share every era since 1856.
- Democrats and Republicans do not measurably converge or diverge decade by decade.
- HC3 open_qa: answers to the same questions differ in meaning mostly by topic, so the grouping
  explains under 1% of the spread (PERMANOVA R²), yet ChatGPT's answers are told from the humans'
  clearly better than chance (AUC about 0.72) and MMD / PERMANOVA reject "same distribution".
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import auditor
from tests.conftest import need_corpus
from tests.test_real_hc3 import paired_sample

pytestmark = [pytest.mark.slow, pytest.mark.model]


#: The addresses are cut to their first 3,000 characters (at a sentence end): the embedding model
#: reads only the first 256 word pieces anyway, and ROUGE-L over 20,000-character texts would take
#: minutes.
HEAD_CHARS = 3000


def sotu() -> pd.DataFrame:
    path = need_corpus("sotu", "sotu_1790_2021_first20k.jsonl")
    frame = pd.DataFrame([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()])
    head = frame["text"].str.slice(0, HEAD_CHARS)
    frame["text"] = [h[: h.rfind(". ") + 1] if ". " in h else h for h in head]
    return frame


@pytest.fixture(scope="module")
def by_party() -> auditor.AuditResult:
    return auditor.audit(sotu()[["id", "text", "party", "year"]], group_col="party", time_col="year",
                         freq="decade", resamples=50, permutations=499, clusterer=None)


def test_sotu_lexical_overlap_falls_decade_by_decade(by_party) -> None:
    trend = by_party.data["trend"]
    assert trend["freq"] == "decade" and trend["common_size"] >= 9
    slope = trend["metric_slopes"]["homogenization_rouge_l"]
    assert slope["slope_per_year"] < 0 and slope["ols_ci_high"] < 0
    first, last = trend["bins"][0]["metrics"], trend["bins"][-2]["metrics"]  # 2020s: 2 texts, no metrics
    assert last["homogenization_rouge_l"]["ci_high"] < first["homogenization_rouge_l"]["ci_low"]
    assert "metrics" not in trend["bins"][-1]


def test_sotu_early_parties_are_the_distinctive_ones(by_party) -> None:
    d = by_party.data["comparison"]["distinctiveness"]
    for early in ("Federalist", "Democratic-Republican"):
        for modern in ("Democratic", "Republican"):
            assert d[early]["classifier_auc"]["value"] > d[modern]["classifier_auc"]["value"]
            assert d[early]["centroid_distance"]["value"] > d[modern]["centroid_distance"]["value"]
    assert by_party.data["comparison"]["permanova"]["p_value"] < 0.01


def test_sotu_democrats_and_republicans_neither_converge_nor_diverge_clearly() -> None:
    frame = sotu()
    frame = frame[frame["party"].isin(["Democratic", "Republican"]) & (frame["year"] >= 1880)]
    result = auditor.audit(frame[["id", "text", "party", "year"]], group_col="party", time_col="year",
                           freq="decade", resamples=100, permutations=199, clusterer=None, lexical=False)
    conv = result.data["trend"]["convergence"]
    assert conv["composition"] == "balanced" or len(conv["bins"]) >= 8
    slope = conv["slopes"]["mutual_similarity"]
    assert slope["ols_ci_low"] < 0 < slope["ols_ci_high"]


def test_hc3_chatgpt_is_told_apart_from_human_answers() -> None:
    sample = paired_sample("open_qa", 200)
    result = auditor.audit(sample, group_col="group", resamples=50, permutations=499, clusterer=None,
                           lexical=False)
    comp = result.data["comparison"]
    assert comp["distinctiveness"]["chatgpt"]["classifier_auc"]["ci_low"] > 0.6
    assert comp["mmd"][0]["p_value"] < 0.01
    assert comp["permanova"]["p_value"] < 0.01
    assert comp["permanova"]["r_squared"] < 0.05
