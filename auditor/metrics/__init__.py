"""Pure metric functions: arrays (and texts) in, numbers out. Nothing here reads files or prints."""

from auditor.metrics.neighbors import NeighborScan, near_duplicate_rate, neighbor_scan
from auditor.metrics.semantic import (
    EmbeddingStats,
    centroid_direction,
    dispersion,
    effective_rank,
    embedding_stats,
    mean_pairwise_similarity,
    similarity_spectrum,
    typicality,
    vendi_score,
)

__all__ = [
    "EmbeddingStats", "NeighborScan", "centroid_direction", "dispersion", "effective_rank",
    "embedding_stats", "mean_pairwise_similarity", "near_duplicate_rate", "neighbor_scan",
    "similarity_spectrum", "typicality", "vendi_score",
]
