"""Embedding texts: model resolution, device choice, caching."""

from auditor.embed.cache import EmbeddingCache, default_cache_dir
from auditor.embed.embedder import Embedder, normalize_rows
from auditor.embed.model import DEFAULT_MODEL, ModelSpec, resolve_model, select_device

__all__ = [
    "DEFAULT_MODEL", "Embedder", "EmbeddingCache", "ModelSpec", "default_cache_dir",
    "normalize_rows", "resolve_model", "select_device",
]
