"""The array-namespace seam: metric code is written once against the Array API and runs on NumPy
(CPU) or PyTorch (CPU or CUDA) arrays, whichever the caller passes in."""

from __future__ import annotations

from typing import Any

import numpy as np
from array_api_compat import array_namespace, is_numpy_array, is_torch_array


def namespace(*arrays: Any) -> Any:
    """The Array API namespace shared by ``arrays`` (NumPy or PyTorch)."""
    return array_namespace(*arrays)


def to_numpy(x: Any) -> np.ndarray:
    """A NumPy copy (or view) of a NumPy array or a torch tensor on any device."""
    if is_torch_array(x):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def on_device(x: np.ndarray, device: str | None) -> Any:
    """``x`` unchanged for ``device`` None/"cpu"; else a torch tensor on that device."""
    if device in (None, "cpu"):
        return x
    import torch

    return torch.as_tensor(x, device=device)


def check_embeddings(X: Any, name: str = "X", min_rows: int = 2) -> tuple[int, int]:
    """Validate a 2-D float matrix with at least ``min_rows`` rows; return ``(n, d)``."""
    shape = getattr(X, "shape", None)
    if shape is None or len(shape) != 2:
        raise ValueError(f"{name} must be a 2-D array of embeddings, got shape {shape}")
    n, d = int(shape[0]), int(shape[1])
    if n < min_rows or d < 1:
        raise ValueError(f"{name} needs at least {min_rows} rows and 1 column, got shape {(n, d)}")
    if not (is_numpy_array(X) or is_torch_array(X)):
        raise TypeError(f"{name} must be a NumPy array or torch tensor, got {type(X).__name__}")
    return n, d


def check_unit_rows(X: Any, block_rows: int = 65536, tol: float = 1e-3, name: str = "X") -> None:
    """Raise ``ValueError`` unless every row of ``X`` has unit L2 norm (within ``tol``)."""
    xp = namespace(X)
    for start in range(0, X.shape[0], block_rows):
        block = X[start:start + block_rows]
        norms = xp.sqrt(xp.sum(block * block, axis=1))
        worst = float(xp.max(xp.abs(norms - 1.0)))
        if not worst <= tol:
            raise ValueError(f"{name} rows must be unit-normalized (a row norm is off by {worst:.3g})")


def sorted_unique(x: np.ndarray) -> np.ndarray:
    """The distinct values of the 1-D array ``x``, sorted: ``np.unique(x)``, by a sort and a
    comparison with the previous value (NumPy 2's hash table is ~10× slower on a million
    integers of which most are distinct).

    >>> sorted_unique(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    x = np.sort(np.asarray(x).ravel())
    if len(x) < 2:
        return x
    keep = np.empty(len(x), dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]
