"""Placing texts on a map fitted to a sample: each text goes to the similarity-weighted mean
position of its k nearest sampled texts (cosine) and takes their weighted majority cluster
(noise, −1, is a label like any other). A sampled text keeps its own position and label.

Fitting the map and the clusters on a bounded sample and placing the rest is what keeps them
linear in the corpus size; the placement is an assignment, not a fit, so every text still has a
position and a cluster.
"""

from __future__ import annotations

import numpy as np

#: Neighbours per placed text.
PLACE_NEIGHBOURS = 10
_BLOCK_ROWS = 4096


def nearest_sampled(X: np.ndarray, sample: np.ndarray, k: int = PLACE_NEIGHBOURS) -> tuple[np.ndarray, np.ndarray]:
    """For every row of unit ``X``, its ``k`` most similar rows among ``X[sample]`` (indices into
    ``sample``) and their cosines, most similar first; row blocks, never an N×S matrix whole."""
    S = np.asarray(X[sample], dtype=np.float32)
    k = min(k, len(sample))
    idx = np.empty((len(X), k), dtype=np.int64)
    sims = np.empty((len(X), k), dtype=np.float32)
    for start in range(0, len(X), _BLOCK_ROWS):
        block = np.asarray(X[start:start + _BLOCK_ROWS], dtype=np.float32) @ S.T
        top = np.argpartition(-block, k - 1, axis=1)[:, :k] if k < block.shape[1] else np.tile(np.arange(k), (len(block), 1))
        vals = np.take_along_axis(block, top, axis=1)
        order = np.argsort(-vals, axis=1, kind="stable")
        idx[start:start + len(block)] = np.take_along_axis(top, order, axis=1)
        sims[start:start + len(block)] = np.take_along_axis(vals, order, axis=1)
    return idx, sims


def place(X: np.ndarray, sample: np.ndarray, coords: np.ndarray, labels: np.ndarray,
          k: int = PLACE_NEIGHBOURS) -> tuple[np.ndarray, np.ndarray]:
    """Positions and cluster labels of every row of ``X`` from the map (``coords``) and clusters
    (``labels``) fitted to ``X[sample]``.

    >>> X = np.array([[1.0, 0], [0, 1], [0.8, 0.6], [0.6, 0.8]])
    >>> xy, lab = place(X, np.array([0, 1]), np.array([[0.0, 0], [1, 1]]), np.array([3, 4]), k=2)
    >>> xy.round(3).tolist(), lab.tolist()
    ([[0.0, 0.0], [1.0, 1.0], [0.429, 0.429], [0.571, 0.571]], [3, 4, 3, 4])
    """
    idx, sims = nearest_sampled(X, sample, k)
    w = np.maximum(sims.astype(np.float64), 1e-6)
    out_xy = (w[:, :, None] * coords[idx]).sum(axis=1) / w.sum(axis=1, keepdims=True)
    names, codes = np.unique(labels, return_inverse=True)
    votes = np.zeros((len(X), len(names)))
    np.add.at(votes, (np.repeat(np.arange(len(X)), idx.shape[1]), codes[idx].ravel()), w.ravel())
    out_labels = names[np.argmax(votes, axis=1)]
    out_xy[sample], out_labels[sample] = coords, labels  # a sampled text keeps its own place
    return out_xy, out_labels
