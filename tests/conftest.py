"""Shared fixtures: a fast deterministic stand-in encoder, an isolated embedding cache, and the
real default model (loaded once per session)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
SAMPLE = ROOT / "sample_corpora"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


class HashEncoder:
    """Deterministic bag-of-words encoder: each word maps to a fixed random vector. Texts sharing
    words come out similar, identical texts identical. Counts what it was asked to encode."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.calls: list[int] = []

    def _word(self, word: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
        return np.random.default_rng(seed).standard_normal(self.dim)

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dim))
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i] += self._word(word)
        return out


@pytest.fixture
def hash_encoder() -> HashEncoder:
    return HashEncoder()


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding cache for the whole session, so the real model embeds each text once."""
    path = tmp_path_factory.mktemp("embedding-cache")
    os.environ["AUDITOR_CACHE_DIR"] = str(path)
    return path


@pytest.fixture(autouse=True)
def _isolated_cache(session_cache: Path) -> None:
    """Never touch the user's real cache from tests."""
    os.environ["AUDITOR_CACHE_DIR"] = str(session_cache)


def unit_rows(n: int, d: int, seed: int = 0, dtype: type = np.float64) -> np.ndarray:
    X = np.random.default_rng(seed).standard_normal((n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X.astype(dtype)


def file_checksums(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path: equal before and after = untouched."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def need_corpus(*parts: str) -> Path:
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available (../shared/corpora is absent)")
    return path
