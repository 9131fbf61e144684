"""Calibrated verdicts: the level is read above the model's floor (unrelated texts), so a common
offset in every vector (anisotropy) does not change it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import auditor
from auditor.calibration import Baseline, baseline
from auditor.calibration.texts import TEXTS
from auditor.embed import Embedder
from tests.conftest import SAMPLE, HashEncoder


class Offset:
    """Any encoder with a constant offset ``size``·u added to every vector (an anisotropic model);
    ``extra`` appends a dimension for u, orthogonal to everything the encoder writes."""

    def __init__(self, inner, size: float, extra: bool, dim: int, seed: int = 7) -> None:
        self.inner, self.size, self.extra = inner, size, extra
        u = np.zeros(dim + extra)
        if extra:
            u[-1] = 1.0
        else:
            u[:dim] = np.random.default_rng(seed).normal(size=dim)
            u /= np.linalg.norm(u)
        self.u = u

    def encode(self, texts):
        X = np.asarray(self.inner.encode(list(texts)), dtype=np.float64)
        X /= np.linalg.norm(X, axis=1, keepdims=True)
        if self.extra:
            X = np.hstack([X, np.zeros((len(X), 1))])
        return X + self.size * self.u


def test_the_floor_is_the_mean_pairwise_similarity_of_the_calibration_texts(hash_encoder):
    X = hash_encoder.encode(list(TEXTS["en"]))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    G = X @ X.T
    n = len(X)
    brute = (G.sum() - np.trace(G)) / (n * (n - 1))
    assert baseline(HashEncoder()).similarity == pytest.approx(brute, abs=1e-9)
    assert baseline(HashEncoder()).n_texts == n == 96


def test_an_orthogonal_offset_leaves_similarity_above_the_floor_unchanged():
    texts = [f"the {w} offer for every {v} customer today" for w in ("best", "new", "big", "top", "prime")
             for v in ("loyal", "new", "happy")] + ["a quiet harbour at dawn", "taxes are due in april"]
    plain = auditor.audit(texts, embedder=HashEncoder(), clusterer=None, resamples=0, lexical=False)
    shifted = auditor.audit(texts, embedder=Offset(HashEncoder(), 2.0, True, 64), clusterer=None,
                            resamples=0, lexical=False)
    a, b = plain.data["verdict"]["scale"], shifted.data["verdict"]["scale"]
    assert b["floor"] > a["floor"] + 0.5 and b["similarity"] > a["similarity"]  # every cosine dragged up ...
    assert b["above_floor"] == pytest.approx(a["above_floor"], abs=1e-5)  # ... and the scale does not move
    assert plain.data["verdict"]["level"] == shifted.data["verdict"]["level"]


def test_a_high_near_duplicate_rate_raising_the_level_is_named():
    from auditor.audit.sections.verdict import verdict

    metrics = {"mean_pairwise_similarity": {"value": 0.1}, "near_duplicate_rate": {"value": 0.12},
               "vendi_score": {"value": 40.0}}
    v = verdict(metrics, 50, Baseline(0.05, 96))
    assert v["level"] == "homogeneous" and v["raised_by"] == "near_duplicate_rate"
    assert v["headline"] == "This corpus is homogeneous: 12% of it repeats itself almost word for word."
    assert "raised from varied" in v["details"]  # the reason follows the one-sentence answer
    calm = verdict({**metrics, "near_duplicate_rate": {"value": 0.0}}, 50, Baseline(0.05, 96))
    assert calm["level"] == "varied" and calm["raised_by"] is None


@pytest.mark.model
def test_an_anisotropic_model_gives_the_same_verdict_as_the_plain_one():
    """A random offset direction (not orthogonal to the data) of size 2: unrelated texts move
    from cosine ~0.05 to ~0.8, as under E5-style models; every verdict level stays."""
    brand = pd.read_csv(SAMPLE / "brand_copy.csv")
    templated = [f"Elevate your everyday with the {a} {s}. Thoughtfully designed for the modern lifestyle."
                 for a in ("sleek", "modern", "premium", "timeless") for s in ("jacket", "lamp", "kettle", "scarf")]
    corpora = {"brand copy": brand["text"].tolist(), "templated": templated,
               "unrelated": list(TEXTS["en"][::3])}
    model = Embedder(None)
    levels = {}
    for name, texts in corpora.items():
        plain = auditor.audit(texts, embedder=model, clusterer=None, resamples=0, lexical=False)
        shifted = auditor.audit(texts, embedder=Offset(model, 2.0, False, 384), clusterer=None,
                                resamples=0, lexical=False)
        assert shifted.data["verdict"]["scale"]["similarity"] > 0.6
        levels[name] = (plain.data["verdict"]["level"], shifted.data["verdict"]["level"])
    assert all(a == b for a, b in levels.values()), levels
    assert levels["unrelated"][0] == "varied" and levels["templated"][0] == "very_homogeneous"
