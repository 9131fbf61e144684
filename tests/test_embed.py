"""The embedder: the real default model offline, normalization, and the on-disk cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from auditor.embed import Embedder, EmbeddingCache, resolve_model
from auditor.embed.cache import text_key
from auditor.errors import ModelError

pytestmark = pytest.mark.model

TEXTS = [f"Our product number {i} is made with care in a small workshop." for i in range(20)]


def test_default_model_resolves_offline_from_the_package() -> None:
    spec = resolve_model(None)
    assert spec.name == "sentence-transformers/all-MiniLM-L6-v2"
    assert Path(spec.location, "config.json").exists()
    assert spec.revision.startswith("sha256:")
    assert resolve_model("all-MiniLM-L6-v2") == spec


def test_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="not a local directory and is not in the Hugging Face cache"):
        resolve_model("no-such-org/no-such-model-xyz")
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model("./missing/model/dir")


def test_local_model_path_works(tmp_path: Path) -> None:
    spec = resolve_model(resolve_model(None).location)  # a plain directory path
    assert spec.revision == resolve_model(None).revision
    vectors = Embedder(spec.location, cache=tmp_path).encode(["a local path model"])
    assert vectors.shape == (1, 384)


def test_paraphrase_is_closer_than_an_unrelated_sentence(tmp_path: Path) -> None:
    e = Embedder(cache=tmp_path, device="cpu")
    a, para, other = e.encode([
        "The jacket keeps you dry in heavy rain.",
        "This coat stays waterproof even in a downpour.",
        "Quarterly revenue grew by four percent in Asia.",
    ])
    assert a @ para > a @ other + 0.3


def test_embeddings_are_unit_float32(tmp_path: Path) -> None:
    X = Embedder(cache=tmp_path).encode(TEXTS[:5])
    assert X.dtype == np.float32 and X.shape == (5, 384)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-5)


def test_second_run_embeds_nothing_and_does_not_load_the_model(tmp_path: Path) -> None:
    first = Embedder(cache=tmp_path)
    X1 = first.encode(TEXTS)
    assert first.n_embedded == 20 and first.n_cached == 0
    second = Embedder(cache=tmp_path)
    X2 = second.encode(TEXTS)
    assert second.n_embedded == 0 and second.n_cached == 20
    assert second._model is None  # never loaded
    np.testing.assert_array_equal(X1, X2)


def test_a_repeated_text_counts_neither_as_embedded_again_nor_as_cached(tmp_path: Path) -> None:
    from tests.conftest import HashEncoder

    class Named(HashEncoder):
        name, revision = "hash", "1"

    texts = ["one text", "another text", "one text", "one text", "a third"]
    e = Embedder(Named(), cache=tmp_path)
    e.encode(texts)
    assert (e.n_embedded, e.n_cached, e.n_repeated) == (3, 0, 2)  # an empty cache gives nothing
    again = Embedder(Named(), cache=tmp_path)
    again.encode(texts)
    assert (again.n_embedded, again.n_cached, again.n_repeated) == (0, 5, 0)


def test_adding_ten_texts_embeds_ten(tmp_path: Path) -> None:
    Embedder(cache=tmp_path).encode(TEXTS)
    more = TEXTS + [f"A brand new sentence about topic {i}." for i in range(10)]
    e = Embedder(cache=tmp_path)
    X = e.encode(more)
    assert e.n_embedded == 10 and e.n_cached == 20
    fresh = Embedder(cache=False).encode(more[-10:])
    np.testing.assert_allclose(X[-10:], fresh, atol=1e-5)


def test_cache_is_keyed_by_model_identity(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path)
    cache.put("model-a@1", [text_key("x")], np.full((1, 4), 0.5, dtype=np.float32))
    assert cache.get("model-b@1", [text_key("x")]) == {}
    np.testing.assert_array_equal(cache.get("model-a@1", [text_key("x")])[text_key("x")], [0.5] * 4)


def test_custom_encoder_stands_in(hash_encoder) -> None:
    X = Embedder(hash_encoder).encode(["a b", "a b", "c"])
    assert hash_encoder.calls == [3]
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-6)
    np.testing.assert_array_equal(X[0], X[1])


def test_unchanged_audit_reuses_the_stored_result(tmp_path: Path) -> None:
    import pandas as pd

    import auditor

    frame = pd.DataFrame({"text": TEXTS, "brand": ["a", "b"] * 10})
    first = auditor.audit(frame, group_col="brand", cache=tmp_path, resamples=10, clusterer=None)
    again = auditor.audit(frame, group_col="brand", cache=tmp_path, resamples=10, clusterer=None)
    assert again.data["embedding"].get("result_reused") is True
    assert again.metrics == first.metrics and again.groups == first.groups
    np.testing.assert_allclose(again.typicality, first.typicality, atol=1e-6)
    relabelled = frame.assign(brand=["a"] * 5 + ["b"] * 15)
    other = auditor.audit(relabelled, group_col="brand", cache=tmp_path, resamples=10, clusterer=None)
    assert "result_reused" not in other.data["embedding"]
    fresh = auditor.audit(frame, group_col="brand", cache=tmp_path, resamples=10, clusterer=None,
                          reuse_results=False)
    assert "result_reused" not in fresh.data["embedding"] and fresh.metrics == first.metrics


def _damage(path, how: str) -> None:
    data = path.read_bytes()
    if how == "garbage":
        path.write_bytes(b"not a database at all " * 200)
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 3])
    elif how == "pages":  # the header survives, the pages after it do not
        path.write_bytes(data[:100] + bytes(range(256)) * ((len(data) - 100) // 256 + 1))
    elif how == "header":
        path.write_bytes(b"SQLite format 2\x00" + data[16:])
    elif how == "empty":
        path.write_bytes(b"")


@pytest.mark.parametrize("how", ["garbage", "truncated", "pages", "header", "empty"])
def test_a_damaged_cache_is_set_aside_with_a_message_and_rebuilt(tmp_path, how) -> None:
    import warnings

    from auditor.embed.cache import CacheWarning

    cache = EmbeddingCache(tmp_path)
    keys = [text_key(f"text {i}") for i in range(300)]
    cache.put("m", keys, np.full((300, 4), 0.5, dtype=np.float32))
    cache.close()
    _damage(cache.path, how)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = EmbeddingCache(tmp_path)
        found = again.get("m", keys)
        again.put("m", keys[:5], np.full((5, 4), 0.5, dtype=np.float32))
        assert len(again.get("m", keys[:5])) == 5  # it works again
        again.close()
    messages = [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]
    if how == "empty":
        assert found == {} and messages == []  # an empty file is a valid, empty database
    else:
        assert found == {}  # nothing half-read from a damaged file
        assert len(messages) == 1 and str(cache.path) in messages[0] and "--no-cache" in messages[0]
        assert list(tmp_path.glob("embeddings.sqlite3.damaged-*"))


KILL_SCRIPT = """
import sys, time
sys.path.insert(0, {root!r})
from auditor.embed import Embedder
from tests.conftest import HashEncoder

class Slow(HashEncoder):
    name, revision = "slow-hash", "1"
    def encode(self, texts):
        time.sleep(0.4)
        return super().encode(texts)

Embedder(Slow(), cache={cache!r}, cache_batch=50).encode([f"text number {{i}}" for i in range(1000)])
"""


def test_a_run_killed_while_embedding_keeps_every_finished_batch(tmp_path) -> None:
    import signal
    import sqlite3
    import subprocess
    import sys
    import time
    from pathlib import Path

    from tests.conftest import HashEncoder

    root = str(Path(__file__).resolve().parents[1])
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT.format(root=root, cache=str(tmp_path))])
    db = tmp_path / "embeddings.sqlite3"
    deadline = time.time() + 60
    stored = 0
    while time.time() < deadline and stored < 150:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=5) as conn:
                    stored = conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
            except sqlite3.OperationalError:
                pass
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 150 <= stored < 1000

    class Counting(HashEncoder):
        name, revision = "slow-hash", "1"

    encoder = Counting()
    embedder = Embedder(encoder, cache=tmp_path)
    embedder.encode([f"text number {i}" for i in range(1000)])
    assert embedder.n_cached >= stored and embedder.n_embedded == 1000 - embedder.n_cached
    assert sum(encoder.calls) == embedder.n_embedded  # only what the killed run had not finished


ROW_DAMAGE = {
    "short": "UPDATE vectors SET vec = substr(vec, 1, 8)",
    "nan": "UPDATE vectors SET vec = X'0000C07F0000C07F0000C07F0000C07F'",
    "other length": "UPDATE vectors SET vec = X'0000803F00000000000000000000000000000000', dim = 5",
    "garbage of the right length": "UPDATE vectors SET vec = X'0000803F000000000000000000000000'",
    "no checksum": "UPDATE vectors SET chk = NULL",
}


@pytest.mark.parametrize("how", sorted(ROW_DAMAGE))
def test_damaged_vectors_are_embedded_again_with_one_warning(tmp_path, how) -> None:
    import sqlite3
    import warnings

    from auditor.embed.cache import CacheWarning
    from tests.conftest import HashEncoder

    class Named(HashEncoder):
        name, revision = "hash", "1"

    texts = [f"text number {i} about tea" for i in range(6)]
    clean = Embedder(Named(dim=4), cache=False).encode(texts)
    Embedder(Named(dim=4), cache=tmp_path).encode(texts)
    with sqlite3.connect(tmp_path / "embeddings.sqlite3") as conn:
        conn.execute(ROW_DAMAGE[how] + " WHERE key IN (SELECT key FROM vectors LIMIT 2)")
    again = Embedder(Named(dim=4), cache=tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        vectors = again.encode(texts)
    messages = [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]
    assert len(messages) == 1 and "embeddings.sqlite3" in messages[0] and "embedded again" in messages[0]
    np.testing.assert_allclose(vectors, clean, atol=1e-6)
    assert again.n_embedded >= 2
    with warnings.catch_warnings(record=True) as caught:  # repaired: no warning the next time
        warnings.simplefilter("always")
        Embedder(Named(dim=4), cache=tmp_path).encode(texts)
    assert not [w for w in caught if issubclass(w.category, CacheWarning)]
