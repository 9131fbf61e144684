"""Crash safety: leftovers of killed writes are cleaned, report sets are written in an order
that never lists a half-written report, and a tampered result cache is not trusted."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

import auditor
from auditor.fileio import STALE_TEMP_SECONDS, atomic_write_text
from tests.conftest import HashEncoder

TEXTS = [f"copy number {i} about {w}" for i, w in enumerate(["wool", "tea", "bikes", "pans"] * 3)]


def test_stale_temp_files_of_killed_writes_are_removed_fresh_ones_kept(tmp_path: Path) -> None:
    old, fresh, other = (tmp_path / ".r.json.a1.tmp", tmp_path / ".r.json.b2.tmp", tmp_path / ".x.json.c3.tmp")
    for temp in (old, fresh, other):
        temp.write_text("partial")
    past = time.time() - STALE_TEMP_SECONDS - 5
    os.utime(old, (past, past))
    os.utime(other, (past, past))
    ours_old, ours_fresh, users = (tmp_path / ".auditor-s1.html.d4.tmp", tmp_path / ".auditor-s2.html.e5.tmp",
                                   tmp_path / ".notes.tmp")
    for temp in (ours_old, ours_fresh, users):
        temp.write_text("partial")
    os.utime(ours_old, (past, past))
    os.utime(users, (past, past))
    atomic_write_text(tmp_path / "r.json", "{}")
    assert not old.exists() and fresh.exists() and other.exists()  # older versions' temps: this file's only
    assert not ours_old.exists() and ours_fresh.exists()  # auditor's temps of any name (snapshots), old ones
    assert users.exists()  # a file auditor did not name is never touched
    assert (tmp_path / "r.json").read_text() == "{}"


class Boom(RuntimeError):
    pass


def test_a_report_set_killed_before_its_json_is_not_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import auditor.report.sets as sets

    result = auditor.audit(TEXTS, embedder=HashEncoder(), resamples=0, clusterer=None)
    real = sets.write_owned_text

    def dies_at_json(path, text):  # the process "dies" when it reaches the JSON
        if str(path).endswith(".json"):
            raise Boom()
        return real(path, text)

    monkeypatch.setattr(sets, "write_owned_text", dies_at_json)
    with pytest.raises(Boom):
        sets.write_report_set(result, sets.report_paths(tmp_path, "copy"))
    assert (tmp_path / "copy.html").exists() and not (tmp_path / "copy.json").exists()
    assert not (tmp_path / "index.html").exists()
    monkeypatch.setattr(sets, "write_owned_text", real)
    with pytest.raises(Boom):  # a record that fails (the history insert) stops the JSON too
        sets.write_report_set(result, sets.report_paths(tmp_path, "copy2"), record=lambda _: (_ for _ in ()).throw(Boom()))
    assert not (tmp_path / "copy2.json").exists()


class Named(HashEncoder):
    name, revision = "hash", "1"


def test_a_tampered_result_cache_is_recomputed(tmp_path: Path) -> None:
    first = auditor.audit(TEXTS, embedder=Named(), cache=tmp_path, resamples=0, clusterer=None)
    [stored] = list((tmp_path / "results").glob("*.json"))
    payload = json.loads(stored.read_text())
    payload["result"] = payload["result"].replace('"value": ', '"value": 1', 1)  # a forged number
    stored.write_text(json.dumps(payload))
    again = auditor.audit(TEXTS, embedder=Named(), cache=tmp_path, resamples=0, clusterer=None)
    assert "result_reused" not in again.data["embedding"] and again.metrics == first.metrics
    third = auditor.audit(TEXTS, embedder=Named(), cache=tmp_path, resamples=0, clusterer=None)
    assert third.data["embedding"]["result_reused"] is True and third.metrics == first.metrics


def test_a_page_whose_json_never_followed_is_removed_once_stale_and_nothing_else(tmp_path: Path) -> None:
    from auditor.ownership import write_owned_text
    from auditor.report.index import write_index

    write_owned_text(tmp_path / "snap-1.html", "<p>orphan of a killed run</p>")
    write_owned_text(tmp_path / "snap-1-review.csv", "rank,id\n")
    write_owned_text(tmp_path / "snap-2.html", "<p>fresh: its JSON may be on its way</p>")
    write_owned_text(tmp_path / "snap-3.html", "<p>listed</p>")
    write_owned_text(tmp_path / "snap-3.json", "{}")
    (tmp_path / "mine.html").write_text("<p>the user's own page</p>")
    past = time.time() - STALE_TEMP_SECONDS - 5
    for name in ("snap-1.html", "snap-1-review.csv", "snap-3.html", "mine.html"):
        os.utime(tmp_path / name, (past, past))
    write_index(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "index.html", "mine.html", "snap-2.html", "snap-3.html", "snap-3.json"]
