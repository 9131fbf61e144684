"""The CI integrations: the GitHub Action's steps run here exactly as written in action.yml, and
the pre-commit hook runs from a clone of this repository through pre-commit itself."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
yaml = pytest.importorskip("yaml")
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
#: The only actions the composite action uses; on this machine they have nothing to do (Python
#: and auditor are installed; there is no cache service).
KNOWN_USES = ("actions/setup-python@", "actions/cache@")


def action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text())


def resolve(value: str, inputs: dict[str, str], outputs: dict[str, str]) -> str:
    """A step's ``${{ … }}`` expressions with the inputs and earlier step outputs."""
    def one(match: re.Match[str]) -> str:
        expression = match.group(1)
        if expression.startswith("inputs."):
            return inputs[expression[len("inputs."):]]
        if expression.startswith("steps."):
            _, step, _, name = expression.split(".")
            return outputs[f"{step}.{name}"]
        raise AssertionError(f"an expression this test cannot evaluate: {expression}")
    return EXPRESSION.sub(one, str(value))


def run_action(workspace: Path, given: dict[str, str], cache: Path) -> tuple[subprocess.CompletedProcess, dict, str]:
    """Every run step of action.yml in order, as the runner runs them; the last step's process,
    the step outputs, and the job summary."""
    spec = action()
    inputs = {name: str(entry.get("default", "")) for name, entry in spec["inputs"].items()}
    inputs.update(given)
    outputs: dict[str, str] = {}
    summary = workspace / "summary.md"
    summary.write_text("")
    proc = None
    for step in spec["runs"]["steps"]:
        if "uses" in step:
            assert step["uses"].startswith(KNOWN_USES), step["uses"]
            continue
        github_output = workspace / "github_output"
        github_output.write_text("")
        env = {**os.environ, "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_OUTPUT": str(github_output),
               "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_OS": "Linux", "HOME": str(workspace / "home"),
               "AUDITOR_CACHE_DIR": str(cache),
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        env.update({k: resolve(v, inputs, outputs) for k, v in (step.get("env") or {}).items()})
        proc = subprocess.run(["bash", "-c", step["run"]], cwd=workspace, env=env, capture_output=True, text=True,
                              timeout=600)
        for line in github_output.read_text().splitlines():
            name, _, value = line.partition("=")
            outputs[f"{step.get('id')}.{name}"] = value
        if proc.returncode != 0:
            break
    return proc, outputs, summary.read_text()


def test_the_action_passes_inputs_through_the_environment_only() -> None:
    spec = action()
    assert spec["runs"]["using"] == "composite"
    for step in spec["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], step["run"]  # no input is pasted into a script
            assert step["shell"] == "bash"
    cache = next(s for s in spec["runs"]["steps"] if str(s.get("uses", "")).startswith("actions/cache@"))
    assert cache["with"]["path"] == "~/.cache/auditor"  # where the check step keeps the export and embeddings
    assert 'AUDITOR_CACHE_DIR:-$HOME/.cache/auditor' in (ROOT / "scripts" / "action.sh").read_text()


@pytest.mark.model
def test_the_actions_steps_gate_a_batch_as_written(tmp_path: Path, session_cache: Path) -> None:
    workspace = tmp_path / "repo"
    shutil.copytree(ROOT / "sample_corpora" / "generated", workspace / "content" / "generated")
    proc, outputs, summary = run_action(workspace, {"path": "content/generated"}, session_cache)
    assert re.fullmatch(r"auditor-Linux-py3\.11-0\.1\.0-[0-9a-f]{16}-torch", outputs["key.key"])
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the template and its stock phrase fail
    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::error file=")]
    assert any("content/generated/kettle.md" in a for a in annotations)
    assert "### auditor check: failed" in summary and "| templates | ❌ fail |" in summary
    varied = workspace / "content" / "varied"
    varied.mkdir()
    for name in ("tide-clock", "rye-crispbread", "darning-kit", "field-notebook", "cast-iron-trivet", "beeswax-wraps"):
        shutil.copy(ROOT / "sample_corpora" / "generated" / f"{name}.md", varied)
    proc, _, summary = run_action(workspace, {"path": "content/varied"}, session_cache)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "### auditor check: passed" in summary


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}).stdout.strip()


@pytest.mark.model
def test_the_pre_commit_hook_runs_from_a_clone_of_this_repository(tmp_path: Path, session_cache: Path) -> None:
    pytest.importorskip("pre_commit")
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs this repository's git history and git")
    rev = git(ROOT, "rev-parse", "HEAD")
    if git(ROOT, "show", f"{rev}:.pre-commit-hooks.yaml") != (ROOT / ".pre-commit-hooks.yaml").read_text().strip():
        pytest.skip("the hook definition has uncommitted changes: pre-commit reads the committed one")
    repo = tmp_path / "site"
    shutil.copytree(ROOT / "sample_corpora" / "generated", repo / "generated")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT.as_posix()}\n    rev: {rev}\n    hooks:\n"
        f"      - id: auditor-check-system\n        args: [generated]\n")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "generated copy")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "AUDITOR_CACHE_DIR": str(session_cache),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "auditor check (content homogenization, installed auditor)" in proc.stdout and "Failed" in proc.stdout
    assert "FAIL templates" in proc.stdout and "generated/kettle.md:1" in proc.stdout
    for path in (repo / "generated").glob("*.md"):  # keep the six texts written by hand
        if "Elevate your everyday" in path.read_text():
            path.unlink()
    git(repo, "add", "-A")
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and "Passed" in proc.stdout, proc.stdout + proc.stderr
