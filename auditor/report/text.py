"""The plain-text summary of a result that the CLI prints after an audit."""

from __future__ import annotations

from typing import Any

from auditor.audit.feed_summary import signed
from auditor.escape import one_line
from auditor.report.html import format_number
from auditor.vocabulary import FEED_METRICS, FEED_TRENDS, SUMMARY_GROUP_COLUMNS


def summary_text(data: dict[str, Any]) -> str:
    """The verdict, the findings in one sentence each (convergence, variants per stratum, locales,
    which group is more alike), every metric with its interval, and per group the
    columns of :data:`~auditor.vocabulary.SUMMARY_GROUP_COLUMNS`."""
    feed = data.get("feed")
    verdict = data["verdict"]
    lines = feed_text(feed) + ["", "The items shown: " + verdict["headline"]] if feed else [verdict["headline"]]
    pooled = verdict.get("scope") == "comparison"
    if pooled and verdict.get("pooled_headline"):
        lines.append("Pooled (all corpora together): " + verdict["pooled_headline"])
    if verdict.get("details"):
        lines.append(verdict["details"])
    for sentence in ((data.get("trend") or {}).get("convergence", {}).get("summary"),
                     (data.get("strata") or {}).get("distinct_variants_sentence"),
                     (data.get("locales") or {}).get("headline"),
                     (data.get("comparison") or {}).get("headline")):
        if sentence:
            lines.append(one_line(sentence))
    lines.append("")
    if pooled:
        lines.append("Pooled metrics (all corpora together; each corpus below):")
    rows = [(m["label"], format_number(m["value"]),
             f"[{format_number(m['ci_low'])}, {format_number(m['ci_high'])}]" if "ci_low" in m else "")
            for m in data["metrics"].values()]
    width = max(len(label) for label, _, _ in rows)
    lines += [f"  {label:<{width}}  {value:>10}  {ci}".rstrip() for label, value, ci in rows]
    if data["groups"]:
        lines.append("")
        lines.append(f"  {'group':<24} {'texts':>7}" + "".join(f" {header:>11}" for _, header in SUMMARY_GROUP_COLUMNS))
        for group, entry in data["groups"].items():
            m = entry["metrics"]
            cells = "".join(f" {format_number(m[metric]['value']) if m else '-':>11}"
                            for metric, _ in SUMMARY_GROUP_COLUMNS)
            lines.append(f"  {one_line(group)[:24]:<24} {entry['n_texts']:>7}{cells}")
    return "\n".join(lines)


def _interval(entry: dict[str, Any], key: str) -> tuple[str, str]:
    """A value (a trend's slope with its sign) and its interval, four decimals."""
    show = signed if key == "slope" else (lambda x: format_number(x, 4))
    value = show(entry[key]) if entry[key] is not None else "–"
    return value, (f"[{show(entry['ci_low'])}, {show(entry['ci_high'])}]" if entry.get("ci_low") is not None else "")


def feed_text(feed: dict[str, Any]) -> list[str]:
    """The feed's headline and its figures (per cohort too) as terminal lines."""
    lines = [one_line(feed["headline"]), "",
             f"  {feed['n_users']:,} users, {feed['n_items']:,} items shown ({feed['catalog_size']:,} in the "
             f"catalogue), {feed['n_exposures']:,} exposures"]
    scopes = [("all users", feed)] + [(f"cohort {one_line(n)}", c) for n, c in (feed.get("cohorts") or {}).items()]
    for scope, entry in scopes:
        lines.append(f"  {scope}:")
        for key, info in FEED_METRICS.items():
            if key in FEED_TRENDS:
                value, ci = _interval(entry[key], "slope")
                lines.append(f"    {info.label:<28} {value:>9} {entry[key]['unit']:<10} {ci}".rstrip())
            elif isinstance(entry.get(key), dict):
                value, ci = _interval(entry[key], "value")
                lines.append(f"    {info.label:<28} {value:>9} {'':<10} {ci}".rstrip())
            else:
                lines.append(f"    {info.label:<28} {format_number(entry.get(key), 4):>9}")
    for d in feed.get("cohort_differences") or []:
        if d["p_value"] is not None and d["p_value"] < 0.05:
            lines.append(f"  {one_line(d['a'])} − {one_line(d['b'])}: {FEED_METRICS[d['metric']].label.lower()} "
                         f"{d['difference']:+.4f} (p = {d['p_value']:.3g})")
    return lines
