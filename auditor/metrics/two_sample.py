"""Comparing groups of texts in embedding space: distinctiveness and two-sample tests.

Inputs are unit-normalized NumPy embeddings (N×d) and integer or string group labels. Nothing
here reads files or prints.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from auditor.defaults import PERMUTATIONS
from auditor.metrics.uncertainty import IntervalSettings, half_samples, interval

DEFAULT_PERMUTATIONS = PERMUTATIONS
#: The MMD kernel matrix is quadratic in size: each side is subsampled (seeded) to at most this.
MMD_MAX_PER_SIDE = 500
#: The classifier sees at most this many texts of the group and as many of the rest.
CLASSIFIER_MAX_PER_CLASS = 1000


def unit(M: np.ndarray) -> np.ndarray:
    """A vector, or each row of a matrix, scaled to unit L2 norm (zero vectors stay zero)."""
    norms = np.linalg.norm(M, axis=-1, keepdims=True)
    return M / np.where(norms > 0, norms, 1.0)


def centroid_cosine(A: np.ndarray, B: np.ndarray) -> float:
    """cos(c_A, c_B) between the mean vectors of two sets of embeddings.

    >>> centroid_cosine(np.array([[1.0, 0], [1, 0]]), np.array([[0.0, 1], [0, 1]]))
    0.0
    """
    a = np.asarray(A, dtype=np.float64).mean(axis=0)
    b = np.asarray(B, dtype=np.float64).mean(axis=0)
    return float(unit(a) @ unit(b))


def centroid_distance(A: np.ndarray, B: np.ndarray) -> float:
    """Distinctiveness of A against B: 1 − cos(c_A, c_B), in [0, 2]; 0 when the centroids
    point the same way.

    >>> import numpy as np
    >>> centroid_distance(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]))
    1.0
    """
    return 1.0 - centroid_cosine(A, B)


def centroid_similarity_matrix(X: np.ndarray, labels: np.ndarray, names: list) -> np.ndarray:
    """S[g, h] = cos(c_g, c_h) for the groups ``names`` (the similarity heatmap)."""
    X64 = np.asarray(X, dtype=np.float64)
    cents = np.stack([unit(X64[labels == g].mean(axis=0)) for g in names])
    return np.clip(cents @ cents.T, -1.0, 1.0)


def centroid_distance_interval(
    A: np.ndarray, B: np.ndarray, settings: IntervalSettings
) -> tuple[float, float, float]:
    """centroid_distance(A, B) with a half-sampling interval (independent halves of A and B)."""
    est = centroid_distance(A, B)
    if len(A) < 4 or len(B) < 4:
        return est, float("nan"), float("nan")
    ha = half_samples(len(A), settings.n_resamples, settings.seed)
    hb = half_samples(len(B), settings.n_resamples, settings.seed + 1)
    reps = [centroid_distance(A[i], B[j]) for i, j in zip(ha, hb)]
    lo, hi = interval(est, reps, settings.level, bounds=(0.0, 2.0))
    return est, lo, hi


def auc_score(y: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve: P(score of a random positive > that of a random negative),
    ties counting ½ (the Mann–Whitney U statistic / (n₊n₋)).

    >>> auc_score(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    y = np.asarray(y).astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("AUC needs both classes")
    scores = np.asarray(scores, dtype=np.float64)
    s = np.sort(scores)
    # 1-based ranks, averaged over ties
    ranks = (np.searchsorted(s, scores, "left") + np.searchsorted(s, scores, "right") + 1) / 2
    u = ranks[y].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


@dataclass(frozen=True)
class ClassifierAUC:
    """Cross-validated AUC of a linear classifier telling one group from the rest."""

    auc: float
    ci_low: float
    ci_high: float
    n_positive: int
    n_negative: int
    folds: int


def classifier_auc(
    X: np.ndarray, y: np.ndarray, *, folds: int = 5, seed: int = 0,
    settings: IntervalSettings | None = None,
) -> ClassifierAUC:
    """AUC of out-of-fold scores of an L2 logistic regression (C = 1, balanced class weights)
    trained to tell ``y == True`` from the rest, by stratified k-fold cross-validation.

    0.5 means a reader could not tell the group apart from the others; 1.0 means perfectly
    separable. The interval half-samples the out-of-fold (score, label) pairs.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(y).astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    k = min(folds, n_pos, n_neg)
    if k < 2:
        raise ValueError(f"need at least 2 texts on each side, got {n_pos} and {n_neg}")
    scores = np.empty(len(y))
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    for train, test in splitter.split(X, y):
        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
        model.fit(X[train], y[train])
        scores[test] = model.decision_function(X[test])
    est = auc_score(y, scores)
    lo = hi = float("nan")
    if settings is not None and len(y) >= 8:
        reps = []
        for idx in half_samples(len(y), settings.n_resamples, settings.seed):
            if 0 < y[idx].sum() < len(idx):
                reps.append(auc_score(y[idx], scores[idx]))
        lo, hi = interval(est, reps, settings.level, bounds=(0.0, 1.0))
    return ClassifierAUC(est, lo, hi, n_pos, n_neg, k)


def _capped(n: int, cap: int, rng: np.random.Generator) -> np.ndarray:
    return np.arange(n) if n <= cap else np.sort(rng.choice(n, size=cap, replace=False))


def one_vs_rest_sample(labels: np.ndarray, group: object, cap: int, seed: int) -> np.ndarray:
    """Indices for a group-vs-rest classifier: the group's texts and the rest's, each capped
    at ``cap`` by a seeded subsample."""
    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(labels == group), np.flatnonzero(labels != group)
    return np.concatenate([pos[_capped(len(pos), cap, rng)], neg[_capped(len(neg), cap, rng)]])


@dataclass(frozen=True)
class MMDTest:
    """Unbiased MMD² with a Gaussian kernel, and its permutation p-value."""

    mmd2: float
    p_value: float
    bandwidth: float
    permutations: int
    seed: int
    n_a: int
    n_b: int


def _sq_dists(Z: np.ndarray) -> np.ndarray:
    G = Z @ Z.T
    sq = np.diag(G)
    return np.maximum(sq[:, None] + sq[None, :] - 2 * G, 0.0)


def _mmd2_from_kernel(K0: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Unbiased MMD² for each column of the 0/1 membership matrix ``a`` (N×P), from the pooled
    kernel matrix ``K0`` with its diagonal set to zero (one matrix product for all columns)."""
    m = a[:, 0].sum()
    n = len(a) - m
    Ka = K0 @ a
    kxx = np.einsum("ip,ip->p", a, Ka)  # Σ_{i≠j∈A} k
    k_a_all = Ka.sum(axis=0)  # Σ_{i∈A, j} k = kxx + kxy
    kxy = k_a_all - kxx
    kyy = K0.sum() - 2 * k_a_all + kxx
    return kxx / (m * (m - 1)) + kyy / (n * (n - 1)) - 2 * kxy / (m * n)


def mmd2_unbiased(A: np.ndarray, B: np.ndarray, bandwidth: float) -> float:
    """Unbiased squared maximum mean discrepancy (Gretton et al. 2012, eq. 3):

    MMD²ᵤ = Σ_{i≠j} k(aᵢ,aⱼ)/(m(m−1)) + Σ_{i≠j} k(bᵢ,bⱼ)/(n(n−1)) − 2 Σ_{i,j} k(aᵢ,bⱼ)/(mn),

    with k(x, y) = exp(−‖x − y‖² / (2σ²)), σ = ``bandwidth``. About 0 (it can be slightly
    negative) when A and B come from the same distribution.

    >>> A, B = np.array([[1.0, 0], [1, 0]]), np.array([[0.0, 1], [0, 1]])
    >>> round(mmd2_unbiased(A, B, bandwidth=1.0), 4)  # 1 + 1 − 2·exp(−1)
    1.2642
    """
    Z = np.concatenate([A, B]).astype(np.float64)
    K = np.exp(-_sq_dists(Z) / (2 * bandwidth ** 2))
    np.fill_diagonal(K, 0.0)
    a = np.zeros((len(Z), 1))
    a[: len(A)] = 1.0
    return float(_mmd2_from_kernel(K, a)[0])


def mmd_test(
    A: np.ndarray, B: np.ndarray, *, permutations: int = DEFAULT_PERMUTATIONS, seed: int = 0,
    max_per_side: int = MMD_MAX_PER_SIDE,
) -> MMDTest:
    """Two-sample test of "A and B come from the same distribution" by unbiased MMD².

    The bandwidth σ is the median pairwise distance of the pooled sample (the median heuristic).
    p = (1 + #{permutations with MMD² ≥ observed}) / (1 + permutations), relabelling the pooled
    texts at random. Each side is first subsampled (seeded) to at most ``max_per_side`` texts.
    """
    if len(A) < 2 or len(B) < 2:
        raise ValueError(f"MMD needs at least 2 texts per side, got {len(A)} and {len(B)}")
    rng = np.random.default_rng(seed)
    A = np.asarray(A, dtype=np.float64)[_capped(len(A), max_per_side, rng)]
    B = np.asarray(B, dtype=np.float64)[_capped(len(B), max_per_side, rng)]
    Z = np.concatenate([A, B])
    D2 = _sq_dists(Z)
    off = D2[np.triu_indices(len(Z), k=1)]
    bandwidth = float(np.sqrt(np.median(off))) or 1.0
    K = np.exp(-D2 / (2 * bandwidth ** 2))
    np.fill_diagonal(K, 0.0)
    a = np.zeros(len(Z))
    a[: len(A)] = 1.0
    observed = float(_mmd2_from_kernel(K, a[:, None])[0])
    exceed, done = 0, 0
    while done < permutations:
        batch = min(250, permutations - done)
        P = np.stack([rng.permutation(a) for _ in range(batch)], axis=1)
        exceed += int((_mmd2_from_kernel(K, P) >= observed - 1e-12).sum())
        done += batch
    return MMDTest(observed, (1 + exceed) / (1 + permutations), bandwidth, permutations, seed,
                   len(A), len(B))


@dataclass(frozen=True)
class PermanovaTest:
    """PERMANOVA pseudo-F on Euclidean distances between unit embeddings, with permutation p."""

    pseudo_f: float
    p_value: float
    r_squared: float
    permutations: int
    seed: int
    n_groups: int
    n_texts: int


def _within_ss(X: np.ndarray, onehot: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """SS_W = Σ_g Σ_{i∈g} ‖xᵢ − c_g‖² = Σ‖xᵢ‖² − Σ_g ‖S_g‖²/n_g, per stacked label assignment."""
    sums = onehot @ X  # (P, a, d)
    return float((X * X).sum()) - ((sums ** 2).sum(axis=2) / sizes).sum(axis=1)


def pseudo_f(X: np.ndarray, labels: np.ndarray) -> float:
    """Anderson (2001)'s pseudo-F with d = Euclidean distance (on unit vectors, √(2 − 2cos)):

    F = (SS_A / (a − 1)) / (SS_W / (N − a)),  SS_T = (1/N) Σ_{i<j} d²ᵢⱼ,
    SS_W = Σ_g (1/n_g) Σ_{i<j ∈ g} d²ᵢⱼ,  SS_A = SS_T − SS_W,

    computed in O(N·d) through SS_T = Σ‖xᵢ − c‖² and SS_W = Σ_g Σ_{i∈g} ‖xᵢ − c_g‖².

    >>> pseudo_f(np.array([[0.0, 0], [0, 1], [5, 0], [5, 1]]), np.array([0, 0, 1, 1]))
    50.0
    """
    return _permanova_parts(np.asarray(X, dtype=np.float64), np.asarray(labels))[0]


def _permanova_parts(X: np.ndarray, labels: np.ndarray) -> tuple[float, float, np.ndarray, np.ndarray]:
    names, codes = np.unique(labels, return_inverse=True)
    a, n = len(names), len(X)
    if a < 2 or n <= a:
        raise ValueError(f"PERMANOVA needs at least 2 groups and more texts than groups (got {a}, {n})")
    sizes = np.bincount(codes, minlength=a).astype(np.float64)
    total = X.sum(axis=0)
    ss_t = float((X * X).sum() - total @ total / n)
    onehot = np.eye(a)[codes].T[None]  # (1, a, N)
    ss_w = float(_within_ss(X, onehot, sizes)[0])
    f = ((ss_t - ss_w) / (a - 1)) / (ss_w / (n - a))
    return float(f), ss_t, codes, sizes


def permanova(
    X: np.ndarray, labels: np.ndarray, *, permutations: int = DEFAULT_PERMUTATIONS, seed: int = 0,
) -> PermanovaTest:
    """Test "all groups share one distribution of meaning" by :func:`pseudo_f`;
    p = (1 + #{label permutations with F ≥ observed}) / (1 + permutations).
    R² = SS_A / SS_T, the share of spread explained by the grouping."""
    X = np.asarray(X, dtype=np.float64)
    f, ss_t, codes, sizes = _permanova_parts(X, np.asarray(labels))
    a, n = len(sizes), len(X)
    rng = np.random.default_rng(seed)
    eye = np.eye(a)
    exceed, done = 0, 0
    while done < permutations:
        batch = min(50, permutations - done)
        onehot = np.stack([eye[rng.permutation(codes)].T for _ in range(batch)])
        ss_w = _within_ss(X, onehot, sizes)
        fs = ((ss_t - ss_w) / (a - 1)) / (ss_w / (n - a))
        exceed += int((fs >= f * (1 - 1e-12)).sum())
        done += batch
    r2 = (f * (a - 1)) / (f * (a - 1) + (n - a))  # = SS_A / SS_T
    return PermanovaTest(float(f), (1 + exceed) / (1 + permutations), float(r2), permutations, seed,
                         a, n)


@dataclass(frozen=True)
class DispersionTest:
    """PERMDISP: do the groups spread equally far around their centroids?"""

    f: float
    p_value: float
    mean_distance: dict[str, float]
    permutations: int
    seed: int
    n_texts: int


def distances_to_centroids(X: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """zᵢ = ‖xᵢ − c_cell(i)‖, each text's Euclidean distance to the centroid of its cell.

    >>> distances_to_centroids(np.array([[0.0, 0], [2, 0], [5, 5]]), np.array([0, 0, 1])).tolist()
    [1.0, 1.0, 0.0]
    """
    X = np.asarray(X, dtype=np.float64)
    _, codes = np.unique(cells, return_inverse=True)
    return np.linalg.norm(X - centroids(X, codes)[codes], axis=1)


def centroids(X: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Row k: the mean of the rows of ``X`` whose code is k (codes 0..K−1, each present).

    >>> centroids(np.array([[0.0, 0], [2, 0], [5, 5]]), np.array([0, 0, 1])).tolist()
    [[1.0, 0.0], [5.0, 5.0]]
    """
    sums = np.zeros((int(codes.max()) + 1, X.shape[1]))
    np.add.at(sums, codes, np.asarray(X, dtype=np.float64))
    return sums / np.bincount(codes)[:, None]


def _anova_f(z: np.ndarray, onehot: np.ndarray) -> np.ndarray:
    """One-way ANOVA F of ``z`` for each stacked group assignment (P, a, N)."""
    n, a = len(z), onehot.shape[1]
    sizes = onehot.sum(axis=2)
    means = (onehot @ z) / sizes
    ss_b = (sizes * (means - z.mean()) ** 2).sum(axis=1)
    ss_w = float(((z - z.mean()) ** 2).sum()) - ss_b
    with np.errstate(divide="ignore", invalid="ignore"):
        return (ss_b / (a - 1)) / (ss_w / (n - a))


def permdisp(X: np.ndarray, labels: np.ndarray, *, strata: np.ndarray | None = None,
             permutations: int = DEFAULT_PERMUTATIONS, seed: int = 0) -> DispersionTest:
    """Anderson (2006)'s test of homogeneity of multivariate dispersions: zᵢ = ‖xᵢ − c‖ to the
    centroid of its group (of its group within its stratum, with ``strata``), then the one-way
    ANOVA F of z between groups; p = (1 + #{F* ≥ F}) / (1 + permutations), group labels of the
    distances permuted (within strata). PERMANOVA tests where groups sit; this tests how far
    their texts spread.

    >>> X = np.array([[0.0, 0], [0, .1], [0, .2], [5, 0], [5, 3], [5, 6]])
    >>> round(permdisp(X, np.array([0, 0, 0, 1, 1, 1]), permutations=9).f, 4)  # z = (.1, 0, .1), (3, 0, 3)
    3.7336
    """
    labels = np.asarray(labels)
    names, codes = np.unique(labels, return_inverse=True)
    a, n = len(names), len(labels)
    if a < 2 or n <= a:
        raise ValueError(f"PERMDISP needs at least 2 groups and more texts than groups (got {a}, {n})")
    if strata is None:
        cells = codes
    else:
        strata = np.unique(np.asarray(strata).astype(str), return_inverse=True)[1]
        cells = np.unique(np.column_stack([strata, codes]), axis=0, return_inverse=True)[1].ravel()
    z = distances_to_centroids(X, cells)
    eye = np.eye(a)
    f = float(_anova_f(z, eye[codes].T[None])[0])
    blocks = [np.arange(n)] if strata is None else [np.flatnonzero(strata == s) for s in np.unique(strata)]
    rng = np.random.default_rng(seed)
    exceed, done = 0, 0
    while done < permutations:
        batch = min(100, permutations - done)
        perm = np.tile(codes, (batch, 1))
        for rows in blocks:
            perm[:, rows] = rng.permuted(perm[:, rows], axis=1)
        exceed += int((_anova_f(z, eye[perm].transpose(0, 2, 1)) >= f * (1 - 1e-12)).sum())
        done += batch
    means = {str(g): float(z[codes == k].mean()) for k, g in enumerate(names)}
    return DispersionTest(f, (1 + exceed) / (1 + permutations), means, permutations, seed, n)
