"""Semantic homogeneity metrics over unit-normalized embeddings (X, N×d).

Every metric here follows from the additive state (n, Σxᵢ, XᵀX) in :class:`EmbeddingStats`, so
partitions computed anywhere merge by addition. Functions accept either the embedding matrix
(NumPy or torch) or a precomputed :class:`EmbeddingStats`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence, Union

import numpy as np

from auditor.metrics.arrays import check_embeddings, check_unit_rows, namespace, to_numpy

DEFAULT_BLOCK_ROWS = 65536
#: A total variance below this (unit rows) is float32 round-off: the texts do not spread at all.
NO_SPREAD = 1e-6


@dataclass(frozen=True, eq=False)
class EmbeddingStats:
    """Additive sufficient statistics of a set of embeddings.

    ``n`` rows, ``total`` = Σxᵢ (d,), ``gram`` = XᵀX = Σxᵢxᵢᵀ (d×d), ``sq_norms`` = Σ‖xᵢ‖²,
    all in float64 NumPy arrays. ``a + b`` is the state of the union of two disjoint sets.
    ``kernel`` (XXᵀ, n×n) is kept only for states of fewer rows than dimensions, where the
    spectra are cheaper on that side of the duality; it is not additive and ``a + b`` drops it.

    >>> import numpy as np
    >>> s = embedding_stats(np.eye(4)[:2]) + embedding_stats(np.eye(4)[2:])
    >>> s.n, s.sq_norms
    (4, 4.0)
    """

    n: int
    total: np.ndarray
    gram: np.ndarray
    sq_norms: float
    kernel: np.ndarray | None = field(default=None, repr=False)
    #: Eigenvalues already computed, by ``centred`` (filled by :func:`compute_spectra`; the state
    #: itself never changes, only this memo does).
    spectra: dict[bool, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __add__(self, other: "EmbeddingStats") -> "EmbeddingStats":
        return EmbeddingStats(self.n + other.n, self.total + other.total,
                              self.gram + other.gram, self.sq_norms + other.sq_norms)

    @property
    def centroid(self) -> np.ndarray:
        """c = (1/N)·Σxᵢ."""
        return self.total / self.n

    def spectrum(self, centred: bool = False) -> np.ndarray:
        """Eigenvalues (descending, clipped at 0) of XᵀX/N, or of XᵀX/N − ccᵀ when ``centred``;
        computed once per state (from the kernel when it is kept: same non-zero eigenvalues)."""
        if centred not in self.spectra:
            compute_spectra([self], centred)
        return self.spectra[centred]

    @property
    def spectral_matrix_size(self) -> int:
        return len(self.kernel) if self.kernel is not None else len(self.gram)

    def spectral_matrix(self, centred: bool = False) -> np.ndarray:
        """The symmetric matrix whose eigenvalues :meth:`spectrum` returns."""
        if self.kernel is not None:
            matrix = self.kernel / self.n
            if centred:
                row = matrix.mean(axis=1)
                matrix = matrix - row[:, None] - row[None, :] + row.mean()
        else:
            matrix = self.gram / self.n
            if centred:
                matrix = matrix - np.outer(self.centroid, self.centroid)
        return (matrix + matrix.T) / 2


def compute_spectra(states: Sequence[EmbeddingStats], centred: bool = False) -> None:
    """Each state's spectrum, from one batched eigendecomposition of states of the same size
    (one call into LAPACK for many interval replicates: no Python round trip, and so no wait
    for the GIL, between them)."""
    by_size: dict[int, list[EmbeddingStats]] = {}
    for state in states:
        by_size.setdefault(state.spectral_matrix_size, []).append(state)
    for group in by_size.values():
        eig = np.linalg.eigvalsh(np.stack([state.spectral_matrix(centred) for state in group]))
        for state, values in zip(group, eig):
            state.spectra[centred] = np.clip(values[::-1], 0.0, None)


Embeddings = Union[Any, EmbeddingStats]


def embedding_stats(X: Any, block_rows: int = DEFAULT_BLOCK_ROWS, check: bool = True,
                    kernel: bool = True) -> EmbeddingStats:
    """Compute :class:`EmbeddingStats` of ``X`` in row blocks (float64 accumulation).

    With ``check`` (default) the rows must be unit-normalized, as cosine metrics assume, and
    there must be two of them. With ``kernel`` the N×N kernel is kept when N < d.
    """
    n, d = check_embeddings(X, min_rows=2 if check else 1)
    if check:
        check_unit_rows(X, block_rows)
    xp = namespace(X)
    total = np.zeros(d)
    gram = np.zeros((d, d))
    for start in range(0, n, block_rows):
        block = X[start:start + block_rows]
        total += to_numpy(xp.sum(xp.astype(block, xp.float64), axis=0))
        gram += to_numpy(xp.astype(block.T @ block, xp.float64))
    rows_kernel = None
    if kernel and n < d:
        rows = to_numpy(xp.astype(X, xp.float64))
        rows_kernel = rows @ rows.T
    return EmbeddingStats(n, total, gram, float(np.trace(gram)), rows_kernel)


def _stats(X: Embeddings) -> EmbeddingStats:
    return X if isinstance(X, EmbeddingStats) else embedding_stats(X)


def pair_mean_from_sums(n: Any, sq_total: Any, sq_norms: Any) -> Any:
    """(‖Σxᵢ‖² − Σ‖xᵢ‖²) / (n(n−1)): the mean dot product over the distinct pairs of n vectors,
    from their sums (elementwise on arrays; NaN where n < 2). The one formula behind mean pairwise
    similarity, a feed's within-user similarity and its pair means over users.

    >>> float(pair_mean_from_sums(3, 5.0, 3.0)), bool(np.isnan(pair_mean_from_sums(1, 1.0, 1.0)))
    (0.3333333333333333, True)
    """
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n >= 2, (np.asarray(sq_total) - sq_norms) / (n * (n - 1)), np.nan)


def mean_pairwise_similarity(X: Embeddings) -> float:
    """Mean cosine similarity over distinct pairs, exactly, in O(N·d).

    MPS = (‖Σxᵢ‖² − Σ‖xᵢ‖²) / (N(N−1)), the diagonal excluded. 1 for identical texts; about 0
    for unrelated directions. Padmakumar & He (2024)'s homogenization score, in embedding space.

    >>> import numpy as np
    >>> mean_pairwise_similarity(np.eye(3))
    0.0
    """
    s = _stats(X)
    return float(pair_mean_from_sums(s.n, s.total @ s.total, s.sq_norms))


def similarity_spectrum(X: Embeddings, centred: bool = False) -> np.ndarray:
    """Eigenvalues (descending, clipped at 0) of XᵀX/N, or of the covariance XᵀX/N − ccᵀ when
    ``centred``. XᵀX/N shares its non-zero eigenvalues with the N×N kernel K/N, K = XXᵀ.

    >>> import numpy as np
    >>> similarity_spectrum(np.eye(2)).tolist()
    [0.5, 0.5]
    """
    return _stats(X).spectrum(centred)


def vendi_from_spectrum(lam: np.ndarray, q: float = 1.0) -> float:
    """exp(H_q(λ)) of a non-negative spectrum λ (normalized here to sum to 1)."""
    lam = np.asarray(lam, dtype=np.float64)
    lam = lam / lam.sum()
    lam = lam[lam > 0]
    if q == 1:
        return float(np.exp(-np.sum(lam * np.log(lam))))
    if np.isinf(q):
        return float(1.0 / lam.max())
    if q < 0:
        raise ValueError(f"q must be >= 0, got {q}")
    return float(np.exp(np.log(np.sum(lam ** q)) / (1.0 - q)))


def vendi_score(X: Embeddings, q: float = 1.0) -> float:
    """Vendi score of order ``q`` (Friedman & Dieng 2022): the effective number of distinct texts.

    VS_q = exp(H_q(λ)), λ the eigenvalues of K/N with K = XXᵀ (computed through the d×d dual
    XᵀX/N), normalized to sum to 1; H_1 = −Σλ log λ, H_q = log(Σλ^q)/(1−q), H_∞ = −log max λ.
    Ranges from 1 (all texts identical) to min(N, d) (orthogonal texts).

    >>> import numpy as np
    >>> round(vendi_score(np.eye(4)), 6)
    4.0
    """
    if q < 0:
        raise ValueError(f"q must be >= 0, got {q}")
    return vendi_from_spectrum(similarity_spectrum(X), q)


def effective_rank(X: Embeddings, centred: bool = True) -> float:
    """Participation ratio of the embedding covariance: (Σμ)² / Σμ², μ the eigenvalues of
    XᵀX/N − ccᵀ (``centred``, default) or of XᵀX/N. The number of directions the corpus really
    spreads over; centring removes the common offset that inflates raw cosine similarity.
    Uncentred, it equals the Vendi score of order 2. Computed without an eigendecomposition, as
    tr(M)² / ‖M‖²_F of that matrix M. 0 when the texts do not spread at all
    (a total variance Σμ at the level of float32 round-off, :data:`NO_SPREAD`).

    >>> import numpy as np
    >>> effective_rank(np.array([[1.0, 0], [0, 1], [-1, 0], [0, -1]]))
    2.0
    >>> effective_rank(np.tile([[0.6, 0.8]], (20, 1)).astype(np.float32))  # identical texts
    0.0
    """
    matrix = _stats(X).spectral_matrix(centred)  # Σμ = its trace, Σμ² = its squared Frobenius norm
    total = float(np.trace(matrix))
    return 0.0 if total < NO_SPREAD else float(total ** 2 / np.sum(matrix * matrix))


def centroid_direction(X: Embeddings) -> np.ndarray:
    """ĉ = c/‖c‖, the unit direction of the corpus mean (zero vector if the mean is zero).

    >>> import numpy as np
    >>> centroid_direction(np.array([[1.0, 0.0], [0.6, 0.8]])).round(4).tolist()
    [0.8944, 0.4472]
    """
    c = _stats(X).centroid
    norm = np.linalg.norm(c)
    return c / norm if norm > 0 else c


def typicality(X: Any, direction: np.ndarray | None = None) -> np.ndarray:
    """Per-text typicality tᵢ = cos(xᵢ, ĉ) = xᵢ·ĉ for unit rows; ĉ defaults to the corpus's own
    centroid direction. The highest are the most generic texts; the lowest the most distinctive.

    >>> import numpy as np
    >>> typicality(np.array([[1.0, 0.0], [0.6, 0.8]])).round(4).tolist()
    [0.8944, 0.8944]
    """
    check_embeddings(X)
    if direction is None:
        direction = centroid_direction(X)
    xp = namespace(X)
    d = xp.asarray(direction, dtype=X.dtype, device=getattr(X, "device", None)) \
        if not isinstance(X, np.ndarray) else direction.astype(X.dtype)
    return to_numpy(X @ d).astype(np.float64)


def dispersion(X: Embeddings) -> float:
    """Dispersion = mean(1 − cos(xᵢ, ĉ)) over unit rows, the mean cosine distance to the centroid
    direction; since Σxᵢ·ĉ = N‖c‖ it equals 1 − ‖c‖, computed from the additive state. 0 when
    every text is the same; near 1 for unrelated directions.

    >>> import numpy as np
    >>> dispersion(np.array([[1.0, 0.0], [1.0, 0.0]]))
    0.0
    >>> round(dispersion(np.eye(2)), 6)
    0.292893
    """
    s = _stats(X)
    return 1.0 - float(np.linalg.norm(s.total)) / s.n
