"""Renderers for check outcomes: text, JSON, JUnit XML, GitHub workflow commands, SARIF 2.1.0,
reviewdog rdjsonl."""

from __future__ import annotations

import json
import secrets
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from auditor.check.evaluate import CheckOutcome, Verdict
from auditor.check.findings import Finding, FindingGroup
from auditor.escape import github_data, github_property, markdown_cell, one_line, uri_reference, xml_text

FORMATS = ("text", "json", "junit", "github", "sarif", "rdjsonl")
GITHUB_MAX_PER_RULE = 10
GITHUB_MAX_TOTAL = 50
_MARK = {"pass": "PASS", "fail": "FAIL", "warn": "WARN", "skip": "SKIP"}


#: The rule name the texts to regenerate are reported under (SARIF, rdjsonl, JUnit, GitHub).
SUGGEST = "regenerate"


def check_dict(outcome: CheckOutcome) -> dict[str, Any]:
    out = {"passed": outcome.passed, "notes": outcome.notes, "rules": [v.as_dict() for v in outcome.verdicts]}
    if outcome.suggestions:
        out["suggestions"] = [{"id": f.id, "file": f.file, "line": f.line, "message": f.message}
                              for f in outcome.suggestions]
    return out


def _where(f: Finding) -> str:
    """Where a finding points, for a line of text: ``file:line``, the file, or ``id ID``; a path
    that starts with ':' is written ./path, so that no line can begin like a workflow command."""
    if not f.file:
        return f"id {one_line(f.id)}"
    path = one_line(f.file)
    path = "./" + path if path.startswith(":") else path
    return f"{path}:{f.line}" if f.line else path


def _names(group: FindingGroup, limit: int | None = None) -> list[str]:
    """The texts a group names (``limit`` of them, then how many more), by location or id."""
    shown = group.findings if limit is None else group.findings[:limit]
    more = group.size - len(shown)
    # a bare id, unless it could read as something else at the start of a line ("::error", "-x")
    names = [_where(f)[3:] if not f.file and f.id[:1].isalnum() else _where(f) for f in shown]
    return names[:-1] + [names[-1] + f" and {more} more"] if names and more > 0 else names


def _wrapped(names: list[str], width: int = 100, indent: str = " " * 8) -> list[str]:
    """``names`` comma-separated on lines of about ``width`` characters, never splitting a name."""
    lines: list[str] = []
    for name in names:
        if lines and len(lines[-1]) + len(name) + 2 <= width:
            lines[-1] += ", " + name
        else:
            lines[-1:] = [lines[-1] + ","] if lines else []
            lines.append(indent + name)
    return lines


def _listing(group: FindingGroup, limit: int | None = None) -> str:
    """The group's reason and its texts, on one line."""
    return f"{one_line(group.message)}: {', '.join(_names(group, limit))}"


#: Texts a one-line listing names (annotations, SARIF and rdjsonl messages) before "and N more".
LISTED = 20


def _reported(v: Verdict) -> list[tuple[Finding | None, str, list[Finding]]]:
    """What a failing rule reports, one entry per group of texts (or one for the rule when it
    names none): the text it is located at, its message, and the other texts of the group."""
    groups = [g for g in v.groups if g.findings]
    if not groups:
        return [(None, v.message, [])]
    return [(g.findings[0], f"{v.message} ({_listing(g, LISTED)})", g.findings[1:]) for g in groups]


def render_text(outcome: CheckOutcome, max_groups: int = 3, max_files: int = 6) -> str:
    lines = []
    for v in outcome.verdicts:
        lines.append(f"{_MARK[v.status]} {one_line(v.rule.name)}: {one_line(v.message)}")
        for group in v.groups[:max_groups]:
            lines.append(f"    {one_line(group.message)}:")
            lines += _wrapped(_names(group, max_files))
        if len(v.groups) > max_groups:
            lines.append(f"    ... and {len(v.groups) - max_groups} more groups (--format json lists every text)")
    if outcome.suggestions:
        lines.append(f"suggest: regenerate these {len(outcome.suggestions)} texts and every failing rule passes:")
        lines += [f"    {_where(f)}: {one_line(f.message)}" for f in outcome.suggestions]
    for note in outcome.notes:
        lines.append(f"note: {one_line(note)}")
    failed = sum(v.failed for v in outcome.verdicts)
    warned = sum(v.status == "warn" for v in outcome.verdicts)
    lines.append(f"{'passed' if outcome.passed else 'failed'}: {len(outcome.verdicts)} rules, "
                 f"{failed} failed, {warned} warnings")
    return "\n".join(lines) + "\n"


def render_json(outcome: CheckOutcome, audit: dict[str, Any]) -> str:
    return json.dumps({**audit, "check": check_dict(outcome)}, indent=2, ensure_ascii=False) + "\n"


def render_junit(outcome: CheckOutcome) -> str:
    """JUnit XML: one testcase per rule; failures for failed errors, warnings in system-out."""
    suite = ET.Element("testsuite", name="auditor check", tests=str(len(outcome.verdicts)),
                       failures=str(sum(v.failed for v in outcome.verdicts)), errors="0",
                       skipped=str(sum(v.status == "skip" for v in outcome.verdicts)))
    for v in outcome.verdicts:
        message = xml_text(v.message)
        case = ET.SubElement(suite, "testcase", classname="auditor.check", name=xml_text(v.rule.name))
        details = xml_text("\n".join(f"{one_line(g.message)}:\n" + "\n".join(f"    {_where(f)}" for f in g.findings)
                                     + (f"\n    and {g.size - len(g.findings)} more" if g.size > len(g.findings) else "")
                                     for g in v.groups))
        if v.failed:
            failure = ET.SubElement(case, "failure", message=message, type=v.rule.metric)
            failure.text = details
        elif v.status == "skip":
            ET.SubElement(case, "skipped", message=message)
        else:
            out = ET.SubElement(case, "system-out")
            out.text = (f"WARNING: {message}\n{details}" if v.status == "warn" else message)
    if outcome.suggestions:
        suite.set("tests", str(len(outcome.verdicts) + 1))
        case = ET.SubElement(suite, "testcase", classname="auditor.check", name=SUGGEST)
        out = ET.SubElement(case, "system-out")
        out.text = xml_text("\n".join(f"{_where(f)}: {one_line(f.message)}" for f in outcome.suggestions))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _annotation(level: str, title: str, f: Finding, message: str) -> str:
    """One workflow command annotating a text: at its file and line when known."""
    props = [f"title={title}"]
    if f.file:
        props.insert(0, f"file={github_property(f.file)}")
        if f.line:
            props.insert(1, f"line={f.line}")
    return f"::{level} {','.join(props)}::{github_data(message)}"


def render_github(outcome: CheckOutcome) -> str:
    """GitHub Actions workflow commands: a line per failing rule, and an annotation per group of
    offending texts at its first text, naming the others (capped per rule and in all, with a
    notice of what the cap left out)."""
    lines: list[str] = []
    omitted = 0
    for v in outcome.verdicts:
        if v.status not in ("fail", "warn"):
            continue
        level = "error" if v.failed else "warning"
        title = github_property(f"auditor {v.rule.name}")
        lines.append(f"::{level} title={title}::{github_data(v.message)}")
        for i, group in enumerate(v.groups):
            if i >= GITHUB_MAX_PER_RULE or len(lines) >= GITHUB_MAX_TOTAL or not group.findings:
                omitted += 1
                continue
            lines.append(_annotation(level, title, group.findings[0], _listing(group, LISTED)))
    for f in outcome.suggestions:
        if len(lines) >= GITHUB_MAX_TOTAL + GITHUB_MAX_PER_RULE:
            omitted += 1
            continue
        lines.append(_annotation("notice", github_property(f"auditor {SUGGEST}"), f, f"{f.id}: {f.message}"))
    if omitted:
        lines.append(f"::notice title=auditor::{omitted} more groups of texts not annotated; see the job log or --format json")
    # the plain summary quotes ids and file names: the runner reads no command inside it
    token = secrets.token_hex(16)
    lines += [f"::stop-commands::{token}", render_text(outcome).rstrip("\n"), f"::{token}::"]
    return "\n".join(lines) + "\n"


def step_summary(outcome: CheckOutcome) -> str:
    """A Markdown table for ``$GITHUB_STEP_SUMMARY``."""
    icon = {"pass": "✅", "fail": "❌", "warn": "⚠️", "skip": "⏭️"}
    rows = ["### auditor check: " + ("passed" if outcome.passed else "failed"), "",
            "| rule | status | value | detail |", "|---|---|---|---|"]
    for v in outcome.verdicts:
        value = "" if v.value is None else f"{v.value:.4g}"
        rows.append(f"| {markdown_cell(v.rule.name)} | {icon[v.status]} {v.status} | {value} | "
                    f"{markdown_cell(v.message)} |")
    return "\n".join(rows) + "\n\n"


def append_step_summary(outcome: CheckOutcome, path: str) -> None:
    """Append :func:`step_summary` to the file GitHub Actions reads (``$GITHUB_STEP_SUMMARY``)."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(step_summary(outcome))


def render_sarif(outcome: CheckOutcome, source: str | None, version: str) -> str:
    """SARIF 2.1.0: a rule per check rule, a result per offending text (or per failing rule)."""
    rules = [{"id": v.rule.name, "name": v.rule.metric,
              "shortDescription": {"text": v.rule.description or f"limit on {v.rule.metric}"},
              "defaultConfiguration": {"level": "error" if v.rule.severity == "error" else "warning"}}
             for v in outcome.verdicts]

    def location(f: Finding | None) -> list[dict[str, Any]]:
        uri = (f.file if f and f.file else source)
        if not uri:
            return []
        physical: dict[str, Any] = {"artifactLocation": {"uri": uri_reference(Path(uri).as_posix())}}
        if f and f.line:
            physical["region"] = {"startLine": f.line}
        return [{"physicalLocation": physical}]

    results = []
    for index, v in enumerate(outcome.verdicts):
        if v.status not in ("fail", "warn"):
            continue
        level = "error" if v.failed else "warning"
        for first, text, others in _reported(v):
            result = {"ruleId": v.rule.name, "ruleIndex": index, "level": level,
                      "message": {"text": text}, "locations": location(first)}
            related = [{"id": k, "message": {"text": f"text {f.id}: {f.message}"}, **loc}
                       for k, f in enumerate(others) for loc in location(f)[:1]]
            if related:
                result["relatedLocations"] = related
            if not result["locations"]:
                del result["locations"]
            results.append(result)
    if outcome.suggestions:
        rules.append({"id": SUGGEST, "name": SUGGEST,
                      "shortDescription": {"text": "a text to regenerate so that the failing rules pass"},
                      "defaultConfiguration": {"level": "note"}})
    for f in outcome.suggestions:
        result = {"ruleId": SUGGEST, "ruleIndex": len(rules) - 1, "level": "note",
                  "message": {"text": f"text {f.id}: {f.message}"}, "locations": location(f)}
        if not result["locations"]:
            del result["locations"]
        results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "auditor", "version": version, "rules": rules}},
                  "results": results}],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def regenerate_csv(outcome: CheckOutcome, texts: dict[str, str] | None = None) -> str:
    """The texts to regenerate as CSV (id, file, line, rule and reason, and the text when given),
    every cell escaped for spreadsheets."""
    import csv
    import io

    from auditor.escape import csv_cell

    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(["id", "file", "line", "reason"] + (["text"] if texts is not None else []))
    for f in outcome.suggestions:
        row = [f.id, f.file or "", f.line or "", f.message] + ([texts.get(f.id, "")] if texts is not None else [])
        out.writerow([csv_cell(cell) if isinstance(cell, str) else cell for cell in row])
    return buffer.getvalue()


def _rd_location(path: str | None, line: int | None) -> dict[str, Any] | None:
    if not path:
        return None
    location: dict[str, Any] = {"path": Path(path).as_posix()}
    if line:
        location["range"] = {"start": {"line": line}}
    return location


def render_rdjsonl(outcome: CheckOutcome, source: str | None) -> str:
    """reviewdog's rdjsonl: one JSON diagnostic per line, per group of offending texts at its
    first text with the others as related locations (or per failing rule, at the corpus)."""
    lines = []
    for v in outcome.verdicts:
        if v.status not in ("fail", "warn"):
            continue
        for first, text, others in _reported(v):
            diagnostic: dict[str, Any] = {
                "message": text, "severity": "ERROR" if v.failed else "WARNING",
                "source": {"name": "auditor"}, "code": {"value": v.rule.name}}
            location = _rd_location(first.file if first and first.file else source, first.line if first and first.file else None)
            if location:
                diagnostic["location"] = location
            related = [{"message": f"text {f.id}: {f.message}", "location": loc}
                       for f in others if (loc := _rd_location(f.file, f.line))]
            if related:
                diagnostic["related_locations"] = related
            lines.append(json.dumps(diagnostic))  # ASCII: no U+2028 can split a line
    for f in outcome.suggestions:
        diagnostic = {"message": f"text {f.id}: {f.message}", "severity": "INFO", "source": {"name": "auditor"},
                      "code": {"value": SUGGEST}}
        location = _rd_location(f.file or source, f.line if f.file else None)
        if location:
            diagnostic["location"] = location
        lines.append(json.dumps(diagnostic))
    return "".join(line + "\n" for line in lines)


def render(fmt: str, outcome: CheckOutcome, audit: dict[str, Any], version: str) -> str:
    if fmt == "text":
        return render_text(outcome)
    if fmt == "json":
        return render_json(outcome, audit)
    if fmt == "junit":
        return render_junit(outcome)
    if fmt == "github":
        return render_github(outcome)
    if fmt == "sarif":
        return render_sarif(outcome, audit.get("corpus", {}).get("source"), version)
    if fmt == "rdjsonl":
        return render_rdjsonl(outcome, audit.get("corpus", {}).get("source"))
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
