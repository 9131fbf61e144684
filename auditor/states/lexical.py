"""The mergeable lexical state of a shard: per n, a sketch of its distinct word n-grams (texts
joined in order, as :func:`auditor.metrics.lexical.distinct_n` reads a corpus) and the first and
last n−1 words, from which a merge adds the n-grams that cross the boundary between two shards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from auditor.states.sketch import SKETCH_SIZE, DistinctSketch, ngram_hashes, token_hashes

MAX_N = 4


@dataclass
class LexicalState:
    """Distinct-n sketches (n = 1..``max_n``) and the stream's first and last max_n − 1 words."""

    sketches: list[DistinctSketch]
    head: list[str]
    tail: list[str]

    @classmethod
    def of(cls, texts: Sequence[str], max_n: int = MAX_N, k: int = SKETCH_SIZE) -> "LexicalState":
        words = [w for t in texts for w in t.split()]
        hashes = token_hashes(words)
        sketches = [DistinctSketch(n, k=k).add(ngram_hashes(hashes, n)) for n in range(1, max_n + 1)]
        edge = max_n - 1
        return cls(sketches, words[:edge], words[-edge:] if edge else [])

    @property
    def max_n(self) -> int:
        return len(self.sketches)

    def merge(self, later: "LexicalState") -> "LexicalState":
        """The state of this stream followed by ``later``'s."""
        edge = self.max_n - 1
        window = self.tail + later.head
        hashes = token_hashes(window)
        sketches = []
        for mine, theirs in zip(self.sketches, later.sketches):
            n = mine.n
            crossing = ngram_hashes(hashes, n)
            # n-grams starting in this tail and ending in the later head
            first = max(0, len(self.tail) - n + 1)
            sketches.append(mine.merge(theirs).add(crossing[first:len(self.tail)]))
        head = (self.head + later.head)[:edge] if len(self.head) < edge else self.head
        tail = (self.tail + later.tail)[-edge:] if len(later.tail) < edge and edge else later.tail
        return LexicalState(sketches, head, tail)

    def values(self) -> dict[str, float]:
        """distinct-1..max_n and n-gram diversity (their sum)."""
        distinct = {f"distinct_{s.n}": s.distinct_n() for s in self.sketches}
        return {**distinct, "ngram_diversity": float(sum(distinct.values()))}

    @property
    def exact(self) -> bool:
        return all(s.exact for s in self.sketches)
