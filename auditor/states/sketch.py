"""Mergeable counts of distinct word n-grams: 64-bit n-gram hashes and a k-minimum-values sketch.

distinct-n of a corpus (unique n-grams / n-grams of its texts joined in order) needs the set of
its n-grams, which does not fit in a state for a large shard. A KMV sketch (Bar-Yossef et al. 2002;
Beyer et al. 2007) keeps the ``k`` smallest distinct hashes: while a corpus has at most ``k``
distinct n-grams the sketch *is* the set and the count is exact (up to 64-bit hash collisions);
beyond, the count is estimated as (k − 1)·2⁶⁴ / (k-th smallest hash), with a relative standard
error of about 1/√(k − 2) (0.28 % at the default k = 2¹⁷). Sketches merge exactly: the sketch of a
union is the k smallest of the two sketches' union, whatever the order of the shards.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

#: Distinct hashes kept per n (2¹⁷: 1 MiB per n; exact up to this many distinct n-grams).
SKETCH_SIZE = 1 << 17
_MIX = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _avalanche(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves every output bit."""
    h = (h ^ (h >> np.uint64(30))) * _M1
    h = (h ^ (h >> np.uint64(27))) * _M2
    return h ^ (h >> np.uint64(31))


def token_hashes(tokens: Sequence[str]) -> np.ndarray:
    """A 64-bit hash of each token (BLAKE2b of its UTF-8 bytes; each distinct token hashed once)."""
    memo = {t: int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(), "little")
            for t in set(tokens)}
    return np.fromiter((memo[t] for t in tokens), dtype=np.uint64, count=len(tokens))


def ngram_hashes(token_hash: np.ndarray, n: int) -> np.ndarray:
    """The hash of each n-gram of a token stream (position k: tokens k..k+n−1), chained from the
    token hashes: h ← avalanche(h·φ + next token's hash), wrapping at 2⁶⁴."""
    if len(token_hash) < n:
        return np.empty(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = token_hash[: len(token_hash) - n + 1].copy()
        for k in range(1, n):
            h = _avalanche(h * _MIX + token_hash[k: len(token_hash) - n + 1 + k])
    return h


def _smallest_distinct(values: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` smallest distinct values, sorted (a sort and a neighbour comparison)."""
    values = np.sort(values)
    distinct = values[np.concatenate([[True], values[1:] != values[:-1]])] if len(values) else values
    return distinct[:k]


@dataclass
class DistinctSketch:
    """The ``k`` smallest distinct n-gram hashes of a token stream (sorted) and its n-gram count."""

    n: int
    total: int = 0
    hashes: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))
    k: int = SKETCH_SIZE

    def add(self, hashes: np.ndarray) -> "DistinctSketch":
        """Count ``len(hashes)`` more n-grams and keep the k smallest distinct hashes."""
        self.total += int(len(hashes))
        self.hashes = _smallest_distinct(np.concatenate([self.hashes, hashes]), self.k)
        return self

    def merge(self, other: "DistinctSketch") -> "DistinctSketch":
        """The sketch of both streams (the n-grams across their boundary are added by the caller)."""
        if (other.n, other.k) != (self.n, self.k):
            raise ValueError("sketches of different n or size do not merge")
        out = DistinctSketch(self.n, self.total, self.hashes, self.k)
        out.total += other.total
        out.hashes = _smallest_distinct(np.concatenate([self.hashes, other.hashes]), self.k)
        return out

    @property
    def exact(self) -> bool:
        return len(self.hashes) < self.k

    def distinct(self) -> float:
        """The number of distinct n-grams: exact below k, else the KMV estimate."""
        if self.exact:
            return float(len(self.hashes))
        return (self.k - 1) * 2.0 ** 64 / (float(self.hashes[-1]) + 1.0)

    def distinct_n(self) -> float:
        """distinct-n = distinct n-grams / n-grams (0 without any)."""
        return self.distinct() / self.total if self.total else 0.0
