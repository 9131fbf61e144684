"""Cold versus warm (cached) `auditor audit` of the same corpus, as a user runs it.

Target: the warm re-run is at least 10 times faster than the cold run. Each run is a fresh
process, so the cold time includes loading the model and the warm time every import. Also timed:
a warm run with --recompute, which reuses the cached embeddings but recomputes every metric,
interval, the map and the clusters.

    python benchmarks/bench_warm_rerun.py [--n 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._texts import benchmark_texts, timed_audit as run, write_lines  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        corpus = write_lines(tmp_path / "corpus.txt", benchmark_texts(args.n, "w"))
        env = {**os.environ, "AUDITOR_CACHE_DIR": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
        cold = run(corpus, tmp_path / "out", env)
        warm = min(run(corpus, tmp_path / "out", env) for _ in range(3))
        recompute = run(corpus, tmp_path / "out", env, "--recompute")
    print(f"texts: {args.n}")
    print(f"cold run: {cold:7.2f} s")
    print(f"warm run: {warm:7.2f} s (best of 3)")
    print(f"speed-up: {cold / warm:.1f}x  (target >= 10x)")
    print(f"warm run with --recompute (cached embeddings, every metric recomputed): {recompute:7.2f} s "
          f"({cold / recompute:.1f}x)")


if __name__ == "__main__":
    main()
