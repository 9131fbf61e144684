"""Reading a state file's ``.npz`` archive: plain arrays only (no pickle), and no member inflated
beyond a bound (a small file cannot claim gigabytes of memory)."""

from __future__ import annotations

import io
import zipfile

import numpy as np

from auditor.errors import CorpusError

#: A member may expand to at most this many times the file's size (no zip bomb is inflated).
MAX_EXPANSION = 16


def bounded_arrays(data: bytes, where: str) -> dict[str, np.ndarray]:
    """The arrays of a state file's ``.npz`` bytes, read without pickle, after checking that its
    members do not expand beyond :data:`MAX_EXPANSION` times the file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_EXPANSION * len(data) + 2**20:
                raise CorpusError(f"{where}: its members expand far beyond its size; not an auditor state")
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise CorpusError(f"{where}: not an auditor state file ({type(exc).__name__})") from None
