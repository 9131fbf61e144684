"""The full default audit against a bare encode of the same texts, each in a fresh process.

Targets (issues 14 and 28): on CPU at 10,000 texts, audit wall time ≤ 1.15× the bare encode of
the same backend (model load included on both sides; ``--backend onnx``: the encoder's own
``encode`` on the int8 export, built before the timing as it is once per machine); on a GPU
(``--device cuda``), ≤ 3× at 10,000 texts and ≤ 1.5× at 100,000. Also printed: the audit's own
seconds per step (its JSON ``timings``).

    python benchmarks/bench_audit_speed.py [--n 10000] [--device cpu|cuda] [--backend torch|onnx]
                                           [--texts hc3|mixed] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._texts import benchmark_texts, mixed_texts, timed, write_jsonl  # noqa: E402

BARE = """
import sys, json, os
from pathlib import Path
from auditor.embed.model import resolve_model
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
if sys.argv[3] == "onnx":
    from auditor.embed.onnx_backend import OnnxEncoder
    OnnxEncoder(resolve_model(None), Path(os.environ["AUDITOR_CACHE_DIR"])).encode(texts)
else:
    from sentence_transformers import SentenceTransformer
    model = SentenceTransformer(resolve_model(None).location, device=sys.argv[2])
    model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--backend", default="torch", choices=("torch", "onnx"))
    parser.add_argument("--repeat", type=int, default=1,
                        help="time each side this many times, alternating, and keep each side's fastest "
                             "(this machine's speed drifts by 5-20%% between runs)")
    parser.add_argument("--texts", default="hc3", choices=("hc3", "mixed"),
                        help="HC3 answers (salted copies beyond the corpus), or half Netflix blurbs, half HC3")
    args = parser.parse_args()
    texts = benchmark_texts(args.n, salt="speed") if args.texts == "hc3" else mixed_texts(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        lines = write_jsonl(tmp / "texts.jsonl", texts)
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "AUDITOR_CACHE_DIR": str(tmp / "cache")}
        common = ["--device", args.device, "--backend", args.backend]
        # numba compiles the map's code once per machine, the onnx export is built once: outside the timing
        subprocess.run([sys.executable, "-m", "auditor.cli", "audit", str(lines), "--out", str(tmp / "warm"),
                        "--sample", "50", "-q", *common], check=True, env=env, stdout=subprocess.DEVNULL)
        bares, audits, timings = [], [], {}
        for _ in range(max(1, args.repeat)):
            bares.append(timed([sys.executable, "-c", BARE, str(lines), args.device, args.backend], env))
            audits.append(timed([sys.executable, "-m", "auditor.cli", "audit", str(lines), "--out", str(tmp / "r"),
                                 "-q", "--no-cache", *common], env))
            if audits[-1] == min(audits):
                timings = json.loads((tmp / "r" / "texts.json").read_text())["timings"]
        bare, audit = min(bares), min(audits)
        if len(bares) > 1:
            print("each run (bare, audit): " + "; ".join(f"{b:.1f} s, {a:.1f} s" for b, a in zip(bares, audits)))
    print(f"texts: {args.n} ({args.texts}), device: {args.device}, backend: {args.backend}")
    print(f"bare encode of the backend (fresh process, model load included):      {bare:8.1f} s")
    print(f"auditor audit, full default (fresh process, no cache):                {audit:8.1f} s")
    print(f"ratio: {audit / bare:.2f}x  (targets: CPU 10k <= 1.15; GPU 10k <= 3, 100k <= 1.5)")
    print("steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))


if __name__ == "__main__":
    main()
