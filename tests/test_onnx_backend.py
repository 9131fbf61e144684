"""The ONNX int8 backend (issue 28): built offline from the packaged weights, vectors that agree
with torch fp32, and an identity of its own everywhere vectors or numbers are kept."""

from __future__ import annotations

import json

import numpy as np
import pytest

import auditor
from auditor.embed import Embedder
from auditor.embed.model import resolve_model
from auditor.embed.onnx_backend import OnnxEncoder, cached_export, export_folder, onnx_available
from auditor.errors import SettingsError
from tests.multilingual_texts import LIGHT_EDITS, SAME_TOPIC, UNRELATED
from tests.paraphrase_texts import CLASSES

pytestmark = [pytest.mark.model,
              pytest.mark.skipif(not onnx_available(), reason='ONNX Runtime is not installed: pip install "auditor[onnx]"')]
TEXTS = UNRELATED["en"] + LIGHT_EDITS["en"] + SAME_TOPIC["en"] + [t for c in CLASSES for t in c]


@pytest.fixture(scope="module")
def export_cache(tmp_path_factory: pytest.TempPathFactory):
    return tmp_path_factory.mktemp("onnx-cache")


def _unit(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def test_the_export_is_built_offline_from_the_packaged_weights_and_checked_on_load(export_cache, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    spec = resolve_model(None)
    OnnxEncoder(spec, export_cache).encode(["one text"])
    folder = export_folder(spec, export_cache)
    model = cached_export(folder)
    assert model is not None and model.stat().st_size < 65_000_000  # fp32 is 90 MB; the word-embedding table stays fp32
    assert json.loads((folder / "manifest.json").read_text())["source"] == spec.identity
    damaged = folder.parent / "damaged"
    damaged.mkdir()
    (damaged / "manifest.json").write_text((folder / "manifest.json").read_text())
    (damaged / "model-int8.onnx").write_bytes(model.read_bytes()[:-10] + b"0123456789")
    assert cached_export(damaged) is None  # another file under the same manifest is never run


def test_onnx_vectors_agree_with_torch_fp32(export_cache) -> None:
    onnx = _unit(OnnxEncoder(resolve_model(None), export_cache).encode(TEXTS))
    torch = _unit(Embedder(None, cache=False, progress=False).encode(TEXTS))
    cos = np.sum(onnx * torch, axis=1)
    assert cos.mean() >= 0.99 and cos.min() >= 0.97


def test_the_backends_keep_their_own_cache_entries_calibration_and_results(tmp_path, export_cache) -> None:
    cache = tmp_path / "cache"
    torch = auditor.audit(TEXTS, clusterer=None, resamples=0, cache=str(cache))
    onnx = auditor.audit(TEXTS, backend="onnx", clusterer=None, resamples=0, cache=str(cache))
    assert onnx.data["embedding"]["n_embedded"] == len(set(TEXTS))  # nothing taken from torch's vectors
    assert onnx.data["model"]["name"].endswith("(onnx int8)") and onnx.data["model"]["name"] != torch.data["model"]["name"]
    assert onnx.data["model"]["revision"] != torch.data["model"]["revision"]
    assert onnx.data["model"]["device"] == "cpu" and onnx.data["model"]["metrics_device"] == "cpu"
    assert onnx.verdict["scale"]["floor"] != torch.verdict["scale"]["floor"]  # each calibrated on its own vectors
    again = auditor.audit(TEXTS, backend="onnx", clusterer=None, resamples=0, cache=str(cache))
    assert again.data["embedding"].get("result_reused") and again.verdict == onnx.verdict
    assert abs(onnx.verdict["scale"]["above_floor"] - torch.verdict["scale"]["above_floor"]) <= 0.01


def test_a_baseline_of_the_other_backend_is_refused(tmp_path) -> None:
    from auditor.check import run_check
    from auditor.errors import AuditorError

    data = tmp_path / "batch.csv"
    data.write_text("text\n" + "\n".join(f'"{t}"' for t in TEXTS[:30]) + "\n")
    base, _, _ = run_check(data, cache=str(tmp_path / "c"))
    baseline = tmp_path / "baseline.json"
    baseline.write_text(base.to_json())
    config = tmp_path / "auditor.toml"
    config.write_text('[check]\nbackend = "onnx"\n[check.rules.drift]\nmetric = "mean_pairwise_similarity"\n'
                      'max_regression = 0.02\n')
    with pytest.raises(AuditorError, match="another model"):
        run_check(data, config=config, baseline=baseline, cache=str(tmp_path / "c"))


def test_an_unknown_backend_is_refused_before_any_work() -> None:
    with pytest.raises(SettingsError, match="backend must be one of torch, onnx"):
        auditor.audit(["a", "b"], backend="tensorflow")
    with pytest.raises(SettingsError, match="backend"):
        auditor.audit(["a", "b"], backend="onnx", model="multilingual")
