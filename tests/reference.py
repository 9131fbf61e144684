"""Load just the metric modules of the reference implementations (skip when not installed).

`diversity` 0.3.1 is installed without its dependencies (see scripts/setup.sh); its package
__init__ imports spaCy, evaluate and openai, so its modules are loaded one by one from their files.
Its homogenization module imports `evaluate` for BERTScore/BLEU only; a stand-in module lets it
import, and the ROUGE-L path we compare against never touches it.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import pytest


def diversity_module(name: str) -> types.ModuleType:
    spec = importlib.util.find_spec("diversity")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("reference package `diversity` not installed (bash scripts/setup.sh)")
    path = Path(list(spec.submodule_search_locations)[0]) / f"{name}.py"
    if "evaluate" not in sys.modules and importlib.util.find_spec("evaluate") is None:
        stand_in = types.ModuleType("evaluate")
        stand_in.load = lambda *a, **k: (_ for _ in ()).throw(RuntimeError("evaluate not installed"))
        sys.modules["evaluate"] = stand_in
    module_spec = importlib.util.spec_from_file_location(f"_reference_diversity_{name}", path)
    module = importlib.util.module_from_spec(module_spec)
    try:
        module_spec.loader.exec_module(module)
    except ImportError as exc:
        pytest.skip(f"reference module diversity.{name} needs {exc.name}")
    return module


def vendi_module() -> types.ModuleType:
    return pytest.importorskip("vendi_score.vendi")
