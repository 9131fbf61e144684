"""The trend report across snapshots (HTML; layout only, every number comes from the trend data)."""

from __future__ import annotations

from typing import Any

from auditor.report.charts import Series, line_chart
from auditor.report.html import environment, stylesheet


def render_trend(trend: dict[str, Any]) -> str:
    """A self-contained page: one chart per metric (with intervals), the convergence index over
    runs, the groups that moved most, and flags on runs that are not comparable."""
    runs = trend["runs"]
    labels = [r["created_at"][:10] for r in runs]
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
    return environment().get_template("trend.html.j2").render(t=trend, charts=charts, css=stylesheet())
