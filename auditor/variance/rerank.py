"""Re-ranking each user's candidate list for variance ("algorithmic friction" as a knob): MMR over
the candidates' embeddings and scores (pyversity), and what it costs: per diversity weight λ, the
within-list similarity of the lists and the relevance given up.

A user's candidates are their rows of the file (one item each; an item listed twice keeps its best
score), ranked by score, ties in file order: that ranking is the engine's list, and λ = 0 keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from auditor.corpus.corpus import list_rows
from auditor.corpus.loaders import read_table
from auditor.errors import CorpusError, SettingsError
from auditor.metrics.semantic import mean_pairwise_similarity
from auditor.variance.select import choose

#: The diversity weights of the trade-off curve (the one asked for is added).
CURVE = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass
class Reranking:
    """The re-ranked lists at the weight asked for, and the trade-off curve over :data:`CURVE`."""

    lists: pd.DataFrame
    curve: list[dict[str, Any]]
    settings: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {**self.settings, "curve": self.curve}


def _candidates(users: np.ndarray, items: np.ndarray, scores: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per user: the candidate items (best score each) in the engine's order, and their scores."""
    frame = pd.DataFrame({"u": users, "i": items, "s": scores, "row": np.arange(len(users))})
    frame = frame.sort_values(["u", "s", "row"], ascending=[True, False, True], kind="stable")
    frame = frame.drop_duplicates(["u", "i"], keep="first")
    return {str(u): (g["i"].to_numpy(), g["s"].to_numpy(dtype=np.float64)) for u, g in frame.groupby("u", sort=True)}


def ranked(X: np.ndarray, items: np.ndarray, scores: np.ndarray, k: int, diversity: float) -> np.ndarray:
    """The positions (into ``items``) of the re-ranked list of ``k``: the first ``k`` at λ = 0,
    else MMR over the candidates' vectors and scores."""
    k = min(k, len(items))
    if diversity == 0.0:
        return np.arange(k)
    return choose(X[items], k, strategy="mmr", scores=scores, diversity=diversity)


def rerank(data: Any, *, user_col: str, score_col: str, k: int = 10, diversity: float = 0.5,
           item_col: str | None = None, text_col: str | None = None, catalog: Any = None, embedder: Any = None,
           reporter: Any = None, **options: Any) -> Reranking:
    """Re-rank each user's candidates (``data``: a path or a DataFrame, one row per candidate,
    read as :func:`auditor.feed.audit_feed` reads a log) to keep ``k`` with weight ``diversity``
    on variance, and the trade-off curve over :data:`CURVE`."""
    from auditor.audit.run import as_embedder
    from auditor.audit.settings import split_options
    from auditor.calibration import baseline
    from auditor.feed.log import exposure_rows
    from auditor.progress import StepTimer

    settings, _ = split_options(None, options)
    timer = reporter or StepTimer()
    if k <= 0:
        raise SettingsError("k", f"must be at least 1, got {k}")
    if not 0.0 <= diversity <= 1.0:
        raise SettingsError("diversity", f"must be in [0, 1], got {diversity}")
    with timer.step("load"):
        where = str(data) if not isinstance(data, pd.DataFrame) else "the candidates"
        table = read_table(data, options.get("encoding", "utf-8")) if not isinstance(data, pd.DataFrame) else data
        if score_col not in table.columns:
            raise SettingsError("score_col", f"{score_col!r} is not a column of {where} (columns: "
                                             f"{', '.join(map(str, table.columns))})")
        scores = pd.to_numeric(table[score_col], errors="coerce").to_numpy(dtype=np.float64)
        if not np.isfinite(scores).all():
            bad = [f"row {i + 1}" for i in np.flatnonzero(~np.isfinite(scores))]
            raise CorpusError(f"{where}: {len(bad)} rows have no numeric score in column {score_col!r} ({list_rows(bad)})")
        rows = exposure_rows(table, user_col=user_col, item_col=item_col, text_col=text_col, catalog=catalog,
                             source=where)
    with timer.step("embed"):
        model = as_embedder(embedder, settings)
        timer.show()
        X = np.asarray(model.encode(list(rows.item_texts)), dtype=np.float32)
        floor = baseline(model)
    with timer.step("rerank"):
        per_user = _candidates(rows.users, rows.item, scores)
        weights = sorted(set(CURVE) | {float(diversity)})
        curve, chosen = [], {}
        for weight in weights:
            sims, given_up = [], []
            for user, (items, s) in per_user.items():
                picked = ranked(X, items, s, k, weight)
                if weight == diversity:
                    chosen[user] = picked
                sims.append(mean_pairwise_similarity(X[items[picked]]) if len(picked) >= 2 else np.nan)
                given_up.append(s[: len(picked)].mean() - s[picked].mean())
            curve.append({"diversity": weight, "within_list_similarity": floor.above(float(np.nanmean(sims))),
                          "relevance_given_up": float(np.mean(given_up))})
    lists = [{"user": user, "rank": r + 1, "item": str(rows.item_keys[per_user[user][0][p]]),
              "score": float(per_user[user][1][p]), "engine_rank": int(p) + 1}
             for user, picked in chosen.items() for r, p in enumerate(picked)]
    return Reranking(pd.DataFrame(lists, columns=["user", "rank", "item", "score", "engine_rank"]), curve,
                     {"k": k, "diversity": diversity, "n_users": len(per_user), "strategy": "mmr",
                      "model": model.model_info.get("name")})
