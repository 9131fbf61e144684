"""Partial states: merged states equal the state of the whole, the shard workflow (`auditor state`
+ `auditor merge`) gives the audit of the union, and states that do not belong together are refused."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from auditor import audit
from auditor.audit.schema import result_schema
from auditor.cli import app
from auditor.metrics.lexical import distinct_n
from auditor.metrics.suite import state_metrics
from auditor.states import (
    StateMismatch,
    audit_state,
    merge_states,
    read_state,
    shard_state,
    write_state,
)
from auditor.states.sketch import DistinctSketch, ngram_hashes, token_hashes

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[1] / "sample_corpora" / "brand_copy.csv"
OPTS = {"group_col": "brand", "time_col": "date"}


@pytest.fixture(scope="module")
def brand() -> pd.DataFrame:
    return pd.read_csv(SAMPLE)


def _shards(frame: pd.DataFrame, cuts: tuple[int, ...]) -> list[pd.DataFrame]:
    bounds = (0, *cuts, len(frame))
    return [frame.iloc[a:b] for a, b in zip(bounds, bounds[1:])]


def _state(frame, encoder, **kw):
    return shard_state(frame, embedder=encoder, cache=False, **OPTS, **kw)


def _close(a: dict[str, float], b: dict[str, float], tol: float = 1e-9) -> None:
    assert a.keys() == b.keys()
    for key in a:
        assert a[key] == pytest.approx(b[key], rel=tol, abs=tol), key


def test_two_shards_merged_equal_the_state_of_the_whole_for_every_mergeable_metric(brand, hash_encoder):
    whole = _state(brand, hash_encoder, sample_size=100)
    merged = merge_states([_state(part, hash_encoder, sample_size=100) for part in _shards(brand, (260,))])
    assert merged.n_texts == whole.n_texts == len(brand)
    _close(state_metrics(merged.whole), state_metrics(whole.whole))
    for kind in ("groups", "months"):
        ours, theirs = getattr(merged, kind), getattr(whole, kind)
        assert list(ours) == list(theirs) and len(ours) > 1
        assert (kind == "groups") == all(s.gram is not None for s in ours.values())  # 5 brands, 70+ months
        for key in ours:
            assert ours[key].n == theirs[key].n
            assert (ours[key].gram is None) == (theirs[key].gram is None)
            spectral = ours[key].gram is not None  # more than MAX_GRAM_KEYS keys keep no XᵀX
            _close(state_metrics(ours[key], spectral), state_metrics(theirs[key], spectral))
    assert merged.time_range == whole.time_range
    for a, b in zip(merged.lexical.sketches, whole.lexical.sketches):
        assert a.total == b.total and np.array_equal(a.hashes, b.hashes)
    # distinct-n from the sketches is the exact distinct-n of the union (texts joined in order)
    texts = brand["text"].tolist()
    for n in range(1, 5):
        assert merged.lexical.values()[f"distinct_{n}"] == pytest.approx(distinct_n(texts, n), abs=1e-12)
    # the same bottom-k sample whatever the sharding
    assert merged.sample.columns["text"] == whole.sample.columns["text"]
    assert np.array_equal(merged.sample.vectors, whole.sample.vectors)


def test_a_state_file_round_trips_exactly(brand, hash_encoder, tmp_path):
    state = _state(brand, hash_encoder, sample_size=50)
    back = read_state(write_state(state, tmp_path / "s.auditor-state"))
    _close(state_metrics(back.whole), state_metrics(state.whole), 0.0)
    assert back.header == state.header and back.sources == state.sources
    assert back.sample.columns == state.sample.columns and np.array_equal(back.sample.vectors, state.sample.vectors)
    assert {k: v.n for k, v in back.groups.items()} == {k: v.n for k, v in state.groups.items()}
    assert back.lexical.values() == state.lexical.values()
    assert back.languages == state.languages == {"en": len(brand)}  # every text identified and counted


def test_the_distinct_sketch_is_exact_below_k_and_estimates_above_it_and_merges_exactly():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in rng.integers(0, 50_000, size=40_000)]
    hashes = ngram_hashes(token_hashes(words), 2)
    true = len(set(zip(words, words[1:])))
    exact = DistinctSketch(2, k=1 << 17).add(hashes)
    assert exact.exact and exact.distinct() == true
    small = DistinctSketch(2, k=2048).add(hashes)
    assert not small.exact and abs(small.distinct() / true - 1) < 4 / np.sqrt(2048)  # 4 standard errors
    halves = DistinctSketch(2, k=2048).add(hashes[:15_000]).merge(DistinctSketch(2, k=2048).add(hashes[15_000:]))
    assert np.array_equal(halves.hashes, small.hashes) and halves.total == small.total


def test_merged_states_of_a_sample_keep_exact_values_and_say_what_was_sampled(brand, hash_encoder):
    union = audit(brand, embedder=hash_encoder, clusterer=None, cache=False, resamples=20, **OPTS).data
    parts = [_state(part, hash_encoder, sample_size=150) for part in _shards(brand, (200, 450))]
    merged = audit_state(merge_states(parts), clusterer=None, resamples=20).data
    assert merged["corpus"]["n_texts"] == len(brand)
    assert merged["merged"]["sample"] == {"n_texts": 150, "sampled": True,
                                          "method": "bottom-k by a seeded hash of each text"}
    exact = set(merged["merged"]["exact_metrics"])
    assert {"mean_pairwise_similarity", "vendi_score", "effective_rank", "dispersion", "distinct_2"} <= exact
    for metric_id, entry in merged["metrics"].items():
        if metric_id in exact:  # the audit's sums multiply float32 rows; a state's, float64 ones
            assert entry["value"] == pytest.approx(union["metrics"][metric_id]["value"], rel=1e-6, abs=1e-9)
            assert entry["ci_low"] <= entry["value"] <= entry["ci_high"]
        else:
            assert entry["method"] == "sampled" and entry["n_texts"] == 150, metric_id
    for name, group in union["groups"].items():
        ours = merged["groups"][name]
        assert ours["n_texts"] == group["n_texts"]
        assert ours["metrics"]["mean_pairwise_similarity"]["value"] == pytest.approx(
            group["metrics"]["mean_pairwise_similarity"]["value"], rel=1e-6)
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(json.loads(json.dumps(merged)), result_schema())


def test_states_of_different_settings_or_models_do_not_merge(brand, hash_encoder):
    a = _state(brand.iloc[:100], hash_encoder, sample_size=50)
    with pytest.raises(StateMismatch, match="settings"):
        merge_states([a, _state(brand.iloc[100:], hash_encoder, sample_size=60)])
    with pytest.raises(StateMismatch, match="settings"):
        merge_states([a, _state(brand.iloc[100:], hash_encoder, sample_size=50, seed=1)])
    from tests.conftest import HashEncoder

    with pytest.raises(StateMismatch, match="model"):
        merge_states([a, _state(brand.iloc[100:], HashEncoder(dim=32), sample_size=50)])


@pytest.mark.model
def test_state_and_merge_on_three_shards_give_the_audit_of_the_union(brand, tmp_path):
    paths = []
    for k, part in enumerate(_shards(brand, (200, 450))):
        part.to_csv(tmp_path / f"part{k}.csv", index=False)
        out = runner.invoke(app, ["state", str(tmp_path / f"part{k}.csv"), "-o", str(tmp_path / f"part{k}.auditor-state"),
                                  "--group-col", "brand", "--time-col", "date", "-q"])
        assert out.exit_code == 0, out.output
        paths.append(str(tmp_path / f"part{k}.auditor-state"))
    common = ["--out", str(tmp_path / "r"), "--clusters", "none", "--resamples", "20", "-q"]
    merged = runner.invoke(app, ["merge", *paths, "--name", "merged", *common])
    assert merged.exit_code == 0, merged.output
    union = runner.invoke(app, ["audit", str(SAMPLE), "--group-col", "brand", "--time-col", "date",
                                "--name", "union", *common])
    assert union.exit_code == 0, union.output
    a = json.loads((tmp_path / "r" / "union.json").read_text())
    b = json.loads((tmp_path / "r" / "merged.json").read_text())
    assert a["metrics"].keys() == b["metrics"].keys()
    for metric_id, entry in a["metrics"].items():
        assert b["metrics"][metric_id]["value"] == entry["value"], metric_id
    assert b["verdict"]["level"] == a["verdict"]["level"] and b["merged"]["n_states"] == 3
    assert {g: v["n_texts"] for g, v in b["groups"].items()} == {g: v["n_texts"] for g, v in a["groups"].items()}
    html = (tmp_path / "r" / "merged.html").read_text()
    assert "Merged from 3 partial states" in html and "each number is the one an audit of their union gives" in html


def test_merging_states_of_different_settings_is_one_error_line_and_exit_2(brand, hash_encoder, tmp_path):
    a = write_state(_state(brand.iloc[:100], hash_encoder, sample_size=50), tmp_path / "a.auditor-state")
    b = write_state(_state(brand.iloc[100:], hash_encoder, sample_size=80), tmp_path / "b.auditor-state")
    out = runner.invoke(app, ["merge", str(a), str(b), "--out", str(tmp_path / "r")])
    assert out.exit_code == 2
    assert out.output.startswith("error: cannot merge states with different settings") and out.output.count("\n") == 1
    assert not (tmp_path / "r").exists()


def test_state_files_are_checked_before_any_work(tmp_path):
    corpus = tmp_path / "c.csv"
    pd.DataFrame({"text": ["one text here", "another text there"]}).to_csv(corpus, index=False)
    notes = tmp_path / "notes.auditor-state"
    notes.write_text("my notes")
    cases = [
        (["state", str(corpus), "-o", str(tmp_path / "out.npz")], "must end in .auditor-state"),
        (["state", str(corpus), "-o", str(notes)], "is not an auditor state"),
        (["merge", str(notes), "--out", str(tmp_path / "r")], "not an auditor state file"),
        (["merge", str(tmp_path / "missing.auditor-state"), "--out", str(tmp_path / "r")], "no such state file"),
        (["state", str(corpus), "-o", str(tmp_path / "x.auditor-state"), "--sample-size", "1"], "at least 2"),
    ]
    for args, message in cases:
        out = runner.invoke(app, args)
        assert out.exit_code == 2, (args, out.output)
        assert out.output.startswith("error: ") and message in out.output and out.output.count("\n") == 1, out.output
    assert notes.read_text() == "my notes" and not (tmp_path / "x.auditor-state").exists()


def test_a_merged_sample_reports_the_language_shares_of_every_text(hash_encoder):
    """288 English texts and 60 French ones in two shards, a 40-row sample: the shares and the main
    language are the whole corpus's, not the sample's."""
    from auditor.calibration.texts import TEXTS
    from auditor.corpus.language import detect

    english = [f"{t} ({k})" for k in range(3) for t in TEXTS["en"]]
    french = [f"{t} ({k})" for k in range(3) for t in TEXTS["fr"]][:60]
    codes = detect(english + french)
    parts = [shard_state(texts, embedder=hash_encoder, cache=False, sample_size=40) for texts in (english, french)]
    merged = merge_states(parts)
    assert merged.languages == {c: codes.count(c) for c in sorted(set(codes))}
    assert sum(merged.languages.values()) == len(codes) == 348 and len(merged.sample.columns["language"]) == 40
    data = audit_state(merged, clusterer=None, resamples=0).data
    expected = {c: round(codes.count(c) / len(codes), 6) for c in set(codes)}
    assert data["languages"]["shares"] == expected and data["languages"]["main"] == "en"
    sample_codes = merged.sample.columns["language"]
    assert data["languages"]["shares"] != {c: round(sample_codes.count(c) / 40, 6) for c in set(sample_codes)}


def test_a_state_of_another_format_version_is_one_error_line(brand, hash_encoder, tmp_path):
    from auditor.states import STATE_VERSION

    state = _state(brand.iloc[:40], hash_encoder)
    state.header["version"] = STATE_VERSION - 1  # a file written by an earlier auditor
    path = write_state(state, tmp_path / "old.auditor-state")
    with pytest.raises(StateMismatch, match=f"state version {STATE_VERSION - 1}, this auditor reads version {STATE_VERSION}"):
        read_state(path)
    out = runner.invoke(app, ["merge", str(path), "--out", str(tmp_path / "r"), "--clusters", "none"])
    assert out.exit_code == 2 and out.output.startswith("error: ") and len(out.output.splitlines()) == 1, out.output
    assert not (tmp_path / "r").exists()


def _rewrite(path: Path, change) -> None:
    """Rewrite a state file's JSON document with ``change`` applied (a forged or damaged state)."""
    import io

    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    doc = json.loads(bytes(arrays["document"]).decode("utf-8"))
    change(doc)
    arrays["document"] = np.frombuffer(json.dumps(doc).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    path.write_bytes(buffer.getvalue())


FORGED = {
    "a billion texts": lambda doc: doc.update(n_texts=1_000_000_000),
    "sizes that do not add up": lambda doc: doc.update(sizes=[5]),
    "whole count": lambda doc: doc["whole"].update(n=3),
    "header not a table": lambda doc: doc.update(header=[1, 2]),
    "keyed groups missing": lambda doc: doc["keyed"].pop("groups"),
}


@pytest.mark.parametrize("how", sorted(FORGED))
def test_a_state_whose_counts_disagree_with_its_sums_is_refused(brand, hash_encoder, tmp_path, how):
    path = write_state(_state(brand.iloc[:24], hash_encoder, sample_size=50), tmp_path / "s.auditor-state")
    _rewrite(path, FORGED[how])
    res = runner.invoke(app, ["merge", str(path), "--out", str(tmp_path / "r")])
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert res.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error: "), res.output
    assert not (tmp_path / "r").exists()


def test_a_state_with_a_member_that_would_inflate_far_beyond_the_file_is_not_inflated(tmp_path):
    import zipfile

    bomb = tmp_path / "bomb.auditor-state"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("whole_total.npy", b"\0" * (64 * 2**20))  # 64 MiB of zeros in ~64 KiB
    res = runner.invoke(app, ["merge", str(bomb), "--out", str(tmp_path / "r")])
    assert res.exit_code == 2 and "expand far beyond" in res.output, res.output
