"""From texts to a state, and from a (merged) state to the usual audit result."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from auditor.audit.settings import AuditSettings, split_options
from auditor.calibration.texts import ALL_TEXTS
from auditor.corpus import Corpus, from_frame
from auditor.corpus.roles import ROLES as CORPUS_ROLES
from auditor.embed import Embedder
from auditor.embed.model import ModelSpec
from auditor.errors import CorpusError, SettingsError
from auditor.progress import StepTimer
from auditor.result import AuditResult
from auditor.states.exact import ExactValues
from auditor.states.sketch import SKETCH_SIZE
from auditor.states.state import DEFAULT_SAMPLE_SIZE, ROLES, TRANSLATION_SIMILARITY, AuditState, build_state


def shard_state(data: Any, settings: AuditSettings | None = None, *, embedder: Any = None,
                sample_size: int = DEFAULT_SAMPLE_SIZE, sketch_size: int = SKETCH_SIZE,
                **options: Any) -> AuditState:
    """The partial state of one shard: ``data`` and ``options`` as for :func:`auditor.audit`
    (a path, a DataFrame, a Corpus or a list of strings; the columns; ``model``, ``device``,
    ``cache``, ``seed``)."""
    from auditor.audit.run import as_corpus, as_embedder

    if sample_size < 2:
        raise SettingsError("sample_size", f"must be at least 2, got {sample_size}")
    settings, columns = split_options(settings, options)
    corpus = as_corpus(data, **columns)
    return corpus_state(corpus, as_embedder(embedder, settings), seed=settings.seed, sample_size=sample_size,
                        sketch_size=sketch_size)


def with_translation_similarity(frame: pd.DataFrame, vectors: np.ndarray, embedder: Any) -> pd.DataFrame:
    """``frame`` with each row's cosine to its plain translation (NaN where none; the translations
    embedded by ``embedder``), when it has a translation column; else ``frame`` as it is."""
    if "translation" not in frame:
        return frame
    from auditor.metrics.locales import similarity_to_translations

    sims = similarity_to_translations(vectors, frame["translation"].to_numpy(dtype=object), embedder.encode)
    return frame.assign(**{TRANSLATION_SIMILARITY: sims})


def state_frame(corpus: Corpus, vectors: np.ndarray, embedder: Any) -> pd.DataFrame:
    """The rows a state is built from: the corpus's frame with each text's language (identified
    through the embedder's cache) and, with a translation column, its similarity to the translation."""
    from auditor.audit.languages import with_languages

    corpus = with_languages(corpus, getattr(embedder, "cache", None))
    return with_translation_similarity(corpus.frame, vectors, embedder)


def corpus_state(corpus: Corpus, embedder: Any, *, seed: int = 0, sample_size: int = DEFAULT_SAMPLE_SIZE,
                 sketch_size: int = SKETCH_SIZE, vectors: np.ndarray | None = None) -> AuditState:
    """The state of a loaded corpus (its ``vectors`` when already embedded; :func:`state_frame`)."""
    vectors = embedder.encode(corpus.texts) if vectors is None else vectors
    calibration = embedder.encode(list(ALL_TEXTS))
    return build_state(state_frame(corpus, vectors, embedder), vectors, model=embedder.model_info,
                       columns=corpus.columns, calibration=calibration, seed=seed, sample_size=sample_size,
                       sketch_size=sketch_size, source=corpus.source or "")


class StoredEmbedder(Embedder):
    """The embedding stage of a state's audit: answers from vectors stored in a state (its
    sample's or its items', and its model's calibration texts), exactly as they were stored, and
    never loads a model."""

    def __init__(self, model: dict[str, Any], vectors: dict[str, np.ndarray]) -> None:  # noqa: D107
        self._info = {"name": model["name"], "revision": model["revision"], "device": None}
        revision = model.get("revision")
        # the model's identity (its floor is remembered with it) when it has one
        self.spec = ModelSpec(model["name"], "state", revision) if isinstance(revision, str) else None
        self.cache, self.device = None, None
        self.n_embedded, self.n_cached = 0, 0
        self._vectors = vectors

    @classmethod
    def of_state(cls, state: AuditState) -> "StoredEmbedder":
        """The vectors of a corpus state: its sample's and its calibration texts'."""
        vectors = dict(zip(state.sample.columns["text"], state.sample.vectors))
        vectors.update(zip(ALL_TEXTS, state.calibration))
        return cls(state.header["model"], vectors)

    @property
    def model_info(self) -> dict[str, Any]:
        return dict(self._info)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self._vectors]
        if missing:
            raise CorpusError(f"the state has no vector for {len(missing)} of the texts asked for")
        self.n_cached += len(texts)
        return np.stack([self._vectors[t] for t in texts]) if texts else np.empty((0, 0), dtype=np.float32)


def sample_corpus(state: AuditState, source: str | None = None) -> Corpus:
    """The state's sample as a corpus, in union order, under the corpus's own column names."""
    names = state.header["columns"]
    cols = state.sample.columns
    ids = cols["id"]
    if names["id"] is None:  # ids were row numbers: number the rows of the union
        ids = [str(k + 1) for k in state.positions().tolist()]
    elif len(set(ids)) < len(ids):  # the shards' own ids repeat: name each by its shard
        ids = [f"{state.sources[p] or f'part{p + 1}'}:{i}" for p, i in zip(state.sample.part.tolist(), ids)]
    text_name = names["text"] or "text"
    frame = pd.DataFrame({"id": ids, text_name: cols["text"]}, dtype=object)
    roles: dict[str, str] = {}
    for role in ROLES:
        if role in cols:
            roles[role] = names[role] or role
            frame[roles[role]] = cols[role]
    if "language" in cols:  # kept as each row was identified (with_languages does not identify it again)
        frame["language"] = cols["language"]
    corpus = from_frame(frame, text_col=text_name, id_col="id", source=source,
                        **{role.keyword: roles.get(role.column) for role in CORPUS_ROLES if role.label})
    if TRANSLATION_SIMILARITY in cols:  # the rows' similarities travel in ExactValues; the column is named
        corpus.columns["translation"] = names.get("translation")
    return corpus


def audit_state(state: AuditState, settings: AuditSettings | None = None, *,
                reporter: StepTimer | None = None, exact: ExactValues | None = None, source: str | None = None,
                **options: Any) -> AuditResult:
    """The audit of a (merged) state: the usual result, computed on the state's sample with the
    exact values of the whole corpus in place (:mod:`auditor.states.exact`); when the sample
    holds every text, the same result as auditing their union. ``options``: any
    :class:`~auditor.audit.settings.AuditSettings` field and the stages of :func:`auditor.audit`;
    ``exact``: the exact values to use (default: the state's own); ``source``: what the corpus is
    called (default: the states' sources)."""
    from auditor.audit.run import audit_loaded, stages_of

    stages = {k: options.pop(k) for k in ("reducer", "clusterer", "vectorizer") if k in options}
    if options.pop("reference", None) is not None:
        raise SettingsError("reference", "cannot be used with a merged state (its texts are not all at hand)")
    settings, _ = split_options(settings, options)  # a state's columns were chosen when it was made
    embedder = StoredEmbedder.of_state(state)
    sources = [s for s in state.sources if s]
    if source is None and sources:
        source = sources[0] if len(sources) == 1 else f"{sources[0]} and {len(sources) - 1} more"
    corpus = sample_corpus(state, source)
    if settings.freq is not None and corpus.times is None:
        raise SettingsError("freq", "needs a time column")
    return audit_loaded(corpus, settings, stages_of(settings, **stages), embedder, reporter or StepTimer(),
                        exact=exact or ExactValues(state))
