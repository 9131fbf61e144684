"""Selection: each strategy's figures and time side by side on real blurbs (so the default is chosen
on evidence), and the time and peak memory of choosing 1,000 of 100,000 texts with a stand-in
encoder, each in a fresh process.

Target (issue 25): 1,000 of 100,000 texts in ≤ 30 s and ≤ 2 GiB (the selection and every figure).

    python benchmarks/bench_select.py [--real 3000 7787 --k 100 1000] [--scale 100000 --scale-k 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NETFLIX = ROOT.parent / "shared" / "corpora" / "netflix_blurbs" / "netflix_titles_2021.csv"
STRATEGIES = ("dpp", "mmr", "msd", "ssd", "cover")

ONE = r"""
import json, resource, sys, time
import numpy as np
import pandas as pd
import auditor

class StandIn:
    '''384-d vectors: the sum of each word's fixed random vector (texts sharing words sit close).'''
    name, revision = "stand-in-select", "1"
    table = np.random.default_rng(7).standard_normal((400, 384)).astype(np.float32)
    def encode(self, texts):
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, t in enumerate(texts):
            words = t.split()
            if words[0].startswith("w") and words[0][1:].isdigit():
                out[i] = self.table[[int(w[1:]) for w in words]].sum(axis=0)
            else:  # a calibration text
                out[i] = np.random.default_rng(abs(hash(t)) % 2**32).standard_normal(384)
        return out

mode, strategy, n, k, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
if mode == "real":
    texts = pd.read_csv(path, dtype=str, keep_default_na=False)["text"].iloc[:n].tolist()
    embedder = None
else:
    rng = np.random.default_rng(0)
    words = np.array([f"w{i}" for i in range(400)])
    texts = [" ".join(rng.choice(words, size=rng.integers(6, 12))) for _ in range(n)]
    embedder = StandIn()
t0 = time.perf_counter()
from auditor.progress import StepTimer
timer = StepTimer()
chosen = auditor.select(texts, k, strategy=strategy, embedder=embedder, progress=False, reporter=timer)
total = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
print(json.dumps({"strategy": strategy, "n": n, "k": k, "total": total, "peak_gib": peak, "timings": timer.timings,
                  "figures": chosen.as_dict()["figures"], "closest_pair": float(np.nanmax(chosen.nearest))}))
"""


def run(mode: str, strategy: str, n: int, k: int) -> dict:
    out = subprocess.run([sys.executable, "-c", ONE, mode, strategy, str(n), str(k), str(NETFLIX)],
                         capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    if out.returncode != 0:
        sys.exit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--real", type=int, nargs="*", default=[3000, 7787])
    parser.add_argument("--k", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--scale-k", type=int, default=1000)
    args = parser.parse_args()
    for n, k in zip(args.real, args.k):
        if not NETFLIX.exists():
            print(f"{NETFLIX} is absent: the strategy comparison on real blurbs is skipped")
            break
        print(f"{k} of {n:,} Netflix blurbs (default model; embeddings cached after the first run):")
        print(f"  {'strategy':<9} {'similarity':>10} {'vendi/text':>10} {'near-dup':>9} {'closest pair':>12} "
              f"{'random less alike':>18} {'time':>7}")
        for strategy in STRATEGIES:
            row = run("real", strategy, n, k)
            after = row["figures"]["after"]
            print(f"  {strategy:<9} {after['calibrated_similarity']:>10.3f} {after['vendi_per_text']:>10.3f} "
                  f"{after['near_duplicate_rate']:>9.3f} {row['closest_pair']:>12.3f} "
                  f"{row['figures']['share_of_random_subsets_more_varied']:>18.1%} {row['total']:>6.1f}s")
        random = row["figures"]["random"]
        print(f"  {'random':<9} {random['calibrated_similarity']:>10.3f} {random['vendi_per_text']:>10.3f} "
              f"{random['near_duplicate_rate']:>9.3f}")
    print(f"{args.scale_k:,} of {args.scale:,} texts (stand-in encoder):")
    for strategy in ("dpp", "mmr"):
        row = run("scale", strategy, args.scale, args.scale_k)
        print(f"  {strategy:<5} {row['total']:6.1f} s (select {row['timings'].get('select', 0):.1f} s, figures "
              f"{row['timings'].get('figures', 0):.1f} s) ({row['total'] / 30:.2f}x the 30 s target), peak RSS "
              f"{row['peak_gib']:.2f} GiB ({row['peak_gib'] / 2:.2f}x the 2 GiB target)")


if __name__ == "__main__":
    main()
