"""Benchmark texts: real corpora from ../shared when present, else the bundled sample, repeated
with numbered variations (so every text is distinct and nothing is cached by accident)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HC3 = ROOT.parent / "shared" / "corpora" / "hc3_en"


def benchmark_texts(n: int, salt: str = "") -> list[str]:
    """``n`` distinct texts of realistic length."""
    base: list[str] = []
    if HC3.exists():
        for path in sorted(HC3.glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                text = json.loads(line)["text"]
                if text.strip():
                    base.append(text)
    else:
        import csv

        with (ROOT / "sample_corpora" / "brand_copy.csv").open(encoding="utf-8") as fh:
            base = [row["text"] for row in csv.DictReader(fh)]
    out = []
    for i in range(n):
        text = base[i % len(base)]
        round_ = i // len(base)
        out.append(text if round_ == 0 and not salt else f"{text} ({salt}{round_}-{i})")
    return out


def write_lines(path: Path, texts: list[str]) -> Path:
    """``texts`` as a one-text-per-line corpus file (line breaks inside a text become spaces)."""
    path.write_text("\n".join(t.replace("\n", " ") for t in texts) + "\n", encoding="utf-8")
    return path


def timed_audit(path: Path, out: Path, env: dict[str, str], *extra: str) -> float:
    """Seconds for `auditor audit PATH --out OUT -q EXTRA…` in a fresh process."""
    import subprocess
    import sys
    import time

    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "auditor.cli", "audit", str(path), "--out", str(out), "-q", *extra],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0
