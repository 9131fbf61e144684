"""Beyond English: each text's language, the multilingual model chosen for other languages, the
floor measured in the corpus's language, a warning when the model does not read the texts, and
lexical metrics that work for scripts without spaces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor import audit
from auditor.calibration.texts import TEXTS
from auditor.cli import app
from auditor.corpus.language import detect, detect_cached, mostly_english, script_language
from auditor.embed.cache import EmbeddingCache
from auditor.embed.multilingual import multilingual_available
from auditor.metrics.lexical import distinct_n, homogenization_rouge_l
from auditor.metrics.tokens import rouge_tokens, words
from tests.multilingual_texts import PARAPHRASES, UNRELATED

runner = CliRunner()
needs_multilingual = pytest.mark.skipif(not multilingual_available(), reason='pip install "auditor[multilingual]"')


def test_each_text_gets_its_language():
    for language, texts in UNRELATED.items():
        found = detect(texts)
        assert sum(code == language for code in found) >= 9, (language, found)  # short sentences may be "und"
        assert set(found) <= {language, "und"}, (language, found)
    for language, texts in TEXTS.items():  # the calibration texts are what they claim to be
        assert sum(code == language for code in detect(texts)) >= 0.9 * len(texts), language
    assert script_language("これは日本語です") == "ja" and script_language("这是中文") == "zh"
    assert script_language("Hello world, this sentence is mostly English: 世界") is None  # the identifier decides
    assert mostly_english(["en", "en", "fr", "und"]) and not mostly_english(["fr", "de", "en"])


def test_languages_are_cached_like_embeddings(tmp_path):
    texts = [t for group in UNRELATED.values() for t in group]
    cache = EmbeddingCache(tmp_path)
    first = detect_cached(texts, cache)
    assert first == detect(texts)
    import auditor.corpus.language as language

    calls = []
    original = language.detect
    language.detect = lambda batch: calls.append(len(batch)) or original(batch)
    try:
        assert detect_cached(texts, cache) == first and calls == [0]  # nothing identified twice
    finally:
        language.detect = original


def test_tokens_for_scripts_without_spaces_and_unicode_normalisation():
    assert words("毎日の生活") == ["毎", "日", "の", "生", "活"]
    assert words("the cat  sat") == ["the", "cat", "sat"]  # ASCII: split on whitespace, unchanged
    assert rouge_tokens("Ｃａｆé\u200b au lait") == ["café", "au", "lait"]  # NFKC, zero-width removed
    # whitespace-split, a Japanese corpus would be one token per text: distinct-1 = 1, ROUGE-L = 0
    ja = PARAPHRASES["ja"]
    assert distinct_n(ja, 1) < 0.2 and homogenization_rouge_l(ja) > 0.5
    assert homogenization_rouge_l(PARAPHRASES["zh"]) > 0.5
    assert homogenization_rouge_l(UNRELATED["zh"]) < 0.2


@needs_multilingual
def test_unrelated_sentences_get_the_same_level_in_nine_languages_and_paraphrases_are_homogeneous():
    levels = {}
    for language, texts in UNRELATED.items():
        data = audit(texts, clusterer=None, resamples=0).data
        assert data["languages"]["main"] == language
        assert data["languages"]["calibration_language"] == language
        levels[language] = data["verdict"]["level"]
        if language != "en":
            assert data["model"]["name"].startswith("intfloat/multilingual-e5-small")
            assert "warning" not in data["verdict"]
    assert set(levels.values()) == {"varied"}, levels
    for language, texts in PARAPHRASES.items():
        data = audit(texts, clusterer=None, resamples=0).data
        assert data["metrics"]["homogenization_rouge_l"]["value"] > 0.5
        assert data["verdict"]["level"] in ("homogeneous", "very_homogeneous"), (language, data["verdict"])


@pytest.mark.model
def test_an_english_only_model_on_french_texts_warns_in_the_verdict_and_the_report(tmp_path):
    path = tmp_path / "fr.csv"
    path.write_text("text\n" + "\n".join(f'"{t}"' for t in UNRELATED["fr"]) + "\n", encoding="utf-8")
    out = runner.invoke(app, ["audit", str(path), "--model", "all-MiniLM-L6-v2", "--clusters", "none",
                              "--resamples", "0", "--out", str(tmp_path / "r"), "-q"])
    assert out.exit_code == 0, out.output
    data = json.loads((tmp_path / "r" / "fr.json").read_text())
    assert "reads English only" in data["verdict"]["warning"] and "French 100%" in data["verdict"]["warning"]
    assert data["languages"]["shares"] == {"fr": 1.0}
    html = (tmp_path / "r" / "fr.html").read_text()
    assert "reads English only" in html and 'id="language-warning"' in html


@needs_multilingual
def test_model_multilingual_is_selected_explicitly_and_reads_translations_as_close():
    from auditor.embed import Embedder

    vectors = Embedder("multilingual", cache=False).encode(
        [UNRELATED["en"][0], UNRELATED["fr"][0], UNRELATED["ja"][0], UNRELATED["en"][3]])
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 3] and sims[0, 2] > sims[0, 3]  # a translation is closer than another topic
    data = audit(UNRELATED["en"], model="multilingual", clusterer=None, resamples=0).data
    assert data["model"]["name"].startswith("intfloat/multilingual-e5-small") and data["verdict"]["level"] == "varied"


def _multilingual_copy(planted: bool, seed: int = 7):
    import importlib.util

    import pandas as pd

    path = Path(__file__).resolve().parents[1] / "sample_corpora" / "make_multilingual_copy.py"
    spec = importlib.util.spec_from_file_location("make_multilingual_copy", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return pd.DataFrame(module.make(planted, seed=seed))


@needs_multilingual
def test_planted_cross_locale_convergence_is_detected_and_the_control_is_not():
    opts = {"locale_col": "locale", "strata": "item", "time_col": "date", "clusterer": None, "resamples": 0}
    planted = audit(_multilingual_copy(True), **opts).data["locales"]
    trend = planted["over_time"]["all_locales"]
    assert trend["ci_low"] > 0 and trend["last"] > trend["first"]
    assert planted["headline"].startswith("The locales are converging on one voice")
    assert all(t["ci_low"] > 0 for t in planted["over_time"]["toward_source"].values())
    control = audit(_multilingual_copy(False), **opts).data["locales"]
    trend = control["over_time"]["all_locales"]
    assert trend["ci_low"] <= 0 <= trend["ci_high"]
    assert control["headline"].startswith("No sign that the locales converge")
    assert planted["source"] == "en" and set(planted["locales"]) == {"de", "en", "fr", "ja"}


@needs_multilingual
@pytest.mark.slow
def test_the_convergence_interval_is_calibrated_on_seeded_controls():
    """On 20 controls (local copy every year): the trends over items, over periods without items
    and toward the plain translations exclude zero at most 10% of the time (95% intervals)."""
    import numpy as np

    from auditor.embed.multilingual import MultilingualE5
    from auditor.metrics.locales import (
        cell_means,
        cross_similarity,
        item_trend,
        locale_similarity,
        pair_mean,
        period_trend,
        translation_similarity,
        versions,
    )

    encoder, found, seen = MultilingualE5(), {"items": [], "periods": [], "translation": []}, {}

    def vectors(texts):
        new = [t for t in dict.fromkeys(texts) if t not in seen]  # the controls reuse a few hundred texts
        seen.update(zip(new, encoder.encode(new)))
        return np.array([seen[t] for t in texts])

    for seed in range(20):
        frame = _multilingual_copy(False, seed=seed)
        X = vectors(frame["text"].tolist())
        codes = {c: np.unique(frame[c], return_inverse=True) for c in ("item", "locale")}
        item, locale = codes["item"][1], codes["locale"][1]
        years, year = np.unique(frame["date"].str[:4], return_inverse=True)
        V = versions(X, item, locale, year, len(codes["item"][0]), 4, len(years))
        times = years.astype(float) + 0.5
        source = list(codes["locale"][0]).index("en")
        others = [k for k in range(4) if k != source]
        toward = cross_similarity(V, source)
        found["items"] += [item_trend(v, times) for v in [cross_similarity(V)] + [toward[:, :, k] for k in others]]
        S = locale_similarity(X, locale, year, 4, len(years))
        found["periods"] += [period_trend(v, times) for v in [pair_mean(S)] + [S[:, k, source] for k in others]]
        rows = np.flatnonzero(frame["plain_translation"].to_numpy() != "")
        sim = np.full(len(frame), np.nan)
        sim[rows] = translation_similarity(X[rows], vectors(frame["plain_translation"].iloc[rows].tolist()))
        for k in others:
            mine = np.flatnonzero(locale == k)
            found["translation"] += [item_trend(cell_means(sim, mine, year, item, len(years), 8), times),
                                     period_trend(cell_means(sim, mine, year, np.zeros_like(item), len(years), 1)[:, 0],
                                                  times)]
    for kind, trends in found.items():
        misses = sum(not (t.ci_low <= 0 <= t.ci_high) for t in trends)
        assert misses / len(trends) <= 0.10, (kind, misses, len(trends))  # 95% intervals on null trends


def test_versions_and_cross_similarity_by_hand():
    import numpy as np

    from auditor.metrics.locales import cross_similarity, distinctiveness, item_trend, versions

    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.6, 0.8]])
    item, locale, period = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), np.zeros(4, dtype=int)
    V = versions(X, item, locale, period, 2, 2, 1)
    C = cross_similarity(V)
    assert C[0].tolist() == pytest.approx([0.0, 0.6])  # item 0: orthogonal versions; item 1: cos 0.6
    assert cross_similarity(V, 0)[0, :, 1].tolist() == pytest.approx([0.0, 0.6])
    # the centroid of locale 0 is (1, 0), of locale 1 is (0.6, 1.8)/|.|: 1 − cos
    assert distinctiveness(X, locale, 2)[0] == pytest.approx(1 - 0.6 / np.hypot(0.6, 1.8))
    values = np.array([[0.1, 0.2], [0.2, 0.2], [0.3, 0.2]])  # item 0 rises 0.1 a year, item 1 flat
    trend = item_trend(values, np.array([2020.0, 2021.0, 2022.0]))
    assert trend.slope == pytest.approx(0.05) and trend.ci_low < 0.05 < trend.ci_high
    assert (trend.first, trend.last) == pytest.approx((0.15, 0.25))


@needs_multilingual
def test_the_readme_locales_command_runs_as_written(tmp_path, monkeypatch):
    import shlex
    import shutil

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("### Languages and locales")[1].split("\n### ")[0]
    commands = [line.strip() for line in section.splitlines() if line.strip().startswith("auditor ")]
    assert len(commands) == 1, commands
    shutil.copytree(Path(__file__).resolve().parents[1] / "sample_corpora", tmp_path / "sample_corpora")
    monkeypatch.chdir(tmp_path)
    out = runner.invoke(app, shlex.split(commands[0])[1:] + ["-q", "--clusters", "none", "--resamples", "20"])
    assert out.exit_code == 0, out.output
    data = json.loads(Path("reports/multilingual_copy.json").read_text())
    assert data["locales"]["headline"].startswith("The locales are converging on one voice")
    assert "plain translation" in data["locales"]["headline"]
    assert "Locales" in Path("reports/multilingual_copy.html").read_text()
