"""The snapshot history: round trips, concurrent writers, a killed writer, the migration from the
first schema, trends across runs, the report index, and PostgreSQL when a server is available."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.history import SCHEMA_VERSION, HistoryError, HistoryStore
from auditor.history.schema import SCHEMA_V1
from auditor.history.trend import trend_data
from auditor.ownership import write_owned_text
from auditor.report.index import report_entries, write_index

runner = CliRunner()


def fake_result(mps: float, *, created: str = "2026-01-01T00:00:00+00:00", model: str = "m", revision: str = "r1",
                seed: int = 0, groups: dict[str, float] | None = None, sim: float | None = None) -> dict:
    """A result dictionary shaped like `AuditResult.data`, with chosen numbers."""
    metric = lambda v: {"value": v, "ci_low": v - 0.01, "ci_high": v + 0.01, "label": "Mean pairwise similarity"}  # noqa: E731
    data = {"schema_version": "1.0", "created_at": created,
            "corpus": {"n_texts": 100, "source": "copy.csv", "fingerprint": "f" * 64},
            "model": {"name": model, "revision": revision}, "settings": {"seed": seed, "n_resamples": 200},
            "verdict": {"level": "varied"}, "metrics": {"mean_pairwise_similarity": metric(mps)},
            "groups": {g: {"n_texts": 50, "metrics": {"mean_pairwise_similarity": metric(v)}}
                       for g, v in (groups or {}).items()}}
    if sim is not None and groups:
        names = sorted(groups)
        n = len(names)
        data["comparison"] = {"groups": names,
                              "centroid_similarity": [[1.0 if i == j else sim for j in range(n)] for i in range(n)],
                              "distinctiveness": {g: {"centroid_distance": {"value": 1 - sim}} for g in names}}
    return data


def test_snapshot_round_trip_keeps_every_metric(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.db") as store:
        sid = store.add("brand", fake_result(0.3, groups={"a": 0.2, "b": 0.4}), report_path="r.html")
        got = store.get(sid)
        assert got.data == fake_result(0.3, groups={"a": 0.2, "b": 0.4})
        assert (got.name, got.report_path, got.model_identity) == ("brand", "r.html", "m@r1")
        rows = store.metric_table("brand")
        assert {(r["scope"], r["group_name"], r["value"]) for r in rows} == {
            ("corpus", "", 0.3), ("group", "a", 0.2), ("group", "b", 0.4)}
        store.delete(sid)
        assert store.list() == []
        with pytest.raises(HistoryError, match="no snapshot"):
            store.get(sid)
        assert store.schema_version == SCHEMA_VERSION


def _writer(path: str, worker: int, count: int) -> None:
    with HistoryStore(path) as store:
        for i in range(count):
            store.add(f"job-{worker}", fake_result(0.01 * i, created=f"2026-01-01T00:00:{i:02d}+00:00"))


def run_writers(path: str, workers: int, count: int) -> None:
    """Start ``workers`` processes at once, each storing ``count`` snapshots; all must succeed."""
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, w, count)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0


def test_eight_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "h.db")
    HistoryStore(path).close()
    run_writers(path, 8, 15)
    with HistoryStore(path) as store:
        snaps = store.list()
        assert len(snaps) == 8 * 15
        assert {s.name for s in snaps} == {f"job-{w}" for w in range(8)}
        assert len(store.metric_table()) == 8 * 15
        assert store.integrity_ok()


def test_eight_processes_creating_a_new_database_at_once_all_land(tmp_path: Path) -> None:
    path = str(tmp_path / "fresh.db")
    run_writers(path, 8, 2)
    with HistoryStore(path) as store:
        assert len(store.list()) == 16 and store.integrity_ok()


KILLED_WRITER = """
import sys, time
from sqlalchemy import insert
from auditor.history import HistoryStore
from auditor.history.schema import snapshots
store = HistoryStore(sys.argv[1])
with store.engine.begin() as conn:
    conn.execute(insert(snapshots).values(name="half", created_at="x", result_json="{}"))
    print("inside", flush=True)
    time.sleep(60)
"""


def test_a_killed_writer_leaves_the_database_valid_and_writable(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    with HistoryStore(path) as store:
        store.add("brand", fake_result(0.3))
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "inside"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with HistoryStore(path) as store:
        assert [s.name for s in store.list()] == ["brand"]  # the half-done snapshot is gone
        assert store.integrity_ok()
        store.add("brand", fake_result(0.4))
        assert len(store.list()) == 2


def test_opening_a_first_schema_database_upgrades_it_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    old = [fake_result(0.25, groups={"a": 0.2}), fake_result(0.35, created="2026-02-01T00:00:00+00:00")]
    with sqlite3.connect(path) as conn:
        for statement in SCHEMA_V1:
            conn.execute(statement)
        for d in old:
            conn.execute("INSERT INTO snapshots (name, created_at, result_json) VALUES (?, ?, ?)",
                         ("brand", d["created_at"], json.dumps(d)))
    with HistoryStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 2
        snaps = store.series("brand")
        assert [s.data for s in snaps] == old
        assert snaps[0].fingerprint == "f" * 64 and snaps[0].model_identity == "m@r1"
        assert {(r["group_name"], r["value"]) for r in store.metric_table()} == {("", 0.25), ("a", 0.2), ("", 0.35)}
        store.add("brand", fake_result(0.4))
        assert store.integrity_ok()


def test_a_newer_schema_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    HistoryStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_info SET version = 99")
    with pytest.raises(HistoryError, match="newer than this auditor"):
        HistoryStore(path)


def test_trend_flags_a_model_change_and_ranks_the_groups_that_moved(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.db") as store:
        for month, (sim, a, b) in enumerate([(0.40, 0.20, 0.30), (0.45, 0.21, 0.30), (0.50, 0.22, 0.36)], 1):
            store.add("brand", fake_result(0.3, created=f"2026-{month:02d}-01T00:00:00+00:00",
                                           groups={"a": a, "b": b}, sim=sim))
        store.add("brand", fake_result(0.3, created="2026-04-01T00:00:00+00:00", model="other",
                                       groups={"a": 0.2, "b": 0.3}, sim=0.5))
        trend = trend_data("brand", store.series("brand"))
    runs = trend["runs"]
    assert [bool(r["not_comparable"]) for r in runs] == [False, False, False, True]
    assert "model changed (m → other)" in runs[3]["not_comparable"][0]
    assert trend["comparable_from"] == runs[3]["id"]
    assert "index" not in trend  # one comparable run since the model change: no slope


def test_trend_index_slope_over_comparable_runs(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.db") as store:
        for month, sim in enumerate([0.40, 0.45, 0.50, 0.55], 1):
            store.add("brand", fake_result(0.3, created=f"2026-{month:02d}-01T00:00:00+00:00",
                                           groups={"a": 0.2, "b": 0.3 + 0.01 * month}, sim=sim))
        trend = trend_data("brand", store.series("brand"))
    # +0.05 a month ≈ +0.6 a year (months are not equally long, hence the tolerance)
    assert trend["index"]["slope_per_year"] == pytest.approx(0.6, rel=0.03)
    assert trend["moved"][0]["similarity_change"] in (pytest.approx(0.01), pytest.approx(0.0))


def test_runs_minutes_apart_get_no_rate_per_year_and_the_biggest_change_is_named(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.db") as store:
        first = fake_result(0.30, created="2026-05-01T10:00:00+00:00", groups={"a": 0.2, "b": 0.3}, sim=0.40)
        second = fake_result(0.31, created="2026-05-01T10:04:00+00:00", groups={"a": 0.2, "b": 0.3}, sim=0.95)
        first["metrics"]["near_duplicate_rate"] = {"value": 0.027, "ci_low": 0.01, "ci_high": 0.04, "label": "Near-duplicate rate"}
        second["metrics"]["near_duplicate_rate"] = {"value": 0.42, "ci_low": 0.38, "ci_high": 0.46, "label": "Near-duplicate rate"}
        second["verdict"] = {"level": "homogeneous"}
        store.add("brand", first)
        store.add("brand", second)
        trend = trend_data("brand", store.series("brand"))
    assert trend["index"]["per_year"] is False and "slope_per_year" not in trend["index"]
    assert trend["changes"][0]["metric"] == "near_duplicate_rate" and trend["changes"][0]["clear"]
    assert trend["summary"] == ("Since the run before: the verdict went from varied to homogeneous; Near-duplicate "
                                "rate went from 0.027 to 0.42.")
    from auditor.report.trend_html import render_trend

    html = render_trend({**trend, "created_at": "x"})
    assert "per year" not in html.split("a rate per year needs")[0] and "a rate per year needs" in html


def test_history_commands_through_the_cli(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    with HistoryStore(db) as store:
        store.add("brand", fake_result(0.3, groups={"a": 0.2}), report_path="x.html")
        store.add("rival", fake_result(0.5, created="2026-01-02T00:00:00+00:00"))
    listed = runner.invoke(app, ["history", "list", "--history", db, "--json"])
    assert listed.exit_code == 0 and [r["name"] for r in json.loads(listed.output)] == ["brand", "rival"]
    shown = runner.invoke(app, ["history", "show", "1", "--history", db])
    assert json.loads(shown.output)["result"]["metrics"]["mean_pairwise_similarity"]["value"] == 0.3
    out = tmp_path / "m.csv"
    exported = runner.invoke(app, ["history", "export", "--history", db, "-o", str(out), "--name", "brand"])
    assert exported.exit_code == 0 and out.read_text().count("\n") == 3  # header + corpus + group a
    exported = runner.invoke(app, ["history", "export", "--history", db, "-o", str(tmp_path / "m.json")])
    assert len(json.loads((tmp_path / "m.json").read_text())) == 3
    trend = runner.invoke(app, ["trend", "--name", "brand", "--history", db, "--out", str(tmp_path / "r")])
    assert trend.exit_code == 0, trend.output
    assert (tmp_path / "r" / "brand-trend.html").exists() and (tmp_path / "r" / "index.html").exists()
    assert runner.invoke(app, ["history", "delete", "2", "--history", db, "-y"]).exit_code == 0
    for args, message in [(["history", "delete", "7", "--history", db, "-y"], "no snapshot 7"),
                          (["trend", "--name", "nope", "--history", db], "no snapshots named 'nope'"),
                          (["history", "list", "--history", "nosuchdb://x"], "cannot use history database"),
                          (["history", "list", "--history", str(tmp_path / "no" / "h.db")], "does not exist"),
                          (["history", "export", "--history", db, "-o", str(tmp_path / "m.xlsx")], "--format must be csv or json")]:
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and message in result.output, result.output


def test_index_lists_reports_newest_first_with_a_trend_line_per_corpus(tmp_path: Path) -> None:
    for i, mps in enumerate([0.2, 0.3, 0.4]):
        data = fake_result(mps, created=f"2026-0{i + 1}-01T00:00:00+00:00")
        data["snapshot"] = {"name": "brand <b>"}
        write_owned_text(tmp_path / f"brand-{i}.json", json.dumps(data))
        write_owned_text(tmp_path / f"brand-{i}.html", "<html></html>")
    (tmp_path / "notes.json").write_text("[1, 2]")  # not a report: ignored
    (tmp_path / "copied.json").write_text(json.dumps(fake_result(0.5, created="2026-05-01T00:00:00+00:00")))  # not auditor's
    entries = report_entries(tmp_path)
    assert [e["title"] for e in entries] == ["brand-2", "brand-1", "brand-0"]
    html = write_index(tmp_path).read_text()
    assert html.index("brand-2.html") < html.index("brand-0.html")
    assert "brand &lt;b&gt;" in html and "<b>" not in html
    assert html.count("<polyline") == 1 and "<script" not in html
    assert "3 reports in this folder" in html


def test_the_index_of_one_report_says_one_report(tmp_path: Path) -> None:
    write_owned_text(tmp_path / "only.json", json.dumps(fake_result(0.2, created="2026-01-01T00:00:00+00:00")))
    write_owned_text(tmp_path / "only.html", "<html></html>")
    assert "1 report in this folder" in write_index(tmp_path).read_text()


@pytest.mark.model
def test_snapshot_command_audits_stores_and_indexes(tmp_path: Path) -> None:
    corpus = tmp_path / "copy.txt"
    corpus.write_text("\n".join(["Waxed wool coats for wet hills.", "Tweed caps from a Borders mill.",
                                 "Elevate your everyday with our jacket.", "Unlock the power of style."]))
    db = str(tmp_path / "h.db")
    for _ in range(2):
        result = runner.invoke(app, ["snapshot", str(corpus), "--name", "copy", "--history", db,
                                     "--out", str(tmp_path / "r"), "--resamples", "0", "--clusters", "none"])
        assert result.exit_code == 0, result.output
    with HistoryStore(db) as store:
        snaps = store.list("copy")
        assert len(snaps) == 2 and snaps[0].fingerprint == snaps[1].fingerprint
    htmls = sorted(p.name for p in (tmp_path / "r").glob("copy-*.html"))
    assert len(htmls) == 2  # each run keeps its own report
    assert all(h in (tmp_path / "r" / "index.html").read_text() for h in htmls)


POSTGRES = os.environ.get("AUDITOR_TEST_POSTGRES_URL")


@pytest.mark.skipif(not POSTGRES, reason="set AUDITOR_TEST_POSTGRES_URL to test against PostgreSQL (.ci/run does)")
def test_postgresql_round_trip() -> None:
    with HistoryStore(POSTGRES) as store:
        name = f"pg-{os.getpid()}-{time.time_ns()}"
        first = store.add(name, fake_result(0.3, groups={"a": 0.2}))
        store.add(name, fake_result(0.35, created="2026-02-01T00:00:00+00:00", groups={"a": 0.25}))
        assert store.schema_version == SCHEMA_VERSION
        assert store.get(first).data == fake_result(0.3, groups={"a": 0.2})
        assert [r["value"] for r in store.metric_table(name) if r["scope"] == "corpus"] == [0.3, 0.35]
        assert len(trend_data(name, store.series(name))["runs"]) == 2
        for s in store.list(name):
            store.delete(s.id)
        assert store.list(name) == []


def test_scheduled_workflow_example_runs_snapshot_and_trend_with_valid_options() -> None:
    import shlex

    import typer
    import yaml

    root = Path(__file__).resolve().parents[1]
    flow = yaml.safe_load((root / "examples" / "scheduled-report.yml").read_text())
    assert flow[True]["schedule"][0]["cron"] == "0 6 * * 1"  # YAML reads the key `on` as True
    steps = flow["jobs"]["report"]["steps"]
    assert any(s.get("uses", "").startswith("actions/upload-artifact") and s["with"]["path"] == "reports/"
               for s in steps)
    commands = [line.strip() for s in steps for line in s.get("run", "").splitlines()
                if line.strip().startswith("auditor ")]
    assert {c.split()[1] for c in commands} == {"snapshot", "trend"}
    group = typer.main.get_command(app)
    for command in commands:
        args = shlex.split(command)[1:]
        sub = group.get_command(None, args[0])
        sub.make_context(args[0], args[1:])  # raises on an unknown option or a missing argument


OTHER_DATABASES = {
    "other app's snapshots": ("CREATE TABLE snapshots (id INTEGER PRIMARY KEY, taken TEXT)",),
    "snapshots without schema_info": ("CREATE TABLE snapshots (id INTEGER PRIMARY KEY, name TEXT, created_at TEXT, "
                                      "result_json TEXT)",),
    "a version that is text": ("CREATE TABLE schema_info (version TEXT)", "INSERT INTO schema_info VALUES ('two')",
                               "CREATE TABLE snapshots (id INTEGER PRIMARY KEY, name TEXT, created_at TEXT, "
                               "result_json TEXT)"),
    "unrelated tables": ("CREATE TABLE orders (id INTEGER PRIMARY KEY)",),
}


@pytest.mark.parametrize("kind", sorted(OTHER_DATABASES))
@pytest.mark.parametrize("command", [["history", "list"], ["history", "export"], ["trend", "--name", "x"]])
def test_another_applications_database_is_refused_without_a_byte_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, command: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    with sqlite3.connect(tmp_path / "other.db") as conn:
        for statement in OTHER_DATABASES[kind]:
            conn.execute(statement)
    before = (tmp_path / "other.db").read_bytes()
    res = runner.invoke(app, [*command, "--history", "other.db"])
    assert res.exit_code == 2 and res.output.startswith("error: "), res.output
    assert (tmp_path / "other.db").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no -wal, -shm, report or index


def test_reading_an_empty_sqlite_file_leaves_it_as_it_was(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "empty.db") as conn:
        conn.execute("PRAGMA user_version = 7")  # a valid SQLite file with no tables
    before = (tmp_path / "empty.db").read_bytes()
    res = runner.invoke(app, ["history", "list", "--history", str(tmp_path / "empty.db")])
    assert res.exit_code == 2 and "not an auditor history" in res.output
    assert (tmp_path / "empty.db").read_bytes() == before


def test_a_snapshots_file_name_carries_the_time_its_history_row_records(tmp_path: Path) -> None:
    from auditor.history.runs import snapshot_file_name, take_snapshot
    from tests.conftest import HashEncoder

    texts = [f"a text about {w} number {i}" for i, w in enumerate(["wool", "tea", "pans", "bikes"] * 3)]
    one = take_snapshot(texts, name="s", history=tmp_path / "h.db", out=tmp_path, model=HashEncoder(), cache=False,
                        resamples=0, clusterer=None)
    with HistoryStore(tmp_path / "h.db") as store:
        created = store.series("s")[0].created_at
    stamp = created.replace("-", "").replace(":", "").replace("+0000", "Z")[:15] + "Z"
    assert one["html"].name == f"s-{stamp}.html" and one["json"].name == f"s-{stamp}.json"
    assert snapshot_file_name(tmp_path, "s", created) == f"s-{stamp}-2"  # the same second again: a new name


@pytest.mark.parametrize("command", [["history", "list"], ["trend", "--name", "s"]])
def test_a_file_of_no_bytes_is_refused_and_left_as_it_is(tmp_path: Path, command: list[str]) -> None:
    empty = tmp_path / "touched.db"
    empty.write_bytes(b"")
    res = runner.invoke(app, [*command, "--history", str(empty)])
    assert res.exit_code == 2 and "is an empty file, not an auditor history" in res.output
    assert empty.read_bytes() == b"" and sorted(p.name for p in tmp_path.iterdir()) == ["touched.db"]
    with pytest.raises(HistoryError, match="empty file"):
        HistoryStore(empty)  # a snapshot would write into it: refused too
    assert empty.read_bytes() == b""


def test_deleting_a_missing_snapshot_is_an_error_before_any_question(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    with HistoryStore(db) as store:
        store.add("s", fake_result(0.2))
    res = runner.invoke(app, ["history", "delete", "99", "--history", str(db)], input="y\n")
    assert res.exit_code == 2 and res.output.strip() == f"error: no snapshot 99 in sqlite:///{db}"  # no prompt shown
    res = runner.invoke(app, ["history", "delete", "1", "--history", str(db)], input="n\n")
    assert res.exit_code == 1 and "delete snapshot 1 (s, 2026-01-01T00:00:00+00:00)?" in res.output
    with HistoryStore(db) as store:
        assert [s.id for s in store.list()] == [1]


def test_a_report_without_text_walks_the_result_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--no-text: the page, the JSON, the review CSV and the history row share one stripped copy."""
    import auditor.result as result_module
    from auditor.history.runs import take_snapshot
    from tests.conftest import HashEncoder

    calls = []
    strip = result_module._strip_text
    monkeypatch.setattr(result_module, "_strip_text", lambda value: (
        calls.append(1) if isinstance(value, dict) and "metrics" in value else None) or strip(value))
    texts = [f"a text about {w} number {i}" for i, w in enumerate(["wool", "tea", "pans", "bikes"] * 3)]
    done = take_snapshot(texts, name="s", history=tmp_path / "h.db", out=tmp_path, include_text=False,
                         model=HashEncoder(), cache=False, resamples=0, clusterer=None)
    assert len(calls) == 1  # one walk of the whole result (was four)
    assert "wool" not in done["html"].read_text() and "wool" not in done["json"].read_text()
    with HistoryStore(tmp_path / "h.db") as store:
        assert "wool" not in json.dumps(store.get(done["id"]).data)


def test_the_index_reads_again_only_the_reports_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import auditor.report.index as index

    for i in range(3):
        write_owned_text(tmp_path / f"r{i}.json", json.dumps(fake_result(0.2 + i / 10, created=f"2026-0{i + 1}-01T00:00:00+00:00")))
    first = report_entries(tmp_path)
    read: list[str] = []
    entry = index._entry
    monkeypatch.setattr(index, "_entry", lambda path: read.append(path.name) or entry(path))
    assert report_entries(tmp_path) == first and read == []  # nothing changed: nothing read
    write_owned_text(tmp_path / "r1.json", json.dumps(fake_result(0.9, created="2026-02-01T00:00:00+00:00")))
    again = report_entries(tmp_path)
    assert read == ["r1.json"] and [e["mps"] for e in again] == [0.4, 0.9, 0.2]
    (tmp_path / "r2.json").write_text(json.dumps(fake_result(0.5)))  # changed by someone else: not auditor's
    assert [e["title"] for e in report_entries(tmp_path)] == ["r1", "r0"]
    forged = '{"r0.json": {"stamp": [1, 2], "sha256": "x", "entry": "<b>"}}'
    (tmp_path / index.ENTRY_CACHE).write_text(forged)
    assert [e["title"] for e in report_entries(tmp_path)] == ["r1", "r0"]  # a cache auditor did not write: ignored
    assert (tmp_path / index.ENTRY_CACHE).read_text() == forged  # and never overwritten
