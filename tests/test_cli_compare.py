"""`auditor compare` and the group/time/reference options of `auditor audit`, as a user types them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from auditor.cli import app

runner = CliRunner()

OURS = ["Waxed wool coats for wet hills and long walks.", "Tweed caps stitched in a Borders mill.",
        "Boots resoled by the cobbler who made them.", "A scarf knitted from Shetland fleece.",
        "Canvas bags waxed by hand in Hawick.", "Socks that survive a fortnight on the Pennine Way."]
THEIRS = ["Elevate your everyday with our innovative jacket.", "Unlock the power of seamless style.",
          "Elevate your everyday with our innovative boots.", "Discover seamless comfort, reimagined.",
          "Unlock the power of innovative comfort.", "Elevate your style with seamless design."]
GENERIC = ["Elevate your everyday with innovative solutions.", "Unlock the power of seamless innovation.",
           "Discover the future of effortless style.", "Experience innovation, reimagined for you."]


def invoke(*args: str):
    return runner.invoke(app, list(args))


def _csv(path: Path, texts: list[str], **cols: list[str]) -> Path:
    pd.DataFrame({"text": texts, **cols}).to_csv(path, index=False)
    return path


@pytest.mark.model
def test_compare_two_files_writes_one_report_with_distinctiveness_and_tests(tmp_path: Path) -> None:
    ours, theirs = _csv(tmp_path / "ours.csv", OURS), _csv(tmp_path / "theirs.csv", THEIRS)
    result = invoke("compare", str(ours), str(theirs), "--out", str(tmp_path / "r"), "--permutations", "99",
                    "--resamples", "20", "--clusters", "none")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "r" / "compare-ours-vs-theirs.json").read_text())
    comp = data["comparison"]
    assert comp["groups"] == ["ours", "theirs"]
    assert comp["distinctiveness"]["ours"]["centroid_distance"]["value"] > 0
    assert comp["mmd"][0]["a"] == "ours" and 0 < comp["mmd"][0]["p_value"] <= 1
    assert comp["settings"]["permutations"] == 99
    assert set(data["groups"]) == {"ours", "theirs"}
    html = (tmp_path / "r" / "compare-ours-vs-theirs.html").read_text()
    assert "How distinct are the groups?" in html and "<svg" in html


@pytest.mark.model
def test_compare_splits_one_file_by_a_column_and_names_corpora_with_labels(tmp_path: Path) -> None:
    both = _csv(tmp_path / "both.csv", OURS + THEIRS, source_kind=["human"] * 6 + ["model"] * 6)
    result = invoke("compare", str(both), "--by", "source_kind", "--out", str(tmp_path), "--name", "split",
                    "--permutations", "99", "--resamples", "0", "--clusters", "none", "-q")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "split.json").read_text())["comparison"]["groups"] == ["human", "model"]
    a, b = _csv(tmp_path / "a.csv", OURS), _csv(tmp_path / "b.csv", THEIRS)
    result = invoke("compare", str(a), str(b), "--labels", "human,generated", "--out", str(tmp_path),
                    "--permutations", "99", "--resamples", "0", "--clusters", "none", "-q")
    assert result.exit_code == 0, result.output
    assert "compare-human-vs-generated.html" in result.output


@pytest.mark.model
def test_audit_with_reference_reports_each_groups_pull(tmp_path: Path) -> None:
    copy = _csv(tmp_path / "copy.csv", OURS + THEIRS, brand=["ours"] * 6 + ["theirs"] * 6)
    generic = _csv(tmp_path / "generic.csv", GENERIC)
    result = invoke("audit", str(copy), "--group-col", "brand", "--reference", str(generic),
                    "--out", str(tmp_path / "r"), "--permutations", "99", "--resamples", "20",
                    "--clusters", "none", "-q")
    assert result.exit_code == 0, result.output
    ref = json.loads((tmp_path / "r" / "copy.json").read_text())["reference"]
    assert ref["n_texts"] == 4
    # the templated copy sits closer to the generic reference than the specific copy does
    assert ref["groups"]["theirs"]["similarity"] > ref["groups"]["ours"]["similarity"]
    assert ref["groups"]["theirs"]["pull_share"] >= ref["groups"]["ours"]["pull_share"]


@pytest.mark.parametrize("args, message", [
    (["compare", "{a}"], "two or more corpora"),
    (["compare", "{a}", "{a}"], "same file name"),
    (["compare", "{a}", "{b}", "--by", "x"], "exactly one path"),
    (["compare", "{a}", "{b}", "--labels", "one"], "one name per corpus"),
    (["audit", "{a}", "--freq", "year"], "needs a time column"),
    (["audit", "{t}", "--time-col", "date", "--freq", "fortnight"], "--freq must be one of"),
])
def test_comparison_usage_errors_exit_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    a, b = _csv(tmp_path / "a.csv", OURS), _csv(tmp_path / "b.csv", THEIRS)
    t = _csv(tmp_path / "t.csv", THEIRS, date=["2021-01-01"] * 6)
    result = invoke(*[x.format(a=a, b=b, t=t) for x in args], "--out", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_report_never_overwrites_the_reference_corpus(tmp_path: Path) -> None:
    a = _csv(tmp_path / "a.csv", OURS)
    reference = tmp_path / "generic.json"
    reference.write_text(json.dumps(GENERIC))
    before = reference.read_text()
    result = invoke("audit", str(a), "--reference", str(reference), "--out", str(tmp_path), "--name", "generic")
    assert result.exit_code == 2 and "refusing to overwrite" in result.output
    assert reference.read_text() == before


def test_combine_refuses_corpora_with_and_without_times() -> None:
    from auditor.corpus import combine, from_frame
    from auditor.errors import CorpusError

    timed = from_frame(pd.DataFrame({"text": THEIRS, "date": ["2021"] * 6}), time_col="date")
    plain = from_frame(pd.DataFrame({"text": OURS}))
    with pytest.raises(CorpusError, match="every corpus has a time column"):
        combine([timed, plain], ["a", "b"])
    both = combine([plain, plain], ["a", "b"])
    assert both.frame["id"].is_unique and both.groups.tolist() == ["a"] * 6 + ["b"] * 6


@pytest.mark.model
def test_compare_skips_invalid_rows_when_asked(tmp_path: Path) -> None:
    a, b = tmp_path / "human.csv", tmp_path / "generated.csv"
    pd.DataFrame({"text": ["Waxed wool for wet hills.", "", "Tweed caps from a Borders mill.", "Rain on the fell."]}).to_csv(a, index=False)
    pd.DataFrame({"text": ["Elevate your everyday.", "Unlock the power of style.", "Elevate your routine."]}).to_csv(b, index=False)
    out = tmp_path / "r"
    refused = runner.invoke(app, ["compare", str(a), str(b), "--out", str(out), "--resamples", "0", "--clusters", "none"])
    assert refused.exit_code == 2 and refused.output.startswith("error: ")
    res = runner.invoke(app, ["compare", str(a), str(b), "--out", str(out), "--resamples", "0", "--clusters", "none",
                              "--skip-invalid", "--permutations", "99", "-q"])
    assert res.exit_code == 0, res.output
    data = json.loads((out / "compare-human-vs-generated.json").read_text())
    assert data["corpus"]["n_texts"] == 6 and {g: e["n_texts"] for g, e in data["groups"].items()} == {"human": 3, "generated": 3}


def _stratified_csv(path: Path) -> Path:
    """Two sources answering the same 6 briefs: 'varied' writes 3 different texts per brief,
    'samey' one template with the product swapped."""
    rows = []
    for k, brief in enumerate(["coat", "cap", "boots", "scarf", "bag", "socks"]):
        for j in range(3):
            rows.append({"brief": brief, "source_kind": "varied",
                         "text": f"{OURS[(k + j) % 6]} Note {j} on the {brief}, from workshop {k * 3 + j}."})
            rows.append({"brief": brief, "source_kind": "samey",
                         "text": f"Elevate your everyday with our innovative {brief} number {j}."})
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_strata_flag_adds_within_strata_metrics_and_stratified_comparisons(tmp_path: Path, hash_encoder) -> None:
    import auditor

    path = _stratified_csv(tmp_path / "briefs.csv")
    result = auditor.audit(path, embedder=hash_encoder, group_col="source_kind", strata="brief",
                           clusterer=None, resamples=50, permutations=99)
    strata = result.data["strata"]
    assert strata["column"] == "brief" and strata["n_strata"] == 6
    assert strata["metrics"]["mean_pairwise_similarity"]["n_strata"] == 6
    rows = {r["metric"]: r for r in result.data["comparison"]["homogeneity"]}
    mps = rows["mean_pairwise_similarity"]
    assert mps["stratified"] and (mps["a"], mps["b"]) == ("samey", "varied")
    assert mps["difference"] < 0 and mps["p_value"] < 0.05  # the template is more alike within briefs
    assert result.data["comparison"]["headline"].startswith("samey is more alike than varied within brief")


@pytest.mark.parametrize("command", ["audit", "compare", "check", "snapshot"])
def test_every_corpus_command_takes_strata_and_names_a_missing_column(tmp_path: Path, command: str) -> None:
    path = _stratified_csv(tmp_path / "briefs.csv")
    args = {"audit": ["audit", str(path)], "compare": ["compare", str(path), "--by", "source_kind"],
            "check": ["check", str(path)], "snapshot": ["snapshot", str(path), "--name", "briefs", "--history", str(tmp_path / "h.db")]}[command]
    result = invoke(*args, "--strata", "nope", *([] if command == "check" else ["--out", str(tmp_path / "out")]))
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "nope" in lines[0] and "--strata" in lines[0]
    assert not (tmp_path / "out").exists()


def test_compare_keeps_the_locale_column_and_builds_the_locales_section(tmp_path) -> None:
    """Issue 23: compare passed --locale-col to no one; the column was silently dropped."""
    import pandas as pd

    import auditor
    from auditor.errors import SettingsError
    from tests.conftest import HashEncoder

    for name, words in (("a", "tea wool"), ("b", "bike lamp")):
        pd.DataFrame({"text": [f"{words} copy {i} for {loc}" for i in range(6) for loc in ("en", "fr")],
                      "locale": [loc for _ in range(6) for loc in ("en", "fr")]}).to_csv(tmp_path / f"{name}.csv",
                                                                                           index=False)
    result = auditor.compare([tmp_path / "a.csv", tmp_path / "b.csv"], locale_col="locale", embedder=HashEncoder(),
                             resamples=0, clusterer=None)
    assert set(result.data["locales"]["locales"]) == {"en", "fr"}
    corpus = auditor.load_corpus(tmp_path / "a.csv")
    with pytest.raises(SettingsError, match="locale_col"):
        auditor.audit(corpus, locale_col="locale", embedder=HashEncoder(), resamples=0, clusterer=None)
