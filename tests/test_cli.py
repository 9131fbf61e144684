"""The command line as a user types it (Typer's runner), with the real default model."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from auditor.cli import app

runner = CliRunner()

COPY = [
    ("North", "2021-01-05", "Waxed wool for wet hills and long walks."),
    ("North", "2022-02-11", "Tweed caps stitched in a Borders mill."),
    ("North", "2023-03-19", "Elevate your everyday with the jacket."),
    ("South", "2021-04-23", "Yellow pans for loud family breakfasts."),
    ("South", "2022-05-30", "Enamel that shrugs off a wobbly flip."),
    ("South", "2023-06-02", "Elevate your everyday with the saucepan."),
]


@pytest.fixture
def copy_csv(tmp_path: Path) -> Path:
    path = tmp_path / "copy.csv"
    pd.DataFrame(COPY, columns=["brand", "date", "text"]).to_csv(path, index=False)
    return path


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.mark.model
def test_audit_writes_html_and_json_and_prints_a_summary(copy_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    res = invoke("audit", str(copy_csv), "--group-col", "brand", "--time-col", "date", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert "Mean pairwise similarity" in res.output and "North" in res.output
    data = json.loads((out / "copy.json").read_text())
    assert data["corpus"]["n_texts"] == 6 and set(data["groups"]) == {"North", "South"}
    assert data["corpus"]["time_range"][0].startswith("2021-01-05")
    assert data["model"]["name"] == "sentence-transformers/all-MiniLM-L6-v2"
    html = (out / "copy.html").read_text()
    assert "Homogenization audit" in html and "Elevate your everyday with the jacket." in html
    assert not list(out.glob("*.tmp"))


@pytest.mark.model
def test_audit_of_the_bundled_sample_finds_the_later_years_more_alike(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[1] / "sample_corpora" / "brand_copy.csv"
    frame = pd.read_csv(sample)
    frame["year"] = frame["date"].str[:4]
    path = tmp_path / "by_year.csv"
    frame[frame["year"].isin(["2019", "2024"])].to_csv(path, index=False)
    res = invoke("audit", str(path), "--group-col", "year", "--text-col", "text", "--out", str(tmp_path), "-q")
    assert res.exit_code == 0, res.output
    groups = json.loads((tmp_path / "by_year.json").read_text())["groups"]
    mps = {y: g["metrics"]["mean_pairwise_similarity"]["value"] for y, g in groups.items()}
    vendi = {y: g["metrics"]["vendi_score"]["value"] for y, g in groups.items()}
    assert mps["2024"] > mps["2019"] + 0.05
    assert vendi["2024"] < vendi["2019"]


@pytest.mark.model
def test_no_text_report_contains_no_raw_text(copy_csv: Path, tmp_path: Path) -> None:
    res = invoke("audit", str(copy_csv), "--out", str(tmp_path), "--no-text", "-q")
    assert res.exit_code == 0, res.output
    for path in (tmp_path / "copy.html", tmp_path / "copy.json"):
        content = path.read_text()
        assert all(text not in content for _, _, text in COPY)


def assert_usage_error(res, fragment: str, out: Path) -> None:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], res.output
    assert not out.exists() or not any(out.iterdir())


def test_missing_file_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert_usage_error(invoke("audit", str(tmp_path / "nope.csv"), "--out", str(out)), "no such file", out)


def test_unknown_column_exits_2(copy_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert_usage_error(invoke("audit", str(copy_csv), "--text-col", "body", "--out", str(out)),
                       "unknown column 'body'", out)


def test_empty_corpus_exits_2(tmp_path: Path) -> None:
    path, out = tmp_path / "e.csv", tmp_path / "r"
    path.write_text("text\n")
    assert_usage_error(invoke("audit", str(path), "--out", str(out)), "empty", out)


def test_one_text_exits_2(tmp_path: Path) -> None:
    path, out = tmp_path / "one.txt", tmp_path / "r"
    path.write_text("just one\n")
    assert_usage_error(invoke("audit", str(path), "--out", str(out)), "only 1 text", out)


def test_empty_rows_exit_2(tmp_path: Path) -> None:
    path, out = tmp_path / "bad.jsonl", tmp_path / "r"
    path.write_text('{"text": "a"}\n{"text": ""}\n{"text": 7}\n')
    assert_usage_error(invoke("audit", str(path), "--out", str(out)), "empty or non-text values", out)


def test_undecodable_bytes_exit_2(tmp_path: Path) -> None:
    path, out = tmp_path / "bad.txt", tmp_path / "r"
    path.write_bytes(b"fine line\nbad \xff\xfe line\n")
    assert_usage_error(invoke("audit", str(path), "--out", str(out)), "not valid utf-8", out)


def test_unknown_model_exits_2(copy_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert_usage_error(invoke("audit", str(copy_csv), "--model", "nobody/nothing-here", "--out", str(out)),
                       "not in the Hugging Face cache", out)


def test_report_never_overwrites_the_input(tmp_path: Path) -> None:
    path = tmp_path / "copy.json"
    original = json.dumps([{"text": "a"}, {"text": "b"}])
    path.write_text(original)
    res = invoke("audit", str(path), "--out", str(tmp_path))
    assert res.exit_code == 2 and "refusing to overwrite the input" in res.output
    assert path.read_text() == original


def test_help_is_fast_and_does_not_import_torch() -> None:
    code = "import sys, auditor.cli; print('torch' in sys.modules, 'pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split() == ["False", "False"]
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", "--help"], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0 and "audit" in proc.stdout
    assert elapsed < 3.0  # generous for a loaded CI machine; ~0.3 s here


@pytest.mark.parametrize("args, message", [
    (["--threshold", "1.5"], "error: --threshold must be in (0, 1], got 1.5"),
    (["--ci-level", "1.2"], "error: --ci-level must be in [0.5, 1), got 1.2"),
    (["--clusters", "dbscan"], "error: --clusters must be one of hdbscan, kmeans, none"),
    (["--freq", "week"], "error: --freq must be one of year, quarter, month, decade"),
    (["--device", "tpu"], "error: --device must be one of auto, cpu, cuda, mps"),
    (["--resamples", "-3"], "error: --resamples must be ≥ 0"),
])
def test_a_bad_setting_is_named_by_its_flag_and_nothing_is_written(copy_csv: Path, tmp_path: Path, args, message) -> None:
    out = tmp_path / "reports"
    res = invoke("audit", str(copy_csv), "--out", str(out), *args)
    assert res.exit_code == 2 and res.output.startswith(message) and res.output.count("\n") == 1, res.output
    assert not out.exists()


@pytest.mark.model
def test_readme_cron_line_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    import shlex

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    cron = next(line for line in readme.splitlines() if re.match(r"^[\d*]+ [\d*]+ .*auditor snapshot", line))
    commands = [c.strip() for c in cron.split("&&") if "auditor " in c]
    assert [shlex.split(c)[1] for c in commands] == ["snapshot", "trend"]
    monkeypatch.chdir(tmp_path)
    pd.DataFrame(COPY, columns=["brand", "date", "text"]).to_csv("copy.csv", index=False)
    printed = []
    for command in commands:
        res = runner.invoke(app, shlex.split(command)[1:])
        assert res.exit_code == 0, (command, res.output)
        printed.append(res.output)
    assert printed[0] == ""  # snapshot -q: nothing, so that cron mails only the trend's two lines
    assert (tmp_path / "reports" / "brand-copy-trend.html").exists() and (tmp_path / "auditor-history.db").exists()


@pytest.mark.model
def test_snapshot_takes_the_audit_options(copy_csv: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    pd.DataFrame(COPY + [("North", "2023-07-01", "")], columns=["brand", "date", "text"]).to_csv(bad, index=False)
    res = invoke("snapshot", str(bad), "--name", "s", "--history", str(tmp_path / "h.db"), "--out", str(tmp_path / "r"),
                 "--skip-invalid", "--threshold", "0.9", "--resamples", "0", "--clusters", "none",
                 "--reference", str(copy_csv), "--id-col", "date", "--encoding", "utf-8", "-q")
    assert res.exit_code == 0, res.output
    data = json.loads(next((tmp_path / "r").glob("s-*.json")).read_text())
    assert data["corpus"]["n_texts"] == 6 and data["settings"]["near_duplicate_threshold"] == 0.9
    assert "reference" in data and data["texts"]["most_generic"][0]["id"].startswith("202")


@pytest.mark.model
def test_stdin_and_json_on_stdout(tmp_path: Path) -> None:
    out = tmp_path / "r"
    res = runner.invoke(app, ["audit", "-", "--out", str(out), "--format", "json", "--clusters", "none",
                              "--resamples", "0", "-q"],
                        input="Waxed wool for wet hills.\nTweed caps from a Borders mill.\nYellow pans.\n")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)  # the JSON alone on stdout
    assert data["corpus"]["source"] == "<stdin>" and data["corpus"]["n_texts"] == 3
    assert (out / "stdin.json").exists() and (out / "stdin.html").exists()
    jsonl = runner.invoke(app, ["audit", "-", "--out", str(out), "--name", "j", "--clusters", "none",
                                "--resamples", "0", "-q"],
                          input='{"text": "Waxed wool coats."}\n{"text": "Enamel pans."}\n')
    assert jsonl.exit_code == 0, jsonl.output
    assert json.loads((out / "j.json").read_text())["texts"]["most_generic"][0]["source"].startswith("<stdin>:")


def test_out_dash_is_refused_and_completion_is_offered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer.completion

    res = invoke("audit", "copy.csv", "--out", "-")
    assert res.exit_code == 2 and res.output.startswith("error: --out - is not supported")
    # Typer detects the shell from the process's ancestors (none under a bare process runner)
    monkeypatch.setattr(typer.completion, "_get_shell_name", lambda: "bash")
    script = invoke("--show-completion")
    assert script.exit_code == 0 and "_auditor_completion" in script.output


@pytest.mark.model
def test_every_stage_is_announced_and_timed_like_the_json_says(copy_csv: Path, tmp_path: Path) -> None:
    import re

    out = tmp_path / "r"
    res = runner.invoke(app, ["audit", str(copy_csv), "--group-col", "brand", "--time-col", "date", "--out", str(out),
                              "--resamples", "10", "--permutations", "99", "--clusters", "none"])
    assert res.exit_code == 0, res.output
    timings = json.loads((out / "copy.json").read_text())["timings"]
    assert {"load", "embed", "metrics and intervals", "groups", "comparison", "periods"} <= set(timings)
    done = dict(re.findall(r"^auditor: (.+) done in ([\d.]+) s$", res.stderr, re.M))
    assert set(done) == set(timings) | {"report"}
    assert all(abs(float(done[k]) - v) < 0.06 for k, v in timings.items())
    quiet = runner.invoke(app, ["audit", str(copy_csv), "--out", str(out), "--clusters", "none", "-q"])
    assert "auditor:" not in quiet.output


def readme_commands() -> list[str]:
    """The arguments of every ``auditor`` command in the README's code blocks (usage synopses,
    with ``[options]`` or ``PATH``, are not commands)."""
    import re

    commands, fence = [], None
    for line in (Path(__file__).resolve().parents[1] / "README.md").read_text().splitlines():
        if line.startswith("```"):
            fence = None if fence is not None else line[3:].strip()
            continue
        if fence not in ("", "bash"):
            continue
        for part in line.split("&&"):
            words = part.split("#")[0].strip()
            match = re.search(r"(?:^|\s|/)auditor (.*)$", words)
            if match and "[" not in words and "PATH" not in words:
                commands.append(match.group(1))
    return commands


def test_every_auditor_command_the_readme_shows_is_a_valid_command_line() -> None:
    import shlex

    import typer

    lines = readme_commands()
    assert {"schema", "history list", "export vale reports/brand_copy.json -o styles/Auditor/"} <= set(lines), lines
    group = typer.main.get_command(app)
    for line in lines:
        args = shlex.split(line)
        command = group.get_command(None, args[0])
        assert command is not None, line
        if args[0] in ("history", "export"):
            command, args = command.get_command(None, args[1]), args[1:]
        command.make_context(args[0], args[1:])  # raises on an unknown option or a missing argument


@pytest.mark.model
def test_the_readme_history_commands_run_as_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shlex

    monkeypatch.chdir(tmp_path)
    Path("content").mkdir()
    pd.DataFrame(COPY, columns=["brand", "date", "text"]).to_csv("content/brand-copy.csv", index=False)
    shown = readme_commands()
    start = next(i for i, c in enumerate(shown) if c.startswith("snapshot"))
    end = next(i for i, c in enumerate(shown) if c.startswith("trend"))  # the block ends with the trend
    history = shown[start:end + 1]
    first = history[0]
    for _ in range(2):  # `history show 3` and `history delete 3` need a third snapshot
        assert runner.invoke(app, shlex.split(first) + ["--resamples", "0", "--clusters", "none", "-q"]).exit_code == 0
    for command in history:
        extra = ["--resamples", "0", "--clusters", "none"] if command.startswith("snapshot") else []
        res = runner.invoke(app, shlex.split(command) + extra)
        assert res.exit_code == 0, (command, res.output)
    assert Path("metrics.csv").read_text().startswith("snapshot_id,") and Path("reports/brand-copy-trend.html").exists()


@pytest.mark.parametrize("command", [["trend"], ["state"], ["merge"], ["check"], ["audit"], ["history", "list"],
                                     ["snapshot"], ["feed"]])
def test_help_shows_no_type_beside_a_flag_and_keeps_sentences_whole(command: list[str]) -> None:
    import typer

    res = runner.invoke(app, [*command, "--help"], terminal_width=100)
    assert res.exit_code == 0
    assert "<bool>" not in res.output
    command_obj = typer.main.get_command(app)
    for name in command:
        command_obj = command_obj.get_command(None, name)
    for paragraph in command_obj.help.split("\n\n"):
        assert "\n" not in paragraph  # Typer prints a paragraph's line breaks as they are


def test_what_the_readme_commands_write_is_ignored_by_git(tmp_path: Path) -> None:
    """reports/, states/ and the caches the README's commands create stay out of commits."""
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = Path(__file__).resolve().parents[1]
    shutil.copy(root / ".gitignore", tmp_path / ".gitignore")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    written = ["states/brand_copy.auditor-state", "reports/brand_copy.html", "reports/index.html",
               ".auditor-cache/x", "reports/.auditor-written.json"]
    for name in written + ["reports/README.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    ignored = subprocess.run(["git", "check-ignore", *written, "reports/README.md"], cwd=tmp_path,
                             capture_output=True, text=True).stdout.split()
    assert ignored == written  # every output ignored; the folder's own README kept
