"""Real data: HC3 human vs ChatGPT answers to the same questions, at equal size.

ChatGPT's answers come out more homogeneous than the humans' on the lexical metrics and the
effective rank in every domain, and on mean pairwise similarity in wiki_csai and open_qa. In
medicine the human answers are the more similar pair-for-pair: HealthCareMagic doctors open and
close with the same boilerplate ("Hi, thanks for the query ... Regards"), which the embedding
sees. Uses ../shared/corpora/hc3_en (skipped when absent) and the real default model.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import auditor
from tests.conftest import need_corpus

pytestmark = [pytest.mark.slow, pytest.mark.model]

PER_SIDE = {"medicine": 300, "wiki_csai": 150, "open_qa": 300}
#: open_qa has the largest samples (1,187 human and 3,561 ChatGPT answers)
LARGEST = "open_qa"
HOMOGENEITY = ["mean_pairwise_similarity", "homogenization_rouge_l", "self_repetition"]


def paired_sample(domain: str, n: int, seed: int = 0) -> pd.DataFrame:
    """The first human and the first ChatGPT answer to the same n questions (seeded)."""
    path = need_corpus("hc3_en", f"hc3_{domain}.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    frame = pd.DataFrame(rows)
    frame = frame[(frame["answer_idx"] == 0) & frame["text"].str.strip().astype(bool)]
    both = frame.groupby("question_id")["group"].nunique()
    questions = np.sort(both[both == 2].index.to_numpy())
    chosen = np.random.default_rng(seed).choice(questions, size=min(n, len(questions)), replace=False)
    return frame[frame["question_id"].isin(chosen)][["id", "group", "text"]].reset_index(drop=True)


@pytest.fixture(scope="module")
def results() -> dict[str, auditor.AuditResult]:
    return {d: auditor.audit(paired_sample(d, n), group_col="group", resamples=100, clusterer=None)
            for d, n in PER_SIDE.items()}


def _pair(result: auditor.AuditResult, metric: str) -> tuple[dict, dict]:
    """ChatGPT's and the humans' entries for ``metric`` (at the common size where it applies)."""
    out = []
    for group in ("chatgpt", "human"):
        entry = result.groups[group]["metrics"][metric]
        out.append(entry.get("at_common_size", entry))
    return out[0], out[1]


def test_groups_are_compared_at_equal_size(results) -> None:
    for result in results.values():
        assert result.groups["chatgpt"]["n_texts"] == result.groups["human"]["n_texts"]


def test_chatgpt_is_lexically_more_homogeneous_in_every_domain(results) -> None:
    for domain, result in results.items():
        for metric in ("homogenization_rouge_l", "self_repetition", "compression_ratio_gzip"):
            gpt, human = _pair(result, metric)
            assert gpt["value"] > human["value"], (domain, metric)
        gpt, human = _pair(result, "ngram_diversity")
        assert gpt["value"] < human["value"], domain


def test_chatgpt_spreads_over_fewer_directions_in_every_domain(results) -> None:
    for domain, result in results.items():
        gpt, human = _pair(result, "effective_rank")
        assert gpt["value"] < human["value"], domain


def test_chatgpt_answers_are_more_alike_except_in_medicine(results) -> None:
    for domain in ("wiki_csai", "open_qa"):
        gpt, human = _pair(results[domain], "mean_pairwise_similarity")
        assert gpt["value"] > human["value"], domain
    gpt, human = _pair(results["medicine"], "mean_pairwise_similarity")
    assert human["value"] > gpt["value"]  # the doctors' greeting-and-sign-off boilerplate


def test_intervals_separate_on_the_largest_domain(results) -> None:
    result = results[LARGEST]
    for metric in ("mean_pairwise_similarity", "homogenization_rouge_l", "self_repetition"):
        gpt, human = _pair(result, metric)
        assert gpt["ci_low"] > human["ci_high"], (metric, gpt, human)
    gpt, human = _pair(result, "vendi_score")  # fewer effectively distinct answers at equal size
    assert gpt["ci_high"] < human["ci_low"], (gpt, human)
