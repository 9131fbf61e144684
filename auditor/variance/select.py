"""Selection: the K texts (or K per brief) that keep a corpus most varied, optionally trading off
a quality or relevance score, read with the audit's own figures before and after, beside random
subsets of the same size.

The selection algorithms are pyversity's (``diversify``: DPP, MMR, MSD, SSD, COVER), one greedy
pass over the embeddings without an N×N matrix (COVER excepted). Their cost grows with N·k (DPP:
N·k²), so beyond :data:`POOL_SIZE` texts they run on a pool of candidates (:func:`candidates`). Without a score, every text is
equally relevant and the choice is pure diversity (``diversity`` 1); with one, ``diversity``
weighs diversity against the score (pyversity's convention: 0 pure relevance, 1 pure diversity).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from auditor.corpus import Corpus, from_frame
from auditor.corpus.corpus import list_rows
from auditor.corpus.loaders import STDIN, read_table
from auditor.errors import CorpusError, SettingsError
from auditor.metrics.uncertainty import subsample_indices
from auditor.variance.figures import subset_figures

STRATEGIES = ("dpp", "mmr", "msd", "ssd", "cover")
#: The default strategy, chosen on benchmarks/bench_select.py (see the README): MMR never keeps a
#: near-duplicate pair and holds up at any k, where DPP and SSD (k above the embedding's rank) and
#: MSD keep copies of one text.
DEFAULT_STRATEGY = "mmr"
#: A selection among more texts than this (or 10·k) is made among a pool of candidates of that size.
POOL_SIZE = 10_000
#: Random subsets the chosen set's similarity is ranked among.
RANDOM_SUBSETS = 200
ROW = "__auditor_row__"


def candidates(X: np.ndarray, k: int, scores: np.ndarray | None, seed: int = 0) -> np.ndarray:
    """The rows a selection of ``k`` is made among: all of them up to :data:`POOL_SIZE` (or 10·k);
    beyond, half the pool the least typical texts (cosine to the corpus's mean direction; the far
    texts a diversity selection reaches for), with the best scored when there are scores, and half
    a seeded random sample of the rest (the body of the corpus)."""
    from auditor.metrics.semantic import typicality

    size = max(POOL_SIZE, 10 * k)
    if len(X) <= size:
        return np.arange(len(X))
    rank = typicality(X) if scores is None else -np.asarray(scores, dtype=np.float64)
    edge = np.argsort(rank, kind="stable")[: size // 2]
    rest = np.setdiff1d(np.arange(len(X)), edge)
    body = np.random.default_rng(seed).choice(rest, size - len(edge), replace=False)
    return np.sort(np.concatenate([edge, body]))


def choose(X: np.ndarray, k: int, *, strategy: str = DEFAULT_STRATEGY, scores: np.ndarray | None = None,
           diversity: float | None = None, seed: int = 0) -> np.ndarray:
    """The indices of ``k`` rows of the unit vectors ``X``, in the order chosen (pyversity's
    ``diversify`` over the :func:`candidates`)."""
    from pyversity import diversify

    weight = check_choice(strategy, diversity, scores is not None)
    relevance = np.ones(len(X), dtype=np.float32) if scores is None else np.asarray(scores, dtype=np.float32)
    if k >= len(X):
        return np.argsort(-relevance, kind="stable")
    pool = candidates(X, k, scores, seed)
    picked = diversify(np.asarray(X[pool], dtype=np.float32), relevance[pool], k, strategy=strategy,
                       diversity=weight).indices
    return pool[np.asarray(picked, dtype=np.int64)]


def check_choice(strategy: str, diversity: float | None, scored: bool) -> float:
    """The weight on diversity (default 1 without scores, 0.5 with), once ``strategy`` and
    ``diversity`` are known to be valid."""
    if strategy not in STRATEGIES:
        raise SettingsError("strategy", f"must be one of {', '.join(STRATEGIES)}, got {strategy!r}")
    weight = (0.5 if scored else 1.0) if diversity is None else float(diversity)
    if not 0.0 <= weight <= 1.0:
        raise SettingsError("diversity", f"must be in [0, 1], got {diversity}")
    return weight


def nearest_chosen(X: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Each chosen row's cosine with the most similar other chosen row (NaN alone)."""
    Y = np.asarray(X[rows], dtype=np.float64)
    out = np.full(len(rows), np.nan)
    for start in range(0, len(rows), 2048):  # row blocks: never a K×K product for large K at once
        S = Y[start:start + 2048] @ Y.T
        S[np.arange(len(S)), np.arange(start, start + len(S))] = -np.inf
        if len(rows) > 1:
            out[start:start + len(S)] = S.max(axis=1)
    return out


@dataclass
class Selection:
    """The chosen rows (indices into ``table``, in selection order), each one's similarity to its
    nearest chosen neighbour, the figures before and after and of a random subset, and how it was chosen."""

    table: pd.DataFrame
    rows: np.ndarray
    nearest: np.ndarray
    figures: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)

    def frame(self) -> pd.DataFrame:
        """Every input column of the chosen rows, in selection order, with ``selection_rank`` and
        ``nearest_chosen_similarity``."""
        out = self.table.iloc[self.rows].reset_index(drop=True).copy()
        out["selection_rank"] = np.arange(1, len(self.rows) + 1)
        out["nearest_chosen_similarity"] = np.round(self.nearest, 6)
        return out

    def as_dict(self) -> dict[str, Any]:
        """The selection as JSON-ready values: its settings, the figures (NaN as None) and the chosen rows."""
        from auditor.audit.rounding import rounded

        def clean(value: Any) -> Any:
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            return rounded(value) if isinstance(value, (float, np.floating)) else value

        return {"k": int(len(self.rows)), **self.settings, "figures": clean(self.figures),
                "rows": [int(r) + 1 for r in self.rows], "nearest_chosen_similarity": [rounded(v) for v in self.nearest]}


def _scores(table: pd.DataFrame, score_col: str, rows: np.ndarray, where: str) -> np.ndarray:
    if score_col not in table.columns:
        raise SettingsError("score_col", f"{score_col!r} is not a column of {where} (columns: {', '.join(table.columns)})")
    values = pd.to_numeric(table[score_col].iloc[rows], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        labels = [f"row {rows[i] + 1}" for i in np.flatnonzero(bad)]
        raise CorpusError(f"{where}: {int(bad.sum())} rows have no numeric score in column {score_col!r} "
                          f"({list_rows(labels)})")
    return values


def _plan(n: int, strata: np.ndarray | None, k: int | None, per_stratum: int | None) -> list[tuple[np.ndarray, int]]:
    """(rows, how many to choose among them) for the whole corpus, or for each stratum."""
    if (k is None) == (per_stratum is None):
        raise SettingsError("k", "give either k (texts in all) or per_stratum (texts per stratum)")
    if per_stratum is not None:
        if strata is None:
            raise SettingsError("per_stratum", "needs strata (the column naming each text's brief)")
        if per_stratum <= 0:
            raise SettingsError("per_stratum", f"must be at least 1, got {per_stratum}")
        return [(np.flatnonzero(strata == s), per_stratum) for s in sorted(set(strata.tolist()))]
    if k <= 0:
        raise SettingsError("k", f"must be at least 1, got {k}")
    if k > n:
        raise SettingsError("k", f"is {k}, more than the corpus's {n} texts")
    return [(np.arange(n), k)]


def select(data: Any, k: int | None = None, *, per_stratum: int | None = None, strategy: str = DEFAULT_STRATEGY,
           score_col: str | None = None, diversity: float | None = None, embedder: Any = None,
           reporter: Any = None, **options: Any) -> Selection:
    """The ``k`` texts of ``data`` (or ``per_stratum`` of each stratum, with ``strata``) that keep
    it most varied, with the audit's figures before and after and of a random subset of the same
    size. ``data``: a path, a DataFrame or a list of texts; ``options``: the corpus's columns
    (``text_col``, ``strata``, ...) and :class:`~auditor.audit.settings.AuditSettings` fields."""
    from auditor.audit.languages import calibrate, languages_and_model
    from auditor.audit.run import as_embedder
    from auditor.audit.settings import split_options
    from auditor.progress import StepTimer

    settings, columns = split_options(None, options)
    timer = reporter or StepTimer()
    with timer.step("load"):
        table, corpus = _load(data, columns)
        where = corpus.source or "the corpus"
        strata = corpus.strata.to_numpy(dtype=str) if corpus.strata is not None else None
        plan = _plan(len(corpus), strata, k, per_stratum)
        rows = corpus.frame[ROW].to_numpy(dtype=np.int64)
        scores = _scores(table, score_col, rows, where) if score_col is not None else None
        check_choice(strategy, diversity, scores is not None)
        corpus, settings = languages_and_model(corpus, settings, embedder)
    with timer.step("embed"):
        model = as_embedder(embedder, settings)
        timer.show()
        X = np.asarray(model.encode(corpus.texts), dtype=np.float32)
        floor, near_duplicates = calibrate(model, corpus, settings.threshold)
    with timer.step("select"):
        chosen = np.concatenate([part[choose(X[part], min(m, len(part)), strategy=strategy,
                                             scores=scores[part] if scores is not None else None,
                                             diversity=diversity, seed=settings.seed)] for part, m in plan])
    with timer.step("figures"):
        figures = _figures(X, corpus.texts, floor, near_duplicates, settings.seed, strata, plan, chosen)
    return Selection(table, rows[chosen], nearest_chosen(X, chosen), figures,
                     {"strategy": strategy, "diversity": diversity, "score_col": score_col,
                      "per_stratum": per_stratum, "model": model.model_info.get("name"),
                      "threshold": settings.threshold, "seed": settings.seed})


def _load(data: Any, columns: dict[str, Any]) -> tuple[pd.DataFrame, Corpus]:
    """The input table as given (for the output's columns) and the validated corpus, whose rows
    keep their place in the table in a hidden column."""
    source = None
    if isinstance(data, (str, Path)):
        source = str(STDIN) if str(data) == "-" else str(data)
        table = read_table(data, columns.get("encoding", "utf-8"))
    elif isinstance(data, pd.DataFrame):
        table = data.reset_index(drop=True)
    else:
        table = pd.DataFrame({"text": list(data)}, dtype=object)
    marked = table.assign(**{ROW: np.arange(len(table))})
    keys = {k: v for k, v in columns.items() if k != "encoding"}
    return table, from_frame(marked, source=source, **keys)


def _figures(X: np.ndarray, texts: list[str], floor: Any, near_duplicates: Any, seed: int,
             strata: np.ndarray | None, plan: list[tuple[np.ndarray, int]], chosen: np.ndarray) -> dict[str, Any]:
    """Before (every text), after (the chosen) and a seeded random subset of the same plan, and
    where the chosen set's similarity ranks among :data:`RANDOM_SUBSETS` random subsets."""
    from auditor.metrics.semantic import mean_pairwise_similarity

    def random_subset(s: int) -> np.ndarray:
        return np.concatenate([part[subsample_indices(len(part), m, s)] for part, m in plan])

    def figures(rows: np.ndarray) -> dict[str, Any]:
        return subset_figures(X[rows], [texts[i] for i in rows], floor, near_duplicates.subset(rows),
                              strata[rows] if strata is not None else None, seed)

    chosen_mps = mean_pairwise_similarity(X[chosen])
    random_mps = np.array([mean_pairwise_similarity(X[random_subset(seed + 1 + s)]) for s in range(RANDOM_SUBSETS)])
    return {"before": figures(np.arange(len(X))), "after": figures(chosen), "random": figures(random_subset(seed)),
            "random_subsets": RANDOM_SUBSETS,
            "share_of_random_subsets_more_varied": float(np.mean(random_mps <= chosen_mps))}
