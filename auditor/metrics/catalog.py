"""What each reported metric means, in plain words: the labels renderers and the JSON use."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricInfo:
    label: str
    meaning: str
    #: "homogeneous" when a higher value means more homogeneous, "diverse" when more diverse.
    higher_means: str


CATALOG: dict[str, MetricInfo] = {
    "mean_pairwise_similarity": MetricInfo(
        "Mean pairwise similarity",
        "Average cosine similarity between two different texts (0 = unrelated, 1 = identical).",
        "homogeneous"),
    "vendi_score": MetricInfo(
        "Vendi score",
        "Effective number of distinct texts (order 1): 1 if all texts say the same thing.",
        "diverse"),
    "vendi_score_q2": MetricInfo(
        "Vendi score (order 2)",
        "Effective number of distinct texts, weighting the dominant themes more heavily.",
        "diverse"),
    "vendi_score_qinf": MetricInfo(
        "Vendi score (order ∞)",
        "Effective number of distinct texts, set by the single most dominant theme alone.",
        "diverse"),
    "vendi_score_per_text": MetricInfo(
        "Vendi score per text",
        "Vendi score divided by the number of texts: the share of texts that are effectively distinct.",
        "diverse"),
    "effective_rank": MetricInfo(
        "Effective rank",
        "How many independent directions of meaning the corpus spreads over (centred covariance).",
        "diverse"),
    "dispersion": MetricInfo(
        "Dispersion",
        "Average distance of a text from the corpus's centre of meaning (0 = all at the centre).",
        "diverse"),
    "nearest_neighbor_similarity": MetricInfo(
        "Nearest-neighbour similarity",
        "Average similarity of each text to its single most similar other text.",
        "homogeneous"),
    "near_duplicate_rate": MetricInfo(
        "Near-duplicate rate",
        "Share of texts that have a near-duplicate (similarity at or above the threshold).",
        "homogeneous"),
}


def info(metric_id: str) -> MetricInfo:
    """The catalogue entry for ``metric_id`` (a generic one for metrics not listed)."""
    return CATALOG.get(metric_id, MetricInfo(metric_id.replace("_", " ").capitalize(), "", "homogeneous"))
