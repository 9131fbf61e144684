"""Regenerate the printed example of the README's feed command (between the feed-output markers):
run the command exactly as the README shows it and keep the feed's lines of what it prints.

    .venv/bin/python scripts/readme_feed_output.py          # rewrite README.md
    .venv/bin/python scripts/readme_feed_output.py --check  # exit 1 when README.md differs
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- feed-output -->", "<!-- /feed-output -->"


def readme_command(readme: str) -> str:
    """The one ``auditor feed`` command of the README's feeds section."""
    section = readme.split("### Personalised feeds")[1].split("\n### ")[0]
    [command] = [line.strip() for line in section.splitlines() if line.strip().startswith("auditor feed ")]
    return command


def feed_lines(printed: str) -> list[str]:
    """The feed's part of what the command prints: the headline and the figures."""
    lines = printed.splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("The items shown: "))
    return [line.rstrip() for line in lines[:end]] + ["…"]


def run(command: str, extra: list[str]) -> str:
    from typer.testing import CliRunner

    from auditor.cli import app

    res = CliRunner().invoke(app, shlex.split(command)[1:] + extra)
    if res.exit_code != 0:
        raise SystemExit(f"the README's feed command failed: {res.output}")
    return res.stdout


def block(lines: list[str]) -> str:
    return f"{START}\n```\n" + "\n".join(lines).rstrip() + f"\n```\n{END}"


def main() -> int:
    import os
    import tempfile

    readme_path = ROOT / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    command = readme_command(readme)
    with tempfile.TemporaryDirectory() as out:
        os.chdir(ROOT)
        printed = run(command, ["--out", out, "--clusters", "none"])  # the map changes no feed figure
    new = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block(feed_lines(printed)), readme, flags=re.S)
    if "--check" in sys.argv:
        return 0 if new == readme else 1
    readme_path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
