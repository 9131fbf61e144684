"""The Ray Data engine: a local 2-worker audit gives the single-process metrics and leaves no Ray
process behind; bad input is refused before Ray starts. Run alone with ``pytest -m ray``."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from auditor import audit
from auditor.cli import app

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[1] / "sample_corpora" / "brand_copy.csv"


#: Set in this test process's environment: every Ray daemon and worker a test starts inherits it,
#: so the tests look only at the processes they started, never at another Ray on the machine.
MARK = "AUDITOR_TEST_RAY_MARK"


@pytest.fixture(autouse=True)
def _marked(monkeypatch: pytest.MonkeyPatch) -> None:
    import uuid

    monkeypatch.setenv(MARK, uuid.uuid4().hex)


def ray_processes() -> list[str]:
    """Command lines of the Ray daemons and workers that this test started (they carry its mark)."""
    import os

    mark = f"{MARK}={os.environ[MARK]}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != str(os.getpid()):
            try:
                if mark not in (entry / "environ").read_bytes().split(b"\0"):
                    continue
                line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if any(tag in line for tag in ("raylet", "gcs_server", "ray::", "default_worker.py")):
                found.append(line[:120])
    return found


@pytest.fixture
def two_files(tmp_path: Path) -> tuple[list[Path], pd.DataFrame]:
    from benchmarks._texts import benchmark_texts

    rng = np.random.default_rng(0)
    texts = benchmark_texts(2000, salt="ray")
    frame = pd.DataFrame({"text": texts, "brand": rng.choice(list("abcd"), 2000),
                          "date": pd.date_range("2020-01-01", periods=2000, freq="D").astype(str),
                          "locale": np.tile(["en", "fr"], 1000)})
    frame["plain"] = ["" if k % 2 == 0 else texts[k - 1] for k in range(2000)]  # "translated" from the row before
    paths = [tmp_path / "a.csv", tmp_path / "b.csv"]
    frame.iloc[:1100].to_csv(paths[0], index=False)
    frame.iloc[1100:].to_csv(paths[1], index=False)
    return paths, frame


@pytest.mark.ray
def test_a_local_two_worker_ray_audit_gives_the_single_process_metrics_and_leaves_no_ray_process(
        two_files, hash_encoder):
    ray = pytest.importorskip("ray")
    from ray import cloudpickle

    from auditor.engines.ray_engine import ray_audit

    cloudpickle.register_pickle_by_value(sys.modules[type(hash_encoder).__module__])  # the test's encoder
    assert not ray_processes()
    paths, frame = two_files
    opts = {"group_col": "brand", "time_col": "date", "clusterer": None, "cache": False, "resamples": 20,
            "locale_col": "locale", "translation_col": "plain"}
    ours = ray_audit(paths, embedder=hash_encoder, workers=2, **opts).data
    assert not ray.is_initialized() and not ray_processes()
    theirs = audit(frame, embedder=hash_encoder, **opts).data
    assert ours["corpus"]["n_texts"] == 2000 and ours["merged"]["sample"]["sampled"] is False
    assert ours["languages"] == theirs["languages"]  # each batch's texts identified by the workers
    fr, local = ours["locales"]["locales"]["fr"], theirs["locales"]["locales"]["fr"]  # translations embedded by the actors
    assert fr["n_translated"] == local["n_translated"] == 1000
    assert fr["similarity_to_translation"] == pytest.approx(local["similarity_to_translation"], abs=1e-6)
    for metric_id, entry in theirs["metrics"].items():
        assert ours["metrics"][metric_id]["value"] == pytest.approx(entry["value"], rel=1e-6, abs=1e-9), metric_id
    for name, group in theirs["groups"].items():
        got = ours["groups"][name]["metrics"]["mean_pairwise_similarity"]["value"]
        assert got == pytest.approx(group["metrics"]["mean_pairwise_similarity"]["value"], rel=1e-6)
    # the second pass ranks every text: the most typical are the single process's first in the queue
    top = [row["id"] for row in ours["merged"]["most_typical"]]
    assert top[:5] == [row["id"] for row in theirs["review_queue"][:5]]


@pytest.mark.ray
@pytest.mark.model
def test_the_cli_audits_several_files_with_the_ray_engine(tmp_path):
    pytest.importorskip("ray")
    frame = pd.read_csv(SAMPLE)
    frame.iloc[:300].to_csv(tmp_path / "a.csv", index=False)
    frame.iloc[300:].to_json(tmp_path / "b.jsonl", orient="records", lines=True)
    out = runner.invoke(app, ["audit", str(tmp_path / "a.csv"), str(tmp_path / "b.jsonl"), "--engine", "ray",
                              "--out", str(tmp_path / "r"),
                              "--clusters", "none", "--resamples", "20", "--group-col", "brand", "-q"])
    assert out.exit_code == 2 and "one format" in out.output  # CSV and JSONL do not mix
    frame.iloc[300:].to_csv(tmp_path / "b.csv", index=False)
    out = runner.invoke(app, ["audit", str(tmp_path / "*.csv"), "--engine", "ray", "--workers", "1",
                              "--out", str(tmp_path / "r"), "--name", "ray", "--clusters", "none",
                              "--resamples", "20", "--group-col", "brand", "-q"])
    assert out.exit_code == 0, out.output
    data = json.loads((tmp_path / "r" / "ray.json").read_text())
    assert data["corpus"]["n_texts"] == 600 and len(data["groups"]) == 5 and data["merged"]["most_typical"]
    assert not ray_processes()


def test_several_files_need_the_ray_engine_and_a_missing_ray_is_one_error_line(tmp_path, monkeypatch):
    a = tmp_path / "a.csv"
    pd.DataFrame({"text": ["one text", "another one"]}).to_csv(a, index=False)
    out = runner.invoke(app, ["audit", str(a), str(a), "--out", str(tmp_path / "r")])
    assert out.exit_code == 2 and out.output.startswith("error: auditor audit reads one corpus")
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    out = runner.invoke(app, ["audit", str(a), "--engine", "ray", "--out", str(tmp_path / "r")])
    assert out.exit_code == 2 and out.output == 'error: --engine ray needs Ray Data: pip install "auditor[ray]"\n'
    assert not (tmp_path / "r").exists()


def test_bad_columns_are_refused_before_ray_starts(tmp_path):
    pytest.importorskip("ray")
    a = tmp_path / "a.csv"
    pd.DataFrame({"text": ["one text", "another one"]}).to_csv(a, index=False)
    out = runner.invoke(app, ["audit", str(a), "--engine", "ray", "--group-col", "brand", "--out", str(tmp_path / "r")])
    assert out.exit_code == 2 and out.output.startswith("error: ") and "brand" in out.output
    out = runner.invoke(app, ["audit", str(tmp_path / "missing-*.csv"), "--engine", "ray", "--out", str(tmp_path / "r")])
    assert out.exit_code == 2 and "no file matches" in out.output
    assert not ray_processes() and not (tmp_path / "r").exists()
    assert os.environ.get("RAY_ADDRESS") is None


def scaling_out_commands() -> list[str]:
    """The commands of the README's "Scaling out" section that run on one machine."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("### Scaling out")[1].split("\n### ")[0]
    lines = [line.strip() for line in section.splitlines() if line.strip().startswith("auditor ")]
    return [line for line in lines if "--ray-address" not in line]


@pytest.mark.ray
@pytest.mark.model
def test_the_readme_scaling_out_commands_run_as_written(tmp_path, monkeypatch):
    import shlex
    import shutil

    pytest.importorskip("ray")
    commands = scaling_out_commands()
    assert [shlex.split(c)[1] for c in commands] == ["state", "merge", "audit"], commands
    shutil.copytree(SAMPLE.parent, tmp_path / "sample_corpora")
    monkeypatch.chdir(tmp_path)
    for command in commands:
        out = runner.invoke(app, shlex.split(command)[1:] + ["-q"])
        assert out.exit_code == 0, (command, out.output)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    stated = re.search(r"the command above writes ([\d.]+) MB", readme).group(1)
    assert abs(Path("states/brand_copy.auditor-state").stat().st_size / 1e6 - float(stated)) < 0.15  # the README's size
    merged = json.loads(Path("reports/brand_copy_merged.json").read_text())
    ray_run = json.loads(Path("reports/brand_copy_ray.json").read_text())
    for metric_id in ("mean_pairwise_similarity", "vendi_score", "distinct_2", "homogenization_rouge_l"):
        assert ray_run["metrics"][metric_id]["value"] == pytest.approx(merged["metrics"][metric_id]["value"], rel=1e-5)
    assert merged["corpus"]["n_texts"] == ray_run["corpus"]["n_texts"] == 600
    assert not ray_processes()


def test_the_ray_engine_refuses_what_the_local_engine_refuses_before_ray_starts(tmp_path: Path) -> None:
    import time

    pd.DataFrame({"text": ["a text about tea", "a text about wool"], "brand": ["a", "b"]}).to_csv(tmp_path / "one.csv", index=False)
    pd.DataFrame({"body": ["a text about bikes", "a text about pans"]}).to_csv(tmp_path / "no_text.csv", index=False)
    pd.DataFrame({"text": ["a text about bikes", "a text about pans"]}).to_csv(tmp_path / "no_brand.csv", index=False)
    one = str(tmp_path / "one.csv")
    cases = [
        ([one, str(tmp_path / "no_text.csv"), "--text-col", "text"], "unknown column 'text'"),
        ([one, str(tmp_path / "no_brand.csv"), "--group-col", "brand"], "unknown column 'brand'"),
        ([one, "--ray-address", "127.0.0.1:1"], "no Ray cluster answers"),
        ([one, "--workers", "4096"], "--workers is 4096, more than this machine's"),
    ]
    for args, message in cases:
        start = time.monotonic()
        res = runner.invoke(app, ["audit", *args, "--engine", "ray", "--out", str(tmp_path / "r")])
        lines = [line for line in res.output.splitlines() if line.strip()]
        assert res.exit_code == 2 and len(lines) == 1 and message in lines[0], (args, res.output)
        assert time.monotonic() - start < 30 and not ray_processes() and not (tmp_path / "r").exists()


def test_a_group_cell_arrow_read_as_null_is_refused_like_an_empty_one() -> None:
    from auditor.corpus import from_frame
    from auditor.errors import CorpusError

    frame = pd.DataFrame({"text": ["one text", "two texts"], "brand": pd.array(["a", pd.NA], dtype="string")})
    with pytest.raises(CorpusError, match="no value in column 'brand'"):
        from_frame(frame, group_col="brand")


@pytest.mark.ray
@pytest.mark.model
def test_ray_says_nothing_on_stderr_unless_verbose(tmp_path: Path) -> None:
    """Ray's own lines (execution plans, the token notice, a core worker's error-level log about
    actor restarts, deprecations) reach the terminal only with --verbose."""
    import subprocess

    pytest.importorskip("ray")
    path = tmp_path / "copy.csv"
    pd.read_csv(SAMPLE).head(60).to_csv(path, index=False)
    env = {**os.environ, "AUDITOR_CACHE_DIR": os.environ.get("AUDITOR_CACHE_DIR", str(tmp_path / "cache"))}
    args = [sys.executable, "-m", "auditor.cli", "audit", str(path), "--engine", "ray", "--workers", "1",
            "--out", str(tmp_path / "r"), "--clusters", "none", "--resamples", "0", "-q"]
    quiet = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == "" and quiet.stdout.startswith("report: ")
    loud = subprocess.run(args + ["--verbose"], capture_output=True, text=True, env=env, timeout=300)
    assert loud.returncode == 0 and "streaming_executor" in loud.stderr  # Ray Data's own execution lines
