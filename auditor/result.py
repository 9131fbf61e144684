"""The :class:`AuditResult`: numbers, rankings and provenance of one audit, and its JSON form.

JSON shape (``schema_version`` "1.0"; documented in README, "The JSON result")::

    schema_version, tool {name, version}, created_at,
    corpus {n_texts, n_groups, source, columns, fingerprint, time_range},
    model {name, revision, device, dimension},
    settings {seed, sample, near_duplicate_threshold, ...},
    verdict {level, headline},
    metrics {metric_id: {value, label, meaning, higher_means, ...}},
    groups {group: {n_texts, metrics {...}}},
    texts {most_generic [...], most_distinctive [...], near_duplicate_pairs [...],
           near_duplicate_pair_count},
    embedding {n_embedded, n_cached}, versions {package: version}
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from auditor.ownership import write_owned_text

SCHEMA_VERSION = "1.0"


#: Every field that holds words from the texts: the texts themselves, the stock phrases (runs of
#: up to a dozen words can reproduce a whole text) and the cluster keywords.
TEXT_FIELDS = frozenset({"text", "text_a", "text_b", "phrase", "keywords", "stock_phrases", "cluster_keywords"})


def _strip_text(value: Any) -> Any:
    """A copy of ``value`` without any field holding words from the texts (for sharing outside
    the team): ids, counts and numbers only."""
    if isinstance(value, dict):
        return {k: _strip_text(v) for k, v in value.items() if k not in TEXT_FIELDS}
    if isinstance(value, list):
        return [_strip_text(v) for v in value]
    return value


def json_text(data: dict[str, Any], indent: int = 2) -> str:
    """A result dictionary as the JSON text auditor writes (no NaN, UTF-8 kept)."""
    return json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False) + "\n"


@dataclass
class AuditResult:
    """Everything one audit found. ``data`` is the JSON-ready result; the arrays (embeddings,
    typicality, nearest-neighbour similarity, the corpus) stay in memory for further analysis."""

    data: dict[str, Any]
    embeddings: np.ndarray | None = field(default=None, repr=False)
    typicality: np.ndarray | None = field(default=None, repr=False)
    corpus: Any = field(default=None, repr=False)
    #: The near-duplicate decision for the corpus's rows (:mod:`auditor.metrics.near_duplicates`).
    near_duplicates: Any = field(default=None, repr=False)

    def __repr__(self) -> str:
        corpus, verdict = self.data.get("corpus", {}), self.data.get("verdict", {})
        extra = [k for k in ("comparison", "trend", "reference", "clusters") if k in self.data]
        return (f"<AuditResult {corpus.get('source') or 'corpus'!s}: {corpus.get('n_texts')} texts, "
                f"{len(self.data.get('groups') or {})} groups, verdict {verdict.get('level')!r}, "
                f"{len(self.data.get('metrics', {}))} metrics{', ' + ', '.join(extra) if extra else ''}>")

    @property
    def metrics(self) -> dict[str, dict[str, Any]]:
        return self.data["metrics"]

    @property
    def groups(self) -> dict[str, dict[str, Any]]:
        return self.data["groups"]

    @property
    def verdict(self) -> dict[str, Any]:
        return self.data["verdict"]

    def value(self, metric_id: str, group: str | None = None) -> float:
        """The value of ``metric_id`` for the whole corpus, or for ``group``."""
        metrics = self.metrics if group is None else self.groups[group]["metrics"]
        return metrics[metric_id]["value"]

    def with_data(self, **keys: Any) -> "AuditResult":
        """A new result whose data has ``keys`` added or replaced (this one is not changed)."""
        return dataclasses.replace(self, data={**self.data, **keys})

    def to_dict(self, include_text: bool = True) -> dict[str, Any]:
        return self.data if include_text else _strip_text(self.data)

    def to_json(self, path: str | Path | None = None, *, include_text: bool = True, indent: int = 2) -> str:
        """The result as JSON text; written atomically to ``path`` when given."""
        text = json_text(self.to_dict(include_text), indent)
        if path is not None:
            write_owned_text(path, text)
        return text

    def to_html(self, path: str | Path | None = None, *, include_text: bool = True,
                review_file: str | None = None) -> str:
        """The self-contained HTML report (linking to the review queue CSV ``review_file`` when
        given); written atomically to ``path`` when given."""
        from auditor.report.html import render_html

        html = render_html(self.to_dict(include_text), include_text=include_text, review_file=review_file)
        if path is not None:
            write_owned_text(path, html)
        return html

    def review_csv(self, include_text: bool = True, data: dict[str, Any] | None = None) -> str:
        """The review queue as CSV: every text ranked from the most generic, with the reasons
        (and the texts, when the corpus is at hand and ``include_text``); ``data``: this
        result's dictionary as :meth:`to_dict` gave it, when the caller has it already."""
        from auditor.report.review_csv import render_review_csv

        texts = None
        if include_text and self.corpus is not None:
            texts = dict(zip(self.corpus.frame["id"], self.corpus.frame["text"]))
        return render_review_csv(data if data is not None else self.to_dict(include_text), texts)

    def _repr_html_(self) -> str:
        from auditor.report.html import render_fragment

        return render_fragment(self.data)

    @classmethod
    def from_json(cls, text_or_path: str | Path) -> "AuditResult":
        """Load a result written by :meth:`to_json` (arrays are not stored in JSON)."""
        text = str(text_or_path)
        if not text.lstrip().startswith("{"):
            text = Path(text_or_path).read_text(encoding="utf-8")
        return cls(json.loads(text))
