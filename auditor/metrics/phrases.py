"""Repeated phrases: the word n-grams (3 to 6 words) that recur across many different texts,
the "unlock the power of" layer that readers notice first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from auditor.metrics.arrays import sorted_unique
from auditor.metrics.lexical import rouge_tokens, token_ids
from auditor.metrics.tokens import CHARACTER_LANGUAGES, join_tokens, spaceless

#: Phrase lengths in tokens: words, or characters in the languages written without spaces (a
#: run of 3 to 6 characters there is a word or two, often a grammatical ending).
WORD_LENGTHS, CHARACTER_LENGTHS = (3, 6), (5, 16)


#: English closed-class words (articles, pronouns, prepositions, conjunctions, auxiliaries and
#: modals, determiners and quantifiers) and the pieces contractions split into. A stock phrase
#: needs at least :data:`MIN_CONTENT_WORDS` words outside this list: "designed for the", "and we
#: will", "that is the" are grammar every text shares, not a phrase anyone repeats.
FUNCTION_WORDS = frozenset("""
a an the this that these those some any each every no all both either neither such what which whose
i me my mine we us our ours you your yours he him his she her hers it its they them their theirs
myself ourselves yourself yourselves himself herself itself themselves one ones who whom whoever
of in on at by for with from to into onto upon out off over under about above below across after
against along among around before behind beneath beside besides between beyond during except
inside near outside past since than through throughout till toward towards until via within without
and or but nor so yet if then else because although though while whereas unless whether as
be am is are was were been being have has had having do does did doing done
will would shall should can could may might must ought
not very too also just only even still really quite rather more most much many few less least
there here where when why how again ever never often once soon now already
s t ll re ve d m don didn doesn isn aren wasn weren won wouldn can couldn shouldn haven hasn let
""".split())
MIN_CONTENT_WORDS = 2


def content_words(gram: Sequence[str]) -> int:
    """How many of ``gram``'s words are not :data:`FUNCTION_WORDS`."""
    return sum(word not in FUNCTION_WORDS for word in gram)


def phrase_lengths(language: str) -> tuple[int, int]:
    """(min_n, max_n) of a stock phrase in ``language``'s tokens."""
    return CHARACTER_LENGTHS if language in CHARACTER_LANGUAGES else WORD_LENGTHS


@dataclass(frozen=True)
class Phrase:
    """A stock phrase: its words, how many texts contain it, and which (row positions)."""

    text: str
    n_words: int
    doc_freq: int
    doc_share: float
    docs: tuple[int, ...]


def default_min_docs(n_texts: int) -> int:
    """A phrase counts as repeated when at least max(3, 1% of the texts) contain it."""
    return max(3, -(-n_texts // 100))


def _frequent_ngrams(tokens: list[list[str]], min_n: int, max_n: int,
                     min_docs: int) -> dict[int, dict[tuple[str, ...], set[int]]]:
    """Per length n, the n-grams in at least ``min_docs`` texts and which texts (Apriori: an
    n-gram is counted only if both its (n−1)-gram prefix and suffix are frequent).

    Vectorised: every n-gram position gets a dense id (pandas' hash table; the order of the ids is
    immaterial) by pairing its (n−1)-gram's id with the next token's; document frequencies come
    from the distinct (id, text) pairs; word tuples and text sets are built only for the frequent
    n-grams.
    """
    flat = [t for toks in tokens for t in toks]
    ids = token_ids(flat)
    doc = np.repeat(np.arange(len(tokens)), [len(t) for t in tokens])
    words = np.asarray(flat, dtype=object)
    n_docs = max(len(tokens), 1)
    width = int(ids.max()) + 1 if len(ids) else 1
    levels: dict[int, dict[tuple[str, ...], set[int]]] = {}
    code, frequent = ids, None
    for n in range(2, max_n + 1):
        count = len(ids) - n + 1
        if count <= 0:
            break
        previous = code
        code = pd.factorize(previous[:count] * width + ids[n - 1:])[0].astype(np.int64, copy=False)
        if n < min_n:
            continue
        valid = doc[:count] == doc[n - 1:]
        if frequent is not None:  # both (n−1)-gram halves must be frequent
            valid &= frequent[previous[:count]] & frequent[previous[1:count + 1]]
        positions = np.flatnonzero(valid)
        pairs = sorted_unique(code[positions] * n_docs + doc[positions])  # distinct (n-gram, text), sorted
        gram_of, text_of = pairs // n_docs, pairs % n_docs
        df = np.bincount(gram_of, minlength=int(code.max()) + 1 if len(code) else 0)
        frequent = df >= min_docs
        level: dict[tuple[str, ...], set[int]] = {}
        if frequent.any():
            keep = frequent[gram_of]
            hits = positions[frequent[code[positions]]]
            gram_ids, first = np.unique(code[hits], return_index=True)  # each frequent n-gram's first position
            texts_of = np.split(text_of[keep], np.cumsum(df[gram_ids])[:-1])
            for p, docs in zip(hits[first].tolist(), texts_of):
                level[tuple(words[p:p + n].tolist())] = set(docs.tolist())
        levels[n] = level
        if not level:
            break
    return levels


def _chains(grams: dict[tuple[str, ...], set[int]], overlap: float) -> list[tuple[tuple[str, ...], set[int]]]:
    """Merge overlapping n-grams of one longer phrase (g[1:] == h[:-1], mostly the same texts)."""
    by_prefix: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for g in grams:
        by_prefix.setdefault(g[:-1], []).append(g)

    def follower(g: tuple[str, ...]) -> tuple[str, ...] | None:
        for h in by_prefix.get(g[1:], []):
            shared = len(grams[g] & grams[h])
            if h != g and shared >= overlap * max(len(grams[g]), len(grams[h])):
                return h
        return None

    nexts = {g: follower(g) for g in grams}
    has_previous = {h for h in nexts.values() if h is not None}
    out = []
    for g in sorted(grams):
        if g in has_previous and any(nexts[p] == g for p in grams if p != g):
            continue  # the middle or end of a chain: reported with its start
        words, docs, seen, cur = list(g), set(grams[g]), {g}, nexts[g]
        while cur is not None and cur not in seen:
            words.append(cur[-1])
            docs &= grams[cur]
            seen.add(cur)
            cur = nexts[cur]
        out.append((tuple(words), docs))
    return out


def repeated_phrases(
    texts: Sequence[str],
    *,
    min_n: int = 3,
    max_n: int = 6,
    min_docs: int | None = None,
    top: int = 25,
) -> list[Phrase]:
    """Phrases of ``min_n``..``max_n`` lower-cased words found in at least ``min_docs`` texts,
    each with at least two words that are not grammar (:data:`FUNCTION_WORDS`).

    Only maximal phrases are reported: one contained in a longer frequent phrase found in (nearly,
    ≥ 90% of) the same texts is dropped, and overlapping ``max_n``-grams of one longer stock
    sentence are merged into it. Sorted by document frequency, then length; at most ``top``.
    """
    if not 1 <= min_n <= max_n:
        raise ValueError(f"need 1 <= min_n <= max_n, got {min_n}, {max_n}")
    n_texts = len(texts)
    if min_docs is None:
        min_docs = default_min_docs(n_texts)
    levels = _frequent_ngrams([rouge_tokens(t) for t in texts], min_n, max_n, min_docs)
    overlap = 0.9
    found: list[tuple[tuple[str, ...], set[int]]] = []
    top_n = max(levels)
    for n in sorted(levels):
        longer = levels.get(n + 1, {})
        covered = set()
        for h, docs in longer.items():
            for part in (h[:-1], h[1:]):
                if part in levels[n] and len(docs) >= overlap * len(levels[n][part]):
                    covered.add(part)
        survivors = {g: d for g, d in levels[n].items() if g not in covered}
        found.extend(_chains(survivors, overlap) if n == top_n else survivors.items())
    found = [(g, d) for g, d in found if not _short_characters(g) and _says_something(g)]
    found.sort(key=lambda item: (-len(item[1]), -len(item[0]), item[0]))
    return [
        Phrase(join_tokens(g), len(g), len(d), len(d) / n_texts, tuple(sorted(d)))
        for g, d in found[:top] if len(d) >= min_docs
    ]


def _says_something(gram: tuple[str, ...]) -> bool:
    """At least :data:`MIN_CONTENT_WORDS` words that are not grammar (characters of a spaceless
    script are not words: such a run is kept)."""
    return any(map(spaceless, gram)) or content_words(gram) >= MIN_CONTENT_WORDS


def _short_characters(gram: tuple[str, ...]) -> bool:
    """A run of fewer than CHARACTER_LENGTHS[0] characters of a spaceless script (a word, not a phrase)."""
    return len(gram) < CHARACTER_LENGTHS[0] and all(map(spaceless, gram))


#: ``top_phrase_share`` looks at phrases of at least this many words ("one of the" is not stock).
TOP_PHRASE_MIN_WORDS = 4


def top_phrase(phrases: Sequence[Phrase], min_words: int = TOP_PHRASE_MIN_WORDS) -> Phrase | None:
    """The phrase of at least ``min_words`` words found in the most texts (None when there is none);
    its ``doc_share`` is the top stock-phrase share.

    >>> texts = ["unlock the power of style", "unlock the power of tea", "unlock the power of bikes", "rain"]
    >>> top_phrase(repeated_phrases(texts)).text
    'unlock the power of'
    """
    return max((p for p in phrases if p.n_words >= min_words), key=lambda p: p.doc_freq, default=None)


def stock_phrase_share(texts: Sequence[str], phrases: Sequence[Phrase]) -> float:
    """Share of texts that contain at least one of ``phrases``.

    >>> texts = ["unlock the power of style", "unlock the power of tea", "unlock the power of bikes", "rain on the hill"]
    >>> stock_phrase_share(texts, repeated_phrases(texts))
    0.75
    """
    if not texts:
        raise ValueError("texts is empty")
    covered = set()
    for phrase in phrases:
        covered.update(phrase.docs)
    return len(covered) / len(texts)
