"""What every section of an audit reads: the corpus, its embeddings (once), the validated
settings, the stages, and the few things several sections share, each computed once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from auditor.audit.measurements import Measurement, measure
from auditor.audit.settings import AuditSettings
from auditor.calibration import Baseline
from auditor.corpus import Corpus
from auditor.corpus.periods import Periods, time_bins
from auditor.metrics.arrays import on_device
from auditor.metrics.uncertainty import IntervalSettings
from auditor.stages import cluster_corpus


@dataclass(frozen=True)
class Embeddings:
    """Unit-normalized float32 vectors: ``host`` (NumPy) and ``array``, the same rows on the
    device the metrics run on (``device``; the very same array on the CPU)."""

    host: np.ndarray
    device: str = "cpu"
    array: Any = field(default=None, repr=False)

    @classmethod
    def place(cls, vectors: np.ndarray, device: str) -> "Embeddings":
        return cls(vectors, device, on_device(vectors, device))

    def rows(self, idx: np.ndarray) -> Any:
        """Rows ``idx`` on the metrics device."""
        return self.array[idx] if self.device == "cpu" else self.array[on_device(idx, self.device)]

    def __len__(self) -> int:
        return int(self.host.shape[0])


@dataclass(frozen=True)
class Groups:
    """Each group's rows (groups in sorted order) and the size every group is compared at: the
    smallest group of at least 2 texts, when there are two such groups."""

    members: dict[str, np.ndarray]
    common_size: int | None

    @classmethod
    def of(cls, corpus: Corpus) -> "Groups | None":
        if corpus.groups is None:
            return None
        labels = corpus.groups.to_numpy()
        members = {str(g): np.flatnonzero(labels == g) for g in sorted(pd.unique(labels))}
        sizes = [len(idx) for idx in members.values() if len(idx) >= 2]
        return cls(members, min(sizes) if len(sizes) >= 2 else None)


@dataclass(frozen=True)
class Stages:
    """The map's reducer, the clusterer (None: no map or clusters) and the keyword vectorizer
    (None: the default vocabulary)."""

    reducer: Any
    clusterer: Any
    vectorizer: Any


@dataclass(frozen=True)
class Reference:
    """A reference corpus (e.g. generic AI copy) and its embeddings."""

    corpus: Corpus
    vectors: np.ndarray

    @property
    def name(self) -> str:
        return self.corpus.source or "reference"


@dataclass(frozen=True, eq=False)
class AuditContext:
    """The one input of every section's ``build(context)``."""

    corpus: Corpus
    embeddings: Embeddings
    settings: AuditSettings
    stages: Stages
    model: dict[str, Any]
    embedding: dict[str, Any]
    #: The model's floor: mean pairwise similarity of unrelated texts (the verdict's scale).
    baseline: Baseline
    reference: Reference | None = None
    #: Exact values for the metrics of a sample (merged partial states, :mod:`auditor.states`).
    exact: Any = None
    #: The embedding stage for texts that are not the corpus's (``encode(texts) -> unit vectors``,
    #: through the embedding cache), e.g. the plain translations a locale's copy is compared with.
    encode: Any = None
    #: The exposure log whose items the corpus holds (:class:`auditor.feed.FeedLog`), or None.
    feed: Any = None
    #: The near-duplicate decision for the corpus's rows (:mod:`auditor.metrics.near_duplicates`).
    near_duplicates: Any = None
    #: The corpus's compression ratios, started before the encoder (a ``CompressionJob``), or None.
    compression: Any = None

    @property
    def texts(self) -> np.ndarray:
        return self.corpus.frame["text"].to_numpy()

    @property
    def intervals(self) -> IntervalSettings | None:
        return self.settings.intervals

    @property
    def level(self) -> float:
        return self.settings.ci_level if self.settings.resamples > 0 else 0.95

    @property
    def labels(self) -> np.ndarray | None:
        """Each text's group as a string, or None without groups."""
        return self.corpus.groups.astype(str).to_numpy() if self.corpus.groups is not None else None

    @cached_property
    def languages(self) -> Any:
        """The corpus's languages, and a warning when the model does not read them."""
        from auditor.audit.languages import language_report

        return language_report(self.corpus, self.model, getattr(self.exact, "languages", None))

    @cached_property
    def groups(self) -> Groups | None:
        return Groups.of(self.corpus)

    @cached_property
    def periods(self) -> Periods | None:
        return time_bins(self.corpus.times, self.settings.freq) if self.corpus.times is not None else None

    @cached_property
    def whole(self) -> Measurement:
        """Every metric of the whole corpus (several sections read it)."""
        found = measure(self.embeddings.array, self.corpus.texts, settings=self.settings, intervals=self.intervals,
                        rule=self.near_duplicates, compression=self.compression)
        return self.exact.correct(found) if self.exact is not None else found

    @cached_property
    def clusters(self) -> Any:
        """The map and clusters of every text (a ``ClusterSummary``), or None without a clusterer."""
        if self.stages.clusterer is None:
            return None
        return cluster_corpus(self.embeddings.host, self.corpus.texts, reducer=self.stages.reducer,
                              clusterer=self.stages.clusterer, vectorizer=self.stages.vectorizer)

    @property
    def n_texts(self) -> int:
        """Texts in the corpus audited (more than the rows here when they are a merged state's sample)."""
        return self.exact.n_texts if self.exact is not None else len(self.corpus)

    def size(self, idx: np.ndarray, key: tuple[str, str]) -> int:
        """How many texts ``key`` has: the rows ``idx`` here, or all of them in a merged state."""
        known = self.exact.n_of(key) if self.exact is not None else None
        return int(known if known is not None else len(idx))

    def measure(self, idx: np.ndarray, key: tuple[str, str] | None = None) -> Measurement:
        """Every metric of the texts ``idx`` (all of ``key``, e.g. ("group", label), when given)."""
        rule = self.near_duplicates.subset(idx) if self.near_duplicates is not None else None
        found = measure(self.embeddings.rows(idx), self.texts[idx].tolist(), settings=self.settings,
                        intervals=self.intervals, rule=rule)
        return self.exact.correct(found, key) if self.exact is not None and key is not None else found
