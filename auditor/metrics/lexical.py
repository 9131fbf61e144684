"""Lexical homogeneity metrics over raw texts (Shaib et al. 2024, "Standardizing the Measurement
of Text Diversity"), computed to agree with the reference ``diversity`` package where it is right.

Tokenization (:mod:`auditor.metrics.tokens`): n-gram metrics split on whitespace, as the
reference does; ROUGE-L lower-cases and keeps runs of letters and digits (the reference's
rouge_score keeps ASCII ones only; on ASCII text the two agree exactly). Non-ASCII text is NFKC
normalised first, and each character of a script written without spaces (Chinese, Japanese,
Thai) is a token of its own.
"""

from __future__ import annotations

import gzip
import lzma
from typing import Sequence

import numpy as np
import pandas as pd

from auditor.metrics.arrays import sorted_unique
from auditor.metrics.tokens import rouge_tokens
from auditor.metrics.tokens import words as text_words



def _check_texts(texts: Sequence[str], minimum: int = 1) -> list[str]:
    texts = list(texts)
    if len(texts) < minimum:
        raise ValueError(f"texts needs at least {minimum} item(s), got {len(texts)}")
    if not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be strings")
    return texts


def compression_ratio(texts: Sequence[str], algorithm: str = "gzip") -> float:
    """Compression ratio = bytes of the corpus joined by spaces / bytes after compression.

    ``gzip`` (level 9, no timestamp) or ``xz`` (preset 6). Higher = more redundant, i.e. more
    homogeneous. Grows with corpus size: compare corpora at equal N.

    >>> round(compression_ratio(["the cat sat"] * 20), 3)
    7.029
    """
    data = " ".join(_check_texts(texts)).encode("utf-8")
    if algorithm == "gzip":
        packed = gzip.compress(data, compresslevel=9, mtime=0)
    elif algorithm == "xz":
        packed = lzma.compress(data, format=lzma.FORMAT_XZ, preset=6)
    else:
        raise ValueError(f"algorithm must be 'gzip' or 'xz', got {algorithm!r}")
    return len(data) / len(packed)


def token_ids(tokens: Sequence[str]) -> np.ndarray:
    """Dense integer ids of ``tokens`` (equal ids ⇔ equal tokens), numbered in order of first
    appearance (pandas' hash table, not a Python dict).

    >>> token_ids(["b", "a", "b"]).tolist()
    [0, 1, 0]
    """
    if not len(tokens):
        return np.zeros(0, dtype=np.int64)
    codes, _ = pd.factorize(np.asarray(tokens, dtype=object))
    return codes.astype(np.int64, copy=False)


def ngram_vocabulary(ids: np.ndarray, max_n: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Dense ids of the n-grams starting at each position, for n = 1..max_n (element n−1 has
    len(ids) − n + 1 entries; two are equal ⇔ their n-grams are equal), built exactly and
    vectorised by pairing each (n−1)-gram id with the next token id; and per n the sorted pair
    keys ((n−1)-gram id · width + next token id, width = largest token id + 1) whose ranks are the
    n-gram ids, so an n-gram made elsewhere of the same tokens finds its id by binary search."""
    width = int(ids.max()) + 1 if len(ids) else 0
    out, keys = [ids], [np.arange(width, dtype=np.int64)]
    current = ids
    for n in range(2, max_n + 1):
        if len(ids) < n:
            out.append(np.empty(0, dtype=np.int64))
            keys.append(np.empty(0, dtype=np.int64))
            continue
        unique, current = np.unique(current[:-1] * width + ids[n - 1:], return_inverse=True)
        out.append(current.astype(np.int64))
        keys.append(unique)
    return out, keys


class WordNgrams:
    """The whitespace words of each text as integer ids, with the word n-grams (n = 1..``max_n``)
    of the texts joined in order. Distinct-n and self-repetition of the corpus, or of any subset
    of its texts (``chosen``, a boolean mask), follow by array operations: the public functions
    below are this class on every text, and the lexical suite keeps one per corpus for the
    half-samples of its intervals (one definition, computed once).
    """

    def __init__(self, texts: Sequence[str], max_n: int = 4) -> None:
        if max_n < 1:
            raise ValueError(f"n must be >= 1, got {max_n}")
        words = [text_words(t) for t in _check_texts(texts)]
        self.n_texts, self.max_n = len(words), max_n
        self.token_doc = np.repeat(np.arange(len(words)), [len(w) for w in words])
        self.grams, self.keys = ngram_vocabulary(token_ids([tok for w in words for tok in w]), max_n)
        # the distinct (text, max_n-gram) pairs lying inside one text, for self-repetition
        g, start = self.grams[-1], self.token_doc[: len(self.grams[-1])]
        inside = start == self.token_doc[max_n - 1:]
        width = int(g.max()) + 1 if len(g) else 1
        pairs = sorted_unique(start[inside] * width + g[inside])  # sorted by (text, n-gram)
        self.pair_docs, self.pair_grams = pairs // width, pairs % width

    def _chosen(self, chosen: np.ndarray | None) -> np.ndarray:
        return np.ones(self.n_texts, dtype=bool) if chosen is None else np.asarray(chosen, dtype=bool)

    def distinct(self, chosen: np.ndarray | None = None) -> list[float]:
        """[distinct-1, …, distinct-max_n] of the chosen texts joined in order (n-grams run
        across text boundaries, as in the joined corpus).

        For a subset, an n-gram inside one chosen text keeps the corpus's id; only the n-grams
        across the subset's new text boundaries are looked up (by their (n−1)-gram's id and next
        token) and, when the corpus never contains them, numbered apart. So a subset costs a few
        passes over its tokens, not a sort per n."""
        keep = self._chosen(chosen)[self.token_doc]
        if keep.all():
            return [len(keys) / len(g) if len(g) else 0.0 for g, keys in zip(self.grams, self.keys)]  # ids are dense
        where = np.flatnonzero(keep)
        tokens, docs = self.grams[0][where], self.token_doc[where]
        width = len(self.keys[0])
        out, codes = [], tokens  # codes: ids < size[n] are corpus n-grams, others new ones
        size = width
        for n in range(1, self.max_n + 1):
            if len(where) < n:
                out.append(0.0)
                continue
            if n > 1:
                count = len(where) - n + 1
                inside = docs[:count] == docs[n - 1:]
                new_codes = np.empty(count, dtype=np.int64)
                new_codes[inside] = self.grams[n - 1][where[:count][inside]]
                across = np.flatnonzero(~inside)
                pair = codes[across] * width + tokens[across + n - 1]
                slot = np.searchsorted(self.keys[n - 1], pair)
                slot_ok = slot < len(self.keys[n - 1])
                found = np.zeros(len(across), dtype=bool)
                found[slot_ok] = self.keys[n - 1][slot[slot_ok]] == pair[slot_ok]
                found &= codes[across] < size  # a new prefix makes a new n-gram
                new_codes[across[found]] = slot[found]
                size = len(self.keys[n - 1])
                _, fresh = np.unique(pair[~found], return_inverse=True)
                new_codes[across[~found]] = size + fresh.ravel()
                codes = new_codes
            seen = np.zeros(int(codes.max()) + 1, dtype=bool)
            seen[codes] = True
            out.append(int(seen.sum()) / len(codes))
        return out

    def self_repetition_per_text(self, chosen: np.ndarray | None = None) -> np.ndarray:
        """Per chosen text: log(1 + Σ over its distinct max_n-grams of (chosen texts containing it − 1))."""
        chosen = self._chosen(chosen)
        mask = chosen[self.pair_docs]
        grams, docs = self.pair_grams[mask], self.pair_docs[mask]
        df = np.bincount(grams)
        reuse = np.bincount(docs, weights=df[grams] - 1, minlength=self.n_texts)
        return np.log(1 + reuse[chosen])

    def self_repetition(self, chosen: np.ndarray | None = None) -> float:
        """The mean of :meth:`self_repetition_per_text` over the chosen texts."""
        return float(np.mean(self.self_repetition_per_text(chosen)))


def distinct_n(texts: Sequence[str], n: int) -> float:
    """distinct-n = unique n-grams / total n-grams over the whitespace-tokenized corpus
    (joined by spaces, as the reference does). 0 when the corpus has fewer than n tokens.
    Li et al. (2016); Shaib et al. (2024).

    >>> distinct_n(["a b a b"], 2)  # bigrams ab, ba, ab: 2 unique of 3
    0.6666666666666666
    """
    return WordNgrams(texts, n).distinct()[n - 1]


def distinct_ns(texts: Sequence[str], max_n: int = 4) -> list[float]:
    """[distinct-1, …, distinct-max_n] in one pass.

    >>> distinct_ns(["a b a b"], 2)
    [0.5, 0.6666666666666666]
    """
    return WordNgrams(texts, max_n).distinct()


def ngram_diversity(texts: Sequence[str], max_n: int = 4) -> float:
    """N-gram diversity = Σₙ₌₁..max_n distinct-n (so between 0 and max_n; higher = more diverse).
    Shaib et al. (2024).

    >>> ngram_diversity(["a b a b"], 2)  # 2/4 + 2/3
    1.1666666666666665
    """
    return float(sum(distinct_ns(texts, max_n)))


def self_repetition_per_text(texts: Sequence[str], n: int = 4) -> np.ndarray:
    """Per text i: log(1 + Σ over i's distinct n-grams g of (df(g) − 1)), df(g) the number of
    texts containing g. 0 for a text sharing no n-gram with any other.

    >>> self_repetition_per_text(["a b c d e", "a b c d f", "x y z w v"]).round(4).tolist()
    [0.6931, 0.6931, 0.0]
    """
    return WordNgrams(texts, n).self_repetition_per_text()


def self_repetition(texts: Sequence[str], n: int = 4) -> float:
    """Self-repetition = meanᵢ log(1 + Σ_{g ∈ ngrams(i)} (df(g) − 1)) (Salkar et al. 2022; Shaib et
    al. 2024). Higher = texts reuse each other's n-grams more.

    >>> round(self_repetition(["a b c d e", "a b c d f", "x y z w v"]), 4)  # (2·log 2 + 0) / 3
    0.4621
    """
    return WordNgrams(texts, n).self_repetition()




def lcs_length(a: Sequence[int], b: Sequence[int]) -> int:
    """Length of the longest common subsequence, bit-parallel (Hyyrö 2004): O(|a|·|b|/w)."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return 0
    masks: dict[int, int] = {}
    for k, token in enumerate(b):
        masks[token] = masks.get(token, 0) | (1 << k)
    full = (1 << len(b)) - 1
    v = full
    for token in a:
        u = v & masks.get(token, 0)
        v = ((v + u) | (v - u)) & full
    return len(b) - v.bit_count()


def rouge_l_f(a: Sequence[int], b: Sequence[int]) -> float:
    """ROUGE-L F-measure of two token sequences: 2·LCS / (|a| + |b|) (0 if either is empty).

    >>> rouge_l_f([1, 2, 3], [1, 2, 4])
    0.6666666666666666
    """
    if not a or not b:
        return 0.0
    return 2.0 * lcs_length(a, b) / (len(a) + len(b))


def _encode_tokens(texts: Sequence[str]) -> list[list[int]]:
    vocab: dict[str, int] = {}
    return [[vocab.setdefault(tok, len(vocab)) for tok in rouge_tokens(t)] for t in texts]


def pair_sample(n: int, max_pairs: int | None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """All distinct pairs (i < j) when there are at most ``max_pairs``; otherwise ``max_pairs``
    distinct pairs drawn uniformly with ``seed``."""
    total = n * (n - 1) // 2
    if max_pairs is None or total <= max_pairs:
        i, j = np.triu_indices(n, k=1)
        return i, j
    rng = np.random.default_rng(seed)
    codes = rng.choice(total, size=max_pairs, replace=False)
    codes.sort()
    # decode a pair index into (i, j), i < j, row-major over the upper triangle
    rows = np.arange(n - 1, dtype=np.int64)
    row_start = rows * n - rows * (rows + 1) // 2
    i = np.searchsorted(row_start, codes, side="right") - 1
    j = codes - row_start[i] + i + 1
    return i.astype(np.int64), j.astype(np.int64)


def rouge_l_pairs(texts: Sequence[str], max_pairs: int | None = None,
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ROUGE-L F of distinct pairs of texts (all pairs, or a seeded sample of ``max_pairs``):
    the pairs' first and second indices and their scores."""
    texts = _check_texts(texts, 2)
    i, j = pair_sample(len(texts), max_pairs, seed)
    rows = sorted_unique(np.concatenate([i, j]))  # only the texts a sampled pair reads are tokenized
    tokens = dict(zip(rows.tolist(), _encode_tokens([texts[k] for k in rows.tolist()])))
    scores = np.array([rouge_l_f(tokens[a], tokens[b]) for a, b in zip(i.tolist(), j.tolist())])
    return i, j, scores


def homogenization_rouge_l(texts: Sequence[str], max_pairs: int | None = None, seed: int = 0) -> float:
    """Homogenization score = mean ROUGE-L F over distinct pairs (Padmakumar & He 2024).

    Exact over all N(N−1)/2 pairs, or estimated from ``max_pairs`` pairs sampled with ``seed``.
    A corpus of fully disjoint texts scores 0 and identical texts 1 (the reference implementation
    returns 1.0 for the disjoint case).

    >>> homogenization_rouge_l(["the cat sat", "the cat ran"])  # LCS 2 of 3 + 3 tokens
    0.6666666666666666
    """
    return float(np.mean(rouge_l_pairs(texts, max_pairs, seed)[2]))


def rouge_l_matrix(texts: Sequence[str]) -> np.ndarray:
    """ROUGE-L F of every pair of texts (the diagonal is 1 for a non-empty text).

    >>> rouge_l_matrix(["the cat sat", "the cat ran"]).round(4).tolist()
    [[1.0, 0.6667], [0.6667, 1.0]]
    """
    tokens = _encode_tokens(list(texts))
    n = len(tokens)
    K = np.eye(n)
    for a in range(n):
        for b in range(a + 1, n):
            K[a, b] = K[b, a] = rouge_l_f(tokens[a], tokens[b])
    return K
