"""Planted signals: corpora whose groups converge (or not) by construction, measured end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditor.audit.sections.trend import describe_slope
from auditor.corpus.periods import choose_freq, time_bins
from auditor.metrics.convergence import Slope, convergence_slopes, make_cells
from auditor.metrics.stats import ols_slope
from auditor.metrics.uncertainty import IntervalSettings
from auditor.audit import audit

D, GROUPS, YEARS = 48, 4, list(range(2019, 2025))


def _unit(M: np.ndarray) -> np.ndarray:
    return M / np.linalg.norm(M, axis=-1, keepdims=True)


def planted(alphas: list[float], seed: int, sizes: tuple[int, int] = (30, 60), target: np.ndarray | None = None):
    """Group g in year t: normalize((1 − α_t)·u_g + α_t·m + noise), m a shared mean (or
    ``target``). Returns vectors, group codes, year codes, the directions, and the true per-year
    mean cosine between group centroids."""
    rng = np.random.default_rng(seed)
    u = _unit(rng.standard_normal((GROUPS, D)))
    m = _unit(rng.standard_normal(D)) if target is None else target
    rows, g_codes, t_codes = [], [], []
    truth = []
    for t, a in enumerate(alphas):
        cents = _unit((1 - a) * u + a * m)
        truth.append(np.mean([cents[i] @ cents[j] for i in range(GROUPS) for j in range(i + 1, GROUPS)]))
        for g in range(GROUPS):
            n = int(rng.integers(*sizes))
            noise = rng.standard_normal((n, D)) / np.sqrt(D)
            rows.append(_unit((1 - a) * u[g] + a * m + 1.0 * noise))
            g_codes += [g] * n
            t_codes += [t] * n
    return np.concatenate(rows), np.array(g_codes), np.array(t_codes), np.array(truth)


def _slopes(X, g, t, seed=0, resamples=200):
    cells = make_cells(t, g, np.array(YEARS, dtype=float) + 0.5, GROUPS, seed=seed)
    return cells, convergence_slopes(X, cells, IntervalSettings(resamples, seed, 0.95))


def test_planted_convergence_is_recovered_in_direction_and_rough_size() -> None:
    alphas = [0.1 * i for i in range(6)]
    X, g, t, truth = planted(alphas, seed=1)
    cells, (values, slopes) = _slopes(X, g, t)
    s = slopes["mutual_similarity"]
    true_slope = ols_slope(np.array(YEARS, dtype=float), truth)
    assert cells.k >= 30 and cells.composition == "balanced"
    assert s.ci_low > 0 and s.ols_ci_low > 0
    assert s.slope == pytest.approx(true_slope, rel=0.25)
    assert np.all(np.diff(values["mutual_similarity"]) > 0)  # strictly rising, period by period
    assert slopes["to_center"].ci_low > 0


def test_planted_divergence_reads_as_moving_apart() -> None:
    X, g, t, _ = planted([0.5 - 0.1 * i for i in range(6)], seed=2)
    _, (_, slopes) = _slopes(X, g, t)
    s = slopes["mutual_similarity"]
    assert s.ci_high < 0
    assert describe_slope(s, what="x", up="closer", down="apart", level=0.95).startswith("apart")


def test_no_convergence_gives_an_interval_containing_zero() -> None:
    X, g, t, _ = planted([0.2] * 6, seed=3)
    _, (_, slopes) = _slopes(X, g, t)
    s = slopes["mutual_similarity"]
    assert s.ci_low < 0 < s.ci_high
    assert describe_slope(s, what="x", up="closer", down="apart", level=0.95).startswith("No clear change")


def test_null_intervals_cover_zero_at_about_the_nominal_rate() -> None:
    covered, estimates, implied_se = 0, [], []
    runs = 30
    for seed in range(runs):
        X, g, t, _ = planted([0.2] * 6, seed=100 + seed)
        _, (_, slopes) = _slopes(X, g, t, seed=seed, resamples=100)
        s = slopes["mutual_similarity"]
        covered += s.ci_low <= 0 <= s.ci_high
        estimates.append(s.slope)
        implied_se.append((s.ci_high - s.ci_low) / 3.92)
    assert covered / runs >= 0.8
    # the interval's width matches the real spread of the estimate over independent corpora
    assert 0.7 <= np.mean(implied_se) / np.std(estimates) <= 1.5


def test_unequal_period_sizes_do_not_create_a_trend() -> None:
    """Cells grow from ~10 to ~200 texts while nothing changes: the common size keeps the
    small-sample bias of centroid cosines from reading as convergence."""
    rng = np.random.default_rng(4)
    u = _unit(rng.standard_normal((GROUPS, D)))
    rows, gs, ts = [], [], []
    for ti, n in enumerate([10, 20, 40, 80, 140, 200]):
        for g in range(GROUPS):
            rows.append(_unit(u[g] + 2.0 * rng.standard_normal((n, D)) / np.sqrt(D)))
            gs += [g] * n
            ts += [ti] * n
    cells, (_, slopes) = _slopes(np.concatenate(rows), np.array(gs), np.array(ts))
    assert cells.k == 10
    s = slopes["mutual_similarity"]
    assert s.ci_low < 0 < s.ci_high


def test_time_bins_by_quarter_and_decade() -> None:
    times = pd.Series(pd.to_datetime(["2021-01-15", "2021-05-01", "2021-05-20", "2022-12-31"]))
    periods = time_bins(times, "quarter")
    bins = periods.bins
    assert [b.label for b in bins] == ["2021Q1", "2021Q2", "2022Q4"]
    assert periods.codes.tolist() == [0, 1, 1, 2]
    assert bins[0].start == "2021-01-01" and bins[0].end == "2021-03-31"
    assert bins[0].position == pytest.approx(2021 + 45 / 365, abs=0.01)
    periods = time_bins(pd.Series(pd.to_datetime(["1791-01-01", "1799-06-01", "1800-01-01"])), "decade")
    assert [b.label for b in periods.bins] == ["1790s", "1800s"] and periods.codes.tolist() == [0, 0, 1]
    assert choose_freq(times) == "quarter"


def test_time_bins_are_immutable_and_record_how_the_period_was_chosen() -> None:
    times = pd.Series(pd.to_datetime(["2019-01-15", "2021-05-01", "2023-05-20"]))
    periods = time_bins(times)
    assert periods.freq == "year" and not periods.freq_given
    with pytest.raises(ValueError):
        periods.codes[0] = 2
    with pytest.raises(AttributeError):
        periods.bins[0].label = "changed"  # type: ignore[misc]


class PlantedEncoder:
    """Returns the planted vector stored for each text (texts are their own keys)."""

    def __init__(self, table: dict[str, np.ndarray]) -> None:
        self.table = table

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.table[t] if t in self.table else self._other(t) for t in texts])

    def _other(self, text: str) -> np.ndarray:
        """Any other text (the model's calibration texts): a fixed random direction of its own."""
        dim = len(next(iter(self.table.values())))
        return np.random.default_rng(sum(text.encode())).normal(size=dim)


def _planted_frame(X, g, t, prefix="text"):
    texts = [f"{prefix} {i} of brand {g[i]} in {YEARS[t[i]]}" for i in range(len(X))]
    frame = pd.DataFrame({"text": texts, "brand": [f"brand {c}" for c in g],
                          "date": [f"{YEARS[c]}-06-01" for c in t]})
    return frame, dict(zip(texts, X))


def test_audit_reports_planted_convergence_with_a_sentence_and_json_fields() -> None:
    X, g, t, _ = planted([0.1 * i for i in range(6)], seed=5, sizes=(12, 16))
    frame, table = _planted_frame(X, g, t)
    result = audit(frame, group_col="brand", time_col="date", model=PlantedEncoder(table), cache=False,
                   lexical=False, clusterer=None, resamples=50, permutations=99)
    trend = result.data["trend"]
    conv = trend["convergence"]
    assert trend["freq"] == "year" and len(trend["bins"]) == 6
    assert conv["slopes"]["mutual_similarity"]["ci_low"] > 0
    assert conv["summary"].startswith("Groups moved closer together")
    assert trend["metric_slopes"]["mean_pairwise_similarity"]["slope_per_year"] > 0
    comp = result.data["comparison"]
    assert comp["groups"] == [f"brand {i}" for i in range(GROUPS)]
    assert comp["permanova"]["p_value"] == pytest.approx(1 / 100)
    assert len(comp["mmd"]) == GROUPS * (GROUPS - 1) // 2
    html = result.to_html()
    assert "Groups moved closer together" in html and "<svg" in html


def test_reference_pull_grows_as_groups_drift_toward_the_reference() -> None:
    rng = np.random.default_rng(6)
    r = _unit(rng.standard_normal(D))
    X, g, t, _ = planted([0.12 * i for i in range(6)], seed=6, sizes=(20, 25), target=r)
    frame, table = _planted_frame(X, g, t)
    R = _unit(r + rng.standard_normal((80, D)) / np.sqrt(D))
    ref_texts = [f"reference {i}" for i in range(80)]
    table.update(zip(ref_texts, R))
    result = audit(frame, group_col="brand", time_col="date", model=PlantedEncoder(table), cache=False,
                   lexical=False, clusterer=None, resamples=50, permutations=99, reference=ref_texts)
    pull = [p["share"] for p in result.data["reference"]["pull_by_bin"]]
    assert pull[-1] > pull[0] + 0.3
    slope = result.data["trend"]["convergence"]["slopes"]["to_reference"]
    assert slope["ci_low"] > 0
    assert result.data["trend"]["convergence"]["reference_summary"].startswith("Groups moved toward the reference")


def test_describe_slope_says_when_the_change_is_not_steady() -> None:
    s = Slope(0.02, 0.01, 0.03, -0.01, 0.05, 5)
    text = describe_slope(s, what="the index", up="Closer", down="Apart", level=0.95)
    assert text.startswith("Closer") and "not steady" in text and "+0.0200 per year" in text
