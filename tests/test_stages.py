"""Stages as objects: custom reducer, clusterer, vectorizer and encoder, the visible PCA pre-step,
and the caches a declared identity keeps."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import CountVectorizer

import auditor
from auditor.calibration.texts import TEXTS as CALIBRATION
from auditor.stages import DefaultReducer, clusterer_stage, describe, identity
from tests.conftest import HashEncoder

TOPICS = {"wool": "wool coat hill rain tweed", "tea": "tea leaf brew pot cup", "bike": "bike frame gear wheel road"}
TEXTS = [f"{words} {i}" for i in range(20) for words in TOPICS.values()]


def test_custom_reducer_and_clusterer_run_and_the_map_says_which_made_it() -> None:
    result = auditor.audit(TEXTS, embedder=HashEncoder(), reducer=PCA(n_components=2),
                           clusterer=KMeans(3, n_init=4, random_state=0), resamples=0)
    assert result.data["map"]["method"] == "PCA(n_components=2)"
    assert result.data["clusters"]["method"].startswith("KMeans(")
    assert result.data["clusters"]["n_clusters"] == 3
    sizes = sorted(c["size"] for c in result.data["clusters"]["clusters"])
    assert sizes == [20, 20, 20]  # the three planted topics


def test_a_custom_vectorizer_names_the_clusters() -> None:
    upper = CountVectorizer(token_pattern=r"\b[a-z]{4}\b")  # four-letter words only
    result = auditor.audit(TEXTS, embedder=HashEncoder(), reducer=PCA(n_components=2),
                           clusterer=KMeans(3, n_init=4, random_state=0), vectorizer=upper, resamples=0)
    words = {w for c in result.data["clusters"]["clusters"] for w in c["keywords"]}
    assert words and all(len(w) == 4 for w in words)


def test_presets_build_objects_and_none_turns_the_map_off() -> None:
    assert clusterer_stage("none", 0) is None and clusterer_stage(None, 0) is None
    assert describe(clusterer_stage("hdbscan", 0)) == "hdbscan" and describe(clusterer_stage("kmeans", 0)) == "kmeans"
    result = auditor.audit(TEXTS[:12], embedder=HashEncoder(), clusterer="none", resamples=0)
    assert "map" not in result.data and "clusters" not in result.data


def test_default_reducer_runs_umap_on_a_visible_pca_step_above_its_threshold(monkeypatch) -> None:
    import umap

    seen = []

    class FakeUMAP:
        def __init__(self, **kwargs):
            self.kwargs = kwargs

        def fit_transform(self, X):
            seen.append((X, self.kwargs["metric"], self.kwargs["random_state"]))
            return X[:, :2]

    monkeypatch.setattr(umap, "UMAP", FakeUMAP)
    X = np.random.default_rng(0).standard_normal((80, 64)).astype(np.float32)
    small, big = DefaultReducer(seed=4, pca_above=100), DefaultReducer(seed=4, pca_above=60)
    small.fit_transform(X)
    big.fit_transform(X)
    unit = X / np.linalg.norm(X, axis=1, keepdims=True)
    cosine_distances = 1 - unit @ unit.T
    np.fill_diagonal(cosine_distances, 0)
    # UMAP gets the cosine distances of the input (small), of its 50-d PCA (big)
    assert [(m, s) for _, m, s in seen] == [("precomputed", 4), ("precomputed", 4)]
    assert np.allclose(seen[0][0], np.clip(cosine_distances, 0, 2), atol=1e-5)
    assert seen[1][0].shape == (80, 80) and not np.allclose(seen[1][0], seen[0][0], atol=1e-3)
    assert small.method_for(80, 64) == "UMAP (cosine)" and big.method_for(80, 64) == "UMAP (cosine) on a 50-d PCA"
    assert describe(big) == "UMAP (cosine)" and big.method_for(5, 64) == "PCA"  # the object is not changed by a fit
    assert small.identity != big.identity


def corpus_calls(encoder: HashEncoder) -> list[int]:
    """The encoder's calls for the corpus (not for the model's calibration texts)."""
    return [n for n in encoder.calls if n != len(CALIBRATION["en"])]


class NamedEncoder(HashEncoder):
    name = "hash-bag-of-words"
    revision = "v1"


def test_an_encoder_that_declares_name_and_revision_keeps_both_caches(tmp_path) -> None:
    encoder = NamedEncoder()
    first = auditor.audit(TEXTS, embedder=encoder, cache=tmp_path, resamples=0, clusterer=None)
    again = auditor.audit(TEXTS, embedder=encoder, cache=tmp_path, resamples=0, clusterer=None)
    assert sum(corpus_calls(encoder)) == len(set(TEXTS))  # the second run embedded nothing
    assert again.data["embedding"] == {"n_embedded": 0, "n_cached": len(TEXTS), "n_repeated": 0, "result_reused": True}
    assert first.data["model"]["name"] == "hash-bag-of-words" and first.data["model"]["revision"] == "v1"
    assert again.metrics == first.metrics


def test_an_anonymous_encoder_or_stage_is_never_reused(tmp_path) -> None:
    encoder = HashEncoder()
    for _ in range(2):
        result = auditor.audit(TEXTS, embedder=encoder, cache=tmp_path, resamples=0, clusterer=None)
    assert sum(corpus_calls(encoder)) == 2 * len(TEXTS) and "result_reused" not in result.data["embedding"]
    named = NamedEncoder()
    for _ in range(2):  # a named encoder, but a stage without an identity: the result is recomputed
        result = auditor.audit(TEXTS, embedder=named, cache=tmp_path, resamples=0, reducer=PCA(n_components=2),
                               clusterer="kmeans")
    assert "result_reused" not in result.data["embedding"] and identity(PCA(n_components=2)) is None


def test_a_stage_that_declares_an_identity_is_reused(tmp_path) -> None:
    pca = PCA(n_components=2)
    pca.identity = "pca2"
    for _ in range(2):
        result = auditor.audit(TEXTS, embedder=NamedEncoder(), cache=tmp_path, resamples=0, reducer=pca,
                               clusterer="kmeans")
    assert result.data["embedding"].get("result_reused") is True


def test_model_and_embedder_are_the_same_stage() -> None:
    from auditor.errors import SettingsError

    a = auditor.audit(TEXTS[:9], embedder=HashEncoder(), clusterer=None, resamples=0)
    b = auditor.audit(TEXTS[:9], model=HashEncoder(), clusterer=None, resamples=0)
    assert a.metrics == b.metrics
    with pytest.raises(SettingsError, match="model must be a model name or path"):
        auditor.audit(TEXTS[:9], embedder=HashEncoder(), model=HashEncoder())  # two encoders: which?


@pytest.mark.parametrize("bad", [object(), "dbscan"])
def test_a_clusterer_without_fit_predict_is_refused(bad) -> None:
    from auditor.errors import SettingsError

    with pytest.raises(SettingsError, match="clusterer"):
        clusterer_stage(bad, 0)


def test_an_audit_without_clusters_never_imports_the_keyword_vectorizer() -> None:
    import subprocess
    import sys

    code = ("import sys, auditor; from tests.conftest import HashEncoder; "
            "auditor.audit(['a b c', 'd e f', 'a b d'], embedder=HashEncoder(), clusterer=None, resamples=0); "
            "print('sklearn.feature_extraction.text' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parents[1]))
    assert out.stdout.strip() == "False"


def test_stage_lines_show_only_once_the_input_is_valid() -> None:
    import io

    from auditor.progress import LineProgress

    stream = io.StringIO()
    with pytest.raises(Exception):
        auditor.audit([], embedder=HashEncoder(), reporter=LineProgress(stream))  # empty corpus: bad input
    assert stream.getvalue() == ""
    reporter = LineProgress(stream)
    result = auditor.audit(TEXTS[:9], embedder=HashEncoder(), clusterer=None, resamples=0, reporter=reporter)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "auditor: load …" and lines[1].startswith("auditor: load done in") and "auditor: embed …" in lines
    assert set(result.data["timings"]) == {line.split(": ", 1)[1].split(" done in")[0] for line in lines if "done in" in line}


def test_the_corpus_compression_starts_before_the_encoder_and_not_for_a_stored_result(tmp_path, monkeypatch) -> None:
    """Compression needs only the texts: the audit starts it before encoding (its threads run
    while the model does); an audit whose result is stored starts none."""
    import auditor.audit.run as run
    from auditor.metrics.lexical_suite import CompressionJob, lexical_suite
    from auditor.metrics.uncertainty import IntervalSettings

    events: list[str] = []

    class Recorded(CompressionJob):
        def __init__(self, *args, **kwargs) -> None:
            events.append("compression")
            super().__init__(*args, **kwargs)

    class Recording(NamedEncoder):
        def encode(self, texts):
            events.append("encode")
            return super().encode(texts)

    monkeypatch.setattr(run, "CompressionJob", Recorded)
    first = auditor.audit(TEXTS, embedder=Recording(), cache=tmp_path, resamples=20, clusterer=None)
    assert events[:2] == ["compression", "encode"] and events.count("compression") == 1
    alone = lexical_suite(TEXTS, intervals=IntervalSettings(20, 0)).values
    for algorithm in ("gzip", "xz"):
        key = f"compression_ratio_{algorithm}"
        assert {k: first.metrics[key][k] for k in alone[key]} == alone[key]
    events.clear()
    again = auditor.audit(TEXTS, embedder=Recording(), cache=tmp_path, resamples=20, clusterer=None)
    assert again.data["embedding"].get("result_reused") is True and "compression" not in events
