"""Partial states of an audit: what a shard of a corpus contributes, merged exactly.

A state holds, for its texts:

- the additive embedding state (N, Σx, Σ‖x‖², XᵀX) of the whole shard, of each group and of each
  month (:class:`~auditor.metrics.semantic.EmbeddingStats`): mean pairwise similarity,
  dispersion, the Vendi scores and the effective rank follow exactly from their sum. Groups and
  months keep XᵀX while there are at most :data:`MAX_GRAM_KEYS` of them (N, Σx and Σ‖x‖², enough
  for similarity and dispersion, always);
- distinct-n sketches of the texts joined in order (:mod:`auditor.states.lexical`);
- a bottom-k sample of rows with their texts, columns and vectors, for everything that needs
  rows (neighbours, map, clusters, phrases, ROUGE-L, intervals): each text's priority is a seeded
  hash of the text, and the ``sample_size`` rows of smallest priority are kept, so the sample of
  a union is the same whatever the shards (a uniform sample of the distinct texts, copies kept
  together). A corpus of at most ``sample_size`` texts is kept whole;
- the number of texts per language (every text identified), so a merged result's language shares
  are the whole corpus's; the sample rows carry their language, and with a translation column the
  similarity of each text to its plain translation (embedded when the state is built);
- the model's identity, the settings the state depends on and the model's calibration vectors.

States of different models, versions or settings do not merge (:class:`StateMismatch`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any, Sequence

import numpy as np
import pandas as pd

from auditor.corpus.roles import LABELS, ROLES as CORPUS_ROLES, TEXT
from auditor.defaults import SAMPLE_SIZE
from auditor.errors import AuditorError
from auditor.metrics.semantic import EmbeddingStats, embedding_stats
from auditor.states.lexical import MAX_N, LexicalState
from auditor.states.sketch import SKETCH_SIZE

STATE_VERSION = 2  # 2: language counts, translation similarities
#: Rows kept for the sampled parts of an audit.
DEFAULT_SAMPLE_SIZE = SAMPLE_SIZE
#: Groups (and months) keep their d×d XᵀX while there are at most this many of them.
MAX_GRAM_KEYS = 64
#: The optional columns a sample row carries besides its text and id.
ROLES = LABELS  # the per-text labels a state keeps (auditor.corpus.roles)
#: A number a sample row carries: the cosine of the text with its plain translation (None: none given).
TRANSLATION_SIMILARITY = "translation_similarity"


class StateMismatch(AuditorError):
    """States that cannot be merged (another model, version or settings)."""


def add_stats(a: EmbeddingStats, b: EmbeddingStats) -> EmbeddingStats:
    """The state of both sets of rows (XᵀX only when both have it)."""
    gram = a.gram + b.gram if a.gram is not None and b.gram is not None else None
    return EmbeddingStats(a.n + b.n, a.total + b.total, gram, a.sq_norms + b.sq_norms)


def stats_of(X: np.ndarray, block_rows: int = 8192) -> EmbeddingStats:
    """The additive state of rows ``X`` in float64 throughout (products too, block by block), so
    that states of shards sum to the state of their union to round-off (no kernel: a state is
    built to be summed)."""
    X = np.asarray(X)
    out = EmbeddingStats(0, np.zeros(X.shape[1]), np.zeros((X.shape[1], X.shape[1])), 0.0)
    for start in range(0, len(X), block_rows):
        block = X[start:start + block_rows].astype(np.float64)
        out = add_stats(out, embedding_stats(block, block_rows=block_rows, check=False, kernel=False))
    return out


def _keyed(labels: np.ndarray, X: np.ndarray) -> dict[str, EmbeddingStats]:
    keys, codes = np.unique(labels, return_inverse=True)
    if len(keys) <= MAX_GRAM_KEYS:
        return {str(k): stats_of(X[codes == c]) for c, k in enumerate(keys)}
    # too many keys to keep XᵀX: only N, Σx and Σ‖x‖², without computing the products
    X, codes = np.asarray(X, dtype=np.float64), codes.ravel()
    counts = np.bincount(codes, minlength=len(keys))
    totals = np.zeros((len(keys), X.shape[1]))
    np.add.at(totals, codes, X)
    squares = np.bincount(codes, weights=np.einsum("ij,ij->i", X, X), minlength=len(keys))
    return {str(k): EmbeddingStats(int(counts[c]), totals[c], None, float(squares[c])) for c, k in enumerate(keys)}


def _capped(keyed: dict[str, EmbeddingStats]) -> dict[str, EmbeddingStats]:
    if len(keyed) <= MAX_GRAM_KEYS:
        return keyed
    return {k: EmbeddingStats(s.n, s.total, None, s.sq_norms) for k, s in keyed.items()}


def merge_keyed(a: dict[str, EmbeddingStats], b: dict[str, EmbeddingStats]) -> dict[str, EmbeddingStats]:
    out = dict(a)
    for key, stats in b.items():
        out[key] = add_stats(out[key], stats) if key in out else stats
    return _capped(dict(sorted(out.items())))


def priorities(texts: Sequence[str], seed: int) -> np.ndarray:
    """Each text's sampling priority: the first 8 bytes of BLAKE2b(seed, text)."""
    salt = str(seed).encode()
    return np.fromiter((int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8, salt=salt[:16]).digest(),
                                       "little") for t in texts), dtype=np.uint64, count=len(texts))


@dataclass
class Sample:
    """Rows kept for the sampled parts: priority, position in the union (part, row), vectors and
    columns (``text``, ``id`` and the roles the corpus has; times as ISO strings)."""

    priority: np.ndarray
    part: np.ndarray
    row: np.ndarray
    vectors: np.ndarray
    columns: dict[str, list[str]]

    def __len__(self) -> int:
        return len(self.priority)

    def take(self, idx: np.ndarray) -> "Sample":
        idx = np.asarray(idx, dtype=np.int64)
        return Sample(self.priority[idx], self.part[idx], self.row[idx], self.vectors[idx],
                      {k: [v[i] for i in idx.tolist()] for k, v in self.columns.items()})

    def keep(self, size: int) -> "Sample":
        """The ``size`` rows of smallest priority (ties: earlier in the union), in union order."""
        chosen = np.lexsort((self.row, self.part, self.priority))[:size]
        return self.take(chosen[np.lexsort((self.row[chosen], self.part[chosen]))])

    @staticmethod
    def concat(a: "Sample", b: "Sample", part_offset: int) -> "Sample":
        return Sample(np.concatenate([a.priority, b.priority]), np.concatenate([a.part, b.part + part_offset]),
                      np.concatenate([a.row, b.row]), np.concatenate([a.vectors, b.vectors]),
                      {k: a.columns[k] + b.columns[k] for k in a.columns})


@dataclass
class AuditState:
    """A mergeable partial state of an audit (see the module docstring)."""

    header: dict[str, Any]
    n_texts: int
    whole: EmbeddingStats
    groups: dict[str, EmbeddingStats]
    months: dict[str, EmbeddingStats]
    time_range: tuple[str, str] | None
    lexical: LexicalState
    sample: Sample
    calibration: np.ndarray
    sources: list[str] = field(default_factory=list)
    #: Texts in each part, in order (a sample row's place in the union follows from them).
    sizes: list[int] = field(default_factory=list)
    #: Texts per language ({} when a state did not count them).
    languages: dict[str, int] = field(default_factory=dict)

    @property
    def parts(self) -> int:
        return len(self.sources)

    def positions(self) -> np.ndarray:
        """Each sample row's position in the union (0-based)."""
        starts = np.concatenate([[0], np.cumsum(self.sizes)[:-1]]).astype(np.int64)
        return starts[self.sample.part] + self.sample.row

    @property
    def sampled(self) -> bool:
        """Whether the sample holds fewer rows than the corpus."""
        return len(self.sample) < self.n_texts

    def check_compatible(self, other: "AuditState") -> None:
        for key in ("version", "model", "settings", "columns"):
            if self.header[key] != other.header[key]:
                raise StateMismatch(f"cannot merge states with different {key}: {_short(self.header[key])} "
                                    f"vs {_short(other.header[key])}")

    def merge(self, later: "AuditState") -> "AuditState":
        """The state of this state's texts followed by ``later``'s."""
        self.check_compatible(later)
        size = self.header["settings"]["sample_size"]
        times = [r for r in (self.time_range, later.time_range) if r is not None]
        return replace(
            self,
            n_texts=self.n_texts + later.n_texts,
            whole=add_stats(self.whole, later.whole),
            groups=merge_keyed(self.groups, later.groups),
            months=merge_keyed(self.months, later.months),
            time_range=(min(r[0] for r in times), max(r[1] for r in times)) if times else None,
            lexical=self.lexical.merge(later.lexical),
            sample=Sample.concat(self.sample, later.sample, self.parts).keep(size),
            sources=self.sources + later.sources,
            sizes=self.sizes + later.sizes,
            languages=_add_counts(self, later),
        )


def _add_counts(a: AuditState, b: AuditState) -> dict[str, int]:
    """Texts per language of both states ({} unless both counted every text)."""
    if sum(a.languages.values()) != a.n_texts or sum(b.languages.values()) != b.n_texts:
        return {}
    return {code: a.languages.get(code, 0) + b.languages.get(code, 0) for code in sorted({*a.languages, *b.languages})}


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "..."


def merge_states(states: Sequence[AuditState]) -> AuditState:
    """The state of the states' texts in the order given (the union of their shards)."""
    if not states:
        raise StateMismatch("no states to merge")
    out = states[0]
    for state in states[1:]:
        out = out.merge(state)
    return out


def build_state(frame: pd.DataFrame, vectors: np.ndarray, *, model: dict[str, Any], columns: dict[str, str | None],
                calibration: np.ndarray, seed: int = 0, sample_size: int = DEFAULT_SAMPLE_SIZE,
                sketch_size: int = SKETCH_SIZE, source: str = "") -> AuditState:
    """The state of one shard: a corpus frame (``id``, ``text`` and the roles it has, as
    :class:`~auditor.corpus.Corpus` holds them) and its unit-normalized vectors."""
    vectors = np.asarray(vectors, dtype=np.float32)
    texts = frame["text"].tolist()
    header = {
        "version": STATE_VERSION,
        "model": {k: model.get(k) for k in ("name", "revision")} | {"dimension": int(vectors.shape[1])},
        "settings": {"seed": int(seed), "sample_size": int(sample_size), "sketch_size": int(sketch_size),
                     "max_n": MAX_N},
        "columns": {k: columns.get(k) for k in (TEXT.column, *(role.column for role in CORPUS_ROLES))},
    }
    groups = _keyed(frame["group"].to_numpy(dtype=str), vectors) if "group" in frame else {}
    months, time_range, iso = {}, None, None
    if "time" in frame:
        times = pd.to_datetime(frame["time"])
        iso = [t.isoformat() for t in times]
        months = _keyed(np.array([f"{t.year:04d}-{t.month:02d}" for t in times]), vectors)
        time_range = (min(iso), max(iso))
    kept = {"text": texts, "id": frame["id"].astype(str).tolist()}
    for role in (*ROLES, "language"):
        if role in frame:
            kept[role] = iso if role == "time" else frame[role].astype(str).tolist()
    if TRANSLATION_SIMILARITY in frame:
        kept[TRANSLATION_SIMILARITY] = [None if np.isnan(v) else float(v) for v in frame[TRANSLATION_SIMILARITY]]
    languages = frame["language"].astype(str).value_counts().to_dict() if "language" in frame else {}
    rows = np.arange(len(texts), dtype=np.int64)
    sample = Sample(priorities(texts, seed), np.zeros(len(texts), dtype=np.int64), rows, vectors, kept)
    return AuditState(header, len(texts), stats_of(vectors), groups, months, time_range,
                      LexicalState.of(texts, MAX_N, sketch_size), sample.keep(sample_size),
                      np.asarray(calibration, dtype=np.float32), [source], [len(texts)],
                      {str(k): int(v) for k, v in sorted(languages.items())})
