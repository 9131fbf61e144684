"""Time and peak memory of the feed audit of a large exposure log, with a fast stand-in encoder
(no model), through the Python API, in a fresh process.

Target (issue 24): 1,000,000 exposures (100,000 users, 50,000 items, 12 months, two cohorts) in
≤ 3 minutes with peak RSS ≤ 3 GiB. The items' audit runs without map and clusters (the feed
figures are the subject); the feed section's own time is printed beside the total.

    python benchmarks/bench_feed.py [--exposures 1000000 --users 100000 --items 50000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

ONE = r"""
import json, resource, sys, time
import numpy as np
import pandas as pd
from auditor.feed import audit_feed

class StandIn:
    '''384-d vectors: a topic direction plus each text's own noise (items of a topic sit close).'''
    name, revision = "stand-in-feed", "1"
    def encode(self, texts):
        rng = np.random.default_rng(0)
        topics = rng.standard_normal((20, 384)).astype(np.float32)
        out = np.empty((len(texts), 384), dtype=np.float32)
        for i, t in enumerate(texts):
            words = t.split()
            if words[0] == "topic":  # an item: its topic and its own noise
                out[i] = topics[int(words[1])] + np.random.default_rng(int(words[3])).standard_normal(384)
            else:  # a calibration text: noise of its own
                out[i] = np.random.default_rng(abs(hash(t)) % 2**32).standard_normal(384)
        return out

n, users, items = (int(x) for x in sys.argv[1:4])
rng = np.random.default_rng(1)
texts = np.array([f"topic {i % 20} item {i} about things" for i in range(items)], dtype=object)
user = rng.integers(0, users, n)
log = pd.DataFrame({"user": user.astype(str), "item": rng.integers(0, items, n).astype(str),
                    "date": (pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")).astype(str),
                    "cohort": np.where(user % 2 == 0, "A", "B")})
catalog = pd.DataFrame({"item": np.arange(items).astype(str), "text": texts})
t0 = time.perf_counter()
result = audit_feed(log, user_col="user", item_col="item", catalog=catalog, time_col="date", group_col="cohort",
                    freq="month", embedder=StandIn(), clusterer=None, cache=False, progress=False)
total = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
feed = result.data["feed"]
print(json.dumps({"n": n, "total": total, "peak_gib": peak, "timings": result.data["timings"],
                  "n_users": feed["n_users"], "n_items": feed["n_items"]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--exposures", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=50_000)
    args = parser.parse_args()
    out = subprocess.run([sys.executable, "-c", ONE, str(args.exposures), str(args.users), str(args.items)],
                         capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    if out.returncode != 0:
        sys.exit(out.stderr)
    row = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{row['n']:,} exposures, {row['n_users']:,} users, {row['n_items']:,} items: total {row['total']:.1f} s "
          f"(target ≤ 180 s: {row['total'] / 180:.2f}x of it), peak RSS {row['peak_gib']:.2f} GiB "
          f"(target ≤ 3 GiB: {row['peak_gib'] / 3:.2f}x of it)")
    print("  " + ", ".join(f"{k} {v:.1f} s" for k, v in row["timings"].items()))


if __name__ == "__main__":
    main()
