"""From a feed's figures (:mod:`auditor.metrics.feed`) to the ``feed`` entry of the result: values
on the model's calibrated scale, intervals over users, per-period rows, cohorts and their
differences, the users whose feeds narrowed most, and the headline in plain words."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np

from auditor.audit.rounding import rounded
from auditor.calibration import Baseline
from auditor.metrics.feed import FeedFigures
from auditor.metrics.user_stats import (
    bootstrap_mean,
    independent_difference,
    jackknife_interval,
    jackknife_se,
    permutation_difference,
    t_mean,
)

#: Slopes are per year of the periods' positions; a trend is reported per period of this length.
YEARS_PER = {"year": 1.0, "quarter": 0.25, "month": 1 / 12, "decade": 10.0}
USERS_SHOWN = 10


def _value(v: tuple[float, float, float]) -> dict[str, Any]:
    return {"value": rounded(v[0]), "ci_low": rounded(v[1]), "ci_high": rounded(v[2])}


def _trend(v: tuple[float, float, float], unit: str, n_users: int) -> dict[str, Any]:
    return {"slope": rounded(v[0]), "ci_low": rounded(v[1]), "ci_high": rounded(v[2]), "unit": unit,
            "n_users": n_users}


class Calibrated:
    """A feed's figures read on the model's calibrated scale: similarities (c − b)/(1 − b),
    distances (1 − c)/(1 − b), slopes of both ÷ (1 − b) and per period of ``freq``."""

    def __init__(self, fig: FeedFigures, floor: Baseline, freq: str | None) -> None:
        self.fig, self.b = fig, floor.similarity
        per = YEARS_PER.get(freq or "", 1.0)
        scale = 1.0 / (1.0 - self.b)
        self.within_user = floor.above(fig.user_within)
        self.narrowing = fig.user_narrowing * scale * per
        self.novelty = fig.user_novelty * scale
        self.novelty_trend = fig.user_novelty_trend * scale * per
        self.convergence, self.convergence_jack = fig.convergence * per, fig.convergence_jack * per
        self.unit = f"per {freq}" if freq else "per year"

    def users(self, values: np.ndarray) -> int:
        return int(np.isfinite(values).sum())


def summarize(fig: FeedFigures, floor: Baseline, freq: str | None, *, resamples: int, seed: int,
              level: float) -> dict[str, Any]:
    """The figures of one feed (or cohort) with their intervals."""
    c = Calibrated(fig, floor, freq)
    out: dict[str, Any] = {
        "n_users": fig.n_users, "n_exposures": fig.n_exposures,
        "within_user": _value(bootstrap_mean(c.within_user, resamples, seed, level)),
        "between_users": _value((fig.between, *jackknife_interval(fig.between, fig.between_jack, level))),
        "novelty": _value(bootstrap_mean(c.novelty, resamples, seed + 1, level)),
        "narrowing": _trend(t_mean(c.narrowing, level), c.unit, c.users(c.narrowing)),
        "convergence": _trend((c.convergence, *jackknife_interval(c.convergence, c.convergence_jack, level)),
                              c.unit, c.users(c.convergence_jack)),
        "novelty_trend": _trend(t_mean(c.novelty_trend, level), c.unit, c.users(c.novelty_trend)),
        "coverage": rounded(fig.coverage), "gini": rounded(fig.gini), "overlap": rounded(fig.overlap),
    }
    return out


def per_period_rows(fig: FeedFigures, floor: Baseline, labels: list[str]) -> list[dict[str, Any]]:
    scale = 1.0 / (1.0 - floor.similarity)
    return [{"period": label, "n_users": row["n_users"], "within_user": rounded(floor.above(row["within_user"])),
             "between_users": rounded(row["between_users"]), "novelty": rounded(row["novelty"] * scale),
             "coverage": rounded(row["coverage"]), "gini": rounded(row["gini"]), "overlap": rounded(row["overlap"])}
            for label, row in zip(labels, fig.per_period)]


#: Cohort differences tested by permuting users (per-user values) ...
PER_USER = ("within_user", "novelty", "narrowing", "novelty_trend")
#: ... and those of pairs of users (the cohorts' jackknife errors, independent cohorts).
PER_PAIR = ("between_users", "convergence")


def cohort_differences(figures: dict[str, FeedFigures], floor: Baseline, freq: str | None, *,
                       permutations: int, seed: int, level: float) -> list[dict[str, Any]]:
    """Every pair of cohorts (sorted names), every figure: the difference a − b, its interval and p-value."""
    cal = {name: Calibrated(f, floor, freq) for name, f in figures.items()}
    rows = []
    for a, b in combinations(sorted(figures), 2):
        for k, metric in enumerate(PER_USER):
            test = permutation_difference(getattr(cal[a], metric), getattr(cal[b], metric), permutations,
                                          seed + k, level)
            rows.append({"a": a, "b": b, "metric": metric, **{key: rounded(v) for key, v in test.items()}})
        for metric in PER_PAIR:
            fa, fb = figures[a], figures[b]
            if metric == "between_users":
                test = independent_difference(fa.between, jackknife_se(fa.between_jack), fb.between,
                                              jackknife_se(fb.between_jack), level)
            else:
                test = independent_difference(cal[a].convergence, jackknife_se(cal[a].convergence_jack),
                                              cal[b].convergence, jackknife_se(cal[b].convergence_jack), level)
            rows.append({"a": a, "b": b, "metric": metric, **{key: rounded(v) for key, v in test.items()}})
    return rows


def narrowing_most(fig: FeedFigures, floor: Baseline, freq: str | None, users: np.ndarray) -> list[dict[str, Any]]:
    """The users whose within-user similarity rose fastest (ids and numbers only)."""
    c = Calibrated(fig, floor, freq)
    order = [i for i in np.argsort(-np.nan_to_num(c.narrowing, nan=-np.inf)) if np.isfinite(c.narrowing[i])]
    return [{"user": str(users[i]), "slope": rounded(c.narrowing[i]), "within_user": rounded(c.within_user[i])}
            for i in order[:USERS_SHOWN] if c.narrowing[i] > 0]


def signed(x: float) -> str:
    """``x`` with its sign, four decimals, and no "-0.0000".

    >>> signed(0.00161), signed(-0.00001)
    ('+0.0016', '+0.0000')
    """
    return f"{x + 0.0:+.4f}" if round(x, 4) != 0 else "+0.0000"


def _ci(entry: dict[str, Any], level: float) -> str:
    return f"{level:.0%} CI {signed(entry['ci_low'])} to {signed(entry['ci_high'])}"


def _direction(entry: dict[str, Any]) -> int:
    lo, hi = entry.get("ci_low"), entry.get("ci_high")
    if lo is None or hi is None:
        return 0
    return 1 if lo > 0 else -1 if hi < 0 else 0


def headline(feed: dict[str, Any], level: float) -> str:
    """The feed's answer in plain words: narrowing, convergence, and the cohorts that differ."""
    within, between = feed["within_user"]["value"], feed["between_users"]["value"]
    level_words = (f"The items shown to one customer are {within:.2f} alike on a scale where unrelated texts "
                   f"score 0; two customers' average items have a cosine of {between:.2f} (1: the same mix)."
                   if within is not None and between is not None else "")
    narrowing, convergence = feed["narrowing"], feed["convergence"]
    if narrowing["slope"] is None:
        if not feed.get("columns", {}).get("time"):
            why = "Give the log a time column (--time-col) to see whether feeds narrow over time."
        elif len(feed.get("per_period", [])) < 2:
            why = "The log spans a single period: a longer log, or a finer --freq, shows whether feeds narrow."
        else:
            why = ("No user was shown at least two items in each of two periods, so no feed's trend can be drawn; "
                   "a coarser --freq gathers more items per period.")
        return f"{level_words} {why}".strip()
    unit = narrowing["unit"]
    trend = {1: f"Feeds are narrowing: each customer's feed grew more alike, {signed(narrowing['slope'])} {unit} "
                f"({_ci(narrowing, level)})",
             -1: f"Feeds are broadening: each customer's feed grew more varied, {signed(narrowing['slope'])} {unit} "
                 f"({_ci(narrowing, level)})",
             0: f"No clear narrowing: each customer's feed changed by {signed(narrowing['slope'])} {unit} "
                f"({_ci(narrowing, level)}, which includes no change)"}[_direction(narrowing)]
    if convergence["slope"] is not None:
        trend += {1: f", and customers' feeds converged on one another ({signed(convergence['slope'])} {unit}, "
                     f"{_ci(convergence, level)}).",
                  -1: f", and customers' feeds drew apart ({signed(convergence['slope'])} {unit}, {_ci(convergence, level)}).",
                  0: f"; customers' feeds did not clearly converge ({signed(convergence['slope'])} {unit}, "
                     f"{_ci(convergence, level)})."}[_direction(convergence)]
    else:
        trend += "."
    verbs = {"narrowing": ("narrowed faster than", "permutation"),
             "convergence": ("converged faster than", "jackknife")}
    for d in feed.get("cohort_differences", []):
        if d["metric"] in verbs and d["p_value"] is not None and d["p_value"] < 1 - level:
            more, less = (d["a"], d["b"]) if d["difference"] > 0 else (d["b"], d["a"])
            verb, test = verbs[d["metric"]]
            trend += (f" Cohort {more} {verb} cohort {less} (by {abs(d['difference']):.4f} {unit}, "
                      f"{test} p = {d['p_value']:.3g}).")
    return trend + (" " + level_words if level_words else "")
