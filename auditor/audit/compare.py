"""Comparing corpora: several files (or one split by a column) audited as groups of one corpus,
so the comparison, trend and reference sections compare them."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from auditor.audit.run import audit
from auditor.corpus import Corpus, combine, load_corpus
from auditor.corpus.loaders import corpus_name
from auditor.errors import SettingsError
from auditor.result import AuditResult


def corpus_labels(paths: Sequence[str | Path], labels: Sequence[str] | None = None,
                  by: str | None = None) -> list[str]:
    """The name of each corpus: ``labels``, else each file's name without suffix."""
    if by is None and len(paths) < 2:
        raise SettingsError("paths", "needs two or more corpora, or one corpus split by a column ({})", "by")
    if by is not None and len(paths) != 1:
        raise SettingsError("by", "splits one corpus; pass exactly one path with it")
    if labels is not None and by is not None:
        raise SettingsError("labels", "names the corpora of several files; with {} the column's values name them", "by")
    if labels is not None and len(labels) != len(paths):
        raise SettingsError("labels", f"needs one name per corpus ({len(paths)}), got {len(labels)}")
    names = list(labels) if labels else [corpus_name(p) for p in paths]
    if by is None and len(set(names)) != len(names):
        raise SettingsError("paths", "has two corpora with the same file name; name them with {} a,b", "labels")
    return names


def comparison_name(names: Sequence[str], by: str | None = None) -> str:
    """The default report name: compare-a-vs-b, or compare-<file>-by-<column>."""
    default = "compare-" + ("-".join(names) + f"-by-{by}" if by else "-vs-".join(names))
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in default)[:120]


def comparison_corpus(paths: Sequence[str | Path], names: Sequence[str], by: str | None = None,
                      **columns: Any) -> Corpus:
    """One corpus whose groups are the corpora (``names``), or ``paths[0]`` split by ``by``."""
    columns.pop("group_col", None)
    if by is not None:
        return load_corpus(paths[0], group_col=by, **columns)
    return combine([load_corpus(p, **columns) for p in paths], list(names))


def compare(paths: Sequence[str | Path], *, labels: Sequence[str] | None = None, by: str | None = None,
            **options: Any) -> AuditResult:
    """Audit corpora side by side: each corpus is a group (see :func:`auditor.audit`)."""
    from auditor.audit.settings import CORPUS_OPTIONS

    names = corpus_labels(paths, labels, by)
    columns = {k: options.pop(k) for k in CORPUS_OPTIONS if k in options}
    return headed_by_comparison(audit(comparison_corpus(paths, names, by, **columns), **options))


def headed_by_comparison(result: AuditResult) -> AuditResult:
    """The verdict of a comparison says which corpus is more alike (the comparison's headline),
    not what the pooled corpus is; the pooled sentence stays as ``pooled_headline``."""
    verdict, section = result.data.get("verdict"), result.data.get("comparison") or {}
    if verdict is None or not section.get("headline") or verdict.get("scope") == "comparison":
        return result
    headed = {**verdict, "scope": "comparison", "pooled_headline": verdict["headline"], "headline": section["headline"]}
    return result.with_data(verdict=headed)  # a new result: the audit's own is left as it was
