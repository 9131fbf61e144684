"""The audit() API end to end with a fast stand-in encoder: numbers, groups, JSON shape, HTML."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import auditor
from auditor.embed import normalize_rows
from auditor.metrics import mean_pairwise_similarity, vendi_score
from auditor.result import AuditResult

TEXTS = [
    "Elevate your everyday with our jacket.",
    "Elevate your everyday with our jacket.",
    "Elevate your everyday with our kettle.",
    "Rain on the fell and wool on the back.",
    "Pancakes flipped by small hands on Sunday.",
    "A steel frame for the cobbles of the city.",
]
GROUPS = ["x", "x", "y", "x", "y", "y"]


def run(hash_encoder, **kw):
    frame = pd.DataFrame({"text": TEXTS, "brand": GROUPS})
    return auditor.audit(frame, model=hash_encoder, group_col="brand", **kw)


def test_audit_numbers_match_the_metric_functions(hash_encoder) -> None:
    result = run(hash_encoder)
    X = normalize_rows(hash_encoder.encode(TEXTS))
    assert result.value("mean_pairwise_similarity") == pytest.approx(mean_pairwise_similarity(X), abs=1e-6)
    assert result.value("vendi_score") == pytest.approx(vendi_score(X), abs=1e-6)
    sub = X[[0, 1, 3]]
    assert result.value("mean_pairwise_similarity", "x") == pytest.approx(mean_pairwise_similarity(sub), abs=1e-6)
    # the two jacket copies and the kettle, one word swapped: the same text almost word for word
    assert result.value("near_duplicate_rate") == pytest.approx(3 / 6)


def test_rankings_and_pairs_reference_row_ids(hash_encoder) -> None:
    result = run(hash_encoder)
    texts = result.data["texts"]
    assert texts["near_duplicate_pairs"][0]["a"] == "1" and texts["near_duplicate_pairs"][0]["b"] == "2"
    assert texts["near_duplicate_pair_count"] == 3  # the two copies, and each with the one-word variant
    generic = [t["typicality"] for t in texts["most_generic"]]
    assert generic == sorted(generic, reverse=True)
    distinct = [t["typicality"] for t in texts["most_distinctive"]]
    assert distinct == sorted(distinct)
    assert {t["id"] for t in texts["most_generic"]} <= {str(i) for i in range(1, 7)}


def test_json_shape_is_stable(hash_encoder) -> None:
    data = json.loads(run(hash_encoder).to_json())
    assert data["schema_version"] == "1.0"
    assert data["corpus"]["n_texts"] == 6 and data["corpus"]["n_groups"] == 2
    for metric_id, entry in data["metrics"].items():
        assert metric_id == metric_id.lower() and " " not in metric_id
        assert isinstance(entry["value"], float) and entry["label"] and entry["meaning"]
    assert set(data["groups"]) == {"x", "y"}
    assert set(data["groups"]["x"]["metrics"]) == set(data["metrics"])
    assert {"most_generic", "most_distinctive", "near_duplicate_pairs"} <= set(data["texts"])
    assert data["verdict"]["level"] in {"varied", "moderate", "homogeneous", "very_homogeneous", "undetermined"}
    assert data["verdict"]["small_sample"] is True  # six texts
    assert AuditResult.from_json(json.dumps(data)).value("vendi_score") == data["metrics"]["vendi_score"]["value"]


def test_real_results_validate_against_the_shipped_schema(hash_encoder) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from auditor.audit.schema import result_schema

    schema = result_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    texts = [f"{w} copy for the {w} range, batch {i % 4}" for i, w in enumerate(["wool", "tea", "bike"] * 8)]
    frame = pd.DataFrame({"text": texts, "brand": ["a", "b", "c"] * 8,
                          "date": [f"{2019 + i % 4}-06-01" for i in range(24)]})
    full = auditor.audit(frame, model=hash_encoder, group_col="brand", time_col="date", resamples=20,
                         permutations=99, reference=texts[:6], reducer=_pca(), clusterer="kmeans")
    for data in (full.to_dict(), full.to_dict(include_text=False), run(hash_encoder, clusterer=None).to_dict()):
        jsonschema.validate(json.loads(json.dumps(data)), schema)
    assert {"comparison", "trend", "reference", "clusters", "map"} <= set(full.data)
    broken = json.loads(json.dumps(full.data))
    broken["verdict"]["level"] = "fine"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def _pca():
    from sklearn.decomposition import PCA

    return PCA(n_components=2, random_state=0)


def test_same_input_and_seed_give_identical_numbers(hash_encoder) -> None:
    a, b = run(hash_encoder).data, run(hash_encoder).data
    assert a["metrics"] == b["metrics"] and a["texts"] == b["texts"]


def test_no_text_leaves_every_raw_text_out(hash_encoder) -> None:
    result = run(hash_encoder)
    stripped = result.to_json(include_text=False)
    html = result.to_html(include_text=False)
    for text in TEXTS:
        assert text not in stripped and text not in html


def test_no_text_leaves_out_stock_phrases_and_cluster_keywords(hash_encoder) -> None:
    texts = ([f"unlock the power of zebrawood {i}" for i in range(6)]
             + [f"quokka marmalade breakfast number {i}" for i in range(6)])
    result = auditor.audit(texts, model=hash_encoder, reducer=_pca(), clusterer="kmeans", resamples=0)
    assert result.data["texts"]["repeated_phrases"][0]["phrase"].startswith("unlock the power of")
    assert any("zebrawood" in c["keywords"] or "quokka" in c["keywords"] for c in result.data["clusters"]["clusters"])
    for out in (result.to_json(include_text=False), result.to_html(include_text=False)):
        for words in ("unlock the power", "zebrawood", "quokka", "marmalade"):
            assert words not in out
    html = result.to_html(include_text=False)
    assert "phrase 1 (" in html and "stock phrase of four or more words is in" in html  # counted, not quoted


def test_html_escapes_user_text(hash_encoder) -> None:
    evil = ['<script>alert(1)</script> one', '<img src=x onerror=alert(2)> two', 'plain three']
    html = auditor.audit(evil, model=hash_encoder).to_html()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # the only script tags are the report's own (its code and one escaped JSON data block)
    assert html.lower().count("<script") == 2 and r"\u003cscript\u003ealert(1)" in html


def test_html_states_the_verdict_and_each_metric(hash_encoder) -> None:
    result = run(hash_encoder)
    html = result.to_html()
    assert result.verdict["headline"].split(".")[0] in html
    for entry in result.metrics.values():
        assert entry["label"].replace("&", "&amp;") in html
    assert "Most generic texts" in html and "Near-duplicate pairs" in html
    assert "auditor-result" in result._repr_html_()


def test_group_of_one_text_gets_no_metrics(hash_encoder) -> None:
    frame = pd.DataFrame({"text": TEXTS, "brand": ["x"] * 5 + ["solo"]})
    result = auditor.audit(frame, model=hash_encoder, group_col="brand")
    assert result.groups["solo"]["metrics"] == {} and "fewer than 2" in result.groups["solo"]["note"]


def test_sample_audits_a_seeded_subset(hash_encoder) -> None:
    texts = [f"text {i} about topic {i % 7}" for i in range(40)]
    a = auditor.audit(texts, model=hash_encoder, sample=10, seed=5)
    b = auditor.audit(texts, model=hash_encoder, sample=10, seed=5)
    assert a.data["corpus"]["n_texts"] == 10 and a.metrics == b.metrics


def test_threshold_must_be_a_cosine(hash_encoder) -> None:
    with pytest.raises(ValueError, match="threshold"):
        auditor.audit(TEXTS, model=hash_encoder, threshold=1.5)


@pytest.mark.parametrize("option, value, message", [
    ("threshold", 0, "threshold must be in"), ("resamples", -1, "resamples must be"),
    ("ci_level", 1.0, "ci_level must be in"), ("freq", "week", "freq must be one of"),
    ("device", "tpu", "device must be one of"), ("sample", 1, "sample must be at least 2"),
    ("clusterer", "dbscan", "clusterer must be one of"), ("reducer", object(), "reducer must have a fit_transform"),
])
def test_bad_settings_are_refused_by_name_before_any_embedding(hash_encoder, option, value, message) -> None:
    from auditor.errors import SettingsError

    with pytest.raises(SettingsError, match=message) as caught:
        auditor.audit(TEXTS, model=hash_encoder, **{option: value})
    assert caught.value.param == option
    assert hash_encoder.calls == []  # nothing was embedded


def test_an_unknown_option_is_a_type_error_naming_it(hash_encoder) -> None:
    with pytest.raises(TypeError, match="'treshold'"):
        auditor.audit(TEXTS, model=hash_encoder, treshold=0.9)


def test_freq_without_a_time_column_is_refused(hash_encoder) -> None:
    with pytest.raises(ValueError, match="freq needs a time column"):
        auditor.audit(TEXTS, model=hash_encoder, freq="year")


def test_settings_object_and_keywords_combine(hash_encoder) -> None:
    settings = auditor.AuditSettings(seed=3, resamples=0)
    result = auditor.audit(TEXTS, settings, model=hash_encoder, threshold=0.9, clusterer=None)
    assert result.data["settings"]["seed"] == 3 and result.data["settings"]["near_duplicate_threshold"] == 0.9
    assert "ci_low" not in result.metrics["mean_pairwise_similarity"]


def test_identical_texts_give_mps_one_and_vendi_one(hash_encoder) -> None:
    result = auditor.audit(["same words here"] * 8, model=hash_encoder)
    assert result.value("mean_pairwise_similarity") == pytest.approx(1.0, abs=1e-6)
    assert result.value("vendi_score") == pytest.approx(1.0, abs=1e-5)
    assert result.value("near_duplicate_rate") == 1.0
    assert result.verdict["level"] == "very_homogeneous"
    assert np.all(result.typicality > 0.999)


def test_twenty_identical_texts_spread_over_no_direction(hash_encoder) -> None:
    result = auditor.audit(["the very same words"] * 20, model=hash_encoder, resamples=0, clusterer=None)
    assert result.value("effective_rank") == 0.0 and result.value("vendi_score") == pytest.approx(1.0, abs=1e-5)


def test_a_sample_as_large_as_the_corpus_is_no_sample(hash_encoder) -> None:
    texts = [f"text {i} about topic {i % 5}" for i in range(24)]
    result = auditor.audit(texts, model=hash_encoder, sample=1000, resamples=0, clusterer=None)
    assert result.data["settings"]["sample"] is None and result.data["corpus"]["n_texts"] == 24
    assert "seeded sample" not in result.to_html()


def test_a_string_is_a_path_and_a_missing_one_is_a_clear_error(hash_encoder, tmp_path) -> None:
    from auditor.errors import CorpusError

    with pytest.raises(CorpusError, match="no such file"):
        auditor.audit(str(tmp_path / "typo.csv"), model=hash_encoder)
    path = tmp_path / "lines.txt"
    path.write_text("first text here\nsecond text there\n")
    assert auditor.audit(str(path), model=hash_encoder, clusterer=None).data["corpus"]["n_texts"] == 2


def test_result_repr_is_one_short_line(hash_encoder) -> None:
    text = repr(run(hash_encoder))
    assert text.startswith("<AuditResult ") and "6 texts, 2 groups" in text and len(text) < 200 and "\n" not in text


def test_the_report_names_the_same_top_stock_phrase_as_the_metric(hash_encoder) -> None:
    texts = ([f"designed for the {w} crowd" for w in ("city", "hill", "sea")]
             + [f"elevate your routine today with {w}" for w in ("tea", "wool", "pans", "bikes")]
             + ["a plain text", "another plain one"])
    result = auditor.audit(texts, model=hash_encoder, resamples=0, clusterer="kmeans", reducer=_pca())
    top = result.metrics["top_phrase_share"]
    assert top["phrase"] == "elevate your routine today with"
    assert f"“{top['phrase']}”, is in" in result.to_html()


def test_the_distinctive_list_never_shows_two_near_duplicates(hash_encoder) -> None:
    odd = ["zebra quokka marmot walrus"] * 3
    common = ["apples ripen in the orchard", "the river floods every spring", "a violin concert tonight",
              "trains climb through the mountain tunnel"]
    texts = odd + [common[i % 4] for i in range(12)]
    result = auditor.audit(texts, model=hash_encoder, resamples=0, clusterer=None, top=3)
    ids = [e["id"] for e in result.data["texts"]["most_distinctive"]]
    X = result.embeddings[[int(i) - 1 for i in ids]]
    sims = X @ X.T
    rows = [int(i) - 1 for i in ids]
    i, j = np.triu_indices(3, k=1)
    assert len(ids) == 3 and not result.near_duplicates.decide([rows[a] for a in i], [rows[b] for b in j],
                                                              sims[i, j]).any()
    assert sum(i in ("1", "2", "3") for i in ids) == 1  # one of the three copies, not all of them


def test_the_review_queue_ranks_every_text_with_its_reasons(hash_encoder, tmp_path) -> None:
    import csv

    from auditor.report.sets import report_paths, write_report_set

    texts = (["unlock the power of tea with a smoky breakfast blend", "unlock the power of wool knitted on the island",
              "unlock the power of pans that sear a steak fast", "unlock the power of bikes built for cobbled streets"]
             + ["unlock the power of tea with a smoky breakfast blend", "=cmd|' /C calc'!A0 spreadsheet trick"]
             + ["gulls circle the harbour at dawn", "the ferry timetable changed in March", "a lighthouse keeper's logbook",
                "nets drying on the quay wall", "fog horns sounded through the night", "the fish market opens at four",
                "a storm cracked the old breakwater", "children swim off the slipway in August"])
    result = auditor.audit(texts, model=hash_encoder, resamples=0, reducer=_pca(), clusterer="kmeans")
    queue = result.data["review_queue"]
    assert [q["rank"] for q in queue] == list(range(1, len(texts) + 1))
    assert [q["typicality"] for q in queue] == sorted((q["typicality"] for q in queue), reverse=True)
    assert queue[0]["percentile"] == 100.0 and queue[-1]["percentile"] == 0.0
    assert [q["id"] for q in queue[:10]] == [t["id"] for t in result.data["texts"]["most_generic"]]
    dup = next(q for q in queue if q["id"] == "1")  # "unlock … tea …" has an exact copy (row 5)
    assert dup["near_duplicate_of"] == "5" and dup["near_duplicate_similarity"] == pytest.approx(1.0)
    assert any(p.startswith("unlock the power of") for p in dup["stock_phrases"]) and dup["cluster_keywords"]
    actions = {q["id"]: q["action"] for q in queue}
    # two copies of 14 texts: near-duplicates 14% > 10%, so one copy (only) goes for that rule
    assert [q["id"] for q in queue if "near-duplicates" in q["action_reason"]] in (["1"], ["5"])
    assert actions["6"] == "keep" and set(actions.values()) == {"keep", "review", "regenerate"}
    assert all("stock phrase" in q["action_reason"] for q in queue if q["action"] == "review")
    paths = write_report_set(result, report_paths(tmp_path, "copy"))
    rows = list(csv.DictReader(paths["review"].open(encoding="utf-8")))
    assert len(rows) == len(texts) and rows[0]["rank"] == "1" and rows[0]["text"]
    assert {r["id"]: r["action"] for r in rows} == actions
    assert "'=cmd|' /C calc'!A0 spreadsheet trick" in [r["text"] for r in rows]  # no live formula
    assert 'href="copy-review.csv"' in paths["html"].read_text()
    hidden = write_report_set(result, report_paths(tmp_path / "nt", "copy"), include_text=False)
    header = hidden["review"].read_text().splitlines()[0]
    assert "text" not in header.split(",") and "unlock" not in hidden["review"].read_text()
