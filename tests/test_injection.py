"""Hostile ids, file names and group names through every output format: no forged workflow
command, valid XML, no live spreadsheet formula, no script link."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from auditor.check import evaluate, render, step_summary
from auditor.check.config import Rule

HOSTILE = [
    "x\n::error file=evil.py,line=1::forged from an id",
    "y\r\n::warning::forged after CRLF",
    "bell\x07 and nul\x00 in an id",
    "::error::starts like a command",
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "line\u2028separator",
    "invoice\u202efdp.exe and \u2066isolated\u2069",
]
#: Characters that reorder or hide what a reader of a log sees: never printed raw.
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
FORMATS = ("text", "json", "junit", "github", "sarif", "rdjsonl")


def hostile_outcome():
    pairs = [{"a": a, "b": b, "similarity": 0.99} for a, b in zip(HOSTILE, HOSTILE[1:] + HOSTILE[:1])]
    data = {"metrics": {"near_duplicate_rate": {"value": 0.5}}, "model": {"revision": "r"},
            "texts": {"near_duplicate_pairs": pairs}}
    sources = {h: f"{h}.md:1" for h in HOSTILE[:2]}  # file names are hostile too
    rules = [Rule("dup\n::error::rule name", "near_duplicate_rate", max=0.1)]
    return evaluate(data, rules, None, sources), data


def our_commands(lines: list[str]) -> list[str]:
    return [line for line in lines if line.lstrip().startswith("::")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_check_format_keeps_hostile_ids_inert(fmt: str) -> None:
    outcome, data = hostile_outcome()
    out = render(fmt, outcome, data, "0")
    if fmt == "junit":
        root = ET.fromstring(out.split("\n", 1)[1])  # parses: no XML-invalid character survived
        assert "\\x07" in ET.tostring(root, encoding="unicode")
    elif fmt in ("json", "sarif"):
        json.loads(out)
    elif fmt == "rdjsonl":
        assert all(json.loads(line)["source"]["name"] == "auditor" for line in out.splitlines())
    lines = out.splitlines()
    if fmt == "github":
        commands = our_commands(lines)
        stop = [c for c in commands if c.startswith("::stop-commands::")]
        assert len(stop) == 1
        token = stop[0].split("::")[2]
        end = lines.index(f"::{token}::")
        inside = lines[lines.index(stop[0]) + 1:end]
        outside = [c for c in commands if c not in inside]
        # outside the stopped region: only our annotations, each one line, none with a forged property
        assert all(c.startswith(("::error title=", "::error file=", "::stop-commands::", f"::{token}::"))
                   for c in outside), outside
        for c in outside[:-2]:  # as the runner parses them: ::command key=value,key=value::message
            command, props, _ = re.match(r"^::(\S+?)(?: (.*?))?::(.*)$", c).groups()
            keys = {p.split("=", 1)[0] for p in (props or "").split(",")}
            assert command == "error" and keys <= {"file", "line", "title"}, c
    else:
        assert our_commands(lines) == []  # nothing in the output reads as a workflow command
    assert "forged from an id" in out  # the id is shown, as inert text


def test_text_output_shows_each_hostile_id_on_one_line() -> None:
    outcome, data = hostile_outcome()
    out = render("text", outcome, data, "0")
    assert "x\\n::error file=evil.py" in out and "\x07" not in out and "\x00" not in out and "\u2028" not in out


@pytest.mark.parametrize("fmt", ("text", "github"))
def test_no_bidirectional_control_reaches_a_log(fmt: str) -> None:
    outcome, data = hostile_outcome()
    out = render(fmt, outcome, data, "0")
    assert not any(ch in out for ch in BIDI)
    assert "invoice\\u202efdp.exe" in (out if fmt == "github" else render("text", outcome, data, "0") + render(
        "github", outcome, data, "0"))


def test_sarif_locations_are_percent_encoded_relative_uris() -> None:
    names = ["c#d.md", "e%20f.md", "javascript:x.md", "space d.md"]
    pairs = [{"a": a, "b": b, "similarity": 0.99} for a, b in zip(names, names[1:] + names[:1])]
    data = {"metrics": {"near_duplicate_rate": {"value": 0.5}}, "model": {"revision": "r"},
            "texts": {"near_duplicate_pairs": pairs}}
    outcome = evaluate(data, [Rule("dup", "near_duplicate_rate", max=0.1)], None, {n: f"{n}:1" for n in names})
    sarif = json.loads(render("sarif", outcome, data, "0"))
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"] for loc in r.get("locations", []) + r.get("relatedLocations", [])}
    assert uris == {"c%23d.md", "e%2520f.md", "javascript%3Ax.md", "space%20d.md"}


def test_step_summary_rows_stay_rows() -> None:
    outcome, _ = hostile_outcome()
    table = [line for line in step_summary(outcome).splitlines() if line.startswith("|")]
    assert len(table) == 2 + len(outcome.verdicts)  # header, rule line, one row per rule
    assert all(line.count(" | ") == 3 for line in table[2:])


def test_history_export_writes_no_live_formula(tmp_path: Path) -> None:
    from auditor.history import HistoryStore
    from auditor.history.export import export_metrics
    from tests.test_history import fake_result

    names = ["=HYPERLINK(\"http://e\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-1+1", "\tTAB", "plain"]
    db = tmp_path / "h.db"
    with HistoryStore(db) as store:
        store.add("=evil", fake_result(-0.25, groups={n: 0.2 for n in names}))
    out = tmp_path / "m.csv"
    export_metrics(out, history=db)
    cells = [c for row in csv.reader(out.open(encoding="utf-8")) for c in row]
    assert {"'=HYPERLINK(\"http://e\")", "'+cmd|' /C calc'!A0", "'@SUM(1+1)", "'-1+1", "'\tTAB", "'=evil"} <= set(cells)
    assert "-0.25" in cells  # numbers stay numbers
    live = [c for c in cells if c and c[0] in "=+-@\t\r" and not c.lstrip("+-").replace(".", "", 1).isdigit()]
    assert live == []


def test_index_links_only_to_plain_relative_file_names(tmp_path: Path) -> None:
    from auditor.ownership import write_owned_text
    from auditor.report.index import write_index
    from tests.test_history import fake_result

    for stem in ("javascript:alert(document.domain)", "brand copy"):
        write_owned_text(tmp_path / f"{stem}.json", json.dumps(fake_result(0.3)))
        write_owned_text(tmp_path / f"{stem}.html", "<p>report</p>")
    html = write_index(tmp_path).read_text()
    assert 'href="javascript' not in html and "javascript:alert(document.domain)" in html  # listed, not linked
    assert 'href="brand%20copy.html"' in html


def test_the_cli_summary_prints_group_names_as_inert_single_lines() -> None:
    import pandas as pd

    import auditor
    from auditor.report.text import summary_text
    from tests.conftest import HashEncoder

    frame = pd.DataFrame({"text": ["a b c", "b c d", "x y z", "y z w"],
                          "g": ["\x1b[31mred\n::error::x", "\x1b[31mred\n::error::x", "ok", "ok"]})
    data = auditor.audit(frame, embedder=HashEncoder(), group_col="g", resamples=0, clusterer=None).data
    lines = summary_text(data).splitlines()
    assert not any("\x1b" in line or line.lstrip().startswith("::") for line in lines)
    assert any(line.lstrip().startswith("\\x1b[31mred\\n::error") for line in lines)
