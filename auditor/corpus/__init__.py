"""Loading and validating corpora. The names below load pandas on first use, so that the column
roles (:mod:`auditor.corpus.roles`) can be read by the command line without it."""

from typing import Any

_EXPORTS = {"Corpus": "auditor.corpus.corpus", "combine": "auditor.corpus.corpus", "from_frame": "auditor.corpus.corpus",
            "from_texts": "auditor.corpus.corpus", "load_corpus": "auditor.corpus.corpus",
            "read_table": "auditor.corpus.loaders"}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'auditor.corpus' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name]), name)
