"""auditor: measure content homogenization in a body of text.

>>> import auditor
>>> result = auditor.audit(["first text", "second text", "third text"])  # doctest: +SKIP
>>> result.value("mean_pairwise_similarity")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["AuditResult", "AuditSettings", "Corpus", "Embedder", "audit", "audit_feed", "compare", "load_corpus",
           "select", "__version__"]

if TYPE_CHECKING:
    from auditor.corpus import Corpus, load_corpus
    from auditor.embed import Embedder
    from auditor.audit import AuditSettings, audit
    from auditor.audit.compare import compare
    from auditor.feed import audit_feed
    from auditor.variance import select
    from auditor.result import AuditResult

_LAZY = {
    "audit": "auditor.audit",
    "AuditSettings": "auditor.audit",
    "compare": "auditor.audit.compare",
    "audit_feed": "auditor.feed",
    "select": "auditor.variance",
    "AuditResult": "auditor.result",
    "Corpus": "auditor.corpus",
    "load_corpus": "auditor.corpus",
    "Embedder": "auditor.embed",
}


def __getattr__(name: str) -> Any:
    """Import the heavy parts only when first used, so ``auditor --help`` stays fast."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'auditor' has no attribute {name!r}")
