"""``auditor feed``: the exposure audit through the CLI and the API, its JSON keys, the planted
sample log, check rules on feed figures, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from auditor.cli import app
from tests.conftest import HashEncoder, file_checksums

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[1] / "sample_corpora"
SAMPLE_ARGS = [str(SAMPLE / "feed_log.csv"), "--user-col", "user", "--item-col", "item_id",
               "--catalog", str(SAMPLE / "feed_catalog.csv"), "--time-col", "date", "--freq", "month",
               "--group-col", "cohort"]


@pytest.fixture(scope="module")
def sample_result(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("feed")
    res = runner.invoke(app, ["feed", *SAMPLE_ARGS, "--clusters", "none", "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    return json.loads((out / "feed_log.json").read_text())


@pytest.mark.model
def test_the_sample_log_has_every_documented_key(sample_result: dict) -> None:
    feed = sample_result["feed"]
    assert (feed["n_users"], feed["n_items"], feed["n_exposures"]) == (120, 60, 14400)
    for key in ("within_user", "between_users", "novelty"):
        assert set(feed[key]) == {"value", "ci_low", "ci_high"}
        assert feed[key]["ci_low"] <= feed[key]["value"] <= feed[key]["ci_high"]
    for key in ("narrowing", "convergence", "novelty_trend"):
        assert {"slope", "ci_low", "ci_high", "unit"} <= set(feed[key]) and feed[key]["unit"] == "per month"
    assert [row["period"] for row in feed["per_period"]] == [f"2024-{m:02d}" for m in range(1, 13)]
    assert set(feed["per_period"][0]) == {"period", "n_users", "within_user", "between_users", "novelty", "coverage",
                                          "gini", "overlap"}
    assert feed["per_period"][0]["novelty"] is None  # nothing was shown before the first month
    assert set(feed["cohorts"]) == {"browsing", "recommended"}
    assert {d["metric"] for d in feed["cohort_differences"]} == {"within_user", "novelty", "narrowing",
                                                                 "novelty_trend", "between_users", "convergence"}


@pytest.mark.model
def test_the_feed_result_validates_against_the_shipped_schema(sample_result: dict) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from auditor.audit.schema import result_schema

    jsonschema.validate(sample_result, result_schema())
    broken = json.loads(json.dumps(sample_result))
    del broken["feed"]["narrowing"]["unit"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, result_schema())


@pytest.mark.model
def test_the_planted_cohort_narrows_and_converges_and_the_control_does_not(sample_result: dict) -> None:
    cohorts = sample_result["feed"]["cohorts"]
    planted, control = cohorts["recommended"], cohorts["browsing"]
    assert planted["narrowing"]["ci_low"] > 0 and planted["convergence"]["ci_low"] > 0
    assert control["narrowing"]["ci_low"] <= 0 <= control["narrowing"]["ci_high"]
    assert control["convergence"]["ci_low"] <= 0 <= control["convergence"]["ci_high"]
    [diff] = [d for d in sample_result["feed"]["cohort_differences"] if d["metric"] == "narrowing"]
    assert (diff["a"], diff["b"]) == ("browsing", "recommended") and diff["difference"] < 0 and diff["p_value"] < 0.05
    headline = sample_result["feed"]["headline"]
    assert "Cohort recommended narrowed faster than cohort browsing" in headline


@pytest.mark.model
def test_check_rules_read_feed_figures(tmp_path: Path) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text('[check.rules.no-narrowing]\nmetric = "feed.narrowing.slope"\nmax = 0\n'
                      '[check.rules.varied-feeds]\nmetric = "feed.within_user"\nmax = 0.5\n')
    args = [str(SAMPLE / "feed_log.csv"), "--user-col", "user", "--item-col", "item_id",
            "--catalog", str(SAMPLE / "feed_catalog.csv"), "--time-col", "date", "--config", str(config),
            "--format", "json"]
    res = runner.invoke(app, ["check", *args])
    assert res.exit_code == 1, res.output
    verdicts = {v["rule"]: v for v in json.loads(res.stdout)["check"]["rules"]}
    assert verdicts["no-narrowing"]["status"] == "fail" and verdicts["no-narrowing"]["value"] > 0
    assert verdicts["varied-feeds"]["status"] == "pass"


def test_a_feed_without_times_has_no_trend_and_says_why(tmp_path: Path) -> None:
    from auditor.feed import audit_feed

    log = pd.DataFrame({"user": ["a", "a", "a", "b", "b", "c", "c", "d"],
                        "text": ["red running shoes", "blue running shoes", "green tea", "red running shoes",
                                 "black tea", "green tea", "black tea", "lonely item"]})
    result = audit_feed(log, user_col="user", embedder=HashEncoder(), clusterer=None, resamples=0)
    feed = result.data["feed"]
    assert feed["n_users"] == 3 and feed["skipped"]["users_with_one_exposure"] == 1
    assert feed["narrowing"]["slope"] is None and "--time-col" in feed["headline"]
    assert feed["n_items"] == 4 and feed["coverage"] == 1.0


def test_items_by_id_must_keep_one_text(tmp_path: Path) -> None:
    from auditor.errors import CorpusError
    from auditor.feed import feed_from_frame

    log = pd.DataFrame({"user": ["a", "a", "b"], "item": ["1", "1", "2"], "text": ["one", "uno", "two"]})
    with pytest.raises(CorpusError, match="different texts under one id"):
        feed_from_frame(log, user_col="user", item_col="item")


BAD = [
    (["feed", "log.csv"], "needs --user-col"),
    (["feed", "log.csv", "--user-col", "who"], "unknown column 'who' for --user-col"),
    (["feed", "log.csv", "--user-col", "user", "--item-col", "item", "--catalog", "catalog.csv"],
     "name an item the catalogue"),
    (["feed", "log.csv", "--user-col", "user", "--time-col", "when"], "unparseable times in column 'when'"),
    (["feed", "log.csv", "--user-col", "user", "--group-col", "cohort"], "more than one cohort"),
    (["feed", "log.csv", "--user-col", "user", "--catalog", "catalog.csv"], "--item-col"),
    (["feed", "log.csv", "--user-col", "user", "--freq", "month"], "freq needs a time column"),
    (["feed", "log.csv", "--user-col", "user", "--out", "log.csv"], "is a file"),
    (["check", "log.csv", "--user-col", "user", "--strata", "cohort"], "--strata does not apply to an exposure log"),
    (["state", "log.csv", "--user-col", "user", "--id-col", "item", "-o", "x.auditor-state"], "--id-col does not apply"),
]


@pytest.mark.parametrize("args, message", BAD, ids=[m for _, m in BAD])
def test_bad_feed_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"user": ["a", "a", "b", "b"], "item": ["1", "2", "1", "9"], "text": ["x one", "y two", "x one", "z"],
                  "when": ["2024-01-01", "soon", "2024-02-01", "2024-03-01"],
                  "cohort": ["A", "B", "A", "A"]}).to_csv("log.csv", index=False)
    pd.DataFrame({"item": ["1", "2"], "text": ["x one", "y two"]}).to_csv("catalog.csv", index=False)
    before = file_checksums(tmp_path)
    res = runner.invoke(app, args)
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert res.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], res.output
    assert file_checksums(tmp_path) == before


def test_feed_figures_do_not_depend_on_row_order() -> None:
    from auditor.feed import audit_feed

    rng = np.random.default_rng(0)
    words = ["tea", "shoes", "coffee", "jacket", "bread", "lamp", "chair", "rug"]
    log = pd.DataFrame({"user": rng.choice(list("abcdefgh"), 200),
                        "text": [" ".join(rng.choice(words, 3)) for _ in range(200)],
                        "date": pd.date_range("2024-01-01", periods=200, freq="D").astype(str)})
    one = audit_feed(log, user_col="user", time_col="date", freq="month", embedder=HashEncoder(), clusterer=None,
                     resamples=0).data["feed"]
    two = audit_feed(log.sample(frac=1, random_state=1), user_col="user", time_col="date", freq="month",
                     embedder=HashEncoder(), clusterer=None, resamples=0).data["feed"]
    for key in ("within_user", "between_users", "novelty", "narrowing", "convergence", "per_period"):
        assert one[key] == two[key], key


def test_feed_states_of_shards_merge_to_the_audit_of_the_whole_log(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    words = ["tea", "shoes", "coffee", "jacket", "bread", "lamp", "chair", "rug", "map", "boat"]
    log = pd.DataFrame({"user": rng.choice([f"u{i}" for i in range(30)], 600),
                        "text": [" ".join(rng.choice(words, 3)) for _ in range(600)],
                        "date": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 360, 600), unit="D"),
                        "cohort": ""})
    log["cohort"] = np.where(log["user"].str[1:].astype(int) % 2 == 0, "even", "odd")
    log["date"] = log["date"].dt.strftime("%Y-%m-%d")
    log.iloc[:250].to_csv(tmp_path / "a.csv", index=False)  # users' exposures spread over both shards
    log.iloc[250:].to_csv(tmp_path / "b.csv", index=False)
    log.to_csv(tmp_path / "all.csv", index=False)
    common = ["--user-col", "user", "--time-col", "date", "--group-col", "cohort"]
    for shard in ("a", "b"):
        res = runner.invoke(app, ["state", str(tmp_path / f"{shard}.csv"), *common, "-o",
                                  str(tmp_path / f"{shard}.auditor-state")])
        assert res.exit_code == 0, res.output
    args = ["--freq", "month", "--clusters", "none", "--resamples", "50", "--out", str(tmp_path / "r"), "-q"]
    res = runner.invoke(app, ["merge", str(tmp_path / "a.auditor-state"), str(tmp_path / "b.auditor-state"),
                              "--name", "merged", *args])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["feed", str(tmp_path / "all.csv"), *common, "--name", "whole", *args])
    assert res.exit_code == 0, res.output
    merged = json.loads((tmp_path / "r" / "merged.json").read_text())["feed"]
    whole = json.loads((tmp_path / "r" / "whole.json").read_text())["feed"]
    for key in ("n_users", "n_items", "n_exposures", "within_user", "between_users", "novelty", "narrowing",
                "convergence", "novelty_trend", "per_period", "cohorts", "cohort_differences"):
        assert merged[key] == whole[key], key


def test_a_damaged_feed_state_is_one_error_line(tmp_path: Path) -> None:
    from auditor.states.feed_state import feed_state, feed_state_bytes

    log = pd.DataFrame({"user": ["a", "a", "b", "b"], "text": ["red tea", "green tea", "red tea", "black tea"]})
    data = bytearray(feed_state_bytes(feed_state(log, user_col="user", embedder=HashEncoder())))
    (tmp_path / "ok.auditor-state").write_bytes(bytes(data))
    data[len(data) // 2: len(data) // 2 + 64] = b"\x00" * 64
    (tmp_path / "bad.auditor-state").write_bytes(bytes(data))
    (tmp_path / "empty.auditor-state").write_bytes(b"")
    for name in ("bad", "empty"):
        res = runner.invoke(app, ["merge", str(tmp_path / "ok.auditor-state"), str(tmp_path / f"{name}.auditor-state"),
                                  "--out", str(tmp_path / "r")])
        lines = [line for line in res.output.splitlines() if line.strip()]
        assert res.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error: "), res.output
        assert not (tmp_path / "r").exists()


@pytest.mark.model
@pytest.mark.slow
def test_the_readme_examples_print_what_the_readme_shows() -> None:
    """The quick start's audit and the feed, select, rerank and check commands, run as written
    (scripts/readme_outputs.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("readme_outputs", SAMPLE.parent / "scripts" / "readme_outputs.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    readme = (SAMPLE.parent / "README.md").read_text()
    shown = script.commands(readme)
    assert set(shown) == {"quickstart", "feed", "select", "rerank", "check"}
    assert all(command.split()[1] == {"quickstart": "audit"}.get(name, name) for name, command in shown.items())
    assert script.regenerated(readme) == readme
