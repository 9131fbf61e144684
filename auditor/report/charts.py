"""Static SVG charts for the report: trend lines with interval bands, and a similarity heatmap.

Pure layout over numbers already in the result; every label is escaped. SVG needs no script,
so the charts work under the report's strict Content-Security-Policy and in print.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from markupsafe import Markup, escape

from auditor.vocabulary import PALETTE
from auditor.vocabulary import colour as palette_colour



@dataclass
class Series:
    """One line: y values (None = missing) and optional interval bounds, one per x position."""

    name: str
    values: Sequence[float | None]
    lows: Sequence[float | None] = field(default_factory=list)
    highs: Sequence[float | None] = field(default_factory=list)


def _nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    if hi <= lo:
        hi = lo + 1e-6
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = (lo // step) * step
    ticks = []
    t = start
    while t <= hi + step * 1e-9:
        if t >= lo - step * 1e-9:
            ticks.append(round(t, 10))
        t += step
    return ticks


def _fmt(v: float) -> str:
    return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"


#: Width of one character of a chart title at its two sizes: 12 px, and 16 px on phones.
TITLE_CHAR, TITLE_CHAR_PHONE = 6.6, 8.8


def chart_title(title: str, x: float, room: float) -> str:
    """The chart's title at ``x``, kept within ``room`` (in the chart's own units) on every screen:
    a title too long for the phone size keeps the small size there (class ``long``), and one too
    long even for that is squeezed to fit."""
    long = len(title) * TITLE_CHAR_PHONE > room
    squeeze = f' textLength="{room:.0f}" lengthAdjust="spacingAndGlyphs"' if len(title) * TITLE_CHAR > room else ""
    return f'<text x="{x}" y="16" class="chart-title{" long" if long else ""}"{squeeze}>{escape(title)}</text>'


def line_chart(x_labels: Sequence[str], series: Sequence[Series], *, title: str, width: int = 640,
               height: int = 220) -> Markup:
    """A line chart over categorical x positions (periods), with a shaded band per series
    where intervals are given, and a legend when there is more than one series."""
    left, right, top, bottom = 52, 12, 26, 38
    plot_w, plot_h = width - left - right, height - top - bottom
    ys = [v for s in series for v in list(s.values) + list(s.lows) + list(s.highs) if v is not None]
    if not ys or not x_labels:
        return Markup("")
    lo, hi = min(ys), max(ys)
    pad = (hi - lo) * 0.08 or abs(hi) * 0.05 or 0.05
    lo, hi = lo - pad, hi + pad
    n = len(x_labels)

    def px(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def py(v: float) -> float:
        return top + plot_h * (1 - (v - lo) / (hi - lo))

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             chart_title(title, left, width - left - 8)]
    for t in _nice_ticks(lo, hi):
        y = py(t)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_fmt(t)}</text>')
    widest = max(len(str(label)) for label in x_labels) * 6.5 + 10  # px a tick label takes
    every = max(1, n // 12, math.ceil(n * widest / plot_w))
    for i, label in enumerate(x_labels):
        if i % every == 0:
            parts.append(f'<text x="{px(i):.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                         f'class="tick">{escape(label)}</text>')
    for k, s in enumerate(series):
        colour = palette_colour(k)
        if s.lows and s.highs:
            pts = [(i, s.lows[i], s.highs[i]) for i in range(n) if s.lows[i] is not None and s.highs[i] is not None]
            if len(pts) >= 2:
                upper = " ".join(f"{px(i):.1f},{py(h):.1f}" for i, _, h in pts)
                lower = " ".join(f"{px(i):.1f},{py(lo_):.1f}" for i, lo_, _ in reversed(pts))
                parts.append(f'<polygon points="{upper} {lower}" fill="{colour}" fill-opacity="0.15"/>')
        coords = [(px(i), py(v)) for i, v in enumerate(s.values) if v is not None]
        if len(coords) >= 2:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in coords:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        if len(series) > 1:
            lx = left + 8 + 150 * k
            parts.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{colour}"/>'
                         f'<text x="{lx + 14}" y="{height - 5}" class="tick">{escape(s.name[:22])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def heatmap(names: Sequence[str], matrix: Sequence[Sequence[float | None]], *, title: str,
            cell: int = 46) -> Markup:
    """A group-by-group matrix of similarities in [−1, 1], darker = more similar, values printed."""
    n = len(names)
    label_w = 150
    width, height = label_w + n * cell + 110, label_w + n * cell + 10
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">']
    for i, name in enumerate(names):
        y = label_w + i * cell + cell / 2 + 4
        parts.append(f'<text x="{label_w - 6}" y="{y:.1f}" text-anchor="end" class="tick">{escape(name[:22])}</text>')
        x = label_w + i * cell + cell / 2
        parts.append(f'<text transform="translate({x:.1f},{label_w - 6}) rotate(-45)" class="tick">'
                     f'{escape(name[:22])}</text>')
        for j in range(n):
            v = matrix[i][j]
            shade = 0.0 if v is None else max(0.0, min(1.0, float(v)))
            light = int(round(245 - 185 * shade))
            fill = f"rgb({light},{int(round(light * 0.95 + 10))},{min(255, light + 40)})"
            colour = "#fff" if shade > 0.55 else "#222"
            parts.append(f'<rect x="{label_w + j * cell}" y="{label_w + i * cell}" width="{cell - 2}" '
                         f'height="{cell - 2}" fill="{fill}"><title>{escape(names[i])} · {escape(names[j])}: '
                         f'{"–" if v is None else f"{v:.3f}"}</title></rect>')
            if v is not None:
                parts.append(f'<text x="{label_w + j * cell + cell / 2 - 1:.1f}" y="{label_w + i * cell + cell / 2 + 3:.1f}" '
                             f'text-anchor="middle" class="cell" fill="{colour}">{v:.2f}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(values: Sequence[float], *, width: int = 120, height: int = 24) -> str:
    """A tiny line of ``values`` (oldest first) with the last point marked."""
    if not values:
        return ""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    n = len(values)
    pts = [(2 + (width - 4) * (i / (n - 1) if n > 1 else 0.5), height - 3 - (height - 6) * (v - lo) / span)
           for i, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
    x, y = pts[-1]
    return (f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'xmlns="http://www.w3.org/2000/svg"><polyline points="{line}" fill="none" stroke="{PALETTE[0]}" '
            f'stroke-width="1.5"/><circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{PALETTE[1]}"/></svg>')
