"""Syntactic templates (Shaib et al. 2024, "Detection and Measurement of Syntactic Templates in
Generated Text"): sequences of part-of-speech tags that recur across a corpus, the scaffolding of
"This [adjective] [noun] is perfect for [noun]" that survives any change of words.

Tags come from a greedy averaged-perceptron tagger (Collins 2002) with Penn Treebank tags, whose
weights (trained on the WSJ treebank, MIT licence) ship inside the ``textblob-aptagger`` package,
installed with ``pip install "auditor[syntax]"``. Nothing is downloaded; without the package the
metrics are left out and the result says why. The weights file is read with an unpickler that
accepts plain dicts, sets, strings and numbers only.

- ``syntactic_template_rate``: share of texts containing at least one of the corpus's
  :data:`TOP_PATTERNS` most frequent POS n-grams (n = :data:`PATTERN_N`).
- ``templates_per_token``: mean over texts of (occurrences of those POS n-grams) / (tokens).
"""

from __future__ import annotations

import importlib.util
import pickle
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

PATTERN_N = 5
TOP_PATTERNS = 100
_WEIGHTS = "trontagger-0.1.0.pickle"
_TOKEN = re.compile(r"\w+(?:[-']\w+)*|n't|'\w+|[^\w\s]")
_SENTENCE_END = frozenset({".", "!", "?"})
_START, _END = ("-START-", "-START2-"), ("-END-", "-END2-")


class TaggerMissing(RuntimeError):
    """The part-of-speech tagger's package is not installed."""


class _PlainUnpickler(pickle.Unpickler):
    """Loads dicts, sets, strings and numbers; refuses every other global (no code runs)."""

    def find_class(self, module: str, name: str):  # noqa: ANN201
        if module in ("builtins", "__builtin__") and name in ("set", "frozenset", "dict"):
            return {"set": set, "frozenset": frozenset, "dict": dict}[name]
        raise pickle.UnpicklingError(f"refusing {module}.{name} in the tagger weights")


def weights_path() -> Path:
    """Where the installed ``textblob-aptagger`` keeps its weights (not importing the package)."""
    spec = importlib.util.find_spec("textblob_aptagger")
    if spec is None or not spec.submodule_search_locations:
        raise TaggerMissing('the part-of-speech tagger is not installed (pip install "auditor[syntax]")')
    path = Path(list(spec.submodule_search_locations)[0]) / _WEIGHTS
    if not path.is_file():
        raise TaggerMissing(f"the tagger package has no weights file ({path})")
    return path


@lru_cache(maxsize=1)
def _model() -> tuple[dict[str, int], np.ndarray, dict[str, str], tuple[str, ...]]:
    """Feature → row, the weight matrix (features × tags, float64), the tag dictionary of
    unambiguous frequent words, and the tags in sorted order."""
    with open(weights_path(), "rb") as handle:
        weights, tagdict, classes = _PlainUnpickler(handle, encoding="latin1").load()
    tags = tuple(sorted(classes))
    column = {tag: k for k, tag in enumerate(tags)}
    rows = {feat: k for k, feat in enumerate(weights)}
    matrix = np.zeros((len(rows) + 1, len(tags)))  # the last row: features the model never saw
    r, c, v = [], [], []
    for feat, per_tag in weights.items():
        for tag, weight in per_tag.items():
            r.append(rows[feat]); c.append(column[tag]); v.append(weight)  # noqa: E702
    matrix[np.array(r, dtype=np.int64), np.array(c, dtype=np.int64)] = v
    return rows, matrix, tagdict, tags


def tokenize(text: str) -> list[list[str]]:
    """Sentences of word and punctuation tokens ("don't" → "do", "n't"; "U.S." kept apart).

    >>> tokenize("It's new. Buy it!")
    [['It', "'s", 'new', '.'], ['Buy', 'it', '!']]
    """
    sentences, current = [], []
    for token in _TOKEN.findall(re.sub(r"(\w)n't\b", r"\1 n't", text)):
        if "'" in token and not token.startswith("'") and token != "n't":
            head, _, tail = token.partition("'")
            current += [head, "'" + tail]
        else:
            current.append(token)
        if token in _SENTENCE_END:
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def _normal(word: str) -> str:
    if "-" in word and word[0] != "-":
        return "!HYPHEN"
    if word.isdigit() and len(word) == 4:
        return "!YEAR"
    if word[0].isdigit():
        return "!DIGITS"
    return word.lower()


def pos_tags(words: Sequence[str]) -> list[str]:
    """Penn Treebank tags of one sentence (:func:`tag_sentences`).

    >>> pos_tags(["The", "lamp", "is", "bright", "."])
    ['DT', 'NN', 'VBZ', 'JJ', '.']
    """
    return tag_sentences([words])[0]


def _rows(rows: dict[str, int], unseen: int, kind: str, values: Sequence[str]) -> np.ndarray:
    """The weight-matrix row of feature ``f"{kind} {value}"`` for each value (each distinct
    value formatted once)."""
    memo = {v: rows.get(f"{kind} {v}", unseen) for v in set(values)}
    return np.fromiter((memo[v] for v in values), dtype=np.int64, count=len(values))


def _static_features(rows: dict[str, int], unseen: int, words: list[str], ctx: np.ndarray,
                     at: np.ndarray) -> dict[str, np.ndarray]:
    """The weight rows of the features that do not depend on earlier tags, in the perceptron's order."""
    return {
        "bias": np.full(len(words), rows.get("bias", unseen)),
        "suffix": _rows(rows, unseen, "i suffix", [w[-3:] for w in words]),
        "pref1": _rows(rows, unseen, "i pref1", [w[0] for w in words]),
        "word": _rows(rows, unseen, "i word", ctx[at].tolist()),
        "prev_word": _rows(rows, unseen, "i-1 word", ctx[at - 1].tolist()),
        "prev_suffix": _rows(rows, unseen, "i-1 suffix", [c[-3:] for c in ctx[at - 1].tolist()]),
        "prev2_word": _rows(rows, unseen, "i-2 word", ctx[at - 2].tolist()),
        "next_word": _rows(rows, unseen, "i+1 word", ctx[at + 1].tolist()),
        "next_suffix": _rows(rows, unseen, "i+1 suffix", [c[-3:] for c in ctx[at + 1].tolist()]),
        "next2_word": _rows(rows, unseen, "i+2 word", ctx[at + 2].tolist()),
    }


def tag_sentences(sentences: Sequence[Sequence[str]]) -> list[list[str]]:
    """Penn Treebank tags of each sentence, greedily left to right with the weights' own
    features (the word, its affixes, its neighbours and the two previous tags).

    Every sentence's i-th word is tagged in one array step: the features that do not depend on
    earlier tags are looked up once for all words, those that do come from small tag tables, and
    the 14 weight rows are added in the perceptron's own order, so the scores (and the tags, ties
    going to the alphabetically last tag) are those of tagging word by word.
    """
    rows, matrix, tagdict, tags = _model()
    unseen = len(matrix) - 1
    names = [*tags, *_START, *sorted({t for t in tagdict.values()} - set(tags))]
    tag_id = {name: k for k, name in enumerate(names)}
    lengths = np.array([len(s) for s in sentences], dtype=np.int64)
    words = [w for sentence in sentences for w in sentence]
    if not words:
        return [[] for _ in sentences]
    # each sentence's context: two start markers, its normalised words, two end markers
    context = [c for sentence in sentences for c in (*_START, *(_normal(w) for w in sentence), *_END)]
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]])  # each sentence's first word
    at = np.arange(len(words)) + np.repeat(4 * np.arange(len(sentences)) + 2, lengths)  # in ``context``
    ctx = np.array(context, dtype=object)
    static = _static_features(rows, unseen, words, ctx, at)
    current = ctx[at].tolist()
    prev_tag = np.array([rows.get(f"i-1 tag {t}", unseen) for t in names])
    prev2_tag = np.array([rows.get(f"i-2 tag {t}", unseen) for t in names])
    both_tags = np.array([[rows.get(f"i tag+i-2 tag {p} {q}", unseen) for q in names] for p in names])
    fixed = np.array([tag_id[tagdict[w]] if tagdict.get(w) else -1 for w in words], dtype=np.int64)
    out = np.empty(len(words), dtype=np.int64)
    order = np.argsort(-lengths, kind="stable")  # longest first: the active sentences are a prefix
    prev = np.full(len(sentences), tag_id[_START[0]])
    prev2 = np.full(len(sentences), tag_id[_START[1]])
    for i in range(int(lengths.max())):
        active = order[: int(np.searchsorted(-lengths[order], -i, side="left"))]
        token = first[active] + i
        tag = fixed[token]
        need = np.flatnonzero(tag < 0)
        if len(need):
            t, p, q = token[need], prev[active[need]], prev2[active[need]]
            word_with_prev = [rows.get(f"i-1 tag+i word {names[a]} {current[b]}", unseen)
                              for a, b in zip(p.tolist(), t.tolist())]
            score = matrix[static["bias"][t]] + matrix[static["suffix"][t]]
            for row in (static["pref1"][t], prev_tag[p], prev2_tag[q], both_tags[p, q], static["word"][t],
                        np.array(word_with_prev, dtype=np.int64), static["prev_word"][t],
                        static["prev_suffix"][t], static["prev2_word"][t], static["next_word"][t],
                        static["next_suffix"][t], static["next2_word"][t]):
                score += matrix[row]
            tag[need] = score.shape[1] - 1 - np.argmax(score[:, ::-1], axis=1)  # ties: the last tag
        out[token] = tag
        prev2[active], prev[active] = prev[active], tag
    labels = [names[k] for k in out.tolist()]
    bounds = np.concatenate([first, [len(words)]]).tolist()
    return [labels[bounds[k]:bounds[k + 1]] for k in range(len(sentences))]


def _ngrams(tagged: list[list[str]], n: int) -> list[tuple[str, ...]]:
    return [tuple(tags[k:k + n]) for tags in tagged for k in range(len(tags) - n + 1)]


def syntactic_templates(texts: Sequence[str], n: int = PATTERN_N, top: int = TOP_PATTERNS
                        ) -> tuple[list[tuple[str, ...]], np.ndarray, np.ndarray]:
    """The corpus's ``top`` most frequent POS n-grams (ties broken alphabetically), and per
    text whether it contains one and how many occurrences it has per token.

    >>> patterns, has, per_token = syntactic_templates(["The lamp is very bright.", "The mug is very warm."], n=4, top=1)
    >>> patterns, has.tolist(), per_token.round(3).tolist()
    ([('DT', 'NN', 'VBZ', 'RB')], [True, True], [0.167, 0.167])
    """
    sentences = [tokenize(t) for t in texts]
    tagged = tag_sentences([s for text in sentences for s in text])
    bounds = np.cumsum([0] + [len(text) for text in sentences]).tolist()
    grams = [_ngrams(tagged[bounds[k]:bounds[k + 1]], n) for k in range(len(texts))]
    counts = Counter(g for doc in grams for g in doc)
    patterns = [g for g, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    chosen = set(patterns)
    tokens = np.array([max(1, sum(len(s) for s in text)) for text in sentences], dtype=np.float64)
    hits = np.array([sum(g in chosen for g in doc) for doc in grams], dtype=np.float64)
    return patterns, hits > 0, hits / tokens
