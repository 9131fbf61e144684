"""Intervals and tests with users as the units: the bootstrap of a mean over users, the t interval
of a mean of per-user slopes, the jackknife over users, and the permutation test of a difference
between two cohorts of users (Ge et al. SIGIR 2020 compare such cohorts over a period)."""

from __future__ import annotations

import numpy as np


def _t(level: float, df: int) -> float:
    from scipy.special import stdtrit

    return float(stdtrit(max(df, 1), 0.5 + level / 2))


def finite(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    return values[np.isfinite(values)]


def bootstrap_mean(values: np.ndarray, n_resamples: int, seed: int, level: float = 0.95
                   ) -> tuple[float, float, float]:
    """The mean of the finite ``values`` (one per user) and its percentile bootstrap interval over
    users (Efron 1979); NaN bounds with fewer than 2 users or no resamples."""
    v = finite(values)
    if len(v) == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(v.mean())
    if len(v) < 2 or n_resamples <= 0:
        return mean, float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    reps = np.array([v[rng.integers(0, len(v), len(v))].mean() for _ in range(n_resamples)])
    alpha = (1 - level) / 2
    return mean, float(np.quantile(reps, alpha)), float(np.quantile(reps, 1 - alpha))


def t_mean(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """The mean of the finite ``values`` (e.g. one slope per user) and its t interval
    mean ± t_{m−1}·s/√m."""
    v = finite(values)
    if len(v) == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(v.mean())
    if len(v) < 2:
        return mean, float("nan"), float("nan")
    half = _t(level, len(v) - 1) * float(v.std(ddof=1)) / np.sqrt(len(v))
    return mean, mean - half, mean + half


def jackknife_se(leave_one_out: np.ndarray) -> float:
    """The jackknife standard error √((m−1)/m · Σ(θ₍ᵢ₎ − θ̄)²) from the leave-one-user-out
    values (Quenouille 1956, Tukey 1958)."""
    v = finite(leave_one_out)
    m = len(v)
    return float(np.sqrt((m - 1) / m * ((v - v.mean()) ** 2).sum())) if m >= 2 else float("nan")


def jackknife_interval(estimate: float, leave_one_out: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """estimate ± t_{m−1} · jackknife SE."""
    se = jackknife_se(leave_one_out)
    half = _t(level, len(finite(leave_one_out)) - 1) * se
    return estimate - half, estimate + half


def permutation_difference(a: np.ndarray, b: np.ndarray, n_permutations: int, seed: int,
                           level: float = 0.95) -> dict[str, float]:
    """mean(a) − mean(b) of two cohorts' per-user values, its Welch t interval, and the two-sided
    permutation p-value over users, (1 + #{|Δ*| ≥ |Δ|}) / (1 + P) (Phipson & Smyth 2010)."""
    a, b = finite(a), finite(b)
    if len(a) < 2 or len(b) < 2:
        return {"difference": float("nan"), "ci_low": float("nan"), "ci_high": float("nan"), "p_value": float("nan")}
    diff = float(a.mean() - b.mean())
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = float(np.sqrt(va + vb))
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1)) if se > 0 else len(a) + len(b) - 2
    half = _t(level, int(df)) * se
    pooled = np.concatenate([a, b])
    rng = np.random.default_rng(seed)
    total, n_a = pooled.sum(), len(a)
    hits = 0
    for _ in range(n_permutations):
        s = pooled[rng.permutation(len(pooled))[:n_a]].sum()
        hits += abs(s / n_a - (total - s) / len(b)) >= abs(diff) - 1e-12
    return {"difference": diff, "ci_low": diff - half, "ci_high": diff + half,
            "p_value": (1 + hits) / (1 + n_permutations)}


def independent_difference(a: float, se_a: float, b: float, se_b: float, level: float = 0.95) -> dict[str, float]:
    """a − b of two independent estimates with standard errors, its normal interval and two-sided
    p-value (for figures of pairs of users, whose cohorts share no user)."""
    from scipy.special import ndtr, ndtri

    diff, se = a - b, float(np.hypot(se_a, se_b))
    if not np.isfinite(diff) or not np.isfinite(se) or se == 0:
        return {"difference": float(diff), "ci_low": float("nan"), "ci_high": float("nan"), "p_value": float("nan")}
    z = float(ndtri(0.5 + level / 2))
    return {"difference": float(diff), "ci_low": diff - z * se, "ci_high": diff + z * se,
            "p_value": float(2 * (1 - ndtr(abs(diff) / se)))}
