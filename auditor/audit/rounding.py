"""How numbers enter the result: finite floats rounded to a fixed number of digits, else None."""

from __future__ import annotations

import numpy as np


def rounded(x: float | None, digits: int = 6) -> float | None:
    """``x`` rounded to ``digits`` decimals; None for None, NaN or infinity.

    >>> rounded(0.12345678), rounded(float("nan"))
    (0.123457, None)
    """
    return None if x is None or not np.isfinite(x) else round(float(x), digits)
