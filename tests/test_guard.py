"""The output guard: nothing a user supplied, and no file auditor did not write, is ever
written over; every refusal is exit 2 with one line, before any work, and changes no file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from auditor.cli import app
from tests.conftest import file_checksums as tree
from auditor.guard import OutputGuard, written_by_auditor

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    batch = tmp_path / "batch"
    batch.mkdir()
    for i in range(4):
        (batch / f"text_{i:02d}.md").write_text(f"text number {i} about something else\n")
    pd.DataFrame({"text": ["one text here", "two texts there", "three more"]}).to_csv(tmp_path / "copy.csv", index=False)
    (tmp_path / "auditor.toml").write_text("[check]\n")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'mine'\n")
    (tmp_path / "baseline.json").write_text('{"tool": {"name": "auditor"}, "metrics": {}, "model": {}}')
    (tmp_path / "index.html").write_text("<!doctype html><p>my own page</p>")
    from auditor.history import HistoryStore

    HistoryStore("auditor-history.db").close()
    return tmp_path


CASES = [
    (["history", "export", "--format", "csv", "-o", "auditor-history.db"], "refusing to overwrite the history database"),
    (["history", "export", "-o", "copy.csv"], "auditor did not write it"),
    (["check", "batch", "--output", "batch/text_00.md"], "inside the input"),
    (["check", "batch", "--output", "batch/new.txt"], "inside the input"),
    (["check", "batch", "--baseline", "baseline.json", "--output", "baseline.json"], "refusing to overwrite the baseline"),
    (["check", "batch", "--update-baseline", "--baseline", "auditor.toml"], "refusing to overwrite the config"),
    (["check", "batch", "--output", "pyproject.toml"], "refusing to overwrite the config"),
    (["check", "copy.csv", "--output", "copy.csv"], "refusing to overwrite the input"),
    (["audit", "copy.csv", "--name", "index"], "taken by the folder's index.html"),
    (["audit", "copy.csv", "--out", "."], "refusing to overwrite index.html: auditor did not write it"),
    (["audit", "copy.csv", "--out", "copy.csv"], "is a file, not a folder"),
    (["audit", "copy.csv", "--out", "copy.csv/sub"], "cannot write"),
    (["compare", "copy.csv", "batch", "--out", "."], "auditor did not write it"),
    (["snapshot", "copy.csv", "--name", "index", "--out", "r"], "taken by the folder's index.html"),
    (["snapshot", "copy.csv", "--name", "s", "--out", "."], "auditor did not write it"),
    (["trend", "--name", "s", "--out", "."], "auditor did not write it"),
]


@pytest.mark.parametrize("args, message", CASES, ids=[" ".join(a) for a, _ in CASES])
def test_refused_writes_are_one_line_exit_2_and_change_nothing(workdir: Path, args: list[str], message: str) -> None:
    before = tree(workdir)
    res = runner.invoke(app, args)
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert res.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], res.output
    assert tree(workdir) == before


def test_auditor_recognises_its_own_files_and_nothing_else(tmp_path: Path) -> None:
    samples = {
        "report.html": ('<!doctype html>\n<html><head><meta charset="utf-8">\n'
                        '<meta name="generator" content="auditor">', True),
        "old.html": ("<!DOCTYPE html>\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; x\">", True),
        "page.html": ("<!doctype html><title>mine</title>", False),
        "result.json": ('{"tool": {"name": "auditor"}}', True),
        "trend.json": ('{"kind": "trend"}', True),
        "other.json": ('{"tool": {"name": "other"}}', False),
        "rows.json": ('[{"snapshot_id": 1}]', True),
        "metrics.csv": ("snapshot_id,name,created_at,model_name\n", True),
        "data.csv": ("id,text\n", False),
        "check.txt": ("PASS x: y\npassed: 3 rules, 0 failed, 0 warnings\n", True),
        "notes.txt": ("my notes\n", False),
    }
    for name, (content, ours) in samples.items():
        (tmp_path / name).write_text(content)
        assert written_by_auditor(tmp_path / name) is ours, name


def test_a_new_file_or_one_auditor_wrote_may_be_written(tmp_path: Path) -> None:
    guard = OutputGuard().protect(tmp_path / "in.csv", "the input")
    assert guard.file(tmp_path / "new" / "out.json") == tmp_path / "new" / "out.json"
    (tmp_path / "old.json").write_text('{"tool": {"name": "auditor"}}')
    assert guard.file(tmp_path / "old.json") == tmp_path / "old.json"


def test_a_report_set_can_be_written_again_over_itself(tmp_path: Path) -> None:
    import auditor
    from auditor.report.sets import report_paths, write_report_set
    from tests.conftest import HashEncoder

    result = auditor.audit(["one text", "two texts", "three texts here"], embedder=HashEncoder(), resamples=0,
                           clusterer=None)
    for _ in range(2):
        paths = write_report_set(result, report_paths(tmp_path, "copy"))
    assert all(written_by_auditor(p) for p in (paths["html"], paths["json"], tmp_path / "index.html"))


def test_a_report_named_after_its_file_never_replaces_another_corpus_of_that_name(workdir: Path) -> None:
    import json

    from auditor.report.sets import report_paths

    for folder in ("a", "b"):
        Path(folder).mkdir()
        (Path(folder) / "copy.csv").write_bytes((workdir / "copy.csv").read_bytes())
    Path("reports").mkdir()
    Path("reports/copy.json").write_text(json.dumps({"tool": {"name": "auditor"}, "corpus": {"source": "a/copy.csv"}}))
    before = tree(workdir)
    res = runner.invoke(app, ["audit", "b/copy.csv"])
    assert res.exit_code == 2 and "is the report of another corpus (a/copy.csv)" in res.output and "--name" in res.output
    assert tree(workdir) == before
    assert report_paths("reports", "copy", source="a/copy.csv")["json"] == Path("reports/copy.json")  # its own: fine
    assert report_paths("reports", "copy")["json"] == Path("reports/copy.json")  # an explicit --name: fine
