"""Near-duplicates decided on the model's calibrated scale and confirmed in the words, the floor of
a language mix, and distinct variants per brief (issue 26)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import auditor
from auditor.calibration import baseline, mixed_baseline
from auditor.calibration.baseline import cross_floor
from auditor.embed import Embedder
from auditor.embed.multilingual import multilingual_available
from auditor.metrics.near_duplicates import NearDuplicateRule, character_ngram_dice, rule_for
from auditor.metrics.neighbors import near_duplicate_scan
from auditor.metrics.variants import distinct_variants
from tests.multilingual_texts import LIGHT_EDITS, SAME_TOPIC, UNRELATED
from tests.paraphrase_texts import CLASSES

ROOT = Path(__file__).resolve().parents[1]
LANGS = ["en", "fr", "de", "ja", "zh"]
MODELS = ["all-MiniLM-L6-v2", pytest.param("multilingual", marks=pytest.mark.skipif(
    not multilingual_available(), reason="the multilingual model is not installed"))]


def _unit(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    return a / np.linalg.norm(a, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def embedders() -> dict[str, Embedder]:
    return {}


def _embedder(embedders: dict[str, Embedder], name: str) -> Embedder:
    if name not in embedders:
        embedders[name] = Embedder(name, cache=False, progress=False)
    return embedders[name]


def _scan(emb: Embedder, lang: str, texts: list[str]):
    rule = rule_for({lang: baseline(emb, lang).similarity}, [lang] * len(texts), texts)
    return near_duplicate_scan(_unit(emb.encode(texts)), rule)


def test_character_ngram_dice_of_hand_computed_cases() -> None:
    # " ab " has 3-grams " ab", "ab "; " ac " has " ac", "ac ": nothing shared
    assert character_ngram_dice("ab", "ac") == 0.0
    # "abc" vs "abd": {" ab","abc","bc "} and {" ab","abd","bd "} share one of three: 2·1/6
    assert character_ngram_dice("abc", "abd") == pytest.approx(1 / 3)
    assert character_ngram_dice("The cat.", "the  CAT!") == 1.0


def test_character_ngram_dice_equals_the_multiset_definition_on_random_strings() -> None:
    """Against Counter multisets of the 3-gram substrings (short, empty, accented, CJK, emoji)."""
    import random
    from collections import Counter

    from auditor.metrics.tokens import rouge_tokens

    def grams(text: str) -> Counter:
        s = " " + " ".join(rouge_tokens(text)) + " "
        return Counter(s[k:k + 3] for k in range(max(1, len(s) - 2)))

    rng = random.Random(0)
    alphabet = "ab cdé日本語ñ,.!\U0001F642Ω"
    for _ in range(3000):
        a, b = ("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(2))
        A, B = grams(a), grams(b)
        expected = 2 * sum((A & B).values()) / (sum(A.values()) + sum(B.values()))
        assert character_ngram_dice(a, b) == pytest.approx(expected, abs=1e-12), (a, b)


@pytest.mark.parametrize("model", MODELS)
def test_light_edits_are_near_duplicates_and_unrelated_or_same_topic_texts_are_not(embedders, model) -> None:
    emb = _embedder(embedders, model)
    found = same_topic_flags = 0
    for lang in LANGS:
        originals, edits = UNRELATED[lang], LIGHT_EDITS[lang]
        scan = _scan(emb, lang, originals + edits)
        n = len(originals)
        found += sum(int(scan.twin[i]) == i + n for i in range(n))
        assert not _scan(emb, lang, originals).duplicate.any(), lang  # twelve unrelated sentences
        same_topic_flags += int(_scan(emb, lang, SAME_TOPIC[lang]).duplicate.sum())
    assert found / (len(LANGS) * 12) >= 0.90
    assert same_topic_flags / (len(LANGS) * 12) <= 0.05


def test_an_explicit_threshold_is_read_on_the_calibrated_scale() -> None:
    X = _unit(np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]))  # cosines 0.8, 0.6, 0.0
    rule = NearDuplicateRule(np.full(3, 0.5), None, threshold=0.5)  # s = (c − 0.5)/0.5: 0.6, 0.2, −1
    scan = near_duplicate_scan(X, rule)
    assert scan.duplicate.tolist() == [True, True, False]
    assert rule.as_dict()["method"] == "calibrated threshold"
    assert not near_duplicate_scan(X, NearDuplicateRule(np.full(3, 0.5), None, threshold=0.7)).duplicate.any()


def test_a_common_offset_direction_keeps_the_verdict_and_the_near_duplicate_decisions() -> None:
    texts = pd.read_csv(ROOT / "sample_corpora" / "brand_copy.csv")["text"].tolist()[:300]
    base = Embedder(None, cache=False, progress=False)
    u = np.random.default_rng(0).normal(size=384)
    u *= 1.5 / np.linalg.norm(u)

    class Offset:  # an anisotropic model: every vector carries one common direction
        def encode(self, batch: list[str]) -> np.ndarray:
            return _unit(base.encode(batch) + u)

    plain = auditor.audit(texts, embedder=base, clusterer=None, resamples=0, cache=False)
    shifted = auditor.audit(texts, embedder=Offset(), clusterer=None, resamples=0, cache=False)
    assert plain.near_duplicates.floors[0] < 0.3 < shifted.near_duplicates.floors[0]  # the offset is real
    assert shifted.verdict["level"] == plain.verdict["level"]
    a = near_duplicate_scan(_unit(plain.embeddings), plain.near_duplicates).duplicate
    b = near_duplicate_scan(_unit(shifted.embeddings), shifted.near_duplicates).duplicate
    assert a.sum() > 10  # the sample has near-duplicates to agree on
    assert np.mean(a == b) >= 0.95


@pytest.mark.skipif(not multilingual_available(), reason="the multilingual model is not installed")
def test_the_multilingual_sample_has_its_planted_near_duplicate_rate() -> None:
    frame = pd.read_csv(ROOT / "sample_corpora" / "multilingual_copy.csv")
    counts = Counter(frame["text"])
    planted = np.mean([counts[t] > 1 for t in frame["text"]])  # the generator repeats a template's text
    result = auditor.audit(ROOT / "sample_corpora" / "multilingual_copy.csv", clusterer=None, resamples=0, cache=False)
    assert result.data["model"]["name"].startswith("intfloat/multilingual-e5-small")
    assert result.metrics["near_duplicate_rate"]["value"] == pytest.approx(planted, abs=0.01)
    assert result.data["languages"]["calibration_language"] == "mixed"


def test_a_mixed_language_corpus_is_read_against_the_floor_of_its_mix(embedders) -> None:
    emb = _embedder(embedders, "all-MiniLM-L6-v2")
    counts = {"en": 6, "fr": 2, "de": 2}
    w = {k: v / 10 for k, v in counts.items()}
    expected = sum(w[a] * w[b] * (baseline(emb, a).similarity if a == b else cross_floor(emb, a, b))
                   for a in w for b in w)
    found = mixed_baseline(emb, counts)
    assert found.similarity == pytest.approx(expected)
    assert found.language == "mixed" and found.weights == pytest.approx(w)
    assert mixed_baseline(emb, {"fr": 5}).similarity == baseline(emb, "fr").similarity
    # an even four-language corpus is calibrated on its mix, not on one language picked for all
    texts = [t for lang in ("en", "fr", "de", "ja") for t in UNRELATED[lang]]
    result = auditor.audit(texts, embedder=emb, clusterer=None, resamples=0, cache=False)
    assert result.data["languages"]["calibration_language"] == "mixed"
    assert set(result.near_duplicates.languages) == {"en", "fr", "de", "ja"}


def _planted_strata(rng: np.random.Generator, n_strata: int) -> list[tuple[int, np.ndarray]]:
    """Strata of 10 texts drawn from c of the paraphrase classes (every class present)."""
    labels = np.repeat(np.arange(len(CLASSES)), 5)
    out = []
    for _ in range(n_strata):
        c = int(rng.integers(1, 6))
        classes = rng.choice(len(CLASSES), c, replace=False)
        first = [int(rng.choice(np.flatnonzero(labels == k))) for k in classes]
        rest = np.setdiff1d(np.flatnonzero(np.isin(labels, classes)), first)
        out.append((c, np.array(first + list(rng.choice(rest, 10 - c, replace=len(rest) < 10 - c)))))
    return out


@pytest.mark.parametrize("model", MODELS)
def test_distinct_variants_recover_the_planted_number_of_messages(embedders, model) -> None:
    emb = _embedder(embedders, model)
    X = _unit(emb.encode([t for c in CLASSES for t in c]))
    floor = baseline(emb, "en").similarity
    strata = _planted_strata(np.random.default_rng(7), 60)
    close = [abs(distinct_variants(X[rows], floor) - c) <= 1 for c, rows in strata]
    assert np.mean(close) >= 0.90


def test_distinct_variants_of_copies_and_of_orthogonal_texts() -> None:
    assert distinct_variants(np.tile([[1.0, 0.0]], (5, 1))) == 1
    assert distinct_variants(np.eye(4)) == 4


def test_distinct_variants_in_the_strata_section_and_as_a_check_rule(tmp_path) -> None:
    frame = pd.DataFrame({"brief": np.repeat(["a", "b", "c"], 5),
                          "text": CLASSES[0] + CLASSES[1][:2] + CLASSES[2][:3] + [c[0] for c in CLASSES[3:8]]})
    path = tmp_path / "variants.csv"
    frame.to_csv(path, index=False)
    result = auditor.audit(path, strata="brief", clusterer=None, resamples=50, cache=False)
    strata = result.data["strata"]
    per = {r["stratum"]: r["distinct_variants"] for r in strata["per_stratum"]}
    assert per["a"] == 1 and per["b"] in (1, 2, 3) and per["c"] in (4, 5)  # within ±1 of the planted 1, 2, 5
    metric = strata["metrics"]["distinct_variants"]
    assert metric["value"] == pytest.approx(np.mean(list(per.values())))
    assert metric["ci_low"] <= metric["value"] <= metric["ci_high"]
    assert strata["distinct_variants_sentence"].startswith("Of every 5 variants per stratum, ")
    config = tmp_path / "auditor.toml"
    config.write_text('[check]\nstrata = "brief"\n[check.rules.variants]\nmetric = "within_strata.distinct_variants"\nmin = 4\n')
    from auditor.check import run_check

    _, outcome, _ = run_check(path, config=config)
    assert [v.failed for v in outcome.verdicts] == [True]
