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


def mixed_texts(n: int) -> list[str]:
    """Half Netflix blurbs, half HC3 answers (distinct texts, from ../shared), as a batch of new
    copy might mix short and long texts."""
    import pandas as pd

    shared = ROOT.parent / "shared" / "corpora"
    blurbs = list(dict.fromkeys(pd.read_csv(shared / "netflix_blurbs" / "netflix_titles_2021.csv")["text"]
                                .astype(str)))[:n // 2]
    answers: list[str] = []
    for name in ("hc3_open_qa", "hc3_medicine", "hc3_wiki_csai"):
        answers += [json.loads(line)["text"] for line in (shared / "hc3_en" / f"{name}.jsonl").open(encoding="utf-8")]
    return blurbs + list(dict.fromkeys(t for t in answers if t.strip()))[:n - len(blurbs)]


def write_jsonl(path: Path, texts: list[str]) -> Path:
    """``texts`` as a JSON-lines corpus (one ``{"text": …}`` per line, line breaks kept)."""
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    return path


def timed(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds ``cmd`` takes in a fresh process (its output discarded)."""
    import subprocess
    import time

    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


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
