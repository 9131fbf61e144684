"""Real data, within questions: HC3 ChatGPT answers are more alike than human answers to the same
questions. HC3 has one human answer per question, so strata are blocks of 10 questions whose
human and first ChatGPT answers are compared (the same questions on both sides, so where the
texts sit is matched and only how alike they are can differ). Uses ../shared/corpora/hc3_en
(skipped when absent) and the real default model."""

from __future__ import annotations

import pytest

import auditor
from tests.test_real_hc3 import paired_sample

pytestmark = [pytest.mark.slow, pytest.mark.model]


def blocks(domain: str, n: int):
    frame = paired_sample(domain, n)
    question = frame["id"].str.rsplit("-", n=2).str[0]
    order = {q: f"block{i // 10:03d}" for i, q in enumerate(sorted(question.unique()))}
    return frame.assign(question_block=question.map(order))


@pytest.fixture(scope="module")
def rows():
    out = {}
    for domain, n in (("open_qa", 300), ("wiki_csai", 150)):
        result = auditor.audit(blocks(domain, n), group_col="group", strata="question_block",
                               clusterer=None, resamples=200)
        out[domain] = {r["metric"]: r for r in result.data["comparison"]["homogeneity"]}
    return out


@pytest.mark.parametrize("domain", ["open_qa", "wiki_csai"])
def test_chatgpt_answers_are_more_alike_than_human_ones_within_questions(rows, domain) -> None:
    rouge = rows[domain]["rouge_l"]
    assert (rouge["a"], rouge["b"]) == ("chatgpt", "human") and rouge["stratified"]
    # difference = human − chatgpt: negative, interval below zero, permutation p small
    assert rouge["difference"] < 0 and rouge["ci_high"] < 0 and rouge["p_value"] < 0.01
    mps = rows[domain]["mean_pairwise_similarity"]
    assert mps["difference"] < 0 and mps["ci_high"] < 0


def test_the_compare_headline_names_the_more_alike_corpus(tmp_path) -> None:
    path = tmp_path / "hc3.csv"
    blocks("open_qa", 300).to_csv(path, index=False)
    result = auditor.compare([path], by="group", strata="question_block", clusterer=None, resamples=100)
    verdict = result.data["verdict"]
    assert verdict["scope"] == "comparison"
    assert verdict["headline"].startswith("chatgpt is more alike than human within question_block")
    assert verdict["pooled_headline"].startswith("This corpus is")
