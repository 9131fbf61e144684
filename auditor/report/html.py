"""HTML rendering of an audit result through Jinja2 templates (autoescaped, self-contained)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import base64
import hashlib

from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from auditor.report.charts import Series, heatmap, line_chart
from auditor.report.parts import parts_of
from auditor.report.tables import label_cells
from auditor.vocabulary import (
    HOMOGENEITY_LABELS,
    GROUP_TABLE_METRICS,
    NOISE_COLOUR,
    PERIOD_CHART_METRICS,
    PERIOD_TABLE_METRICS,
    VERDICT_METRICS,
    group_colours,
    palette,
)

PAGES = {"group_table": GROUP_TABLE_METRICS, "period_table": PERIOD_TABLE_METRICS}

TEMPLATES = Path(__file__).parent / "templates"


def format_number(value: Any, digits: int = 3) -> str:
    """Numbers for people: thousands separators, a few significant decimals."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.1f}"
        return f"{value:.{digits}f}"
    return str(value)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = format_number
    env.filters["pct"] = _pct
    return env


def stylesheet() -> Markup:
    """The reports' shared CSS, inlined into every page (trusted markup: it is ours, and
    autoescaping it would turn its quotes into entities and drop the font rule)."""
    return Markup((TEMPLATES / "report.css").read_text(encoding="utf-8"))


def script_hash(script: str) -> str:
    """The CSP source expression allowing exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def _get(d: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def charts(data: dict[str, Any]) -> dict[str, Any]:
    """SVG charts of the comparison, trend and reference sections (layout only: every number
    comes from the result)."""
    out: dict[str, Any] = {}
    comparison = data.get("comparison")
    if comparison:
        out["heatmap"] = heatmap(comparison["groups"], comparison["centroid_similarity"],
                                 title="cosine similarity between group centroids")
    trend = data.get("trend")
    if trend:
        bins = [b for b in trend["bins"] if b.get("metrics")]
        labels = [b["label"] for b in bins]
        out["trend_metrics"] = []
        for metric_id in PERIOD_CHART_METRICS:
            if not bins or metric_id not in bins[0]["metrics"]:
                continue
            ms = [b["metrics"][metric_id] for b in bins]
            series = Series(ms[0]["label"], [m["value"] for m in ms], [m.get("ci_low") for m in ms],
                            [m.get("ci_high") for m in ms])
            out["trend_metrics"].append(line_chart(
                labels, [series], width=520, title=f"{ms[0]['label']} per {trend['freq']} (at {trend['common_size']} texts)"))
        conv = trend.get("convergence")
        if conv:
            rows = conv["bins"]
            names = {"mutual_similarity": "between groups", "to_center": "to the period's centre",
                     "to_reference": "to the reference"}
            series = [Series(label, [r.get(key) for r in rows]) for key, label in names.items()
                      if any(key in r for r in rows)]
            out["convergence"] = line_chart([r["label"] for r in rows], series,
                                            title="centroid similarity per period")
    feed = data.get("feed")
    if feed and len(feed["per_period"]) > 1:
        out["feed"] = feed_charts(feed)
    pull = _get(data, "reference", "pull_by_bin")
    if pull:
        out["pull"] = line_chart([p["label"] for p in pull],
                                 [Series("share", [p["share"] for p in pull], [p["ci_low"] for p in pull],
                                         [p["ci_high"] for p in pull])],
                                 title="share of texts closer to the reference than to their earlier voice")
    return out


#: The feed's per-period charts: (row key, title).
FEED_CHARTS = (("within_user", "within-user similarity (calibrated)"), ("between_users", "between-user similarity"),
               ("novelty", "novelty (calibrated distance to the user's earlier items)"),
               ("coverage", "share of the catalogue shown"))


def feed_charts(feed: dict[str, Any]) -> list[Markup]:
    """One chart per figure over periods: all users, and each cohort as its own line."""
    scopes = [("all users", feed)] + [(f"cohort {name}", c) for name, c in (feed.get("cohorts") or {}).items()]
    labels = [row["period"] for row in feed["per_period"]]
    return [line_chart(labels, [Series(scope, [row[key] for row in entry["per_period"]]) for scope, entry in scopes],
                       width=520, title=f"{title} per period") for key, title in FEED_CHARTS]


def render_html(data: dict[str, Any], include_text: bool = True, review_file: str | None = None) -> str:
    """The full standalone report page for a result dictionary.

    Everything is inline (no network). User text reaches the page only through autoescaped
    template variables and one JSON data block escaped for HTML; the Content-Security-Policy
    allows no script but the report's own, by its hash.
    """
    env = environment()
    css = stylesheet()
    js = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    map_json = None
    if data.get("map"):
        payload = {"points": data["map"]["points"], "clusters": data.get("clusters", {}).get("clusters", []),
                   "palette": palette(len(data.get("clusters", {}).get("clusters", [])) + 1),
                   "noise": NOISE_COLOUR, "groups": group_colours(list(data.get("groups") or {}))}
        map_json = Markup(htmlsafe_json_dumps(payload, separators=(",", ":"), ensure_ascii=False))
    return page(env, "report.html.j2", r=data, charts=charts(data), pages=PAGES, parts=parts_of(data),
                key_metrics=VERDICT_METRICS, homogeneity_labels=HOMOGENEITY_LABELS, css=css, review_file=review_file,
                js=Markup(js), script_hash=script_hash(js), map_json=map_json, include_text=include_text)


def page(env: Environment, template: str, **context: Any) -> str:
    """A rendered page whose tables fit a phone (:func:`auditor.report.tables.label_cells`)."""
    return label_cells(env.get_template(template).render(**context))


def render_fragment(data: dict[str, Any]) -> str:
    """A compact summary (verdict and metrics) for notebooks."""
    return environment().get_template("fragment.html.j2").render(r=data)
