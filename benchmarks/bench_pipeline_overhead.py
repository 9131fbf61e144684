"""Pipeline overhead over a bare SentenceTransformer.encode of the same texts, in one run.

Target: the embedding pipeline with the core metrics (corpus + hashing + cache lookup and write +
embed + core semantic metrics + HTML and JSON) costs under 15% more than bare encode() at 5,000
texts. Also printed: what the optional analyses of a full audit add on top (intervals, lexical
metrics, map and clusters), timed on the now-cached embeddings.

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

    def run(cache: str, out: str, **options) -> float:
        t0 = time.perf_counter()
        result = auditor.audit(texts, cache=cache, device="cpu", progress=False, **options)
        result.to_html(os.path.join(out, "r.html"))
        result.to_json(os.path.join(out, "r.json"))
        return time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
        core = run(cache, out, resamples=0, lexical=False, clusterer=None)
        extras = run(cache, out, reuse_results=False)
    print(f"texts: {args.n}")
    print(f"bare SentenceTransformer.encode:                 {bare:8.2f} s")
    print(f"auditor.audit, cold cache, core metrics + reports: {core:8.2f} s")
    print(f"overhead: {100 * (core - bare) / bare:+.1f}%  (target < 15%)")
    print(f"full audit on cached embeddings (200-half intervals, lexical metrics, map, clusters): "
          f"{extras:.2f} s, i.e. +{100 * extras / bare:.0f}% of the bare encode on top")


if __name__ == "__main__":
    main()
