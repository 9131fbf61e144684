"""Bad input across every command, as a careless or hostile user types it: each case exits 2
with one ``error:`` line, no traceback, and no file in the working folder created or changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from auditor.cli import app
from tests.conftest import file_checksums as tree

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    rows = [("a1", "North", "2021-01-05", "Waxed wool for wet hills."), ("a2", "North", "2022-02-11", "Tweed caps."),
            ("a3", "South", "2021-04-23", "Yellow pans for breakfasts."), ("a4", "South", "2022-05-30", "Enamel pans.")]
    pd.DataFrame(rows, columns=["id", "brand", "date", "text"]).to_csv("copy.csv", index=False)
    pd.DataFrame(rows, columns=["id", "brand", "date", "text"]).to_csv("other.csv", index=False)
    pd.DataFrame(columns=["text"]).to_csv("empty.csv", index=False)
    pd.DataFrame({"text": ["just one"]}).to_csv("one.csv", index=False)
    pd.DataFrame({"text": ["a text", "", "another"]}).to_csv("blankrow.csv", index=False)
    Path("zerowidth.csv").write_text("text\nfirst text\n\u200b\u200b\nthird text\n", encoding="utf-8")
    Path("numbers.jsonl").write_text('{"text": 1}\n{"text": 2}\n{"text": "three"}\n')
    Path("latin1.csv").write_bytes("text\ncaf\xe9 au lait\nthe second\n".encode("latin-1"))
    pd.DataFrame({"id": ["x", "x", "y"], "text": ["a b", "c d", "e f"]}).to_csv("dupids.csv", index=False)
    pd.DataFrame({"text": ["a b", "c d", "e f"], "date": ["2021-01-01", "someday", "2022-01-01"]}).to_csv("baddate.csv", index=False)
    pd.DataFrame({"text": ["a b", "c d", "e f"], "brand": ["x", None, "y"]}).to_csv("nogroup.csv", index=False)
    Path("blank.txt").write_text("\n   \n\n")
    Path("bad.jsonl").write_text('{"text": "fine"}\n{not json}\n')
    Path("notarray.json").write_text('{"text": "an object, not an array"}')
    Path("blob.xyz").write_bytes(b"\xff\xfe\x00binary\x80\x81 data\n\x9c more\n")
    Path("emptyfolder").mkdir()
    Path("binfolder").mkdir()
    Path("binfolder/blob.bin").write_bytes(b"\x00\x01")
    Path("batch").mkdir()
    for i in range(3):
        Path(f"batch/t{i}.md").write_text(f"text number {i} about something\n")
    Path("badtoml.toml").write_text("[check\nrules = 3\n")
    Path("unknownmetric.toml").write_text('[check.rules.r]\nmetric = "nope"\nmax = 1\n')
    Path("minmax.toml").write_text('[check.rules.r]\nmetric = "mean_pairwise_similarity"\nmin = 0.5\nmax = 0.2\n')
    Path("severity.toml").write_text('[check.rules.r]\nmetric = "mean_pairwise_similarity"\nmax = 0.5\nseverity = "fatal"\n')
    Path("unknownkey.toml").write_text('[check.rules.r]\nmetric = "mean_pairwise_similarity"\nmaximum = 0.5\n')
    Path("nolimit.toml").write_text('[check.rules.r]\nmetric = "mean_pairwise_similarity"\n')
    Path("ruletype.toml").write_text('[check]\nrules = 3\n')
    Path("threshold.toml").write_text('[check]\nthreshold = 2\n[check.rules.r]\nmetric = "mean_pairwise_similarity"\nmax = 1\n')
    Path("regression.toml").write_text('[check.rules.r]\nmetric = "mean_pairwise_similarity"\nmax_regression = -1\n')
    Path("maxstring.toml").write_text('[check.rules.r]\nmetric = "mean_pairwise_similarity"\nmax = "high"\n')
    Path("option.toml").write_text('[check]\ncolour = "red"\n')
    Path("notjson.json").write_text("{ not json")
    Path("listmetrics.json").write_text('{"metrics": [1, 2]}')
    Path("array.json").write_text("[1, 2, 3]")
    Path("nometrics.json").write_text('{"tool": {"name": "auditor"}}')
    Path("notsqlite.db").write_text("this is not a database")
    with sqlite3.connect("other-app.db") as conn:
        conn.execute("CREATE TABLE orders (id INTEGER)")
    from auditor.history import HistoryStore

    HistoryStore("h.db").close()
    return tmp_path


def c(*args: str, msg: str) -> tuple[list[str], str]:
    return list(args), msg


READING = ("audit", "snapshot")  # commands that take one corpus path and the audit options
SETTINGS = [
    c("--threshold", "0", msg="--threshold must be in (0, 1]"),
    c("--threshold", "1.5", msg="--threshold must be in (0, 1]"),
    c("--threshold", "high", msg="Invalid value for '--threshold'"),
    c("--resamples", "-1", msg="--resamples must be ≥ 0"),
    c("--resamples", "many", msg="Invalid value for '--resamples'"),
    c("--ci-level", "0.2", msg="--ci-level must be in [0.5, 1)"),
    c("--ci-level", "1", msg="--ci-level must be in [0.5, 1)"),
    c("--clusters", "dbscan", msg="--clusters must be one of hdbscan, kmeans, none"),
    c("--freq", "week", msg="--freq must be one of year, quarter, month, decade"),
    c("--device", "tpu", msg="--device must be one of auto, cpu, cuda, mps"),
    c("--sample", "1", msg="--sample must be at least 2 texts"),
    c("--sample", "0", msg="--sample must be at least 2 texts"),
    c("--seed", "-4", msg="--seed must be a non-negative integer"),
    c("--permutations", "0", msg="--permutations must be ≥ 1"),
    c("--bogus", msg="No such option: --bogus"),
    c("--text-col", "body", msg="body"),
    c("--group-col", "nope", msg="nope"),
    c("--time-col", "when", msg="when"),
    c("--id-col", "key", msg="key"),
    c("--group-col", "text", msg="--group-col 'text' is the text column"),
    c("--encoding", "no-such-codec", msg="no-such-codec"),
    c("--freq", "year", msg="--freq needs a time column"),
    c("--reference", "missing.csv", msg="missing.csv"),
    c("--reference", "empty.csv", msg="empty.csv"),
    c("--model", "nobody/nothing-here", msg="nobody/nothing-here"),
    c("--cache-dir", "copy.csv", msg="--cache-dir copy.csv is a file, not a folder"),
    c("--out", "copy.csv", msg="is a file, not a folder"),
]
CORPORA = [
    c("missing.csv", msg="missing.csv"),
    c("empty.csv", msg="empty.csv"),
    c("one.csv", msg="one.csv"),
    c("blankrow.csv", msg="empty"),
    c("zerowidth.csv", msg="empty"),
    c("numbers.jsonl", msg="numbers.jsonl"),
    c("latin1.csv", msg="latin1.csv"),
    c("blank.txt", msg="blank.txt"),
    c("bad.jsonl", msg="bad.jsonl"),
    c("notarray.json", msg="notarray.json"),
    c("blob.xyz", msg="blob.xyz"),
    c("emptyfolder", msg="emptyfolder"),
    c("binfolder", msg="binfolder"),
    c("dupids.csv", "--id-col", "id", msg="dupids.csv"),
    c("baddate.csv", "--time-col", "date", msg="unparseable dates in column 'date'"),
    c("nogroup.csv", "--group-col", "brand", msg="brand"),
]


def audit_cases() -> list:
    out = []
    for command in READING:
        base = ["snapshot", "--name", "s", "--history", "h.db"] if command == "snapshot" else ["audit"]
        for args, msg in SETTINGS:
            out.append((base[:1] + ["copy.csv"] + base[1:] + args, msg))
        for args, msg in CORPORA:
            out.append((base[:1] + args + base[1:], msg))
    return out


OTHERS = [
    # audit: names and outputs
    c("audit", msg="Missing argument"),
    c("audit", "copy.csv", "--name", "a/b", msg="--name 'a/b' may hold only"),
    c("audit", "copy.csv", "--name", "index", msg="taken by the folder's index.html"),
    c("audit", "copy.csv", "--out", "copy.csv/deeper", msg="cannot write"),
    # compare
    c("compare", "copy.csv", msg="a comparison needs two or more corpora"),
    c("compare", "copy.csv", "--by", "brand", "--labels", "a,b", msg="--labels names the corpora of several files"),
    c("compare", "copy.csv", "other.csv", "--by", "brand", msg="splits one corpus"),
    c("compare", "copy.csv", "other.csv", "--labels", "a", msg="needs one name per corpus"),
    c("compare", "copy.csv", "copy.csv", msg="same file name"),
    c("compare", "copy.csv", "missing.csv", msg="missing.csv"),
    c("compare", "copy.csv", "--by", "nope", msg="nope"),
    c("compare", "copy.csv", "other.csv", "--group-col", "brand", msg="No such option: --group-col"),
    c("compare", "copy.csv", "other.csv", "--threshold", "3", msg="--threshold must be in (0, 1]"),
    c("compare", "copy.csv", "empty.csv", msg="empty.csv"),
    c("compare", "copy.csv", "other.csv", "--name", "../x", msg="may hold only"),
    # snapshot
    c("snapshot", "copy.csv", msg="Missing option '--name'"),
    c("snapshot", "copy.csv", "--name", "a b", msg="may hold only"),
    c("snapshot", "copy.csv", "--name", "s", "--history", "notsqlite.db", msg="not an SQLite database"),
    c("snapshot", "copy.csv", "--name", "s", "--history", "other-app.db", msg="another application's SQLite database"),
    c("snapshot", "copy.csv", "--name", "s", "--history", "nofolder/h.db", msg="does not exist"),
    c("snapshot", "copy.csv", "--name", "s", "--history", "nosuch://x", msg="cannot use history database"),
    c("snapshot", "copy.csv", "--name", "s", "--history", "postgresql+pg8000://u@localhost/db", msg="needs a driver that is not installed"),
    # trend
    c("trend", msg="Missing option '--name'"),
    c("trend", "--name", "s", "--history", "h.db", msg="no snapshots named 's'"),
    c("trend", "--name", "s", "--history", "typo.db", msg="does not exist"),
    c("trend", "--name", "s", "--history", "notsqlite.db", msg="not an SQLite database"),
    c("trend", "--name", "bad name", "--history", "h.db", msg="may hold only"),
    # history
    c("history", "list", "--history", "typo.db", msg="does not exist"),
    c("history", "list", "--history", "other-app.db", msg="another application's SQLite database"),
    c("history", "show", "3", "--history", "h.db", msg="no snapshot 3"),
    c("history", "show", "three", "--history", "h.db", msg="Invalid value"),
    c("history", "show", "--history", "h.db", msg="Missing argument"),
    c("history", "delete", "3", "--history", "h.db", "-y", msg="no snapshot 3"),
    c("history", "delete", "1", "--history", "typo.db", "-y", msg="does not exist"),
    c("history", "export", "--history", "h.db", msg="Missing option '--output'"),
    c("history", "export", "--history", "h.db", "-o", "m.xlsx", msg="--format must be csv or json"),
    c("history", "export", "--history", "h.db", "-o", "m.csv", "--format", "xml", msg="--format must be csv or json"),
    c("history", "export", "--history", "h.db", "-o", "h.db", "--format", "csv", msg="refusing to overwrite the history database"),
    c("history", "export", "--history", "typo.db", "-o", "m.csv", msg="does not exist"),
    c("history", "export", "--history", "h.db", "-o", "copy.csv", msg="auditor did not write it"),
    c("history", "nosuch", msg="No such command 'nosuch'"),
    # check
    c("check", msg="Missing argument"),
    c("check", "missing", msg="missing"),
    c("check", "batch", "--format", "xml", msg="unknown --format 'xml'"),
    c("check", "batch", "--update-baseline", msg="--update-baseline needs --baseline"),
    c("check", "batch", "--baseline", "missing.json", msg="--baseline missing.json does not exist (create it with --update-baseline)"),
    c("check", "batch", "--baseline", "notjson.json", msg="not a valid baseline JSON"),
    c("check", "batch", "--baseline", "listmetrics.json", msg="not an auditor result"),
    c("check", "batch", "--baseline", "array.json", msg="not an auditor result"),
    c("check", "batch", "--baseline", "nometrics.json", msg="not an auditor result"),
    c("check", "batch", "--config", "missing.toml", msg="no such file"),
    c("check", "batch", "--config", "emptyfolder", msg="cannot read the rules file (Is a directory)"),
    c("check", "batch", "--baseline", "emptyfolder", msg="cannot read the baseline (Is a directory)"),
    c("check", "batch", "--config", "badtoml.toml", msg="not valid TOML"),
    c("check", "batch", "--config", "unknownmetric.toml", msg="unknown metric 'nope'"),
    c("check", "batch", "--config", "minmax.toml", msg="could never pass"),
    c("check", "batch", "--config", "severity.toml", msg="severity must be"),
    c("check", "batch", "--config", "unknownkey.toml", msg="unknown key 'maximum'"),
    c("check", "batch", "--config", "nolimit.toml", msg="needs max, min or max_regression"),
    c("check", "batch", "--config", "ruletype.toml", msg="must be a table"),
    c("check", "batch", "--config", "threshold.toml", msg="threshold must be in (0, 1]"),
    c("check", "batch", "--config", "regression.toml", msg="max_regression must be >= 0"),
    c("check", "batch", "--config", "maxstring.toml", msg="max must be a number"),
    c("check", "batch", "--config", "option.toml", msg="unknown option 'colour'"),
    c("check", "batch", "--output", "batch/t0.md", msg="inside the input"),
    c("check", "batch", "--output", "copy.csv", msg="auditor did not write it"),
    c("check", "batch", "--device", "tpu", msg="--device must be one of"),
    c("check", "batch", "--resamples", "-2", msg="--resamples must be ≥ 0"),
    c("check", "batch", "--cache-dir", "copy.csv", msg="is a file, not a folder"),
    c("check", "emptyfolder", msg="emptyfolder"),
    c("check", "copy.csv", "--text-col", "body", msg="body"),
    c("check", "batch", "--update-baseline", "--baseline", "copy.csv", msg="auditor did not write it"),
    # the rest
    c("schema", "extra", msg="Got unexpected extra argument"),
    c("nosuch", msg="No such command 'nosuch'"),
]
CASES = audit_cases() + OTHERS


def test_a_step_summary_that_cannot_be_written_is_a_usage_error(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(workdir / "emptyfolder"))
    before = tree(workdir)
    res = runner.invoke(app, ["check", "batch", "--format", "github"])
    assert res.exit_code == 2 and res.output.startswith("error: $GITHUB_STEP_SUMMARY") and tree(workdir) == before


@pytest.mark.parametrize("args, message", CASES, ids=[" ".join(a)[:80] for a, _ in CASES])
def test_bad_input_is_one_error_line_exit_2_and_touches_nothing(workdir: Path, args: list[str], message: str) -> None:
    before = tree(workdir)
    res = runner.invoke(app, args)
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert res.exit_code == 2, (res.exit_code, res.output)
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in res.output, res.output
    assert message in lines[0], lines[0]
    assert tree(workdir) == before


def test_the_suite_covers_every_command_with_at_least_120_cases() -> None:
    assert len(CASES) >= 120
    commands = {a[0] if a[0] != "history" else f"history {a[1]}" for a, _ in CASES}
    assert {"audit", "compare", "snapshot", "trend", "check", "schema", "history list", "history show",
            "history export", "history delete"} <= commands


def test_nothing_is_created_or_embedded_before_every_input_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 27, class 7: validation first, then work and files."""
    from typer.testing import CliRunner

    from auditor.cli import app

    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    Path("a.csv").write_text("text\nfirst text here\nsecond text there\n")
    Path("shards").mkdir()
    Path("shards/b.csv").write_text("text\nthird text\nfourth text\n")
    Path("empty-model").mkdir()
    cases = [
        (["snapshot", "nope.csv", "--name", "s"], "nope.csv"),
        (["state", "a.csv", "missing.csv", "-o", "x.auditor-state", "--cache-dir", "cache"], "missing.csv"),
        (["audit", "a.csv", "--model", "empty-model"], "without a model"),
        (["state", "shards", "-o", "shards/x.auditor-state"], "inside the input folder"),
        (["check", "a.csv", "--model", "empty-model"], "without a model"),
    ]
    for args, message in cases:
        before = sorted(str(p) for p in tmp_path.rglob("*"))
        res = runner.invoke(app, args)
        lines = [line for line in res.output.splitlines() if line.strip()]
        assert res.exit_code == 2 and len(lines) == 1 and message in lines[0], (args, res.output)
        assert sorted(str(p) for p in tmp_path.rglob("*")) == before, args  # no database, cache or report


def test_unwritable_places_and_hostile_json_are_one_error_line_before_any_work(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 27, class 5: exit 2, never 3, for bad paths and JSON of the wrong shape or depth."""
    import json

    from typer.testing import CliRunner

    from auditor.cli import app

    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    Path("a.csv").write_text("text\nfirst text here\nsecond text there\n")
    Path("plain").write_text("a regular file")
    Path("deep.json").write_text("[" * 100_000 + "]" * 100_000)
    Path("deep.jsonl").write_text('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    Path("odd.json").write_text(json.dumps({"texts": {"repeated_phrases": [{"phrase": 3}, "x", {"phrase": "ok",
                                                                                            "doc_share": "high"}]},
                                            "corpus": "c"}))
    Path("phrases-as-text.json").write_text(json.dumps({"texts": {"repeated_phrases": "unlock the power"}}))
    cases = [
        (["audit", "a.csv", "--out", "/proc/auditor-reports"], "cannot write"),
        (["state", "a.csv", "-o", "plain/x.auditor-state"], "plain is a file, not a folder"),
        (["audit", "deep.json"], "nested too deeply"),
        (["audit", "deep.jsonl"], "nested too deeply"),
        (["check", "a.csv", "--baseline", "deep.json"], "nested too deeply"),
        (["export", "vale", "deep.json", "-o", "styles"], "nested too deeply"),
        (["export", "vale", "odd.json", "-o", "styles"], "no stock phrases"),
        (["export", "vale", "phrases-as-text.json", "-o", "styles"], "not a list"),
    ]
    for args, message in cases:
        before = sorted(str(p) for p in tmp_path.rglob("*"))
        res = runner.invoke(app, args)
        lines = [line for line in res.output.splitlines() if line.strip()]
        assert res.exit_code == 2 and len(lines) == 1 and message in lines[0], (args, res.output)
        assert sorted(str(p) for p in tmp_path.rglob("*")) == before, args


def test_messages_name_the_file_row_and_field(tmp_path: Path) -> None:
    """Issue 27, class 6: a lone surrogate or an encoder's wrong output is named, not a codec's or numpy's words."""
    import auditor
    from auditor.errors import CorpusError, ModelError

    path = tmp_path / "sur.jsonl"
    path.write_text('{"text": "fine"}\n{"text": "bad \\ud800 text"}\n')
    with pytest.raises(CorpusError, match=r"sur.jsonl: line 2, field 'text': text that is not valid Unicode"):
        auditor.load_corpus(path)
    frame = pd.DataFrame({"text": ["fine text", "bad " + chr(0xDC00)], "brand": ["a", "b"]}, dtype=object)
    with pytest.raises(CorpusError, match=r"not valid Unicode .* in column 'text' \(row 2\)"):
        auditor.audit(frame, resamples=0, clusterer=None)

    class Short:
        def encode(self, texts):
            return np.ones((len(texts) - 1, 4))

    class Broken:
        def encode(self, texts):
            return np.full((len(texts), 4), np.nan)

    for encoder, message in ((Short(), "returned 1 vectors for 2 texts"), (Broken(), "NaN or infinite values")):
        with pytest.raises(ModelError, match=message):
            auditor.audit(["one text here", "another text"], embedder=encoder, resamples=0, clusterer=None)


@pytest.mark.parametrize("content,line", [("id\ttext\n1\tone text\textra\n2\ttwo\n", 2),
                                          ("id,text\n1,one,two\n2,three\n", 2),
                                          ("text,date\nfirst text,2024-01-01,\nsecond text,2024-01-02,\n", 2)])
def test_a_row_wider_than_its_header_is_named_not_read_shifted(tmp_path: Path, content: str, line: int) -> None:
    """pandas reads a row with one field too many by taking the first column as an index: every
    value would sit under the wrong heading."""
    path = tmp_path / ("t.tsv" if "\t" in content else "t.csv")
    path.write_text(content)
    res = runner.invoke(app, ["audit", str(path), "--out", str(tmp_path / "r")])
    assert res.exit_code == 2 and res.output.strip().splitlines() == [
        f"error: {path}: line {line} has 3 fields where the header has 2; quote values that hold the separator"]
    assert not (tmp_path / "r").exists()
