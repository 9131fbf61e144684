"""The cost of language identification, of tokenising for scripts without spaces and of the stock
phrases per language, at 10,000 texts (HC3 answers from ../shared, or the bundled sample repeated,
plus Japanese and Chinese texts).

    python benchmarks/bench_languages.py [--n 10000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._texts import benchmark_texts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    from auditor.calibration.texts import TEXTS
    from auditor.corpus.language import _identifier, detect, detect_cached
    from auditor.embed.cache import EmbeddingCache
    from auditor.metrics.tokens import rouge_tokens, words

    english = benchmark_texts(args.n, salt="lang")
    cjk = [f"{t}（{i}）" for i in range(args.n) for t in (TEXTS["ja"][i % 24], TEXTS["zh"][i % 24])][: args.n]
    t0 = time.perf_counter()
    _identifier()
    load = time.perf_counter() - t0
    for name, texts in (("English (HC3 answers)", english), ("Japanese and Chinese", cjk)):
        t0 = time.perf_counter()
        detect(texts)
        identify = time.perf_counter() - t0
        t0 = time.perf_counter()
        for text in texts:
            words(text)
            rouge_tokens(text)
        tokenise = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            cache = EmbeddingCache(tmp)
            detect_cached(texts, cache)
            t0 = time.perf_counter()
            detect_cached(texts, cache)
            cached = time.perf_counter() - t0
        print(f"{name}, {len(texts):,} texts: identify {identify:.2f} s ({identify / len(texts) * 1e3:.3f} ms a text), "
              f"from the cache {cached:.2f} s, tokenise {tokenise:.2f} s")
    print(f"identifier model load: {load:.2f} s (once per process)")
    from auditor.metrics.phrases import phrase_lengths, repeated_phrases

    half = args.n // 2
    mixed = {"en": english[:half], "ja": cjk[:half][0::2], "zh": cjk[:half][1::2]}
    t0 = time.perf_counter()
    repeated_phrases([t for texts in mixed.values() for t in texts])
    whole = time.perf_counter() - t0
    t0 = time.perf_counter()
    for code, texts in mixed.items():
        low, high = phrase_lengths(code)
        repeated_phrases(texts, min_n=low, max_n=high, top=15)
    apart = time.perf_counter() - t0
    print(f"stock phrases of {sum(map(len, mixed.values())):,} texts (en, ja, zh): the whole corpus {whole:.2f} s, "
          f"each language on its own {apart:.2f} s")


if __name__ == "__main__":
    main()
