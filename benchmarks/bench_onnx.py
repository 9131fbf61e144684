"""The ONNX int8 backend against torch fp32: speed, agreement, and `auditor check` of 10,000 texts.

Targets (issue 28), on this 2-core machine:
- encode throughput of the onnx backend ≥ 3× torch fp32 on 3,000 Netflix blurbs, model load
  included (fresh processes; the export is built before the timing, as it is once per machine);
- agreement on the shared corpora: per-text cosine between the backends' vectors mean ≥ 0.99 and
  min ≥ 0.97; the verdict level identical; near-duplicate decisions agree on ≥ 95% of texts;
  calibrated mean pairwise similarity within 0.01;
- `auditor check` of 10,000 new texts (Netflix + HC3) with the onnx backend ≤ 90 s and ≤ 0.5× a
  bare torch fp32 encode of the same texts.

    python benchmarks/bench_onnx.py [--skip-check | --only-check]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
sys.path.insert(0, str(ROOT))

from benchmarks._texts import mixed_texts, timed, write_jsonl  # noqa: E402

ENCODE = """
import sys, json, time
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
if sys.argv[2] == "torch":
    from sentence_transformers import SentenceTransformer
    from auditor.embed.model import resolve_model
    model = SentenceTransformer(resolve_model(None).location, device="cpu")
    model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
else:
    from pathlib import Path
    from auditor.embed.model import resolve_model
    from auditor.embed.onnx_backend import OnnxEncoder
    OnnxEncoder(resolve_model(None), Path(sys.argv[3])).encode(texts)
"""


def corpora() -> dict[str, list[str]]:
    """The shared corpora (first 1,500 texts of each), skipping any that is absent."""
    import pandas as pd

    found = {}
    netflix = SHARED / "netflix_blurbs" / "netflix_titles_2021.csv"
    if netflix.exists():
        found["netflix"] = pd.read_csv(netflix)["text"].astype(str).tolist()[:1500]
    for name in ("hc3_open_qa", "hc3_medicine", "hc3_wiki_csai"):
        path = SHARED / "hc3_en" / f"{name}.jsonl"
        if path.exists():
            found[name] = [json.loads(line)["text"] for line in path.open(encoding="utf-8")][:1500]
    bias = SHARED / "gpt_detector_bias" / "liang2023_human_vs_gpt.jsonl"
    if bias.exists():
        found["gpt_detector_bias"] = [json.loads(line)["text"] for line in bias.open(encoding="utf-8")][:925]
    sotu = SHARED / "sotu"
    if sotu.exists():
        files = sorted(sotu.glob("*.csv")) + sorted(sotu.glob("*.jsonl"))
        if files:
            path = files[0]
            texts = (pd.read_csv(path)["text"].astype(str).tolist() if path.suffix == ".csv"
                     else [json.loads(line)["text"] for line in path.open(encoding="utf-8")])
            found["sotu"] = texts
    return found


def agreement(cache: Path) -> None:
    import auditor
    from auditor.metrics.neighbors import near_duplicate_scan

    for name, texts in corpora().items():
        found = {}
        for backend in ("torch", "onnx"):
            found[backend] = auditor.audit(texts, backend=backend, clusterer=None, resamples=0, cache=str(cache),
                                           lexical=False)
        a, b = found["torch"], found["onnx"]
        cos = np.sum(a.embeddings * b.embeddings, axis=1)
        da = near_duplicate_scan(a.embeddings, a.near_duplicates).duplicate
        db = near_duplicate_scan(b.embeddings, b.near_duplicates).duplicate
        ca, cb = (r.verdict["scale"]["above_floor"] for r in (a, b))
        print(f"{name:>18}: {len(texts):5d} texts; cosine mean {cos.mean():.4f} min {cos.min():.4f}; "
              f"verdict {a.verdict['level']} / {b.verdict['level']}; near-duplicate decisions agree "
              f"{np.mean(da == db):.1%}; calibrated MPS {ca:.4f} / {cb:.4f} (diff {abs(ca - cb):.4f})")


def check_speed(tmp: Path, env: dict[str, str]) -> None:
    texts = mixed_texts(10_000)
    lines = tmp / "check.jsonl"
    write_jsonl(lines, texts)
    bare = timed([sys.executable, "-c", ENCODE, str(lines), "torch"], env)
    cache = tmp / "check-cache"
    warm = [sys.executable, "-c", "import sys; from pathlib import Path; from auditor.embed.model import "
                       "resolve_model; from auditor.embed.onnx_backend import OnnxEncoder; "
                       "OnnxEncoder(resolve_model(None), Path(sys.argv[1])).encode(['warm'])", str(cache)]
    subprocess.run(warm, check=True, env=env)  # the export is built once per machine
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "auditor.cli", "check", str(lines), "--backend", "onnx",
                           "--format", "text"], env={**env, "AUDITOR_CACHE_DIR": str(cache)},
                          stdout=subprocess.DEVNULL)
    check = time.perf_counter() - t0
    if done.returncode not in (0, 1):  # 1: a rule failed, which is an answer
        raise SystemExit(f"auditor check failed with exit {done.returncode}")
    print(f"check of {len(texts):,} new texts (Netflix + HC3), onnx: {check:.1f} s (target 90 s); "
          f"bare torch encode {bare:.1f} s; "
          f"ratio {check / bare:.2f}x (target <= 0.5)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-check", action="store_true")
    parser.add_argument("--only-check", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "AUDITOR_CACHE_DIR": str(tmp / "cache")}
        from auditor.embed.model import resolve_model
        from auditor.embed.onnx_backend import OnnxEncoder

        if args.only_check:
            return check_speed(tmp, env)
        OnnxEncoder(resolve_model(None), tmp / "cache").encode(["warm the export"])  # once per machine
        blurbs = corpora().get("netflix")
        if blurbs is None:
            raise SystemExit("../shared/corpora/netflix_blurbs is absent")
        lines = tmp / "blurbs.jsonl"
        import pandas as pd

        write_jsonl(lines, pd.read_csv(SHARED / "netflix_blurbs" / "netflix_titles_2021.csv")["text"].astype(str)
                    .tolist()[:3000])
        torch_s = timed([sys.executable, "-c", ENCODE, str(lines), "torch"], env)
        onnx_s = timed([sys.executable, "-c", ENCODE, str(lines), "onnx", str(tmp / "cache")], env)
        print(f"encode 3,000 Netflix blurbs (fresh process, load included): torch fp32 {torch_s:.1f} s, "
              f"onnx int8 {onnx_s:.1f} s: {torch_s / onnx_s:.2f}x (target >= 3)")
        agreement(tmp / "cache")
        if not args.skip_check:
            check_speed(tmp, env)


if __name__ == "__main__":
    main()
