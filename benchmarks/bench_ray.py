"""The Ray Data engine at 1 and 2 workers on the same texts, and the cost of merging 1,000 states.

    python benchmarks/bench_ray.py [--n 1000] [--states 1000] [--skip-ray] [--skip-merge]

Ray: `auditor audit a.csv b.csv --engine ray --workers W` in a fresh process each (Ray start,
model load per actor, embedding, states, typicality pass and report included), real default
model, every embedding cache off. Merge: 1,000 state files of 20 texts each (a fast stand-in
encoder, 384 dimensions), read and merged as `auditor merge` does, then audited.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._texts import benchmark_texts  # noqa: E402


class StandIn:
    """384-d random projection of word hashes: fast, deterministic, no model."""

    name, revision = "stand-in", "1"

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split()[:64]:
                out[i] += np.random.default_rng(zlib.crc32(word.encode())).standard_normal(384)
        return out


def bench_ray(n: int) -> None:
    texts = benchmark_texts(n, salt="ray")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = [tmp / "a.csv", tmp / "b.csv"]
        pd.DataFrame({"text": texts[: n // 2]}).to_csv(files[0], index=False)
        pd.DataFrame({"text": texts[n // 2:]}).to_csv(files[1], index=False)
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "RAY_USAGE_STATS_ENABLED": "0"}
        seconds = {}
        for workers in (1, 2):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "auditor.cli", "audit", *map(str, files), "--engine", "ray",
                            "--workers", str(workers), "--no-cache", "--out", str(tmp / f"r{workers}"), "-q"],
                           check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            seconds[workers] = time.perf_counter() - t0
    print(f"Ray engine, {n:,} texts, real model: 1 worker {seconds[1]:.1f} s, 2 workers {seconds[2]:.1f} s "
          f"(2 workers take {seconds[2] / seconds[1]:.2f}x the time of 1)")


def bench_merge(n_states: int, per_state: int = 20) -> None:
    from auditor.embed import Embedder
    from auditor.states import audit_state, merge_states, read_state, shard_state, write_state

    texts = benchmark_texts(n_states * per_state, salt="merge")
    embedder = Embedder(StandIn(), cache=False)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for k in range(n_states):
            state = shard_state(texts[k * per_state:(k + 1) * per_state], embedder=embedder)
            paths.append(write_state(state, Path(tmp) / f"s{k:04d}.auditor-state"))
        size = sum(p.stat().st_size for p in paths)
        t0 = time.perf_counter()
        states = [read_state(p) for p in paths]
        t1 = time.perf_counter()
        merged = merge_states(states)
        t2 = time.perf_counter()
        audit_state(merged, clusterer=None)
        t3 = time.perf_counter()
    print(f"{n_states:,} states of {per_state} texts ({size / 2**20:.0f} MiB on disk): read {t1 - t0:.1f} s, "
          f"merge {t2 - t1:.1f} s ({(t2 - t1) / n_states * 1000:.1f} ms per state), audit of the merged sample "
          f"({len(merged.sample):,} texts, no map) {t3 - t2:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--states", type=int, default=1000)
    parser.add_argument("--skip-ray", action="store_true")
    parser.add_argument("--skip-merge", action="store_true")
    args = parser.parse_args()
    if not args.skip_merge:
        bench_merge(args.states)
    if not args.skip_ray:
        bench_ray(args.n)


if __name__ == "__main__":
    main()
