"""The plain-text summary of a result that the CLI prints after an audit."""

from __future__ import annotations

from typing import Any

from auditor.escape import one_line
from auditor.report.html import format_number
from auditor.vocabulary import SUMMARY_GROUP_COLUMNS


def summary_text(data: dict[str, Any]) -> str:
    """The verdict, the convergence sentence, every metric with its interval, and per group the
    columns of :data:`~auditor.vocabulary.SUMMARY_GROUP_COLUMNS`."""
    lines = [data["verdict"]["headline"]]
    convergence = (data.get("trend") or {}).get("convergence", {}).get("summary")
    if convergence:
        lines.append(convergence)
    lines.append("")
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
