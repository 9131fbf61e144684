"""Lexical metrics on hand-computed cases, repeated phrases, and the interval machinery."""

from __future__ import annotations

import gzip
import lzma
import math

import numpy as np
import pytest

from auditor.metrics.lexical import (
    compression_ratio,
    distinct_n,
    distinct_ns,
    homogenization_rouge_l,
    lcs_length,
    ngram_diversity,
    pair_sample,
    rouge_l_f,
    rouge_tokens,
    self_repetition,
    self_repetition_per_text,
)
from auditor.metrics.lexical_suite import lexical_suite
from auditor.metrics.phrases import repeated_phrases, stock_phrase_share
from auditor.metrics.suite import semantic_suite
from auditor.metrics.uncertainty import IntervalSettings, half_samples, interval, subsample_indices
from tests.conftest import unit_rows


def lcs_dp(a, b) -> int:
    T = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            T[i + 1][j + 1] = T[i][j] + 1 if x == y else max(T[i][j + 1], T[i + 1][j])
    return T[-1][-1]


def test_bit_parallel_lcs_equals_dynamic_programming() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        a = rng.integers(0, 6, rng.integers(0, 140)).tolist()
        b = rng.integers(0, 6, rng.integers(0, 90)).tolist()
        assert lcs_length(a, b) == lcs_dp(a, b)


def test_rouge_l_f_by_hand() -> None:
    # "the cat sat" vs "the cat ran away": LCS 2, F = 2*2/(3+4)
    a, b = rouge_tokens("The cat sat."), rouge_tokens("the CAT ran, away")
    vocab = {w: i for i, w in enumerate(sorted(set(a + b)))}
    assert rouge_l_f([vocab[w] for w in a], [vocab[w] for w in b]) == pytest.approx(4 / 7)
    assert rouge_tokens("Crème brûlée, naïve_test 42!") == ["crème", "brûlée", "naïve", "test", "42"]


def test_homogenization_is_the_mean_over_pairs() -> None:
    texts = ["a b c", "a b d", "x y z"]
    # pairs: (0,1) LCS 2 -> 2*2/6; (0,2) 0; (1,2) 0
    assert homogenization_rouge_l(texts) == pytest.approx((4 / 6) / 3)


def test_sampled_pairs_are_distinct_and_seeded() -> None:
    i, j = pair_sample(100, 500, seed=3)
    assert len(set(zip(i.tolist(), j.tolist()))) == 500 and np.all(i < j) and j.max() < 100
    i2, j2 = pair_sample(100, 500, seed=3)
    assert np.array_equal(i, i2) and np.array_equal(j, j2)
    assert len(pair_sample(10, None)[0]) == 45


def test_distinct_n_and_ngram_diversity_by_hand() -> None:
    texts = ["a b a b", "a b"]  # joined: a b a b a b
    assert distinct_n(texts, 1) == pytest.approx(2 / 6)
    assert distinct_n(texts, 2) == pytest.approx(2 / 5)  # ab, ba
    assert distinct_n(texts, 3) == pytest.approx(2 / 4)
    assert distinct_n(texts, 4) == pytest.approx(2 / 3)
    assert ngram_diversity(texts) == pytest.approx(2 / 6 + 2 / 5 + 2 / 4 + 2 / 3)
    assert distinct_n(["a b"], 3) == 0.0


def test_self_repetition_by_hand() -> None:
    texts = ["a b c d e", "a b c d", "z y x w"]
    # text 0: 4-grams {abcd, bcde}: abcd in 2 docs -> 1 repeat -> log 2; text 1: log 2; text 2: log 1
    np.testing.assert_allclose(self_repetition_per_text(texts), [math.log(2), math.log(2), 0.0])
    assert self_repetition(texts) == pytest.approx(2 * math.log(2) / 3)


def test_compression_ratio_by_hand() -> None:
    texts = ["hello world"] * 50
    data = " ".join(texts).encode()
    assert compression_ratio(texts) == pytest.approx(len(data) / len(gzip.compress(data, 9, mtime=0)))
    assert compression_ratio(texts, "xz") == pytest.approx(len(data) / len(lzma.compress(data)))
    with pytest.raises(ValueError, match="algorithm"):
        compression_ratio(texts, "zip")


def test_repeated_phrases_finds_maximal_stock_phrases() -> None:
    stock = "elevate your everyday with the"
    products = ["jacket", "kettle", "bike", "teapot", "balm", "cap"]
    texts = [f"{stock} {p} made for you" if i % 2 else f"{stock} {p} in wool" for i, p in enumerate(products)] + [
        "rain on the fell", "pancakes on sunday", "a bike for the city", "tea by the sea"]
    phrases = repeated_phrases(texts, min_docs=3)
    assert phrases[0].text == stock and phrases[0].doc_freq == 6
    assert phrases[0].docs == tuple(range(6))
    # its sub-phrases ("your everyday with") are not listed separately
    assert not any(p.text != stock and p.text in stock for p in phrases)
    assert stock_phrase_share(texts, phrases) == pytest.approx(0.6)


def test_repeated_phrases_merges_a_long_stock_sentence() -> None:
    sentence = "join thousands of happy customers and discover the difference today"
    openers = ["a warm coat", "bright pans", "steel bikes", "slow tea", "nettle balm"]
    texts = [f"{o}. {sentence}" for o in openers] + ["something else entirely"] * 2
    phrases = repeated_phrases(texts, min_docs=3)
    assert phrases[0].text == sentence and phrases[0].n_words == 10


def test_half_samples_are_seeded_halves() -> None:
    halves = half_samples(11, 5, seed=1)
    assert all(len(h) == 5 and len(set(h.tolist())) == 5 for h in halves)
    assert [h.tolist() for h in halves] == [h.tolist() for h in half_samples(11, 5, seed=1)]
    assert subsample_indices(10, 20, 0).tolist() == list(range(10))


def test_interval_is_centred_on_the_estimate() -> None:
    lo, hi = interval(5.0, [1.0, 2.0, 3.0, 4.0, 5.0], level=0.5)
    assert lo == pytest.approx(5.0 - 1.0) and hi == pytest.approx(5.0 + 1.0)


def test_half_sampling_interval_matches_the_true_sampling_spread() -> None:
    """Calibration: the interval's implied standard error matches the spread of the metric over
    independent corpora drawn from the same distribution (within 35%)."""
    def draw(seed):
        X = unit_rows(600, 40, seed) + 0.15
        return X / np.linalg.norm(X, axis=1, keepdims=True)

    spread = {m: np.std([semantic_suite(draw(100 + s)).values[m]["value"] for s in range(25)], ddof=1)
              for m in ("mean_pairwise_similarity", "vendi_score", "dispersion")}
    one = semantic_suite(draw(7), intervals=IntervalSettings(300, 0)).values
    for metric, sd in spread.items():
        implied = (one[metric]["ci_high"] - one[metric]["ci_low"]) / (2 * 1.96)
        assert 0.65 * sd < implied < 1.35 * sd, (metric, implied, sd)


def test_lexical_suite_records_intervals_and_settings() -> None:
    texts = [f"our jacket number {i} keeps the rain out on the hill" for i in range(30)]
    values = lexical_suite(texts, intervals=IntervalSettings(20, 1)).values
    for entry in values.values():
        assert entry["ci_low"] <= entry["value"] + 1e-9 or entry["ci_low"] <= entry["ci_high"]
        assert entry["n_resamples"] == 20 and entry["ci_seed"] == 1
    assert values["homogenization_rouge_l"]["exact"] and values["homogenization_rouge_l"]["n_pairs"] == 435
    sampled = lexical_suite(texts, rouge_max_pairs=100).values["homogenization_rouge_l"]
    assert not sampled["exact"] and sampled["n_pairs"] == 100


def test_half_sample_replicates_use_the_same_definitions() -> None:
    """A subset's replicate is the public function on that subset: n-grams across text
    boundaries for distinct-n (as in the joined corpus), within texts for self-repetition."""
    from auditor.metrics.lexical import WordNgrams

    texts = ["a b c d e f", "a b c d x", "z y x w v", "b c d e f g h", "q r s t", "e f g"]
    words = WordNgrams(texts, 4)
    assert words.self_repetition() == pytest.approx(self_repetition(texts))
    assert words.distinct() == distinct_ns(texts, 4)
    rng = np.random.default_rng(0)
    for _ in range(20):
        subset = rng.random(len(texts)) < 0.6
        if subset.sum() < 2:
            continue
        chosen = [texts[i] for i in np.flatnonzero(subset)]
        assert words.self_repetition(subset) == pytest.approx(self_repetition(chosen))
        assert words.distinct(subset) == pytest.approx(distinct_ns(chosen, 4))


def test_subset_distinct_n_is_exact_with_a_vocabulary_too_large_for_composite_keys() -> None:
    from auditor.metrics.lexical import WordNgrams

    rng = np.random.default_rng(1)
    vocab = [f"w{i}" for i in range(200_000)]  # (≥ 46,341 distinct words)⁴ > 2⁶²: the renumbering branch
    texts = [" ".join(vocab[j] for j in rng.integers(0, 200_000, 40)) for _ in range(2000)]
    texts[5] = texts[6] = "w1 w2 w3 w4 w5"
    words = WordNgrams(texts, 4)
    assert int(words.grams[0].max()) + 1 >= 46_000
    subset = rng.random(len(texts)) < 0.5
    subset[[5, 6]] = True
    chosen = [texts[i] for i in np.flatnonzero(subset)]
    assert words.distinct(subset) == pytest.approx(distinct_ns(chosen, 4))


def test_distinct_n_of_a_subset_equals_distinct_n_of_those_texts_joined_random_and_real() -> None:
    """The subset path (corpus ids inside texts, lookups across the new boundaries) against the
    definition computed from scratch on the chosen texts."""
    import numpy as np

    from auditor.metrics.lexical import WordNgrams, distinct_ns
    from benchmarks._texts import benchmark_texts

    rng = np.random.default_rng(0)
    for _ in range(300):  # tiny vocabularies and 1-word texts: n-grams spanning several texts
        texts = [" ".join(rng.choice(list("abcde"), size=rng.integers(1, 7))) for _ in range(rng.integers(2, 12))]
        chosen = rng.random(len(texts)) < 0.5
        if chosen.any():
            expected = distinct_ns([t for t, c in zip(texts, chosen) if c], 4)
            assert WordNgrams(texts, 4).distinct(chosen) == pytest.approx(expected, abs=1e-15)
    real = benchmark_texts(600)
    words = WordNgrams(real, 4)
    for _ in range(3):
        chosen = rng.random(len(real)) < 0.5
        assert words.distinct(chosen) == pytest.approx(distinct_ns([t for t, c in zip(real, chosen) if c], 4), abs=1e-15)


def test_compression_beyond_the_byte_budget_is_measured_on_a_seeded_sample_and_says_so() -> None:
    from auditor.metrics.lexical_suite import compression_replicates, compression_sample
    from auditor.metrics.uncertainty import subsample_scale

    texts = [f"text number {i} about item {i % 7}" for i in range(1000)]
    assert len(compression_sample(texts, 0, budget=10**9)) == 1000
    rows = compression_sample(texts, 0, budget=5000)
    assert 100 <= len(rows) <= 200 and list(rows) == sorted(rows)
    m, scale, reps = compression_replicates(texts, "gzip", 5, 0, budget=3000)
    assert m < 500 and scale == subsample_scale(m, 1000) < 1 and len(reps) == 5
    m, scale, _ = compression_replicates(texts, "gzip", 2, 0, budget=10**9)
    assert m == 500 and scale == 1.0  # halves when they fit


def _frequent_ngrams_by_dicts(tokens, min_n, max_n, min_docs):
    """The earlier pure-Python definition (Apriori over dicts of tuples), kept as the reference."""
    levels = {}
    for n in range(min_n, max_n + 1):
        below = levels.get(n - 1)
        postings = {}
        for doc, toks in enumerate(tokens):
            for p in range(len(toks) - n + 1):
                gram = tuple(toks[p:p + n])
                if below is not None and (gram[:-1] not in below or gram[1:] not in below):
                    continue
                postings.setdefault(gram, set()).add(doc)
        levels[n] = {g: d for g, d in postings.items() if len(d) >= min_docs}
        if not levels[n]:
            break
    return {n: level for n, level in levels.items() if level}


def test_vectorised_frequent_ngrams_equal_the_dictionary_definition_on_random_and_real_texts() -> None:
    import numpy as np

    from auditor.metrics.lexical import rouge_tokens
    from auditor.metrics.phrases import _frequent_ngrams
    from benchmarks._texts import benchmark_texts

    rng = np.random.default_rng(1)
    for _ in range(300):
        tokens = [list(rng.choice(list("abcd"), size=rng.integers(0, 9))) for _ in range(rng.integers(1, 15))]
        min_docs = int(rng.integers(1, 4))
        got = {n: level for n, level in _frequent_ngrams(tokens, 3, 6, min_docs).items() if level}
        assert got == _frequent_ngrams_by_dicts(tokens, 3, 6, min_docs)
    tokens = [rouge_tokens(t) for t in benchmark_texts(800)]
    got = {n: level for n, level in _frequent_ngrams(tokens, 3, 6, 8).items() if level}
    assert got == _frequent_ngrams_by_dicts(tokens, 3, 6, 8) and got


def test_a_stock_phrase_is_not_a_run_of_grammar_words() -> None:
    from auditor.metrics.phrases import content_words, repeated_phrases

    words = [("coat", "hill", "mend", "walkers"), ("cap", "city", "post", "riders"), ("lamp", "desk", "fix", "readers"),
             ("kettle", "hob", "swap", "cooks"), ("mug", "train", "wrap", "commuters"), ("rug", "hall", "clean", "dogs")]
    texts = [f"Our {a} is designed for the {b}, and we will {c} {a}s. Because you deserve the best, {d}."
             for a, b, c, d in words]
    found = [p.text for p in repeated_phrases(texts, min_docs=3)]
    assert "because you deserve the best" in found  # two content words: deserve, best
    assert "is designed for the" not in found and "and we will" not in found  # one and no content word
    assert content_words(("and", "we", "will")) == 0 and content_words(("elevate", "your", "everyday")) == 2


def test_a_compression_job_gives_the_ratios_and_intervals_computed_one_by_one() -> None:
    """The background job (the audit starts it before its encoder) against compression_ratio and
    compression_replicates called directly; a job made for other texts or intervals is refused."""
    from auditor.metrics.lexical_suite import XZ_MAX_RESAMPLES, CompressionJob, compression_replicates

    texts = [f"the {i % 5} red lamp number {i} lights the {i % 3} room" for i in range(400)]
    settings = IntervalSettings(30, 2)
    values = CompressionJob(texts, 0, settings).values()
    for algorithm, count in (("gzip", 30), ("xz", min(30, XZ_MAX_RESAMPLES))):
        entry = values[f"compression_ratio_{algorithm}"]
        assert entry["value"] == compression_ratio(texts, algorithm) and entry["method"] == "exact"
        m, scale, reps = compression_replicates(texts, algorithm, count, 2)
        assert (entry["ci_low"], entry["ci_high"]) == interval(entry["value"], reps, settings.level, (0.0, np.inf), scale)
        assert entry["n_resamples"] == count and entry["replicate_texts"] == m
    assert "ci_low" not in CompressionJob(texts, 0, None).values()["compression_ratio_xz"]
    job = CompressionJob(texts, 0, settings)
    assert lexical_suite(texts, intervals=settings, compression=job).values["compression_ratio_gzip"] == \
        values["compression_ratio_gzip"]
    for other in ((texts[:-1], 0, settings), (texts[::-1], 0, settings), (texts, 1, settings),
                  (texts, 0, IntervalSettings(31, 2))):
        with pytest.raises(ValueError, match="other texts"):
            lexical_suite(other[0], seed=other[1], intervals=other[2], compression=job)
