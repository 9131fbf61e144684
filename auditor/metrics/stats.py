"""Small statistical tools shared by the metric modules: OLS slopes and a proportion interval."""

from __future__ import annotations

import numpy as np


def ols_slope(t: np.ndarray, y: np.ndarray) -> float:
    """Least-squares slope β of y = α + βt.

    >>> round(ols_slope(np.array([2020.0, 2021, 2022]), np.array([0.1, 0.2, 0.3])), 6)
    0.1
    """
    t, y = np.asarray(t, dtype=np.float64), np.asarray(y, dtype=np.float64)
    tc = t - t.mean()
    return float(tc @ (y - y.mean()) / (tc @ tc))


def ols_slope_interval(t: np.ndarray, y: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Classical t-interval for the OLS slope, treating each period as one observation:
    β ± t_{n−2} · √(Σeᵢ² / (n − 2) / Σ(tᵢ − t̄)²). Needs at least 3 periods."""
    from scipy.special import stdtrit  # the t quantile, without importing scipy.stats (0.5 s)

    t, y = np.asarray(t, dtype=np.float64), np.asarray(y, dtype=np.float64)
    n = len(t)
    if n < 3:
        return float("nan"), float("nan")
    beta = ols_slope(t, y)
    resid = y - (y.mean() + beta * (t - t.mean()))
    se = np.sqrt(resid @ resid / (n - 2) / ((t - t.mean()) @ (t - t.mean())))
    q = stdtrit(n - 2, 0.5 + level / 2)
    return float(beta - q * se), float(beta + q * se)


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion.

    >>> [round(v, 4) for v in wilson_interval(5, 10)]
    [0.2366, 0.7634]
    """
    from scipy.special import ndtri  # the normal quantile

    if n == 0:
        return float("nan"), float("nan")
    z = ndtri(0.5 + level / 2)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))
