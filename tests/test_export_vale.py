"""The Vale style exported from an audit: valid rules, one per stock phrase, that match the
phrase as Vale would (the Vale binary cannot be installed offline here: the `vale` package from
the registry downloads it on first run, so the matching is checked the way Vale compiles an
existence rule: word boundaries around the tokens, case ignored)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app

yaml = pytest.importorskip("yaml")
runner = CliRunner()


def write_report(path: Path) -> Path:
    data = {"tool": {"name": "auditor"}, "corpus": {"n_texts": 50},
            "texts": {"repeated_phrases": [
                {"phrase": "unlock the power of", "doc_freq": 20, "doc_share": 0.4},
                {"phrase": "elevate your (daily) routine", "doc_freq": 10, "doc_share": 0.2}]}}
    path.write_text(json.dumps(data))
    return path


def vale_matches(rule: dict, text: str) -> list[str]:
    pattern = r"(?i)\b(?:" + "|".join(rule["tokens"]) + r")\b" if rule.get("ignorecase") else None
    return re.findall(pattern, text)


def test_the_exported_style_flags_texts_with_a_stock_phrase(tmp_path: Path) -> None:
    report = write_report(tmp_path / "copy.json")
    res = runner.invoke(app, ["export", "vale", str(report), "-o", str(tmp_path / "styles" / "Auditor")])
    assert res.exit_code == 0 and "2 rules written" in res.output, res.output
    rules = {p.name: yaml.safe_load(p.read_text()) for p in sorted((tmp_path / "styles" / "Auditor").glob("*.yml"))}
    assert list(rules) == ["StockPhrase01.yml", "StockPhrase02.yml"]
    first, second = rules.values()
    assert first["extends"] == "existence" and first["level"] == "warning"
    assert first["message"] == "'%s' is a stock phrase: it appears in 40.0%% of the audited texts (20 of 50)."
    assert vale_matches(first, "Time to UNLOCK the  power of tea.") == ["UNLOCK the  power of"]
    assert vale_matches(first, "the power of tea") == []
    assert vale_matches(second, "Elevate your (daily) routine today") and not vale_matches(second, "elevate your daily routine")
    again = runner.invoke(app, ["export", "vale", str(report), "-o", str(tmp_path / "styles" / "Auditor")])
    assert again.exit_code == 0  # its own files may be rewritten


def test_export_refuses_a_report_without_phrases_and_foreign_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"tool": {"name": "auditor"}, "texts": {"repeated_phrases": []}}))
    res = runner.invoke(app, ["export", "vale", str(empty), "-o", str(tmp_path / "s")])
    assert res.exit_code == 2 and "no stock phrases" in res.output
    style = tmp_path / "mine"
    style.mkdir()
    (style / "StockPhrase01.yml").write_text("extends: existence\n")  # the user's own rule
    res = runner.invoke(app, ["export", "vale", str(write_report(tmp_path / "r.json")), "-o", str(style)])
    assert res.exit_code == 2 and "auditor did not write it" in res.output
    assert (style / "StockPhrase01.yml").read_text() == "extends: existence\n"
