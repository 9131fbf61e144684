"""`auditor check` on a 1,000-text batch: cold, warm (nothing changed), and after 20 texts changed.

Each run is a fresh process, as in CI with a restored embedding cache. Prints the times and how
many texts each run embedded (target: the re-check after 20 changes embeds exactly 20).

    python benchmarks/bench_check_incremental.py [--n 1000] [--changed 20]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._texts import benchmark_texts  # noqa: E402


def run(batch: Path, env: dict[str, str]) -> tuple[float, dict]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", "check", str(batch), "--format", "json"],
                          env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr)
    return elapsed, json.loads(proc.stdout)["embedding"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--changed", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "batch"
        batch.mkdir()
        for i, text in enumerate(benchmark_texts(args.n, "check")):
            (batch / f"text_{i:05d}.md").write_text(text, encoding="utf-8")
        env = {**os.environ, "AUDITOR_CACHE_DIR": str(Path(tmp) / "cache"), "HF_HUB_OFFLINE": "1"}
        cold, cold_emb = run(batch, env)
        warm, warm_emb = run(batch, env)
        for i in range(args.changed):
            path = batch / f"text_{i * (args.n // args.changed):05d}.md"
            path.write_text(path.read_text(encoding="utf-8") + " (revised)", encoding="utf-8")
        changed, changed_emb = run(batch, env)
    print(f"batch: {args.n} texts")
    print(f"cold check:                  {cold:7.2f} s, embedded {cold_emb['n_embedded']}")
    print(f"warm check, nothing changed: {warm:7.2f} s, embedded {warm_emb['n_embedded']}")
    print(f"warm check, {args.changed} changed:       {changed:7.2f} s, embedded {changed_emb['n_embedded']}")
    print(f"speed-up of the re-check: {cold / changed:.1f}x")


if __name__ == "__main__":
    main()
