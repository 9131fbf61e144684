"""Re-auditing a changed corpus whose embeddings are all cached, in a fresh process.

Target (issue 14): 2,000 texts, every embedding in the cache, a few texts changed (so the stored
result does not apply): ≤ 8 s end to end, with no JIT compilation after the first run on the
machine. Printed: the first (cold) run, the changed-corpus run, and its stages.

    python benchmarks/bench_changed_corpus.py [--n 2000] [--backend torch|onnx] [--netflix]

``--netflix``: Netflix blurbs from ``../shared/corpora`` instead of HC3 answers (issue 28 measures
both backends on them).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._texts import benchmark_texts, timed_audit as run, write_lines  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--netflix", action="store_true")
    args = parser.parse_args()
    if args.netflix:
        import pandas as pd

        path = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "netflix_blurbs" / "netflix_titles_2021.csv"
        texts = list(dict.fromkeys(pd.read_csv(path)["text"].astype(str)))[:args.n]
    else:
        texts = benchmark_texts(args.n, salt="changed")
    extra = ("--backend", args.backend)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "AUDITOR_CACHE_DIR": str(tmp / "cache")}
        cold = run(write_lines(tmp / "corpus.txt", texts), tmp / "r1", env, *extra)
        # the same texts in a new order, 5 of them dropped: every embedding cached, no stored result
        warm = run(write_lines(tmp / "changed.txt", texts[5:][::-1]), tmp / "r2", env, *extra)
        data = json.loads((tmp / "r2" / "changed.json").read_text())
    print(f"texts: {len(texts)} ({'Netflix blurbs' if args.netflix else 'HC3 answers'}), backend {args.backend}")
    print(f"first audit (embeds everything, compiles the map's code): {cold:7.1f} s")
    print(f"changed corpus, every embedding cached (fresh process):   {warm:7.1f} s  (target <= 8 s)")
    print(f"embedded {data['embedding']['n_embedded']}, from cache {data['embedding']['n_cached']}")
    print("steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in data["timings"].items()))


if __name__ == "__main__":
    main()
