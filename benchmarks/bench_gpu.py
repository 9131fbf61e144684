"""The GPU end to end, in one run (issue 28): prints every figure the issue asks for.

- reduced precision: a bare encode of 10,000 texts in fp32, fp16 and bf16 (length-sorted batches,
  as sentence-transformers sorts them), the time of each and the per-text cosine with fp32
  (agreement targets: mean ≥ 0.99, min ≥ 0.97);
- the full audit against a bare GPU encode of the same texts at 10,000 (≤ 3×) and 100,000 (≤ 1.5×),
  fresh processes (``benchmarks/bench_audit_speed.py --device cuda``);
- the metrics on CUDA equal those on the CPU to 1e-5 (the same cached vectors audited twice).

    python benchmarks/bench_gpu.py            # needs an NVIDIA GPU and a CUDA build of torch
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def precision(texts: list[str]) -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    from auditor.embed.model import resolve_model

    location = resolve_model(None).location
    found = {}
    for name, dtype in (("fp32", torch.float32), ("fp16", torch.float16), ("bf16", torch.bfloat16)):
        model = SentenceTransformer(location, device="cuda").to(dtype)
        model.encode(texts[:256], batch_size=256)  # warm the kernels
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        vectors = model.encode(texts, batch_size=256, normalize_embeddings=True, convert_to_numpy=True)
        torch.cuda.synchronize()
        found[name] = (time.perf_counter() - t0, np.asarray(vectors, dtype=np.float64))
    for name, (seconds, vectors) in found.items():
        cos = np.sum(vectors * found["fp32"][1], axis=1)
        print(f"{name}: {len(texts)} texts in {seconds:.2f} s; cosine with fp32 mean {cos.mean():.5f} min {cos.min():.5f}")


def cuda_equals_cpu(texts: list[str]) -> None:
    import auditor

    with tempfile.TemporaryDirectory() as cache:
        on = {d: auditor.audit(texts, device=d, clusterer=None, cache=cache, resamples=50) for d in ("cuda", "cpu")}
    worst = max(abs(on["cuda"].metrics[m]["value"] - on["cpu"].metrics[m]["value"]) for m in on["cpu"].metrics)
    print(f"metrics on CUDA vs CPU ({len(texts)} texts): largest difference {worst:.2e} (target <= 1e-5)")


def main() -> None:
    import torch

    if not torch.cuda.is_available():
        raise SystemExit("no CUDA device: this benchmark needs an NVIDIA GPU")
    from benchmarks._texts import benchmark_texts

    texts = benchmark_texts(10_000, salt="gpu")
    precision(texts)
    cuda_equals_cpu(texts[:5000])
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    for n in (10_000, 100_000):
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_audit_speed.py"), "--n", str(n),
                        "--device", "cuda"], check=True, env=env)


if __name__ == "__main__":
    main()
