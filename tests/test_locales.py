"""Cross-locale convergence without an item column, and each locale's copy against a plain
translation of the source (``--translation-col``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from auditor import audit
from auditor.audit.settings import flag_for
from auditor.cli import app
from auditor.corpus import from_frame
from auditor.embed.multilingual import multilingual_available
from auditor.errors import CorpusError, SettingsError
from auditor.metrics.locales import (
    cell_means,
    cross_similarity,
    locale_similarity,
    pair_mean,
    period_trend,
    to_others,
    translation_similarity,
    versions,
)
from auditor.metrics.stats import ols_slope_interval

runner = CliRunner()
needs_multilingual = pytest.mark.skipif(not multilingual_available(), reason='pip install "auditor[multilingual]"')
SAMPLE = Path(__file__).resolve().parents[1] / "sample_corpora" / "multilingual_copy.csv"


def _unit(X: np.ndarray) -> np.ndarray:
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def test_locale_similarity_is_the_debiased_centroid_cosine_brute_force():
    rng = np.random.default_rng(3)
    X = _unit(rng.normal(size=(60, 6)) + 0.7)
    locale, period = rng.integers(0, 3, 60), rng.integers(0, 2, 60)
    S = locale_similarity(X, locale, period, 3, 2)
    for t in range(2):
        for a in range(3):
            for b in range(a + 1, 3):
                A, B = X[(locale == a) & (period == t)], X[(locale == b) & (period == t)]
                cross = (A @ B.T).mean()  # unbiased for μa·μb: the samples are independent
                qa = ((A @ A.T).sum() - len(A)) / (len(A) * (len(A) - 1))  # Σ over i ≠ j
                qb = ((B @ B.T).sum() - len(B)) / (len(B) * (len(B) - 1))
                assert S[t, a, b] == pytest.approx(cross / np.sqrt(qa * qb), rel=1e-10)
                assert S[t, b, a] == pytest.approx(S[t, a, b])
        pairs = [S[t, a, b] for a in range(3) for b in range(a + 1, 3)]
        assert pair_mean(S)[t] == pytest.approx(np.mean(pairs))
    one = locale_similarity(X[:3], np.array([0, 1, 1]), np.zeros(3, dtype=int), 2, 1)
    assert np.isnan(one[0, 0, 1])  # a locale with one text has no unbiased ‖μ‖²


def test_period_trend_cell_means_and_translation_similarity_by_hand():
    times = np.array([2019.5, 2020.5, 2021.5, 2022.5])
    values = np.array([0.80, 0.82, np.nan, 0.86])
    trend = period_trend(values, times)
    seen = np.isfinite(values)
    assert (trend.ci_low, trend.ci_high) == pytest.approx(ols_slope_interval(times[seen], values[seen]))
    assert trend.slope == pytest.approx(np.polyfit(times[seen], values[seen], 1)[0])
    assert (trend.first, trend.last, trend.n_items, trend.n_periods) == (0.80, 0.86, None, 3)
    assert period_trend(np.array([0.1, np.nan, 0.2, np.nan]), times) is None  # two periods: no interval
    v = np.array([1.0, 3.0, 5.0, 7.0, 100.0])
    M = cell_means(v, np.array([0, 1, 2, 3]), np.array([0, 0, 1, 1, 1]), np.array([0, 0, 0, 1, 1]), 2, 2)
    assert M[0, 0] == 2.0 and np.isnan(M[0, 1]) and M[1, 0] == 5.0 and M[1, 1] == 7.0  # row 4 left out
    X = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [1.0, 0.0], [0.6, 0.8]])
    V = versions(X, np.array([0, 0, 0, 1, 1]), np.array([0, 1, 2, 0, 2]), np.zeros(5, dtype=int), 2, 3, 1)
    others = to_others(V)[0]  # item 0: locale 0 vs (0, 0.6), 1 vs (0, 0.8), 2 vs (0.6, 0.8); item 1 lacks locale 1
    assert others[0].tolist() == pytest.approx([0.3, 0.4, 0.7]) and others[1, 0] == pytest.approx(0.6)
    assert np.isnan(others[1, 1])
    X, T = np.array([[1.0, 0.0], [0.6, 0.8]]), np.array([[0.6, 0.8], [0.6, 0.8]])
    assert translation_similarity(X, T).tolist() == pytest.approx([0.6, 1.0])


def test_without_items_the_trend_is_calibrated_even_when_periods_grow():
    """Stationary locales, 3 → 24 texts per period: the debiased similarity shows no trend (95%
    intervals exclude zero about 5% of the time); the plain cosine of unit centroids rises with
    the sample size alone."""
    sizes, times = [3, 4, 6, 10, 16, 24], np.arange(2019, 2025) + 0.5
    debiased, plain, slopes = 0, 0, []
    for seed in range(200):
        rng = np.random.default_rng(seed)
        voice, base = rng.normal(size=(3, 32)), rng.normal(size=32)
        parts = [(base + 0.6 * voice[loc] + 0.5 * rng.normal(size=(n, 32)), loc, t)
                 for t, n in enumerate(sizes) for loc in range(3)]
        X = _unit(np.vstack([p[0] for p in parts]))
        locale = np.concatenate([np.full(len(p[0]), p[1]) for p in parts])
        period = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
        found = period_trend(pair_mean(locale_similarity(X, locale, period, 3, 6)), times)
        naive = period_trend(cross_similarity(versions(X, np.zeros(len(X), dtype=int), locale, period, 1, 3, 6))[:, 0],
                             times)
        debiased += not (found.ci_low <= 0 <= found.ci_high)
        plain += not (naive.ci_low <= 0 <= naive.ci_high)
        slopes.append(found.slope)
    assert debiased / 200 <= 0.10, debiased
    assert plain / 200 >= 0.15, plain  # what the debiasing is for
    assert abs(np.mean(slopes)) < 0.001


def test_the_translation_column_is_checked_before_any_work(tmp_path):
    frame = pd.DataFrame({"text": ["a b", "c d", "e f"], "locale": ["en", "fr", "fr"],
                          "plain": [None, "une traduction", ""]})
    corpus = from_frame(frame, locale_col="locale", translation_col="plain")
    assert corpus.translations.tolist() == ["", "une traduction", ""]  # empty: no translation given
    with pytest.raises(SettingsError, match="^translation_col needs locale_col") as caught:  # the library's words
        from_frame(frame, translation_col="plain")
    assert caught.value.worded(flag_for).startswith("--translation-col needs --locale-col")  # the CLI's
    with pytest.raises(CorpusError, match="non-text values in column 'plain'"):
        from_frame(frame.assign(plain=[None, 3, "x"]), locale_col="locale", translation_col="plain")
    with pytest.raises(CorpusError, match="is the text column"):
        from_frame(frame, text_col="text", locale_col="locale", translation_col="text")
    path = tmp_path / "copy.csv"
    frame.to_csv(path, index=False)
    before = path.read_bytes()
    for extra in (["--translation-col", "plain"], ["--locale-col", "locale", "--translation-col", "nope"]):
        out = runner.invoke(app, ["audit", str(path), "--out", str(tmp_path / "r"), *extra])
        assert out.exit_code == 2 and out.output.startswith("error: ") and len(out.output.splitlines()) == 1, out.output
    out = runner.invoke(app, ["state", str(path), "--translation-col", "plain", "-o", str(tmp_path / "x.auditor-state")])
    assert out.exit_code == 2 and "--translation-col needs --locale-col" in out.output
    assert path.read_bytes() == before and not (tmp_path / "r").exists() and not (tmp_path / "x.auditor-state").exists()


def test_translations_are_embedded_with_the_audit_model(hash_encoder):
    """The section embeds the translations through the audit's own encoder: a text equal to its
    translation has similarity 1, and the locale's mean is over its translated texts only."""
    frame = pd.DataFrame({
        "text": ["red bike fast", "rouge velo vite", "rouge velo rapide", "blue car slow", "bleu auto lent"],
        "locale": ["en", "fr", "fr", "en", "fr"],
        "plain": ["", "rouge velo vite", "rouge velo vite", "", ""]})
    data = audit(frame, locale_col="locale", translation_col="plain", embedder=hash_encoder, clusterer=None,
                 resamples=0, lexical=False).data["locales"]
    fr = data["locales"]["fr"]
    assert fr["n_translated"] == 2 and data["locales"]["en"]["similarity_to_translation"] is None
    X = _unit(hash_encoder.encode(["rouge velo vite", "rouge velo rapide"]))
    assert fr["similarity_to_translation"] == pytest.approx((1.0 + X[0] @ X[1]) / 2, abs=1e-6)
    assert "sits closest to a plain translation" in data["headline"]


@needs_multilingual
def test_the_sample_says_which_locale_became_a_plain_translation():
    frame = pd.read_csv(SAMPLE, keep_default_na=False)
    opts = {"locale_col": "locale", "time_col": "date", "translation_col": "plain_translation",
            "clusterer": None, "resamples": 0}
    items = audit(frame, strata="item", **opts).data["locales"]
    assert all(t["ci_low"] > 0 and t["last"] > t["first"] for t in items["over_time"]["toward_translation"].values())
    assert "reads more and more like a plain translation of the English" in items["headline"]
    assert all(items["locales"][n]["n_translated"] == 96 for n in ("de", "fr", "ja"))
    listed = items["by_item"]["items"]
    assert len(listed) == 8 and set(listed[0]["to_translation"]) == {"de", "fr", "ja"}
    assert set(listed[0]["to_others"]) == {"de", "en", "fr", "ja"} and items["locales"]["en"]["similarity_to_others"] > 0
    assert [e["cross_locale_similarity"] for e in listed] == sorted((e["cross_locale_similarity"] for e in listed),
                                                                    reverse=True)
    whole = audit(frame, **opts).data["locales"]  # no item column: the locales' whole copy per period
    assert whole["over_time"]["unit"] == "periods" and whole["by_item"] is None
    assert whole["over_time"]["all_locales"]["ci_low"] > 0
    assert whole["headline"].startswith("The locales are converging on one voice: the locales' copies")


@needs_multilingual
def test_the_report_shows_translations_and_items(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = runner.invoke(app, ["audit", str(SAMPLE), "--locale-col", "locale", "--strata", "item", "--time-col", "date",
                              "--translation-col", "plain_translation", "-q", "--clusters", "none", "--resamples", "0"])
    assert out.exit_code == 0, out.output
    html = Path("reports/multilingual_copy.html").read_text()
    assert "similarity to a plain translation" in html and "Items whose locales are most alike" in html
    assert "<code>plain_translation</code>" in html
    data = json.loads(Path("reports/multilingual_copy.json").read_text())
    assert data["corpus"]["columns"]["translation"] == "plain_translation"


def test_stock_phrases_per_language_in_words_or_characters(hash_encoder):
    from auditor.calibration.texts import TEXTS
    from auditor.metrics.phrases import repeated_phrases
    from auditor.metrics.tokens import spaceless

    fr = [t + (" Sublimez votre quotidien avec élégance." if k < 10 else "") for k, t in enumerate(TEXTS["fr"])]
    ja = [t + ("モダンな暮らしのために。" if k < 8 else "") for k, t in enumerate(TEXTS["ja"])]
    texts = list(TEXTS["en"]) + fr + ja
    data = audit(texts, embedder=hash_encoder, clusterer=None, resamples=0).data
    found = data["phrases_by_language"]
    assert set(found) == {"en", "fr", "ja"} and found["ja"]["unit"] == "characters" and found["fr"]["unit"] == "words"
    top_fr, top_ja = found["fr"]["phrases"][0], found["ja"]["phrases"][0]
    assert top_fr["phrase"] == "sublimez votre quotidien avec élégance" and top_fr["doc_freq"] == 10
    assert top_fr["doc_share"] == pytest.approx(10 / len(fr))  # a share of the French texts
    assert top_ja["phrase"] == "モダンな暮らしのために" and top_ja["doc_freq"] == 8  # characters, joined without spaces
    rows = [int(i) - 1 for i in top_ja["ids"]]  # ids are corpus row numbers, not positions in the Japanese texts
    start = len(TEXTS["en"]) + len(fr)
    assert rows == list(range(start, start + 8)) and all("モダンな暮らし" in texts[r] for r in rows)
    # over the whole corpus, a run of fewer than 5 characters is a word, not a stock phrase
    whole = repeated_phrases(ja)
    assert whole and not any(all(map(spaceless, p.text)) and p.n_words < 5 for p in whole)
    english_only = audit(list(TEXTS["en"]), embedder=hash_encoder, clusterer=None, resamples=0).data
    assert "phrases_by_language" not in english_only  # one language in words: the corpus's phrases say it all


def test_locale_item_and_phrase_labels_are_escaped_and_no_text_hides_the_phrases(hash_encoder):
    from auditor.calibration.texts import TEXTS

    hostile = " <img src=x onerror=alert(1)> quokka marmalade zebrawood"
    fr = [t + (hostile if k < 10 else "") for k, t in enumerate(TEXTS["fr"])]
    en = list(TEXTS["en"][:24])
    frame = pd.DataFrame({"text": en + fr, "locale": ["<script>alert(2)</script>"] * 24 + ["fr"] * 24,
                          "item": [f"<b onmouseover=alert(3)>{k % 4}</b>" for k in range(48)],
                          "plain": [""] * 24 + [f"<script>alert(4)</script> {t}" for t in en]})
    result = audit(frame, locale_col="locale", strata="item", translation_col="plain", embedder=hash_encoder,
                   clusterer=None, resamples=0)
    assert "quokka marmalade zebrawood" in result.data["phrases_by_language"]["fr"]["phrases"][0]["phrase"]
    html = result.to_html()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html and "&lt;b onmouseover=alert(3)&gt;" in html
    hidden = result.to_html(include_text=False)
    assert "quokka" not in hidden and "phrase 1 (" in hidden


def test_partial_states_carry_each_texts_similarity_to_its_translation(hash_encoder, tmp_path):
    """Shards built with a translation column merge into the local audit's Locales section (the
    sample holds every text); with a smaller sample, the similarities are the sampled rows'."""
    from auditor.states import audit_state, merge_states, read_state, shard_state, write_state

    rng = np.random.default_rng(5)
    words = "warm light soft oak steel quick bright calm fresh clean bold deep".split()
    texts = [" ".join(rng.choice(words, 7)) for _ in range(120)]
    frame = pd.DataFrame({"text": texts, "locale": np.tile(["en", "fr", "de"], 40), "item": np.repeat(np.arange(40), 3) % 10,
                          "date": np.tile(np.repeat(["2019-05-01", "2020-05-01", "2021-05-01", "2022-05-01"], 3), 10)})
    frame["plain"] = [("" if loc == "en" else " ".join(rng.choice(words, 7)) if k % 2 else text)
                      for k, (loc, text) in enumerate(zip(frame["locale"], frame["text"]))]
    opts = {"locale_col": "locale", "strata": "item", "time_col": "date", "translation_col": "plain"}
    local = audit(frame, embedder=hash_encoder, clusterer=None, resamples=0, **opts).data["locales"]
    parts = [shard_state(frame.iloc[a:b], embedder=hash_encoder, cache=False, **opts) for a, b in ((0, 50), (50, 120))]
    merged = merge_states([read_state(write_state(p, tmp_path / f"{k}.auditor-state")) for k, p in enumerate(parts)])
    data = audit_state(merged, clusterer=None, resamples=0).data["locales"]
    for name in ("de", "fr"):
        for key in ("similarity_to_translation", "n_translated", "similarity_to_source"):
            assert data["locales"][name][key] == pytest.approx(local["locales"][name][key], abs=1e-6), (name, key)
        mine, theirs = data["over_time"]["toward_translation"][name], local["over_time"]["toward_translation"][name]
        assert mine["slope_per_year"] == pytest.approx(theirs["slope_per_year"], abs=1e-6)
    assert data["headline"] == local["headline"]
    small = audit_state(merge_states([shard_state(frame, embedder=hash_encoder, cache=False, sample_size=60, **opts)]),
                        clusterer=None, resamples=0).data
    assert sum(v.get("n_translated", 0) for v in small["locales"]["locales"].values()) < 80  # the sample's rows


def test_the_terminal_summary_says_the_locales_finding() -> None:
    from auditor.report.text import summary_text

    data = {"verdict": {"headline": "This corpus is moderately homogeneous."},
            "metrics": {"mean_pairwise_similarity": {"label": "Mean pairwise similarity", "value": 0.3}},
            "groups": {}, "locales": {"headline": "The locales are converging on one voice:\nfr moved most."},
            "comparison": {"headline": "Harrow & Finch is more alike than Lumen Kitchen."}}
    lines = summary_text(data).splitlines()
    assert lines[1] == "The locales are converging on one voice:\\nfr moved most."  # one line, escaped
    assert lines[2] == "Harrow & Finch is more alike than Lumen Kitchen."
