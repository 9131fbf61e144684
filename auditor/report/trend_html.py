"""The trend report across snapshots (HTML; layout only, every number comes from the trend data)."""

from __future__ import annotations

from typing import Any

from auditor.report.charts import Series, line_chart
from auditor.report.html import environment, page, stylesheet


def run_labels(stamps: list[str]) -> list[str]:
    """Each run's date for the charts' axis, with its time (to the minute, else the second) where
    another run shares the shorter label.

    >>> run_labels(["2026-01-02T09:00:00+00:00", "2026-01-02T17:30:00+00:00", "2026-02-01T08:00:00+00:00"])
    ['2026-01-02 09:00', '2026-01-02 17:30', '2026-02-01']
    >>> run_labels(["2026-01-02T09:00:01+00:00", "2026-01-02T09:00:02+00:00"])
    ['2026-01-02 09:00:01', '2026-01-02 09:00:02']
    """
    def label(stamp: str) -> str:
        for width in (10, 16):
            if sum(other[:width] == stamp[:width] for other in stamps) == 1:
                return stamp[:width].replace("T", " ")
        return stamp[:19].replace("T", " ")

    return [label(s) for s in stamps]


def render_trend(trend: dict[str, Any]) -> str:
    """A self-contained page: one chart per metric (with intervals), the convergence index over
    runs, the groups that moved most, and flags on runs that are not comparable."""
    runs = trend["runs"]
    labels = run_labels([r["created_at"] for r in runs])
    metric_ids = [m for m in runs[-1]["metrics"]]
    charts = []
    for m in metric_ids:
        entries = [r["metrics"].get(m, {}) for r in runs]
        label = next((e["label"] for e in entries if e.get("label")), m)
        charts.append(line_chart(labels, [Series(label, [e.get("value") for e in entries],
                                                 [e.get("ci_low") for e in entries],
                                                 [e.get("ci_high") for e in entries])],
                                 width=520, title=f"{label}, run by run"))
    if any(r["mutual_group_similarity"] is not None for r in runs):
        charts.insert(0, line_chart(labels, [Series("between groups", [r["mutual_group_similarity"] for r in runs])],
                                    width=520, title="similarity between group centroids (convergence)"))
    return page(environment(), "trend.html.j2", t=trend, charts=charts, css=stylesheet())
