"""Core semantic metrics on 1,000,000 random 384-d unit vectors: time and peak memory.

Target: under 30 s and under 3 GB peak resident memory (the vectors alone are 1.5 GB).
Nearest neighbours above 20,000 rows are estimated from 2,000 sampled queries searched against
all rows (exact per query); everything else is exact.

    python benchmarks/bench_metrics_1m.py [--n 1000000] [--d 384]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def unit_vectors(n: int, d: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    X = np.empty((n, d), dtype=np.float32)
    for start in range(0, n, 100_000):
        block = rng.standard_normal((min(100_000, n - start), d), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        X[start:start + len(block)] = block
    return X


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--d", type=int, default=384)
    args = parser.parse_args()
    from auditor.metrics.suite import semantic_suite

    X = unit_vectors(args.n, args.d)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    t0 = time.perf_counter()
    summary = semantic_suite(X)
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    print(f"vectors: {args.n:,} x {args.d} float32 ({X.nbytes / 1024 ** 3:.2f} GiB)")
    for key in ("mean_pairwise_similarity", "vendi_score", "effective_rank", "near_duplicate_rate"):
        print(f"  {key}: {summary.values[key]['value']:.6g}")
    print(f"time: {elapsed:.1f} s  (target < 30 s)")
    print(f"peak resident memory: {peak:.2f} GiB (after generating the vectors: {before:.2f} GiB; target < 3 GB)")


if __name__ == "__main__":
    main()
