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
    """Penn Treebank tags of one sentence, greedily left to right (the weights' own features:
    the word, its affixes, its neighbours and the two previous tags).

    >>> pos_tags(["The", "lamp", "is", "bright", "."])
    ['DT', 'NN', 'VBZ', 'JJ', '.']
    """
    rows, matrix, tagdict, tags = _model()
    unseen = len(matrix) - 1
    context = [*_START, *(_normal(w) for w in words), *_END]
    prev, prev2 = _START
    out = []
    for i, word in enumerate(words):
        tag = tagdict.get(word)
        if not tag:
            k = i + 2
            feats = ("bias", f"i suffix {word[-3:]}", f"i pref1 {word[0]}", f"i-1 tag {prev}",
                     f"i-2 tag {prev2}", f"i tag+i-2 tag {prev} {prev2}", f"i word {context[k]}",
                     f"i-1 tag+i word {prev} {context[k]}", f"i-1 word {context[k - 1]}",
                     f"i-1 suffix {context[k - 1][-3:]}", f"i-2 word {context[k - 2]}",
                     f"i+1 word {context[k + 1]}", f"i+1 suffix {context[k + 1][-3:]}",
                     f"i+2 word {context[k + 2]}")
            scores = matrix[[rows.get(f, unseen) for f in feats]].sum(axis=0)
            tag = tags[np.flatnonzero(scores == scores.max())[-1]]  # ties: the alphabetically last tag
        out.append(tag)
        prev2, prev = prev, tag
    return out


def pos_ngrams(text: str, n: int = PATTERN_N) -> list[tuple[str, ...]]:
    """The POS n-grams of a text, within sentences."""
    out = []
    for sentence in tokenize(text):
        tags = pos_tags(sentence)
        out += [tuple(tags[k:k + n]) for k in range(len(tags) - n + 1)]
    return out


def syntactic_templates(texts: Sequence[str], n: int = PATTERN_N, top: int = TOP_PATTERNS
                        ) -> tuple[list[tuple[str, ...]], np.ndarray, np.ndarray]:
    """The corpus's ``top`` most frequent POS n-grams (ties broken alphabetically), and per
    text whether it contains one and how many occurrences it has per token.

    >>> patterns, has, per_token = syntactic_templates(["The lamp is very bright.", "The mug is very warm."], n=4, top=1)
    >>> patterns, has.tolist(), per_token.round(3).tolist()
    ([('DT', 'NN', 'VBZ', 'RB')], [True, True], [0.167, 0.167])
    """
    grams = [pos_ngrams(t, n) for t in texts]
    counts = Counter(g for doc in grams for g in doc)
    patterns = [g for g, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    chosen = set(patterns)
    tokens = np.array([max(1, sum(len(s) for s in tokenize(t))) for t in texts], dtype=np.float64)
    hits = np.array([sum(g in chosen for g in doc) for doc in grams], dtype=np.float64)
    return patterns, hits > 0, hits / tokens
