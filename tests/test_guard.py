"""The output guard: nothing a user supplied, and no file auditor did not write, is ever
written over; every refusal is exit 2 with one line, before any work, and changes no file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from auditor.cli import app
from tests.conftest import file_checksums as tree
from auditor.errors import AuditorError
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


FORGERIES = {
    "report.html": '<!doctype html>\n<html><head><meta charset="utf-8">\n<meta name="generator" content="auditor">',
    "result.json": '{"tool": {"name": "auditor"}}',
    "trend.json": '{"kind": "trend"}',
    "empty.json": "[]\n",
    "rows.json": '[{"snapshot_id": 1}]',
    "metrics.csv": "snapshot_id,name,created_at,model_name\n",
    "check.txt": "PASS x: y\npassed: 3 rules, 0 failed, 0 warnings\n",
    "junit.xml": '<testsuite name="auditor check" tests="1">',
    "empty.rdjsonl": "",
}


def test_no_content_makes_a_file_pass_for_one_auditor_wrote(tmp_path: Path) -> None:
    for name, content in FORGERIES.items():
        (tmp_path / name).write_text(content)
        assert not written_by_auditor(tmp_path / name), name


def test_a_file_auditor_wrote_is_its_own_until_someone_changes_it(tmp_path: Path) -> None:
    from auditor.ownership import write_owned_text

    for name, content in FORGERIES.items():
        write_owned_text(tmp_path / name, content)
        assert written_by_auditor(tmp_path / name), name
    (tmp_path / "result.json").write_text('{"tool": {"name": "auditor"}, "mine": 1}')
    assert not written_by_auditor(tmp_path / "result.json")
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    (moved / "check.txt").write_bytes((tmp_path / "check.txt").read_bytes())  # same bytes, no record there
    assert not written_by_auditor(moved / "check.txt")


def test_a_killed_replacement_leaves_a_file_auditor_can_replace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor import ownership

    ownership.write_owned_text(tmp_path / "out.json", "old\n")
    real = ownership.atomic_write_bytes
    calls = []

    def dies_after_the_record(path: Path, data: bytes) -> Path:
        calls.append(path.name)
        if path.name == "out.json":
            raise KeyboardInterrupt  # killed between recording the new hash and writing the file
        return real(path, data)

    monkeypatch.setattr(ownership, "atomic_write_bytes", dies_after_the_record)
    with pytest.raises(KeyboardInterrupt):
        ownership.write_owned_text(tmp_path / "out.json", "new\n")
    monkeypatch.undo()
    assert calls == [ownership.RECORD_NAME, "out.json"]
    assert written_by_auditor(tmp_path / "out.json")  # still the old bytes, still auditor's
    OutputGuard().file(tmp_path / "out.json")


def test_a_record_auditor_did_not_write_stops_every_write_in_its_folder(tmp_path: Path) -> None:
    from auditor.ownership import RECORD_NAME

    (tmp_path / RECORD_NAME).write_text('{"files": {"mine.json": ["x"]}}')
    with pytest.raises(AuditorError, match="not auditor's record"):
        OutputGuard().file(tmp_path / "new.json")
    assert (tmp_path / RECORD_NAME).read_text() == '{"files": {"mine.json": ["x"]}}'


def test_a_new_file_or_one_auditor_wrote_may_be_written(tmp_path: Path) -> None:
    from auditor.ownership import write_owned_text

    guard = OutputGuard().protect(tmp_path / "in.csv", "the input")
    assert guard.file(tmp_path / "new" / "out.json") == tmp_path / "new" / "out.json"
    write_owned_text(tmp_path / "old.json", '{"tool": {"name": "auditor"}}')
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

    from auditor.ownership import write_owned_text
    from auditor.report.sets import report_paths

    for folder in ("a", "b"):
        Path(folder).mkdir()
        (Path(folder) / "copy.csv").write_bytes((workdir / "copy.csv").read_bytes())
    Path("reports").mkdir()
    write_owned_text("reports/copy.json", json.dumps({"tool": {"name": "auditor"}, "corpus": {"source": "a/copy.csv"}}))
    before = tree(workdir)
    res = runner.invoke(app, ["audit", "b/copy.csv"])
    assert res.exit_code == 2 and "is the report of another corpus (a/copy.csv)" in res.output and "--name" in res.output
    assert tree(workdir) == before
    assert report_paths("reports", "copy", source="a/copy.csv")["json"] == Path("reports/copy.json")  # its own: fine
    assert report_paths("reports", "copy")["json"] == Path("reports/copy.json")  # an explicit --name: fine


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_check_output_never_replaces_a_users_file_whatever_it_holds(workdir: Path, name: str) -> None:
    Path(name).write_text(FORGERIES[name])
    before = tree(workdir)
    res = runner.invoke(app, ["check", "batch", "--format", "json", "-o", name])
    assert res.exit_code == 2 and "auditor did not write it" in res.output, res.output
    assert tree(workdir) == before


def test_a_passing_check_can_write_its_empty_output_again(workdir: Path) -> None:
    varied = ["The harbour ferry leaves at dawn.", "Quantum dots glow under ultraviolet light.",
              "My grandmother's soup needs more salt.", "The committee postponed the vote on zoning.",
              "Penguins huddle together against the wind.", "Jazz drummers often play with brushes."]
    Path("varied").mkdir()
    for i, text in enumerate(varied):
        Path(f"varied/{i}.md").write_text(text + "\n")
    for _ in range(2):
        res = runner.invoke(app, ["check", "varied", "--format", "rdjsonl", "-o", "out.rdjsonl"])
        assert res.exit_code == 0, res.output
        assert Path("out.rdjsonl").read_text() == ""
    assert written_by_auditor(Path("out.rdjsonl"))
