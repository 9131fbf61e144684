"""Regenerate the README's printed examples: each ``<!-- output: NAME -->`` … ``<!-- /output -->``
block holds what the last ``auditor`` command above it prints, run exactly as written in a
temporary copy of the sample corpora (nothing in the checkout is written).

    .venv/bin/python scripts/readme_outputs.py          # rewrite README.md
    .venv/bin/python scripts/readme_outputs.py --check  # exit 1 when README.md differs
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"<!-- output: (?P<name>[\w-]+) -->\n```\n.*?```\n<!-- /output -->", re.S)
#: Options that change no printed figure, added to save time (the map is not printed).
FASTER = {"feed": ["--clusters", "none"], "quickstart": ["--clusters", "none"]}


def commands(readme: str) -> dict[str, str]:
    """Each output block's name and the last ``auditor`` command written above it."""
    found = {}
    for match in BLOCK.finditer(readme):
        above = [line.strip()[line.strip().index("auditor "):] for line in readme[:match.start()].splitlines()
                 if line.strip().startswith("auditor ") or ".venv/bin/auditor " in line]
        found[match["name"]] = above[-1]
    return found


def printed(name: str, stdout: str) -> list[str]:
    """The part of what a command prints that the README shows: the feed's own lines, else all."""
    lines = [line.rstrip() for line in stdout.splitlines()]
    if name == "feed":
        end = next(i for i, line in enumerate(lines) if line.startswith("The items shown: "))
        return lines[:end] + ["…"]
    return lines


def run(command: str, extra: list[str], workdir: Path) -> str:
    from typer.testing import CliRunner

    from auditor.cli import app

    here = os.getcwd()
    os.chdir(workdir)
    try:
        res = CliRunner().invoke(app, shlex.split(command)[1:] + extra)
    finally:
        os.chdir(here)
    if res.exit_code not in (0, 1):
        raise SystemExit(f"the README's command failed: {command}\n{res.output}")
    return res.stdout


def regenerated(readme: str) -> str:
    """The README with every output block replaced by what its command prints now."""
    outputs = {}
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "sample_corpora", Path(tmp) / "sample_corpora")
        for name, command in commands(readme).items():
            outputs[name] = printed(name, run(command, FASTER.get(name, []), Path(tmp)))

    def block(match: re.Match[str]) -> str:
        body = "\n".join(outputs[match["name"]]).rstrip()
        return f"<!-- output: {match['name']} -->\n```\n{body}\n```\n<!-- /output -->"

    return BLOCK.sub(block, readme)


def main() -> int:
    path = ROOT / "README.md"
    readme = path.read_text(encoding="utf-8")
    new = regenerated(readme)
    if "--check" in sys.argv:
        return 0 if new == readme else 1
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
