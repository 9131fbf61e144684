"""What to regenerate: for each failing rule of a check, a small set of texts whose removal makes
it pass, found greedily from the most duplicated or generic text, one at a time, each step read
on what remains.

- near-duplicates: of the closest remaining pair, the more typical text (one copy goes, the
  other stays);
- templates: of the remaining pair sharing the longest frame (ROUGE-L F with its nearest
  neighbour), the more typical text;
- stock phrases: a remaining text holding the top phrase, the most typical first;
- anything else: the most typical remaining text (closest to the centroid: the most generic).

A text's nearest neighbour is recomputed only when its neighbour goes, so a step costs O(N·d) for
the texts that lost theirs. Other rules (within strata, feeds) read figures no single removal
decides: they get no suggestion, and a note says so.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from auditor.metrics.near_duplicates import NearDuplicateRule
from auditor.metrics.neighbors import near_duplicate_scan
from auditor.metrics.phrases import repeated_phrases, stock_phrase_share, top_phrase
from auditor.metrics.semantic import pair_mean_from_sums
from auditor.metrics.templates import FRAME_OVERLAP, frame_overlap

#: Texts a suggestion may hold at most (a larger batch needs regenerating, not a list).
MAX_SUGGESTED = 1000
#: Batches up to this many texts get suggestions (each text's nearest neighbour is found exactly).
MAX_TEXTS = 20_000


@dataclass(frozen=True)
class Suggestion:
    """A text to regenerate: its row, id, and why (the rule it helps pass, the reason, and the
    reason's kind, which quotes no text: "near-duplicate", "template", "stock phrase", "generic")."""

    row: int
    id: str
    rule: str
    reason: str
    kind: str = "generic"


class Remainder:
    """The texts still kept, each one's nearest kept neighbour and frame overlap with it."""

    def __init__(self, X: np.ndarray, texts: Sequence[str], ids: Sequence[str], rule: NearDuplicateRule,
                 scan: Any = None) -> None:
        """``scan``: every text's nearest neighbour, similarity, frame overlap and near-duplicates
        (row → [(row, cosine)]) when already known (the audit's exact scan), else found here with
        ``rule``."""
        self.X = np.asarray(X, dtype=np.float32)
        self.texts, self.ids = list(texts), [str(i) for i in ids]
        self.kept = np.ones(len(self.X), dtype=bool)
        self.total = self.X.sum(axis=0, dtype=np.float64)
        if scan is not None:
            self.nn, self.sim, self.frames = (np.array(a, dtype=t) for a, t in zip(scan[:3], (np.int64, float, float)))
            partners = scan[3]
        else:  # one exact scan gives each text's nearest neighbour and its near-duplicates
            found = near_duplicate_scan(self.X, rule, exact_limit=MAX_TEXTS)
            self.nn, self.sim = found.index.astype(np.int64), found.similarity.astype(float)
            self.frames = frame_overlap(self.texts, np.arange(len(self.X)), self.nn)
            partners = found.partners
        self.partners = partners or {}  # closest first, as near_duplicate_scan lists them
        #: How many kept near-duplicates each text has.
        self.twins = np.zeros(len(self.X), dtype=np.int64)
        for i, ps in self.partners.items():
            self.twins[i] = len(ps)
        #: (−cosine, row, k): each row's first kept partner (``partners[row][k]``, lists sorted by
        #: cosine, highest first), in a heap whose entries are brought up to date when they surface.
        self._closest = [(-ps[0][1], i, 0) for i, ps in self.partners.items() if ps]
        heapq.heapify(self._closest)

    def _refresh(self, rows: np.ndarray) -> None:
        """The nearest kept neighbour (and frame overlap) of ``rows``, in blocks (against every
        row, the removed ones masked: no copy of the kept rows)."""
        if not len(rows):
            return
        gone = ~self.kept
        for start in range(0, len(rows), 256):
            block = rows[start:start + 256]
            S = self.X[block] @ self.X.T
            S[:, gone] = -np.inf
            S[np.arange(len(block)), block] = -np.inf
            best = S.argmax(axis=1)
            self.nn[block] = best
            self.sim[block] = S[np.arange(len(block)), best]
        self.frames[rows] = frame_overlap(self.texts, rows, self.nn[rows])

    def remove(self, row: int) -> None:
        self.kept[row] = False
        for j, _ in self.partners.get(row, []):
            self.twins[j] -= 1
        self.total -= self.X[row]
        orphans = np.flatnonzero(self.kept & (self.nn == row))
        self._refresh(orphans)

    def closest_twins(self) -> tuple[float, int, int] | None:
        """(cosine, i, j): the kept text i whose first kept near-duplicate j is the closest of all
        (ties: the lowest i), or None when no kept text has a kept near-duplicate.

        A removal only lowers a text's closest kept partner (its list is sorted, highest first), so
        an entry is checked when it reaches the top and pushed back with its next kept partner."""
        heap = self._closest
        while heap:
            _, i, k = heap[0]
            ps = self.partners[i]
            if not self.kept[i]:
                heapq.heappop(heap)
                continue
            if self.kept[ps[k][0]]:
                return ps[k][1], i, ps[k][0]
            k = next((m for m in range(k + 1, len(ps)) if self.kept[ps[m][0]]), None)
            if k is None:
                heapq.heappop(heap)
            else:
                heapq.heapreplace(heap, (-ps[k][1], i, k))
        return None

    def typicality(self, rows: np.ndarray | None = None) -> np.ndarray:
        """The cosine of ``rows`` (default: every text) with the kept texts' mean direction."""
        norm = np.linalg.norm(self.total)
        X = self.X if rows is None else self.X[rows]
        return X @ (self.total / norm).astype(np.float32) if norm > 0 else np.zeros(len(X))

    def rows(self) -> np.ndarray:
        return np.flatnonzero(self.kept)


def _more_typical(rem: Remainder, a: int, b: int) -> int:
    t = rem.typicality(np.array([a, b]))
    return a if t[0] >= t[1] else b


def _pair_step(rem: Remainder, score: np.ndarray, at_least: float, what: str) -> tuple[int, str] | None:
    """Of the kept text with the highest ``score`` (≥ ``at_least``) and its neighbour, the more typical."""
    rows = rem.rows()
    hit = rows[score[rows] >= at_least]
    if not len(hit):
        return None
    i = int(hit[np.argmax(score[hit])])
    j = int(rem.nn[i])
    out = _more_typical(rem, i, j)
    return out, f"{what} {rem.ids[j if out == i else i]} ({score[i]:.3f})"


def _twin_step(rem: Remainder) -> tuple[int, str, str] | None:
    """Of the kept text with the closest kept near-duplicate and that twin, the more typical."""
    best = rem.closest_twins()
    if best is None:
        return None
    c, i, j = best
    out = _more_typical(rem, i, j)
    return out, f"near-duplicate of {rem.ids[j if out == i else i]} (cosine {c:.3f})", "near-duplicate"


def _metric(metric: str, rem: Remainder) -> Callable[[], float]:
    rows = rem.rows
    if metric == "near_duplicate_rate":
        return lambda: float((rem.twins[rows()] > 0).mean())
    if metric == "nearest_neighbor_similarity":
        return lambda: float(rem.sim[rows()].mean())
    if metric == "template_share":
        return lambda: float((rem.frames[rows()] >= FRAME_OVERLAP).mean())
    if metric == "mean_pairwise_similarity":  # unit rows: Σ‖x‖² = n
        return lambda: float(pair_mean_from_sums(len(rows()), rem.total @ rem.total, len(rows())))
    if metric in ("top_phrase_share", "stock_phrase_share"):
        def phrase_share() -> float:
            kept = [rem.texts[i] for i in rows()]
            phrases = repeated_phrases(kept)
            if metric == "stock_phrase_share":
                return stock_phrase_share(kept, phrases)
            top = top_phrase(phrases)
            return top.doc_share if top else 0.0
        return phrase_share
    raise KeyError(metric)


def _step(metric: str, rem: Remainder) -> tuple[int, str, str]:
    """The next text to remove for ``metric``, why, and the kind of reason."""
    if metric == "near_duplicate_rate":
        twin = _twin_step(rem)
        if twin:
            return twin
    if metric == "nearest_neighbor_similarity":
        found = _pair_step(rem, rem.sim, -np.inf, "near-duplicate of")
        if found:
            return found[0], f"{found[1].replace('(', '(cosine ')}", "near-duplicate"
    if metric == "template_share":
        found = _pair_step(rem, rem.frames, FRAME_OVERLAP, "shares a template frame with")
        if found:
            return found[0], f"{found[1].replace('(', '(ROUGE-L ')}", "template"
    rows = rem.rows()
    t = rem.typicality(rows)
    i = int(rows[np.argmax(t)])
    return i, f"the most generic remaining text (typicality {t.max():.3f})", "generic"


def _phrase_batch(metric: str, rem: Remainder, rule: Any, passes: Callable[[Any, float], bool],
                  known: Sequence[Any] | None = None) -> list[tuple[int, str, str]]:
    """For a stock-phrase rule: as few holders of the top phrase as take its share (or, for the
    stock-phrase share, the covered share) under the rule, the most typical first, with phrases
    found once for the batch rather than once per text (``known``: the phrases of all the texts,
    when nothing has been removed yet)."""
    rows = rem.rows()
    phrases = list(known) if known is not None and len(rows) == len(rem.X) else \
        repeated_phrases([rem.texts[i] for i in rows])
    top = top_phrase(phrases) if metric == "top_phrase_share" else (phrases[0] if phrases else None)
    if top is None:
        return []
    holders = rows[list(top.docs)]
    holders = holders[np.argsort(-rem.typicality(holders), kind="stable")]
    hit = len(top.docs) if metric == "top_phrase_share" else len({d for p in phrases for d in p.docs})
    n, k = len(rows), 1
    while k < len(holders) and not passes(rule, (hit - k) / (n - k)):
        k += 1
    reason = f"contains the stock phrase \"{top.text}\" (in {len(top.docs)} texts)"
    return [(int(i), reason, "stock phrase") for i in holders[:k]]


def suggest_removals(X: np.ndarray, texts: Sequence[str], ids: Sequence[str], failing: Sequence[Any],
                     near_duplicates: NearDuplicateRule, passes: Callable[[Any, float], bool],
                     scan: Any = None, phrases: Sequence[Any] | None = None,
                     verify: bool = True) -> tuple[list[Suggestion], list[str]]:
    """For each rule of ``failing`` (each fails on all the texts; ``rule.name``, ``rule.metric``), the texts to remove until
    ``passes(rule, value)``; returns the suggestions (each text once, first reason kept) and notes.
    ``near_duplicates``: the rule that decides them; ``scan``: (nearest neighbour, its similarity,
    frame overlap, near-duplicates) of every text, and ``phrases``
    their stock phrases, when known. ``verify`` False: a stock-phrase rule stops after its first
    batch, which takes the top phrase under the rule, without finding the phrases again (the
    review queue of every audit; a check verifies)."""
    suggestions: dict[int, Suggestion] = {}
    notes: list[str] = []
    if len(texts) > MAX_TEXTS:
        return [], [f"no suggestion: the batch has {len(texts)} texts, more than the {MAX_TEXTS} searched exactly"]
    rule = near_duplicates if near_duplicates is not None else NearDuplicateRule.raw(len(texts), 0.95)
    rem = Remainder(X, texts, ids, rule, scan)  # shared: what earlier rules take out stays out
    for rule in failing:
        try:
            value = _metric(rule.metric, rem)
        except KeyError:
            notes.append(f"rule {rule.name!r}: no suggestion (its metric, {rule.metric}, is not decided by removing texts)")
            continue
        phrase = rule.metric in ("top_phrase_share", "stock_phrase_share")
        known_failing = not suggestions  # nothing removed yet: the rule is failing, as the check found
        while (known_failing or not passes(rule, value())) and rem.kept.sum() > 2 and len(suggestions) < MAX_SUGGESTED:
            known_failing = False
            batch = _phrase_batch(rule.metric, rem, rule, passes, phrases) if phrase else []
            for row, reason, kind in batch or [_step(rule.metric, rem)]:
                rem.remove(row)
                suggestions.setdefault(row, Suggestion(row, str(ids[row]), rule.name, reason, kind))
            if batch and not verify:
                break
        if verify and not passes(rule, value()):
            notes.append(f"rule {rule.name!r}: removing {len(suggestions)} texts is not enough for it to pass")
    return sorted(suggestions.values(), key=lambda s: s.row), notes
