"""Pipeline overhead over a bare SentenceTransformer.encode of the same texts, in one run.

Target: the full cold audit (load + hash + cache lookup and write + embed + every metric + HTML and
JSON rendering) costs under 15% more than bare encode() at 5,000 texts.

    python benchmarks/bench_pipeline_overhead.py [--n 5000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks._texts import benchmark_texts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    args = parser.parse_args()
    import auditor
    from auditor.embed import Embedder

    texts = benchmark_texts(args.n)
    embedder = Embedder(cache=False, device="cpu")
    model = embedder._load()  # load once: both timings exclude model loading
    model.encode(texts[:64], batch_size=64)  # warm-up

    t0 = time.perf_counter()
    model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    bare = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        result = auditor.audit(texts, cache=cache, device="cpu", progress=False)
        result.to_html(os.path.join(out, "r.html"))
        result.to_json(os.path.join(out, "r.json"))
        full = time.perf_counter() - t0
    print(f"texts: {args.n}")
    print(f"bare SentenceTransformer.encode: {bare:8.2f} s")
    print(f"auditor.audit (cold cache) + reports: {full:8.2f} s")
    print(f"overhead: {100 * (full - bare) / bare:+.1f}%  (target < 15%)")


if __name__ == "__main__":
    main()
