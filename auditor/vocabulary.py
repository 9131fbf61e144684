"""The project's vocabulary: what each metric is called and means, which metrics each page
shows, and the one colour palette every chart and the map use."""

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
    "template_share": MetricInfo(
        "Templated texts",
        "Share of texts whose words form one common sequence with their nearest neighbour's for at least half of both (slot-filled templates).",
        "homogeneous"),
    "near_duplicate_rate": MetricInfo(
        "Near-duplicate rate",
        "Share of texts with a near-duplicate: another text the model reads as the same, or the same text almost word for word (calibrated, see methods).",
        "homogeneous"),
    "self_bleu": MetricInfo(
        "Self-BLEU",
        "How much of each text's wording (1- to 4-word sequences) the other texts already contain (0 to 1).",
        "homogeneous"),
    "syntactic_template_rate": MetricInfo(
        "Syntactic template rate",
        "Share of texts using one of the corpus's 100 most common 5-part sentence patterns (parts of speech).",
        "homogeneous"),
    "templates_per_token": MetricInfo(
        "Templates per token",
        "How often those sentence patterns occur, per word.",
        "homogeneous"),
    "compression_ratio_gzip": MetricInfo(
        "Compression ratio (gzip)",
        "How much smaller gzip makes the joined corpus: repeated wording compresses well.",
        "homogeneous"),
    "compression_ratio_xz": MetricInfo(
        "Compression ratio (xz)",
        "The same with xz, which finds repetitions farther apart.",
        "homogeneous"),
    "ngram_diversity": MetricInfo(
        "N-gram diversity",
        "Sum over n = 1..4 of the share of word n-grams that are unique (0 to 4).",
        "diverse"),
    "distinct_1": MetricInfo("Distinct-1", "Share of words (unigrams) that are unique.", "diverse"),
    "distinct_2": MetricInfo("Distinct-2", "Share of two-word sequences that are unique.", "diverse"),
    "distinct_3": MetricInfo("Distinct-3", "Share of three-word sequences that are unique.", "diverse"),
    "distinct_4": MetricInfo("Distinct-4", "Share of four-word sequences that are unique.", "diverse"),
    "self_repetition": MetricInfo(
        "Self-repetition",
        "How much each text reuses four-word sequences found in other texts (log scale).",
        "homogeneous"),
    "homogenization_rouge_l": MetricInfo(
        "Homogenization (ROUGE-L)",
        "Average longest-common-subsequence overlap (ROUGE-L F) between two texts (0 to 1).",
        "homogeneous"),
    "stock_phrase_share": MetricInfo(
        "Stock-phrase share",
        "Share of texts containing at least one of the corpus's repeated phrases.",
        "homogeneous"),
    "top_phrase_share": MetricInfo(
        "Top stock-phrase share",
        "Share of texts containing the most widespread repeated phrase of four or more words.",
        "homogeneous"),
}

#: Metrics whose value depends on how many texts there are: compare them only at equal N.
SIZE_DEPENDENT = frozenset({
    "vendi_score", "vendi_score_q2", "vendi_score_qinf", "vendi_score_per_text", "effective_rank",
    "compression_ratio_gzip", "compression_ratio_xz", "ngram_diversity", "distinct_1",
    "distinct_2", "distinct_3", "distinct_4", "self_repetition", "stock_phrase_share",
    "self_bleu", "syntactic_template_rate", "templates_per_token", "template_share", "near_duplicate_rate",
})


def info(metric_id: str) -> MetricInfo:
    """The catalogue entry for ``metric_id`` (a generic one for metrics not listed)."""
    return CATALOG.get(metric_id, MetricInfo(metric_id.replace("_", " ").capitalize(), "", "homogeneous"))


#: Report page: the per-period charts, and the per-period table's columns.
#: The metrics a report shows first, beside its verdict: the three the level is read from
#: (similarity above the floor, the near-duplicate alarm, the Vendi score in the details) and the
#: wording measures the default check rules gate on. Every other metric is one click away.
VERDICT_METRICS = ("mean_pairwise_similarity", "near_duplicate_rate", "vendi_score", "template_share",
                   "stock_phrase_share", "distinct_2")
PERIOD_CHART_METRICS = ("mean_pairwise_similarity", "vendi_score", "homogenization_rouge_l", "near_duplicate_rate")
PERIOD_TABLE_METRICS = ("mean_pairwise_similarity", "vendi_score", "homogenization_rouge_l")
#: Report page: the columns of the per-group table ((metric, compared at the common size)).
GROUP_TABLE_METRICS = (("mean_pairwise_similarity", False), ("vendi_score", True), ("effective_rank", True),
                       ("compression_ratio_gzip", True), ("homogenization_rouge_l", False),
                       ("near_duplicate_rate", False))
#: Trend page (across snapshots): the metrics charted run by run.
RUN_TREND_METRICS = ("mean_pairwise_similarity", "vendi_score_per_text", "near_duplicate_rate",
                     "homogenization_rouge_l", "top_phrase_share")
#: CLI summary: the per-group columns ((metric, header)).
SUMMARY_GROUP_COLUMNS = (("mean_pairwise_similarity", "similarity"), ("vendi_score_per_text", "vendi/text"))

#: One palette for the map, the charts and the sparklines: the k-th group, cluster or series
#: gets :func:`colour`(k).
PALETTE = ("#2f5fd0", "#d0612f", "#2f9e6a", "#b03a9a", "#c9a227", "#1b9bb3", "#8a5a2b",
           "#6b6bd6", "#d23c57", "#5e8f2f", "#7d7d7d", "#e07bb0")
NOISE_COLOUR = "#b9bec8"


def colour(k: int) -> str:
    """The colour of the k-th category: the palette's, then distinct hues by the golden angle
    (so that a 13th cluster does not repeat the first one's colour)."""
    if k < len(PALETTE):
        return PALETTE[k]
    return f"hsl({(k * 137.508) % 360:.1f}, 55%, 42%)"


def palette(n: int) -> list[str]:
    """The colours of the first ``n`` categories (at least the whole palette)."""
    return [colour(k) for k in range(max(n, len(PALETTE)))]


def group_colours(names: "list[str] | tuple[str, ...]") -> dict[str, str]:
    """Colour of each group, by its position among the sorted group names (the same everywhere)."""
    return {name: colour(k) for k, name in enumerate(sorted(names))}

#: Names of the homogeneity measures within strata and in group comparisons.
HOMOGENEITY_LABELS = {
    "mean_pairwise_similarity": "Mean pairwise similarity",
    "vendi_per_text": "Vendi score per text (order 2, at a common size)",
    "near_duplicate_rate": "Near-duplicate rate (at a common size)",
    "rouge_l": "ROUGE-L homogenization",
    "distinct_variants": "Distinct variants (groups of paraphrases among 10 texts)",
}
#: Check rules may name the mean over strata of each homogeneity measure (with --strata).
WITHIN_STRATA = "within_strata."
CATALOG.update({
    WITHIN_STRATA + name: MetricInfo(f"{label} within strata",
                                     f"The mean over strata (briefs, prompts, products) of: {label.lower()}.",
                                     "diverse" if name == "vendi_per_text" else "homogeneous")
    for name, label in HOMOGENEITY_LABELS.items()})

CATALOG[WITHIN_STRATA + "distinct_variants"] = MetricInfo(  # more variants: more diverse
    "Distinct variants per stratum",
    "Of 10 texts per stratum (brief, prompt, product), how many say something different: groups "
    "of paraphrases on the calibrated scale, averaged over strata.", "diverse")

#: Check rules may name the feed's figures (``auditor check LOG --user-col U``): ``feed.<key>``,
#: read from the value (or the slope, for a trend) of ``feed.<key>`` in the result.
FEED = "feed."
FEED_METRICS = {
    "within_user": MetricInfo(
        "Within-user similarity",
        "How alike the items shown to one user are, on the scale where unrelated texts score 0, averaged over users.",
        "homogeneous"),
    "between_users": MetricInfo(
        "Between-user similarity",
        "How alike different users' feeds are: the debiased cosine of their exposure centroids, averaged over pairs.",
        "homogeneous"),
    "novelty": MetricInfo(
        "Novelty",
        "How far a shown item sits from what the same user was shown before (calibrated distance).",
        "diverse"),
    "narrowing": MetricInfo(
        "Narrowing",
        "Change of within-user similarity per period (users as units); positive: feeds narrowing.",
        "homogeneous"),
    "convergence": MetricInfo(
        "Convergence across users",
        "Change of between-user similarity per period; positive: everyone is shown the same.",
        "homogeneous"),
    "novelty_trend": MetricInfo(
        "Novelty trend", "Change of novelty per period (users as units); negative: fewer surprises.", "diverse"),
    "coverage": MetricInfo("Catalogue coverage", "Share of the catalogue shown at least once.", "diverse"),
    "gini": MetricInfo("Exposure Gini", "Concentration of exposures on few items (0 even, 1 all on one).",
                       "homogeneous"),
    "overlap": MetricInfo("Feed overlap", "Mean Jaccard overlap of two users' item sets.", "homogeneous"),
}
CATALOG.update({FEED + name: entry for name, entry in FEED_METRICS.items()})
#: The feed's trends: a rule on ``feed.narrowing`` reads its slope.
FEED_TRENDS = ("narrowing", "convergence", "novelty_trend")


def feed_field(metric: str) -> tuple[str, str] | None:
    """(key, field) a rule on a feed figure reads (``feed.narrowing.slope``, ``feed.within_user``,
    ``feed.within_user.ci_high``), or None when ``metric`` names none.

    >>> feed_field("feed.narrowing"), feed_field("feed.within_user.ci_low"), feed_field("feed.nope")
    (('narrowing', 'slope'), ('within_user', 'ci_low'), None)
    """
    if not metric.startswith(FEED):
        return None
    key, _, part = metric[len(FEED):].partition(".")
    trend = key in FEED_TRENDS
    if key not in FEED_METRICS or part not in ("", "ci_low", "ci_high", "slope" if trend else "value"):
        return None
    if key in ("coverage", "gini", "overlap") and part:
        return None
    return key, part or ("slope" if trend else "value")
