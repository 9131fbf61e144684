"""Peak memory and time of the full default audit at scale, with a fast stand-in encoder (no
model), through the Python API; each size in a fresh process.

Targets (issue 14): 1,000,000 short texts complete with peak RSS ≤ 6 GiB, 100,000 with ≤ 1.5 GiB;
the time after embedding (the extras) grows no faster than about linearly from 10,000 to 100,000.

    python benchmarks/bench_scale_memory.py [--sizes 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ONE = r"""
import json, resource, sys, time
import numpy as np
import auditor

class StandIn:
    '''384-d vectors from a seeded hash of each text's words: near-duplicate texts stay close.'''
    name, revision = "stand-in", "1"
    def encode(self, texts):
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.split()[:12]:
                out[i] += np.random.default_rng(abs(hash(w)) % 2**32).standard_normal(384).astype(np.float32)
        return out

n = int(sys.argv[1])
rng = np.random.default_rng(0)
words = np.array("the a new bright warm light lamp desk chair coat wool rain city home office "
                 "quiet strong soft quick easy great simple modern classic daily".split())
texts = [" ".join(rng.choice(words, size=rng.integers(5, 12))) + f" {i}" for i in range(n)]
t0 = time.perf_counter()
result = auditor.audit(texts, embedder=StandIn(), cache=False, progress=False)
total = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
print(json.dumps({"n": n, "total": total, "embed": result.data["timings"]["embed"], "peak_gib": peak,
                  "timings": result.data["timings"]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, "-c", ONE, str(n)], check=True, capture_output=True, text=True,
                             env={**os.environ, "HF_HUB_OFFLINE": "1"})
        row = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(row)
        extras = row["total"] - row["embed"]
        print(f"{n:>9,} texts: total {row['total']:8.1f} s, extras {extras:8.1f} s, peak RSS {row['peak_gib']:.2f} GiB")
        print("           " + ", ".join(f"{k} {v:.1f}" for k, v in row["timings"].items()))
    by_n = {r["n"]: r["total"] - r["embed"] for r in rows}
    if 10_000 in by_n and 100_000 in by_n:
        print(f"extras 100k / 10k: {by_n[100_000] / by_n[10_000]:.1f}x for 10x the texts (target: about 10x or less)")


if __name__ == "__main__":
    main()
