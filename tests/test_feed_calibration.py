"""Calibration of the feed audit on simulated feeds over a real catalogue (Netflix blurbs, whose
genres are the topics): power for planted narrowing and convergence, and false-positive rates on
seeded nulls within binomial error of the nominal 5%."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditor.audit.feed_summary import summarize
from auditor.calibration import Baseline
from auditor.metrics.feed import Exposures, feed_figures
from auditor.metrics.user_stats import permutation_difference
from tests.conftest import need_corpus

TOPICS, PER_TOPIC = 6, 30
USERS, PERIODS, PER_PERIOD = 100, 12, 10
NULLS, PLANTED = 200, 50
#: |rate − 5%| allowed: three binomial standard errors at NULLS trials.
ALLOWED = 3 * np.sqrt(0.05 * 0.95 / NULLS)


@pytest.fixture(scope="module")
def catalogue() -> tuple[np.ndarray, np.ndarray]:
    """Item vectors (the default model) and each item's topic (its first genre tag)."""
    from auditor.embed import Embedder

    frame = pd.read_csv(need_corpus("netflix_blurbs", "netflix_titles_2021.csv"), dtype=str, keep_default_na=False)
    frame["topic"] = frame["genres"].str.split(",").str[0].str.strip()
    top = frame["topic"].value_counts().index[:TOPICS]
    chosen = pd.concat([frame[frame["topic"] == t].sample(PER_TOPIC, random_state=0) for t in top])
    X = Embedder(None).encode(chosen["text"].tolist())
    return X, pd.factorize(chosen["topic"])[0]


def simulate(topic: np.ndarray, seed: int, narrowing: float = 0.0, convergence: float = 0.0) -> Exposures:
    """Users with Dirichlet(1) topic preferences; each period their mix moves a share s·narrowing
    toward their own top topic and s·convergence toward topic 0 (s from 0 to 1 over the periods)."""
    rng = np.random.default_rng(seed)
    members = [np.flatnonzero(topic == k) for k in range(TOPICS)]
    users, items, periods = [], [], []
    for u in range(USERS):
        start = rng.dirichlet(np.ones(TOPICS))
        own, common = np.eye(TOPICS)[np.argmax(start)], np.eye(TOPICS)[0]
        for t in range(PERIODS):
            s = t / (PERIODS - 1)
            mix = (1 - narrowing * s) * start + narrowing * s * own
            mix = (1 - convergence * s) * mix + convergence * s * common
            for k in rng.choice(TOPICS, size=PER_PERIOD, p=mix / mix.sum()):
                users.append(u)
                items.append(rng.choice(members[k]))
                periods.append(t)
    return Exposures.of(np.array(users), np.array(items), np.array(periods), len(topic), PERIODS)


def figures(X: np.ndarray, exp: Exposures) -> dict:
    fig = feed_figures(X, exp, np.arange(PERIODS) / 12)
    return summarize(fig, Baseline(0.05, 96), "month", resamples=0, seed=0, level=0.95)


def excludes_zero(entry: dict) -> bool:
    return entry["ci_low"] > 0 or entry["ci_high"] < 0


@pytest.mark.slow
def test_planted_narrowing_is_found_with_power_of_at_least_90_percent(catalogue) -> None:
    X, topic = catalogue
    found = [figures(X, simulate(topic, seed, narrowing=0.6))["narrowing"]["ci_low"] > 0 for seed in range(PLANTED)]
    assert np.mean(found) >= 0.9, np.mean(found)


@pytest.mark.slow
def test_planted_convergence_is_found_with_power_of_at_least_90_percent(catalogue) -> None:
    X, topic = catalogue
    found = [figures(X, simulate(topic, seed, convergence=0.6))["convergence"]["ci_low"] > 0
             for seed in range(PLANTED)]
    assert np.mean(found) >= 0.9, np.mean(found)


@pytest.mark.slow
def test_stationary_feeds_are_flagged_at_the_nominal_rate(catalogue) -> None:
    X, topic = catalogue
    runs = [figures(X, simulate(topic, 10_000 + seed)) for seed in range(NULLS)]
    for key in ("narrowing", "convergence", "novelty_trend"):
        rate = np.mean([excludes_zero(r[key]) for r in runs])
        assert abs(rate - 0.05) <= ALLOWED, (key, rate)


@pytest.mark.slow
def test_the_cohort_permutation_test_holds_its_level_between_two_null_cohorts(catalogue) -> None:
    from auditor.audit.feed_summary import Calibrated

    X, topic = catalogue
    hits = []
    for seed in range(NULLS):
        exp = simulate(topic, 20_000 + seed)
        cal = Calibrated(feed_figures(X, exp, np.arange(PERIODS) / 12), Baseline(0.05, 96), "month")
        half = np.random.default_rng(seed).permutation(USERS) < USERS // 2
        test = permutation_difference(cal.narrowing[half], cal.narrowing[~half], 199, seed)
        hits.append(test["p_value"] < 0.05)
    assert abs(np.mean(hits) - 0.05) <= ALLOWED, np.mean(hits)
