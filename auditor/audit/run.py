"""The audit: corpus → embeddings → sections → :class:`AuditResult`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from auditor.audit.context import AuditContext, Embeddings, Reference, Stages
from auditor.audit.languages import calibrate, languages_and_model
from auditor.audit.result_cache import ResultCache, result_key
from auditor.audit.sections import SECTIONS, applies
from auditor.audit.sections.provenance import now
from auditor.audit.settings import AuditSettings, split_options
from auditor.corpus import Corpus, from_frame, from_texts, load_corpus
from auditor.corpus.roles import ROLES
from auditor.embed import Embedder
from auditor.embed.model import cuda_may_exist, select_device
from auditor.embed.onnx_backend import ONNX
from auditor.errors import SettingsError
from auditor.metrics.clusters import KEYWORDS_IDENTITY
from auditor.metrics.lexical_suite import CompressionJob
from auditor.metrics.semantic import typicality
from auditor.progress import StepTimer
from auditor.result import AuditResult
from auditor.stages import clusterer_stage, identity, prepare_in_background, reducer_stage, vectorizer_stage


def audit(data: Any, settings: AuditSettings | None = None, *, embedder: Any = None, reducer: Any = None,
          clusterer: Any = "hdbscan", vectorizer: Any = None, reference: Any = None,
          reporter: StepTimer | None = None, **options: Any) -> AuditResult:
    """Audit a corpus for homogenization.

    ``data``: a path, a DataFrame, a :class:`Corpus` or a list of strings; ``reference``: the same
    kinds, a corpus to measure against. ``options``: the columns (``text_col``, ``group_col``,
    ``time_col``, ``id_col``, ``encoding``, ``skip_invalid``; ``strata``: the column naming each
    text's prompt, brief, product or question, or one label per text for a list of strings) and
    any :class:`AuditSettings` field, over ``settings``. Stages (see :mod:`auditor.stages`): ``embedder`` (an
    :class:`Embedder` or any object with ``encode``; ``model=`` also takes one), ``reducer``,
    ``clusterer`` ("hdbscan", "kmeans", None for no map and clusters, or an object) and
    ``vectorizer``. ``reporter`` times (and may show) each stage; the times are the result's
    ``timings``. An embedder's ``exact`` (merged partial states, :mod:`auditor.states`) replaces
    Same input and same seed give identical numbers.
    """
    if embedder is None and options.get("model") is not None and not isinstance(options["model"], (str, Path)):
        embedder = options.pop("model")
    settings, columns = split_options(settings, options)
    stages = stages_of(settings, reducer, clusterer, vectorizer)
    timer = reporter or StepTimer()
    with timer.step("load"):
        corpus = as_corpus(data, **columns)
        if settings.freq is not None and corpus.times is None:
            raise SettingsError("freq", "needs a time column")
        ref_corpus = as_corpus(reference) if reference is not None else None
        if settings.sample is not None:  # a sample as large as the corpus is the corpus
            settings = settings.replace(sample=None) if settings.sample >= len(corpus) else settings
            corpus = corpus.sample(settings.sample, settings.seed) if settings.sample else corpus
    return audit_loaded(corpus, settings, stages, embedder, timer, reference=ref_corpus)


def stages_of(settings: AuditSettings, reducer: Any = None, clusterer: Any = "hdbscan", vectorizer: Any = None) -> Stages:
    """The stages from what :func:`audit` takes (presets by name, objects, or None)."""
    return Stages(reducer_stage(reducer, settings.seed), clusterer_stage(clusterer, settings.seed),
                  vectorizer_stage(vectorizer))


def audit_loaded(corpus: Corpus, settings: AuditSettings, stages: Stages, embedder: Any, timer: StepTimer, *,
                 reference: Corpus | None = None, exact: Any = None, feed: Any = None) -> AuditResult:
    """The core every entry point calls once it has loaded its inputs: embed ``corpus`` (and the
    ``reference``), calibrate, and build every section that applies. ``exact``: exact values that
    replace a sample's (merged partial states); ``feed``: the exposure log whose items ``corpus``
    holds (:mod:`auditor.feed`)."""
    with timer.step("load"):
        corpus, settings = languages_and_model(corpus, settings, embedder)  # multilingual model when needed
    embedder = as_embedder(embedder, settings)
    if settings.device != "auto":
        select_device(settings.device)  # a device that is not there is bad input too
    store, key = reusable(corpus, settings, embedder, stages, reference,
                          feed.fingerprint() if feed is not None else None)
    stored = store.get(key) if store is not None else None
    texts = corpus.texts
    # the corpus's compression needs only its texts: it runs while the encoder does,
    compression = (CompressionJob(texts, settings.seed, settings.intervals)
                   if stored is None and settings.lexical else None)
    if stored is None and stages.clusterer is not None:  # and the map's imports
        prepare_in_background(stages.reducer, stages.clusterer)
    with timer.step("embed"):
        timer.show()  # the input is valid: from here on, stages are shown
        vectors = embedder.encode(texts)
        ref = Reference(reference, embedder.encode(reference.texts)) if reference is not None else None
    embedding = {"n_embedded": embedder.n_embedded, "n_cached": embedder.n_cached,
                 "n_repeated": getattr(embedder, "n_repeated", 0)}
    with timer.step("calibration"):
        floor, near_duplicates = calibrate(embedder, corpus, settings.threshold)
    if stored is not None:
        stored.update(created_at=now(), embedding={**embedding, "result_reused": True}, timings=dict(timer.timings))
        return AuditResult(stored, embeddings=vectors, typicality=typicality(vectors), corpus=corpus,
                           near_duplicates=near_duplicates)
    device = metrics_device(settings.device, embedder)
    model = {**embedder.model_info, "dimension": int(vectors.shape[1]), "metrics_device": device}
    ctx = AuditContext(corpus, Embeddings.place(vectors, device), settings, stages, model, embedding, floor, ref,
                       exact, embedder.encode, feed, near_duplicates, compression)
    result: dict[str, Any] = {}
    for section in (s for s in SECTIONS if applies(s, ctx)):
        with timer.step(section.STEP):
            result.update(section.build(ctx))
    result["timings"] = dict(timer.timings)
    if store is not None:
        store.put(key, result)
    return AuditResult(result, embeddings=vectors, typicality=ctx.whole.semantic.typicality, corpus=corpus,
                       near_duplicates=near_duplicates)


def as_corpus(data: Any, **columns: Any) -> Corpus:
    """Accept a :class:`Corpus`, a DataFrame, a path (a string is always a path, never one
    text), or a sequence of strings."""
    strata = columns.pop("strata", None)
    if isinstance(data, Corpus):
        named = [k for k, v in {"strata": strata, **columns}.items()
                 if v is not None and k not in ("encoding", "skip_invalid")]
        if named:  # a Corpus was read with its columns; naming others would be silently ignored
            raise SettingsError(named[0], "names a column of a table; a Corpus already has its columns")
        return data
    if strata is not None and isinstance(data, (str, Path, pd.DataFrame)) and not isinstance(strata, str):
        raise SettingsError("strata", "must be a column name for a table or a path")
    if isinstance(data, pd.DataFrame):
        return from_frame(data, strata=strata, **{k: v for k, v in columns.items() if k != "encoding"})
    if isinstance(data, (str, Path)):
        return load_corpus(data, strata=strata, **columns)
    if isinstance(strata, str):
        raise SettingsError("strata", "must be one label per text for a list of texts")
    return from_texts(list(data), strata=list(strata) if strata is not None else None)


def as_embedder(embedder: Any, settings: AuditSettings) -> Embedder:
    """The embedding stage: an :class:`Embedder` as given, else one around ``embedder`` (an
    object with ``encode``) or the settings' model."""
    if isinstance(embedder, Embedder):
        return embedder
    if embedder is None and settings.backend == ONNX:
        embedder = onnx_encoder(settings)
    return Embedder(embedder if embedder is not None else settings.model, device=settings.device,
                    batch_size=settings.batch_size, cache=settings.cache, progress=settings.progress)


def onnx_encoder(settings: AuditSettings) -> Any:
    """The settings' model on the ONNX backend, its export kept in the embedding cache's folder."""
    from auditor.embed.cache import default_cache_dir
    from auditor.embed.model import resolve_model
    from auditor.embed.multilingual import MULTILINGUAL
    from auditor.embed.onnx_backend import OnnxEncoder

    if str(settings.model or "").lower() == MULTILINGUAL:
        raise SettingsError("backend", "onnx runs sentence-transformers models; the multilingual model has its own runtime")
    if settings.device.startswith(("cuda", "mps")):
        raise SettingsError("backend", f"onnx runs on the CPU here; use the torch backend for device {settings.device}")
    folder = Path(settings.cache) if isinstance(settings.cache, (str, os.PathLike)) else default_cache_dir()
    return OnnxEncoder(resolve_model(settings.model), folder)


def metrics_device(device: str, embedder: Embedder) -> str:
    """Where the metrics run: the CUDA device the model ran on, or the one asked for, else CPU."""
    if device == "cpu":
        return "cpu"
    if embedder.device is not None and embedder.device.startswith("cuda"):
        return embedder.device
    if device.startswith("cuda") or (device == "auto" and cuda_may_exist()):
        chosen = select_device(device)
        return chosen if chosen.startswith("cuda") else "cpu"
    return "cpu"


def reusable(corpus: Corpus, settings: AuditSettings, embedder: Embedder, stages: Stages,
             reference: Corpus | None, feed: str | None = None) -> tuple[ResultCache | None, str]:
    """The result cache and this audit's key in it, when everything that decides the numbers has
    an identity (the model, every stage); else (None, ""). ``reference``: the corpus measured
    against; ``feed``: the exposure log's fingerprint."""
    stage_ids = [identity(stages.reducer), identity(stages.clusterer),
                 identity(stages.vectorizer, default=KEYWORDS_IDENTITY)]
    if not settings.reuse_results or embedder.cache is None or embedder.identity is None or None in stage_ids:
        return None, ""
    columns = {role.column: corpus.frame[role.column].astype(str).tolist() for role in ROLES
               if role.column != "id" and role.column in corpus.frame}  # the ids are in the fingerprint
    key = result_key(corpus.fingerprint(), columns, embedder.identity,
                     {**settings.deciding(), "stages": stage_ids, "source": corpus.source,
                      "reference": reference.fingerprint() if reference is not None else None, "feed": feed})
    return ResultCache(embedder.cache.directory), key
