"""Time periods of a corpus: which period each text falls in, computed once and never changed.

>>> import pandas as pd
>>> p = time_bins(pd.Series(pd.to_datetime(["2020-03-01", "2021-07-02", "2020-11-30"])), "year")
>>> p.codes.tolist(), [b.label for b in p.bins]
([0, 1, 0], ['2020', '2021'])
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from auditor.errors import SettingsError

FREQS = ("year", "quarter", "month", "decade")


def decimal_year(t: dt.datetime) -> float:
    """A point in time as a decimal year (2021-07-02 12:00 → 2021.5); keeps ``t``'s time zone.
    Works for ``datetime`` and ``pandas.Timestamp``.

    >>> decimal_year(dt.datetime(2021, 7, 2, 12))
    2021.5
    """
    start = t.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return t.year + (t - start) / (start.replace(year=t.year + 1) - start)


def choose_freq(times: pd.Series) -> str:
    """year when the dates span 3 years or more, quarter from 9 months, else month."""
    span_years = (times.max() - times.min()).days / 365.25
    return "year" if span_years >= 3 else "quarter" if span_years >= 0.75 else "month"


@dataclass(frozen=True)
class Period:
    """One period: its label, first and last day (ISO dates) and midpoint as a decimal year."""

    label: str
    start: str
    end: str
    position: float

    def as_dict(self) -> dict[str, object]:
        return {"label": self.label, "start": self.start, "end": self.end, "position": self.position}


@dataclass(frozen=True)
class Periods:
    """The period of every text (``codes``, read-only, indexes ``bins``) and the periods in time
    order. ``freq_given`` says whether the user chose ``freq`` or it came from the date span."""

    freq: str
    freq_given: bool
    codes: np.ndarray
    bins: tuple[Period, ...]

    @property
    def positions(self) -> np.ndarray:
        return np.array([b.position for b in self.bins])

    def sizes(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=len(self.bins))


def time_bins(times: pd.Series, freq: str | None = None) -> Periods:
    """Bin ``times`` by ``freq`` (year, quarter, month or decade; chosen from the span when None)."""
    given = freq is not None
    freq = freq or choose_freq(times)
    if freq not in FREQS:
        raise SettingsError("freq", f"must be one of {', '.join(FREQS)}, got {freq!r}")
    if freq == "decade":
        years = (times.dt.year // 10 * 10).to_numpy()
        keys = sorted(set(years.tolist()))
        codes = np.searchsorted(keys, years)
        bins = tuple(Period(f"{y}s", f"{y}-01-01", f"{y + 9}-12-31", float(y + 5)) for y in keys)
    else:
        periods = times.dt.to_period({"year": "Y", "quarter": "Q", "month": "M"}[freq])
        ordered = sorted(periods.unique())
        lookup = {p: i for i, p in enumerate(ordered)}
        codes = periods.map(lookup).to_numpy().astype(int)
        bins = tuple(Period(str(p), p.start_time.date().isoformat(), p.end_time.date().isoformat(),
                            round(decimal_year(p.start_time + (p.end_time - p.start_time) / 2), 6))
                     for p in ordered)
    codes = np.asarray(codes, dtype=int)
    codes.setflags(write=False)
    return Periods(freq, given, codes, bins)
