"""Our lexical suite and Vendi score against the reference implementations, same inputs, one run.

Targets: our full lexical suite >= 10x faster than the references' equivalent calls on 2,000
texts; our Vendi score >= 20x faster than vendi_score.score_K at N = 5,000.

The reference ROUGE-L homogenization compares every ordered pair with rouge_score (4 million
calls at N = 2,000: hours), so it is timed on the first 200 texts and scaled by the pair count;
ours is timed both ways: exact on those 200, and as the suite runs it at 2,000 (20,000 sampled
pairs).  Needs the references: bash scripts/setup.sh.

    python benchmarks/bench_vs_reference.py [--n 2000] [--vendi-n 5000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks._texts import benchmark_texts  # noqa: E402


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--rouge-n", type=int, default=200)
    parser.add_argument("--vendi-n", type=int, default=5000)
    args = parser.parse_args()
    import pytest  # noqa: F401  (the loader below skips through pytest when a reference is missing)

    from tests.reference import diversity_module, vendi_module
    from auditor.metrics import vendi_score
    from auditor.metrics.lexical import compression_ratio, homogenization_rouge_l, ngram_diversity
    from auditor.metrics.lexical import self_repetition
    from auditor.metrics.lexical_suite import lexical_suite

    texts = [t.replace("\n", " ") for t in benchmark_texts(args.n)]
    comp = diversity_module("compression")
    ngram = diversity_module("ngram_diversity")
    selfrep = diversity_module("self_repetition")
    homog = diversity_module("homogenization")

    ref = {}
    ref["compression gzip"], _ = timed(comp.compression_ratio, texts, "gzip")
    ref["compression xz"], _ = timed(comp.compression_ratio, texts, "xz")
    ref["ngram diversity"], _ = timed(ngram.ngram_diversity_score, texts, 4)
    ref["self-repetition"], _ = timed(selfrep.self_repetition_score, texts, verbose=False)
    small = texts[: args.rouge_n]
    ref_rouge_small, ref_value = timed(homog.homogenization_score, small, "rougel", verbose=False)
    scale = (args.n * (args.n - 1)) / (args.rouge_n * (args.rouge_n - 1))
    ref["homogenization (scaled)"] = ref_rouge_small * scale
    ours_rouge_small, our_value = timed(homogenization_rouge_l, small)
    ours = {
        "compression gzip": timed(compression_ratio, texts, "gzip")[0],
        "compression xz": timed(compression_ratio, texts, "xz")[0],
        "ngram diversity": timed(ngram_diversity, texts)[0],
        "self-repetition": timed(self_repetition, texts)[0],
        "homogenization (scaled)": timed(homogenization_rouge_l, texts, 20_000)[0],  # 20k sampled pairs
    }
    ours_suite, _ = timed(lexical_suite, texts)

    print(f"lexical metrics on {args.n:,} texts")
    for name, seconds in ref.items():
        print(f"  reference {name:26s} {seconds:9.2f} s   ours {ours[name]:7.2f} s"
              f"   ({seconds / ours[name]:.1f}x)")
    ref_total = sum(ref.values())
    print(f"  reference total                      {ref_total:9.2f} s")
    print(f"  ours, full lexical suite             {ours_suite:9.2f} s   (ROUGE-L on 20,000 sampled pairs,"
          " plus distinct-1..4 and stock phrases)")
    print(f"  speed-up, suite vs references: {ref_total / ours_suite:.0f}x  (target >= 10x)")
    print(f"ROUGE-L homogenization, exact, on {args.rouge_n} texts: reference {ref_rouge_small:.2f} s "
          f"({ref_value}), ours {ours_rouge_small:.2f} s ({our_value:.3f}): {ref_rouge_small / ours_rouge_small:.0f}x")

    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.vendi_n, 384)).astype(np.float32) + 0.2
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    vendi_ref = vendi_module()
    t_ours, v_ours = timed(vendi_score, X)
    t_ref, v_ref = timed(lambda: vendi_ref.score_K(X.astype(np.float64) @ X.astype(np.float64).T))
    print(f"Vendi score at N = {args.vendi_n:,}: ours {t_ours:.3f} s ({v_ours:.4f}), "
          f"score_K {t_ref:.2f} s ({v_ref:.4f}): {t_ref / t_ours:.0f}x  (target >= 20x)")


if __name__ == "__main__":
    main()
