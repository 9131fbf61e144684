"""Near-duplicates decided on the model's calibrated scale and confirmed in the words.

A raw cosine cut (0.95) means something else under every model: multilingual-e5 puts two different
French sentences that share a feature phrase at 0.977, while MiniLM puts light edits of an English
sentence (a comma, "can't" for "cannot") at 0.91. Two texts i, j with cosine c are near-duplicates
when, with the floor b of their languages (:mod:`auditor.calibration`; the higher of the two) and
the calibrated similarity s = (c − b)/(1 − b),

- s ≥ :data:`SAME_TEXT` (the model reads them as one text), or
- s ≥ :data:`CANDIDATE` and the character 3-gram Dice of their words ≥ :data:`WORDING` (the same
  text almost word for word: punctuation, a typo, a word swapped, a clause moved).

Both parts are read on scales that a model's geometry does not move (the calibrated scale absorbs
a common offset; the wording part does not depend on the model). Measured on the project's test
sentences (five languages, two models): light edits sit at s ≥ 0.81 and Dice ≥ 0.83; different
sentences on one topic at s ≤ 0.56; template siblings (one frame, another product) at Dice ≤ 0.71.
An explicit ``threshold`` replaces the rule with s ≥ threshold (meaning only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, NamedTuple, Sequence

import numpy as np

from auditor.metrics.tokens import rouge_tokens

#: Calibrated similarity at or above which the model reads two texts as the same text.
SAME_TEXT = 0.95
#: Calibrated similarity at or above which two texts are compared word for word.
CANDIDATE = 0.70
#: Character 3-gram Dice at or above which two candidates are the same text, lightly edited.
WORDING = 0.75
NGRAM = 3


#: Code points are below 2**21; this one (past U+10FFFF) pads a text shorter than an n-gram.
_PAD = (1 << 21) - 1


class NgramCounts(NamedTuple):
    """A multiset of character n-grams: each distinct n-gram's code (its characters' code points
    in 21 bits each), sorted, with how many times it occurs, and the multiset's size."""

    codes: np.ndarray
    counts: np.ndarray
    size: int


def character_ngrams(text: str, n: int = NGRAM) -> NgramCounts:
    """The multiset of character ``n``-grams of the text's lower-cased words (letters and digits;
    each character of a spaceless script its own word) joined by one space, padded by a space
    (a string shorter than ``n`` is one n-gram).

    >>> character_ngrams("Ab").size  # " ab", "ab "
    2
    """
    if n > 3:
        raise ValueError(f"n-grams of up to 3 characters fit a 64-bit code, got {n}")
    s = " " + " ".join(rouge_tokens(text)) + " "
    points = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    if len(points) < n:
        points = np.concatenate([points, np.full(n - len(points), _PAD, dtype=np.int64)])
    codes = np.zeros(len(points) - n + 1, dtype=np.int64)
    for k in range(n):
        codes = (codes << 21) | points[k:len(points) - n + 1 + k]
    codes, counts = np.unique(codes, return_counts=True)
    return NgramCounts(codes, counts, int(counts.sum()))


def character_ngram_dice(a: str | NgramCounts, b: str | NgramCounts, n: int = NGRAM) -> float:
    """Sørensen–Dice coefficient of two texts' character n-gram multisets A and B:
    2·|A ∩ B| / (|A| + |B|) (Dice 1945; character n-grams as in Broder 1997's resemblance).
    1 for the same words, 0 for texts sharing no n-gram.

    >>> character_ngram_dice("Fresh basil.", "fresh BASIL!")
    1.0
    >>> round(character_ngram_dice("abc", "abd"), 3)  # " ab" shared of 3 + 3
    0.333
    """
    ga = a if isinstance(a, NgramCounts) else character_ngrams(a, n)
    gb = b if isinstance(b, NgramCounts) else character_ngrams(b, n)
    size = ga.size + gb.size
    if not size:
        return 1.0
    _, ia, ib = np.intersect1d(ga.codes, gb.codes, assume_unique=True, return_indices=True)
    return 2.0 * int(np.minimum(ga.counts[ia], gb.counts[ib]).sum()) / size


@dataclass
class NearDuplicateRule:
    """The near-duplicate decision for the rows of one corpus: ``floors`` (each row's floor, the
    raw cosine of unrelated texts in its language), ``texts`` (None: meaning only), an explicit
    ``threshold`` on the calibrated scale (None: the calibrated and wording rule above), and
    ``languages`` (language → floor, for the record)."""

    floors: np.ndarray
    texts: Sequence[str] | None = None
    threshold: float | None = None
    languages: Mapping[str, float] = field(default_factory=dict)
    _grams: dict[int, NgramCounts] = field(default_factory=dict, repr=False)

    @classmethod
    def raw(cls, n: int, threshold: float) -> "NearDuplicateRule":
        """cos ≥ ``threshold`` for ``n`` rows (a floor of 0: the raw scale)."""
        return cls(np.zeros(n), None, threshold)

    @property
    def method(self) -> str:
        return "calibrated threshold" if self.threshold is not None or self.texts is None else "calibrated + wording"

    def _levels(self) -> tuple[float, float]:
        """(the calibrated level that decides alone, the level from which the wording decides)."""
        if self.threshold is not None or self.texts is None:
            t = self.threshold if self.threshold is not None else SAME_TEXT
            return t, t
        return SAME_TEXT, CANDIDATE

    def cuts(self) -> np.ndarray:
        """Each row's raw cosine below which it has no near-duplicate: b + level·(1 − b)."""
        return self.floors + self._levels()[1] * (1.0 - self.floors)

    def subset(self, rows: np.ndarray) -> "NearDuplicateRule":
        rows = np.asarray(rows, dtype=np.int64)
        texts = [self.texts[i] for i in rows] if self.texts is not None else None
        return NearDuplicateRule(self.floors[rows], texts, self.threshold, self.languages)

    def calibrated(self, i: np.ndarray, j: np.ndarray, cos: np.ndarray) -> np.ndarray:
        """(c − b)/(1 − b) with b the higher floor of each pair's two rows."""
        b = np.maximum(self.floors[i], self.floors[j])
        return (np.asarray(cos, dtype=np.float64) - b) / (1.0 - b)

    def wording(self, i: int, j: int) -> float:
        """Character 3-gram Dice of rows i and j."""
        for k in (i, j):
            if k not in self._grams:
                self._grams[k] = character_ngrams(self.texts[k])  # type: ignore[index]
        return character_ngram_dice(self._grams[i], self._grams[j])

    def decide(self, i: Any, j: Any, cos: Any) -> np.ndarray:
        """Whether each pair (i[k], j[k]) with cosine cos[k] is a near-duplicate."""
        i, j = np.atleast_1d(np.asarray(i, dtype=np.int64)), np.atleast_1d(np.asarray(j, dtype=np.int64))
        s = self.calibrated(i, j, np.atleast_1d(cos))
        alone, candidate = self._levels()
        out = s >= alone
        for k in np.flatnonzero(~out & (s >= candidate)):
            out[k] = self.wording(int(i[k]), int(j[k])) >= WORDING
        return out

    def matrix(self, X: np.ndarray) -> np.ndarray:
        """The 0/1 near-duplicate relation over all pairs of these rows (diagonal 1), from their
        unit vectors ``X``."""
        X = np.asarray(X, dtype=np.float64)
        cos = X @ X.T
        n = len(X)
        out = np.eye(n)
        i, j = np.triu_indices(n, 1)
        cuts = self.cuts()
        near = cos[i, j] >= np.minimum(cuts[i], cuts[j])
        hit = np.zeros(len(i), dtype=bool)
        hit[near] = self.decide(i[near], j[near], cos[i[near], j[near]])
        out[i[hit], j[hit]] = out[j[hit], i[hit]] = 1.0
        return out

    def as_dict(self) -> dict[str, Any]:
        """The rule for the record: its method, levels, and each language's raw cuts."""
        alone, candidate = self._levels()
        out: dict[str, Any] = {"method": self.method, "scale": "calibrated" if self.languages else "raw",
                               "threshold": self.threshold,
                               "same_text": alone}
        if self.method == "calibrated + wording":
            out.update(candidate=candidate, wording=WORDING, wording_measure="character 3-gram Dice")
        out["raw_thresholds"] = {lang: {"floor": round(b, 6), "same_text": round(b + alone * (1 - b), 6),
                                        "candidate": round(b + candidate * (1 - b), 6)}
                                 for lang, b in sorted(self.languages.items())}
        return out


def rule_for(floors: Mapping[str, float], languages: Sequence[str], texts: Sequence[str] | None,
             threshold: float | None = None) -> NearDuplicateRule:
    """The rule for texts in ``languages`` (one calibration language per text) under the model
    whose floor in each language is ``floors[language]``."""
    return NearDuplicateRule(np.array([floors[lang] for lang in languages], dtype=np.float64),
                             list(texts) if texts is not None else None, threshold, dict(floors))
