"""Progress that moves: counts, rate and time left from deep inside a step, as periodic lines in
logs and a live bar on a terminal."""

from __future__ import annotations

import io

import pytest

import auditor
from auditor.progress import LineProgress, LiveProgress, StepTimer, note, pace, report
from tests.conftest import HashEncoder


def test_pace_says_counts_share_rate_and_time_left() -> None:
    assert pace(3000, 10000, 30.0, "texts") == "3,000 of 10,000 texts (30%), 100 texts/s, about 1 min 10 s left"
    assert pace(10, 40, 4.0, "texts") == "10 of 40 texts (25%), 2.5 texts/s, about 12 s left"
    assert pace(40, 40, 4.0, "texts") == "40 of 40 texts (100%), 10 texts/s"
    assert pace(0, 40, 0.0, "texts") == "0 of 40 texts (0%)"


def test_lines_come_at_each_tenth_and_after_thirty_seconds_without_one(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr("auditor.progress.time.perf_counter", lambda: clock[0])
    stream = io.StringIO()
    timer = LineProgress(stream)
    timer.show()
    with timer.step("embed"):
        for done in range(0, 1001, 50):  # 20 reports, one every 2 s
            clock[0] += 2.0
            assert report(done, 1000)
        clock[0] += 31.0
        report(1000, 1000)  # nothing new, but 31 s since the last line
        note("writing the cache")
    counts = [line for line in stream.getvalue().splitlines() if " of 1,000 texts" in line]
    assert [c.split(": ", 2)[2].split(" (")[0] for c in counts] == [
        f"{n:,} of 1,000 texts" for n in range(100, 1001, 100)] + ["1,000 of 1,000 texts"]
    assert "auditor: embed: 500 of 1,000 texts (50%), 23 texts/s, about 22 s left" in stream.getvalue()
    assert "auditor: embed: writing the cache" in stream.getvalue()


def test_nothing_listens_outside_a_shown_step() -> None:
    assert report(1, 2) is False  # no audit running: the caller may show its own bar
    timer = StepTimer()
    with timer.step("embed"):
        assert report(1, 2) is False  # not shown (-q)


def test_the_live_display_draws_counts_on_a_terminal() -> None:
    from rich.console import Console

    timer = LiveProgress(Console(file=io.StringIO(), force_terminal=True, width=120))
    timer.show()
    with timer.step("embed"):
        report(512, 2048)
        task = timer._progress.tasks[0]
        assert (task.completed, task.total) == (512, 2048) and "512 of 2,048 texts" in task.description
        note("fitting the map on 2,000 texts")
        assert task.description == "embed: fitting the map on 2,000 texts"
    timer.close()
    assert task.finished


def test_an_audit_reports_its_embedding_and_map_as_it_goes(tmp_path) -> None:
    class Named(HashEncoder):
        name, revision = "hash", "1"

    stream = io.StringIO()
    texts = [f"text number {i} about {w}" for i, w in enumerate(["wool", "tea", "bikes", "soap"] * 300)]
    auditor.audit(texts, embedder=Named(), cache=tmp_path, resamples=0, reporter=LineProgress(stream),
                  reducer=__import__("sklearn.decomposition", fromlist=["PCA"]).PCA(n_components=2))
    out = stream.getvalue()
    assert "auditor: embed: 1,200 of 1,200 texts (100%)" in out  # cache batches of 512: 512, 1,024, 1,200
    assert "auditor: embed: 512 of 1,200 texts (43%)" in out
    assert "auditor: map and clusters: fitting the map on 1,200 texts" in out
