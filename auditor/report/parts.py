"""The parts of the report page, in reading order: one partial each under ``templates/parts/``.

The answer comes first and is open (the verdict, the metrics that decide it, the map, the review
queue; a feed's own section); every other part is a closed disclosure whose summary names its
finding. The page's table of contents and its body both come from :data:`PARTS`, so a new part
is one row here and one partial; each audit section (:data:`auditor.audit.sections.SECTIONS`) has
at least one part (checked in ``tests/test_architecture.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Part:
    """``name``: the partial's file name and the page anchor; ``section``: the audit section whose
    keys it shows; ``key``: the result key (dotted) without which it is left out, ``None`` for
    always; ``toc``: its label in the contents (empty: not listed); ``open``: shown expanded."""

    name: str
    section: str
    key: str | None
    toc: str = ""
    open: bool = False

    @property
    def template(self) -> str:
        return f"parts/{self.name}.html.j2"

    def shown(self, data: dict[str, Any]) -> bool:
        """Whether the result has anything for this part."""
        value: Any = data
        for k in (self.key.split(".") if self.key else []):
            if not isinstance(value, dict) or not value.get(k):
                return False
            value = value[k]
        return True


PARTS = (
    Part("merged", "merged", "merged"),
    Part("feed", "feed", "feed", "feed", open=True),
    Part("verdict", "verdict", "verdict"),
    Part("metrics", "metrics", "metrics", "metrics", open=True),
    Part("map-section", "corpus_map", "map", "map", open=True),
    Part("generic", "review", "texts.most_generic", "review queue", open=True),
    Part("groups", "groups", "groups", "groups"),
    Part("strata", "strata", "strata", "strata"),
    Part("comparison", "comparison", "comparison", "distinctiveness"),
    Part("homogeneity", "comparison", "comparison.homogeneity", "how alike"),
    Part("trend", "trend", "trend", "over time"),
    Part("locales", "locales", "locales", "locales"),
    Part("reference", "reference", "reference", "reference"),
    Part("clusters", "corpus_map", "clusters", "clusters"),
    Part("duplicates", "texts", "texts", "near-duplicates"),
    Part("distinctive", "texts", "texts.most_distinctive", "distinctive"),
    Part("phrases", "texts", "texts.repeated_phrases", "stock phrases"),
    Part("phrases-by-language", "language_phrases", "phrases_by_language", "phrases by language"),
    Part("languages", "languages", "languages", "languages"),
    Part("methods", "provenance", None, "methods"),
)


def parts_of(data: dict[str, Any]) -> list[Part]:
    """The parts this result fills, in reading order."""
    return [part for part in PARTS if part.shown(data)]
