"""The swappable stages of an audit's map and clusters (BERTopic style): a reducer with
``fit_transform``, a clusterer with ``fit_predict`` and a scikit-learn text vectorizer. The CLI's
strings are presets that build them; any object with the same method can stand in.

A stage's ``identity`` says what it computes, for the result cache: presets have one, a custom
stage may declare one (``stage.identity = "..."``); without it the result is never reused.

>>> describe(DefaultReducer())
'UMAP (cosine)'
>>> from sklearn.decomposition import PCA
>>> describe(PCA(n_components=2))
'PCA(n_components=2)'
"""

from __future__ import annotations

import threading
import warnings
from typing import Any, Sequence

import numpy as np

from auditor.background import lower_priority
from auditor.errors import SettingsError
from auditor.metrics.clusters import KEYWORDS_IDENTITY, ClusterSummary, cluster_summary
from auditor.metrics.two_sample import unit
from auditor.metrics.placement import PLACE_NEIGHBOURS, place
from auditor.metrics.uncertainty import subsample_indices
from auditor.progress import note

#: The default reducer's visible pre-step: above this many texts, UMAP sees a PCA to 50 dimensions.
PCA_ABOVE = 3000
PCA_DIMENSIONS = 50
#: Below this many texts there is no neighbourhood graph to speak of: PCA places them, and there
#: are no clusters to find (every text is in cluster 0).
UMAP_MIN_TEXTS = 10
MIN_CLUSTER_TEXTS = 10
#: The map and the clusters are fitted on a seeded sample of at most this many texts; the others
#: are placed and labelled from their nearest sampled texts (:mod:`auditor.metrics.placement`).
FIT_MAX_TEXTS = 2000
#: Layout epochs (umap-learn's own default for more than 10,000 points; 500 below).
UMAP_EPOCHS = 200
#: Up to this many points (umap-learn's own limit for exact neighbours) the reducer hands UMAP
#: the cosine distance matrix, computed in one matrix product.
PRECOMPUTED_MAX = 4096


class DefaultReducer:
    """Seeded UMAP (cosine, 15 neighbours, min_dist 0.1) to 2-D; above ``pca_above`` texts it
    runs on a ``pca_dimensions``-d PCA of the embeddings; below 10 texts, PCA to 2-D."""

    description = "UMAP (cosine)"

    def __init__(self, seed: int = 0, pca_above: int = PCA_ABOVE, pca_dimensions: int = PCA_DIMENSIONS) -> None:
        self.seed, self.pca_above, self.pca_dimensions = seed, pca_above, pca_dimensions

    def method_for(self, n: int, d: int) -> str:
        """How :meth:`fit_transform` maps ``n`` texts of ``d`` dimensions (the object never changes)."""
        if n < UMAP_MIN_TEXTS:
            return "PCA"
        if self._pca_first(n, d):
            return f"UMAP (cosine) on a {self.pca_dimensions}-d PCA"
        return "UMAP (cosine)"

    def _pca_first(self, n: int, d: int) -> bool:
        """Whether UMAP runs on a PCA of the embeddings (many texts of many dimensions)."""
        return n > self.pca_above and d > self.pca_dimensions

    @property
    def identity(self) -> str:
        return f"umap(cosine,15,0.1,{UMAP_EPOCHS}ep,seed={self.seed})+pca{self.pca_dimensions}>{self.pca_above}"

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        from sklearn.decomposition import PCA

        n = X.shape[0]
        if n < UMAP_MIN_TEXTS:
            return PCA(2, random_state=self.seed).fit_transform(X) if n > 2 else np.zeros((n, 2))
        umap = import_umap()
        if self._pca_first(n, X.shape[1]):
            X = PCA(self.pca_dimensions, random_state=self.seed).fit_transform(X)
        metric = "cosine"
        if n <= PRECOMPUTED_MAX:  # umap-learn would call its cosine once per pair from Python
            rows = unit(X)
            X = np.clip(1.0 - rows @ rows.T, 0.0, 2.0).astype(np.float32)
            np.fill_diagonal(X, 0.0)
            metric = "precomputed"
        with warnings.catch_warnings():  # "inverse_transform will be unavailable": not used
            warnings.filterwarnings("ignore", message="using precomputed metric")
            return umap.UMAP(n_components=2, n_neighbors=min(15, n - 1), min_dist=0.1, metric=metric,
                             n_epochs=UMAP_EPOCHS, random_state=self.seed, n_jobs=1).fit_transform(X)


    def prepare(self) -> None:
        """Import what :meth:`fit_transform` needs (PCA, UMAP and numba's cached code)."""
        from sklearn.decomposition import PCA  # noqa: F401

        import_umap()


_UMAP_LOCK = threading.Lock()


def prepare_in_background(*stages: Any) -> threading.Thread:
    """Run each stage's ``prepare()`` (when it has one) in a background thread, so that the map's
    imports (~2–3 s: scikit-learn, UMAP, loading numba's cached code) overlap the embedding
    instead of following it. Not a daemon: a process that ends meanwhile waits
    for it rather than tearing down a half-done import."""
    ready = [stage.prepare for stage in stages if callable(getattr(stage, "prepare", None))]

    def run() -> None:
        lower_priority()  # started before the encoder: the cycles it leaves idle
        for prepare in ready:
            prepare()

    thread = threading.Thread(target=run, name="auditor-prepare")
    thread.start()
    return thread


def import_umap():  # noqa: ANN201
    """``umap``, with its numba functions compiled once per machine: their compiled code is kept
    in ``<auditor cache>/numba`` ($NUMBA_CACHE_DIR when set), so only the first map on a machine
    pays the JIT compilation (10–50 s). Safe to call from several threads."""
    with _UMAP_LOCK:
        return _import_umap()


def _import_umap():  # noqa: ANN202
    import os

    if not os.environ.get("NUMBA_CACHE_DIR"):
        from auditor.embed.cache import default_cache_dir

        os.environ["NUMBA_CACHE_DIR"] = str(default_cache_dir() / "numba")
    import numba
    import umap
    import umap.layouts
    import umap.spectral
    import umap.umap_
    import umap.utils
    from numba.core.registry import CPUDispatcher

    numba.config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]
    for module in (umap.umap_, umap.layouts, umap.spectral, umap.utils, umap.distances):
        for value in vars(module).values():
            if isinstance(value, CPUDispatcher) and not getattr(value, "_auditor_cached", False):
                value.enable_caching()
                value._auditor_cached = True
    return umap


class HDBSCANClusterer:
    """scikit-learn's HDBSCAN with min cluster size max(5, N/50), set from the data it is given."""

    identity = "hdbscan(min_cluster_size=max(5,N/50))"
    description = "hdbscan"

    def prepare(self) -> None:
        from sklearn.cluster import HDBSCAN  # noqa: F401

    def fit_predict(self, Z: np.ndarray) -> np.ndarray:
        from sklearn.cluster import HDBSCAN

        return HDBSCAN(min_cluster_size=max(5, Z.shape[0] // 50), copy=True).fit_predict(Z)


class SilhouetteKMeans:
    """k-means with k in 2..k_max chosen by the highest silhouette score."""

    description = "kmeans"

    def __init__(self, seed: int = 0, k_max: int = 12) -> None:
        self.seed, self.k_max = seed, k_max
        self.identity = f"kmeans(silhouette,k<={k_max},seed={seed})"

    def fit_predict(self, Z: np.ndarray) -> np.ndarray:
        return kmeans_by_silhouette(Z, self.seed, self.k_max)


def kmeans_by_silhouette(Z: np.ndarray, seed: int = 0, k_max: int = 12) -> np.ndarray:
    """k-means with k in 2..k_max chosen by the highest silhouette score."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = Z.shape[0]
    best, best_score = np.zeros(n, dtype=int), -np.inf
    for k in range(2, min(k_max, n - 1) + 1):
        labels = KMeans(k, n_init=4, random_state=seed).fit_predict(Z)
        if len(set(labels.tolist())) < 2:
            continue
        score = silhouette_score(Z, labels, sample_size=min(n, 3000), random_state=seed)
        if score > best_score:
            best, best_score = labels, score
    return best



def cluster_corpus(X: np.ndarray, texts: Sequence[str], *, clusterer: Any = "hdbscan", reducer: Any = None,
                   vectorizer: Any = None, seed: int = 0, fit_max: int = FIT_MAX_TEXTS) -> ClusterSummary:
    """Map unit-normalized embeddings ``X`` with ``reducer`` and cluster the map with
    ``clusterer`` (stage objects or presets, see :mod:`auditor.stages`), both fitted on a seeded
    sample of at most ``fit_max`` texts; every other text is placed and labelled from its nearest
    sampled texts."""
    reducer, clusterer = reducer_stage(reducer, seed), clusterer_stage(clusterer, seed)
    X = np.asarray(X, dtype=np.float32)
    fit = subsample_indices(len(X), fit_max, seed)
    note(f"fitting the map on {len(fit):,} texts" + (f" of {len(X):,}" if len(fit) < len(X) else ""))
    coords = np.asarray(reducer.fit_transform(X[fit]), dtype=np.float64)
    if len(fit) < MIN_CLUSTER_TEXTS:
        labels, method = np.zeros(len(fit), dtype=int), f"none (fewer than {MIN_CLUSTER_TEXTS} texts)"
    else:
        note(f"clustering the map of {len(fit):,} texts")
        labels, method = np.asarray(clusterer.fit_predict(coords)), describe(clusterer)
    placement = None
    if len(fit) < len(X):
        note(f"placing the other {len(X) - len(fit):,} texts")
        coords, labels = place(X, fit, coords, labels)
        placement = (f"fitted on a seeded sample of {len(fit):,} of {len(X):,} texts; every other text placed at "
                     f"the similarity-weighted mean position of its {PLACE_NEIGHBOURS} nearest sampled texts and "
                     "given their weighted majority cluster")
    note("naming the clusters")
    mapped = reducer.method_for(len(fit), X.shape[1]) if callable(getattr(reducer, "method_for", None)) \
        else describe(reducer)
    return cluster_summary(labels, coords, texts, method=method, vectorizer=vectorizer_stage(vectorizer),
                           fit_sample=len(fit), placement=placement, map_method=mapped)


def reducer_stage(reducer: Any, seed: int) -> Any:
    """The reducer to use: ``None`` or "umap" → :class:`DefaultReducer`; an object as given."""
    if reducer is None or reducer == "umap":
        return DefaultReducer(seed)
    if isinstance(reducer, str):
        raise _unknown("reducer", reducer, ("umap",))
    _needs(reducer, "fit_transform", "reducer")
    return reducer


def clusterer_stage(clusterer: Any, seed: int) -> Any:
    """The clusterer to use: a preset ("hdbscan", "kmeans"; "none" or None → no map or clusters)
    or an object with ``fit_predict``."""
    if clusterer is None or clusterer == "none":
        return None
    if clusterer == "hdbscan":
        return HDBSCANClusterer()
    if clusterer == "kmeans":
        return SilhouetteKMeans(seed)
    if isinstance(clusterer, str):
        raise _unknown("clusterer", clusterer, ("hdbscan", "kmeans", "none"))
    _needs(clusterer, "fit_predict", "clusterer")
    return clusterer


def vectorizer_stage(vectorizer: Any) -> Any:
    """The keyword vectorizer: an object with ``fit_transform`` and ``get_feature_names_out``
    (scikit-learn's interface), or None for the default c-TF-IDF vocabulary (built when the
    keywords are computed, so that an audit without clusters never imports scikit-learn's text
    module)."""
    for method in ("fit_transform", "get_feature_names_out"):
        if vectorizer is not None:
            _needs(vectorizer, method, "vectorizer")
    return vectorizer


def describe(stage: Any) -> str:
    """How a stage presents itself in the result: its ``description``, else its repr."""
    return str(getattr(stage, "description", None) or repr(stage))


def identity(stage: Any, default: str = "none") -> str | None:
    """What a stage computes, for cache keys: its declared ``identity``, ``default`` for None
    (no stage, or the default one), else None (unknown: nothing computed with it is reused)."""
    if stage is None:
        return default
    declared = getattr(stage, "identity", None)
    return str(declared) if declared else None


def _needs(stage: Any, method: str, role: str) -> None:
    if not callable(getattr(stage, method, None)):
        raise SettingsError(role, f"must have a {method}() method, got {type(stage).__name__}")


def _unknown(role: str, value: str, presets: tuple[str, ...]) -> Exception:
    return SettingsError(role, f"must be one of {', '.join(presets)} or an object, got {value!r}")
