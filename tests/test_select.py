"""``auditor select`` / ``auditor.variance.select``: the chosen texts are more varied than random
subsets by the audit's own figures, the output keeps every input column, bad input is refused."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.metrics.semantic import mean_pairwise_similarity, vendi_score
from tests.conftest import HashEncoder, file_checksums, need_corpus

runner = CliRunner()


def test_choose_takes_one_text_from_each_planted_cluster() -> None:
    from auditor.variance import choose

    rng = np.random.default_rng(0)
    centres = rng.standard_normal((5, 32))
    X = np.repeat(centres, 20, axis=0) + 0.05 * rng.standard_normal((100, 32))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    for strategy in ("dpp", "mmr", "msd", "ssd"):
        picked = choose(X, 5, strategy=strategy)
        assert sorted(set((picked // 20).tolist())) == [0, 1, 2, 3, 4], strategy


def test_a_score_with_no_weight_on_diversity_keeps_the_best_scored() -> None:
    from auditor.variance import choose

    X = np.eye(6)
    scores = np.array([0.1, 0.9, 0.5, 0.7, 0.3, 0.2])
    assert choose(X, 3, strategy="mmr", scores=scores, diversity=0.0).tolist() == [1, 3, 2]


def test_the_output_keeps_every_input_column_in_selection_order(tmp_path: Path) -> None:
    from auditor.variance import select

    texts = [f"{w} for the {v}" for w in ("tea", "coat", "lamp", "bike") for v in ("city", "hills", "sea")]
    frame = pd.DataFrame({"sku": [f"s{i}" for i in range(12)], "text": texts, "price": range(12)})
    chosen = select(frame, 4, embedder=HashEncoder(), cache=False)
    out = chosen.frame()
    assert list(out.columns) == ["sku", "text", "price", "selection_rank", "nearest_chosen_similarity"]
    assert out["selection_rank"].tolist() == [1, 2, 3, 4]
    assert out["text"].tolist() == [texts[i] for i in chosen.rows]
    X = HashEncoder().encode(texts)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    S = X[chosen.rows] @ X[chosen.rows].T
    np.fill_diagonal(S, -np.inf)
    assert np.allclose(out["nearest_chosen_similarity"], S.max(axis=1), atol=1e-5)
    assert set(chosen.figures) >= {"before", "after", "random", "share_of_random_subsets_more_varied"}


def real_texts(n: int) -> list[str]:
    frame = pd.read_csv(need_corpus("netflix_blurbs", "netflix_titles_2021.csv"), dtype=str, keep_default_na=False)
    return frame["text"].iloc[:n].tolist()


@pytest.mark.slow
@pytest.mark.parametrize("strategy", ["dpp", "mmr"])
def test_the_chosen_texts_beat_every_random_subset_on_real_blurbs(strategy: str) -> None:
    from auditor.embed import Embedder
    from auditor.variance import select

    texts = real_texts(800)
    k = 50
    chosen = select(texts, k, strategy=strategy)
    X = Embedder(None).encode(texts)
    rng = np.random.default_rng(1)
    randoms = [rng.choice(len(texts), k, replace=False) for _ in range(200)]
    mps = [mean_pairwise_similarity(X[r]) for r in randoms]
    vendi = [vendi_score(X[r]) / k for r in randoms]
    mine = X[chosen.rows]
    assert mean_pairwise_similarity(mine) < np.percentile(mps, 1)
    assert vendi_score(mine) / k > max(vendi)
    assert chosen.figures["after"]["near_duplicate_rate"] == 0.0 and np.nanmax(chosen.nearest) < 0.95
    assert chosen.figures["share_of_random_subsets_more_varied"] <= 0.01


@pytest.mark.slow
def test_per_brief_selection_keeps_more_distinct_variants_than_random_on_hc3() -> None:
    from auditor.variance import select

    frame = pd.read_json(need_corpus("hc3_en", "hc3_open_qa.jsonl"), lines=True, dtype=str)
    frame = frame[frame["question_id"].isin(frame["question_id"].unique()[:60])]  # both groups mixed
    chosen = select(frame, per_stratum=2, strata="question_id", text_col="text")
    figures = chosen.figures
    assert figures["after"]["distinct_variants"] >= figures["random"]["distinct_variants"]
    assert figures["after"]["near_duplicate_rate"] <= figures["random"]["near_duplicate_rate"]
    per = chosen.frame().groupby("question_id").size()
    assert (per == 2).all() and len(per) == 60


BAD = [
    (["-k", "0"], "-k must be at least 1"),
    (["-k", "99"], "more than the corpus's 6 texts"),
    (["-k", "2", "--score-col", "nope"], "--score-col 'nope' is not a column of"),
    (["-k", "2", "--score-col", "quality"], "no numeric score in column 'quality'"),
    (["-k", "2", "-o", "copy.csv"], "refusing to overwrite the input"),
    (["--per-stratum", "1"], "--per-stratum needs strata"),
    (["-k", "2", "--diversity", "1.5"], "--diversity must be in [0, 1]"),
    (["-k", "2", "--strategy", "best"], "--strategy must be one of"),
    (["-k", "2", "--per-stratum", "1", "--strata", "quality"], "either k"),
]


@pytest.mark.parametrize("args, message", BAD, ids=[m for _, m in BAD])
def test_bad_selection_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"text": ["red tea", "green tea", "a bike", "a coat", "a lamp", "the sea"],
                  "quality": ["1", "2", "high", "3", "4", "5"]}).to_csv("copy.csv", index=False)
    before = file_checksums(tmp_path)
    full = ["select", "copy.csv", *args] + ([] if "-o" in args else ["-o", "chosen.csv"])
    res = runner.invoke(app, full)
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert res.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], res.output
    assert file_checksums(tmp_path) == before


@pytest.mark.model
def test_select_through_the_cli_writes_the_csv_and_prints_json(tmp_path: Path) -> None:
    texts = ["The ferry leaves at dawn.", "Quantum dots glow under UV light.", "Soup needs more salt.",
             "The committee postponed the vote.", "Penguins huddle against the wind.", "Jazz drummers use brushes.",
             "The ferry leaves at dawn!", "Soup needs a little more salt."]
    pd.DataFrame({"id": range(8), "text": texts}).to_csv(tmp_path / "copy.csv", index=False)
    res = runner.invoke(app, ["select", str(tmp_path / "copy.csv"), "-k", "5", "-o", str(tmp_path / "chosen.csv"),
                              "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["k"] == 5 and data["strategy"] == "mmr" and data["figures"]["after"]["near_duplicate_rate"] == 0.0
    chosen = pd.read_csv(tmp_path / "chosen.csv")
    assert len(chosen) == 5 and not {0, 6} <= set(chosen["id"]) and not {2, 7} <= set(chosen["id"])


SAMPLE = Path(__file__).resolve().parents[1] / "sample_corpora"


@pytest.mark.model
def test_rerank_on_the_sample_log_trades_relevance_for_variance_monotonically(tmp_path: Path) -> None:
    log = pd.read_csv(SAMPLE / "feed_log.csv", dtype=str)
    log["s"] = log["score"].astype(float)
    log = log.sort_values(["user", "s"], ascending=[True, False], kind="stable").drop(columns="s")
    log.to_csv(tmp_path / "ranked.csv", index=False)  # the engine's lists: each user's candidates by score
    res = runner.invoke(app, ["rerank", str(tmp_path / "ranked.csv"), "--user-col", "user", "--score-col", "score",
                              "--item-col", "item_id", "--catalog", str(SAMPLE / "feed_catalog.csv"), "-k", "10",
                              "--diversity", "0", "-o", str(tmp_path / "lists.csv"), "--format", "json"])
    assert res.exit_code == 0, res.output
    curve = json.loads(res.stdout)["curve"]
    assert [c["diversity"] for c in curve] == [0.0, 0.25, 0.5, 0.75, 1.0]
    sims = [c["within_list_similarity"] for c in curve]
    assert all(a > b for a, b in zip(sims, sims[1:])), sims
    given = [c["relevance_given_up"] for c in curve]
    assert given[0] == 0.0 and all(a <= b for a, b in zip(given, given[1:])) and given[-1] > 0
    lists = pd.read_csv(tmp_path / "lists.csv", dtype=str)
    engine = log.drop_duplicates(["user", "item_id"]).groupby("user").head(10)
    assert lists["item"].tolist() == engine["item_id"].tolist()  # λ = 0: the input order
    assert (lists["engine_rank"].astype(int) == lists["rank"].astype(int)).all()


RERANK_BAD = [
    (["-k", "0"], "-k must be at least 1"),
    (["--score-col", "nope"], "--score-col 'nope' is not a column of"),
    (["--score-col", "quality"], "no numeric score in column 'quality'"),
    (["-o", "cands.csv"], "refusing to overwrite the input"),
    (["--diversity", "2"], "--diversity must be in [0, 1]"),
]


@pytest.mark.parametrize("args, message", RERANK_BAD, ids=[m for _, m in RERANK_BAD])
def test_bad_rerank_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"user": ["a", "a", "b", "b"], "text": ["red tea", "green tea", "a bike", "a coat"],
                  "score": ["1", "2", "3", "4"], "quality": ["1", "x", "2", "3"]}).to_csv("cands.csv", index=False)
    before = file_checksums(tmp_path)
    full = ["rerank", "cands.csv", "--user-col", "user"]
    full += args if "--score-col" in args else ["--score-col", "score", *args]
    full += [] if "-o" in args else ["-o", "lists.csv"]
    res = runner.invoke(app, full)
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert res.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], res.output
    assert file_checksums(tmp_path) == before


@pytest.fixture(scope="module")
def templated_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The calibration tests' batch: 25 unrelated texts and 15 from 4 slot-filled templates."""
    from auditor.calibration.texts import TEXTS
    from tests.test_check_calibration import templated

    folder = tmp_path_factory.mktemp("check") / "batch"
    folder.mkdir()
    for i, text in enumerate(list(TEXTS["en"][:25]) + templated(15)):
        (folder / f"t{i:02d}.md").write_text(text + "\n")
    return folder


@pytest.mark.model
def test_check_suggest_names_at_most_the_templated_texts_and_the_rest_passes(templated_batch: Path,
                                                                             tmp_path: Path) -> None:
    res = runner.invoke(app, ["check", str(templated_batch), "--suggest", "--format", "json", "--out", str(tmp_path)])
    assert res.exit_code == 1, res.output
    suggested = json.loads(res.stdout)["check"]["suggestions"]
    templated_ids = {f"t{i:02d}.md" for i in range(25, 40)}
    assert 0 < len(suggested) <= 15 and {s["id"] for s in suggested} <= templated_ids
    csv = pd.read_csv(tmp_path / "batch-regenerate.csv")
    assert csv["id"].tolist() == [s["id"] for s in suggested] and csv["text"].str.len().min() > 20
    remaining = tmp_path / "remaining"
    remaining.mkdir()
    for path in templated_batch.iterdir():
        if path.name not in {s["id"] for s in suggested}:
            (remaining / path.name).write_bytes(path.read_bytes())
    again = runner.invoke(app, ["check", str(remaining), "--suggest", "--out", str(tmp_path / "r2")])
    assert again.exit_code == 0, again.output
    assert "suggest:" not in again.output and not (tmp_path / "r2").exists()


@pytest.mark.model
def test_every_check_format_carries_the_suggestions(templated_batch: Path, tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    outputs = {}
    for fmt in ("text", "github", "junit", "sarif", "rdjsonl"):
        res = runner.invoke(app, ["check", str(templated_batch), "--suggest", "--format", fmt,
                                  "--out", str(tmp_path), "-o", str(tmp_path / f"out.{fmt}")])
        assert res.exit_code == 1, res.output
        outputs[fmt] = (tmp_path / f"out.{fmt}").read_text()
    assert "suggest: regenerate these" in outputs["text"]
    assert outputs["github"].count("::notice file=") >= 1 and "title=auditor regenerate" in outputs["github"]
    case = ET.fromstring(outputs["junit"]).find(".//testcase[@name='regenerate']")
    assert case is not None and "t3" in case.find("system-out").text
    sarif = json.loads(outputs["sarif"])["runs"][0]
    notes = [r for r in sarif["results"] if r["ruleId"] == "regenerate"]
    assert notes and all(r["level"] == "note" for r in notes)
    assert sarif["tool"]["driver"]["rules"][notes[0]["ruleIndex"]]["id"] == "regenerate"
    diagnostics = [json.loads(line) for line in outputs["rdjsonl"].splitlines()]
    assert any(d["code"]["value"] == "regenerate" and d["severity"] == "INFO" for d in diagnostics)


def test_suggestions_take_one_text_of_each_duplicated_pair_and_no_more() -> None:
    from auditor.check import Rule
    from auditor.metrics.near_duplicates import NearDuplicateRule
    from auditor.variance.suggest import suggest_removals

    rng = np.random.default_rng(3)
    X = rng.standard_normal((12, 64))
    X = np.vstack([X, X[:4] + 0.01 * rng.standard_normal((4, 64))])  # rows 12-15 copy rows 0-3
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    texts = [f"text {i}" for i in range(16)]
    rule = Rule("near-duplicates", "near_duplicate_rate", max=0.0)
    found, notes = suggest_removals(X, texts, texts, [rule], NearDuplicateRule.raw(16, 0.95), lambda r, v: v <= r.max)
    assert len(found) == 4 and notes == []
    assert all((s.row % 12) in (0, 1, 2, 3) for s in found)  # one of each pair
    assert len({s.row % 12 for s in found}) == 4
    mps = Rule("similarity", "mean_pairwise_similarity", max=-1.0)  # cannot pass: stops, and says so
    found, notes = suggest_removals(X, texts, texts, [mps], NearDuplicateRule.raw(16, 0.95), lambda r, v: v <= r.max)
    assert len(found) == 14 and "not enough" in notes[0]


def test_the_closest_kept_twin_is_the_one_a_full_scan_finds_after_every_removal() -> None:
    """Remainder.closest_twins (a heap brought up to date lazily) against a scan of every kept text."""
    from auditor.metrics.near_duplicates import NearDuplicateRule
    from auditor.variance.suggest import Remainder

    for seed in range(5):
        rng = np.random.default_rng(seed)
        base = rng.standard_normal((30, 16))
        X = np.vstack([base[rng.integers(0, 30, 90)] + 0.15 * rng.standard_normal((90, 16)), base])
        X /= np.linalg.norm(X, axis=1, keepdims=True)
        texts = [f"t{i}" for i in range(len(X))]
        rem = Remainder(X, texts, texts, NearDuplicateRule.raw(len(X), 0.9))
        assert rem.partners, "the case must have near-duplicates"
        while True:
            expected = None
            for i in sorted(rem.partners):
                if not rem.kept[i]:
                    continue
                kept = [(c, j) for j, c in rem.partners[i] if rem.kept[j]]
                if kept and (expected is None or max(kept)[0] > expected[0]):
                    c, j = max(kept, key=lambda p: (p[0], -p[1]))
                    expected = (c, i, j)
            assert rem.closest_twins() == expected
            if expected is None:
                break
            rem.remove(int(rng.choice([expected[1], expected[2]])))
