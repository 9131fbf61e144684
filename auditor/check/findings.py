"""What a failing rule points at: the offending texts, grouped by what they share (one group per
stock phrase, per template frame, per set of near-copies), each text at its file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

#: At most this many texts are named per rule (every group still says how many texts it holds).
MAX_FINDINGS_PER_RULE = 50
PAIR_METRICS = {"near_duplicate_rate", "nearest_neighbor_similarity"}
PHRASE_METRICS = {"top_phrase_share", "stock_phrase_share"}


@dataclass(frozen=True)
class Finding:
    """One offending text: its id, where it is (``file:line`` when known) and why."""

    id: str
    message: str
    file: str | None = None
    line: int | None = None


@dataclass
class FindingGroup:
    """Texts that fail a rule for one shared reason: ``message`` says what they share and how
    many texts do (``size``, possibly more than the texts named in ``findings``)."""

    message: str
    size: int
    findings: list[Finding] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"message": self.message, "size": self.size, "ids": [f.id for f in self.findings]}


def split_source(source: Any) -> tuple[str | None, int | None]:
    """``"path:12"`` → ``("path", 12)``; a path without a line → ``(path, None)``."""
    if not isinstance(source, str) or not source:
        return None, None
    path, _, line = source.rpartition(":")
    if path and line.isdigit():
        return path, int(line)
    return source, None


def _components(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The connected groups of ids joined by ``edges``, each in first-seen order, largest first."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        first = root(a)  # a before b: the order texts were first named in
        parent[first] = root(b)
    groups: dict[str, list[str]] = {}
    for x in parent:
        groups.setdefault(root(x), []).append(x)
    return sorted(groups.values(), key=len, reverse=True)


def groups_of(metric: str, data: dict[str, Any], sources: dict[str, Any]) -> list[FindingGroup]:
    """The offending texts of a rule on ``metric``, grouped; ``sources`` maps ids to ``file:line``.
    A neighbour is named the way the text itself is (its location when known, else its id)."""
    texts = data.get("texts", {})

    def finding(row_id: Any, message: str) -> Finding:
        file, line = split_source(sources.get(str(row_id)))
        return Finding(str(row_id), message, file, line)

    def name(row_id: Any) -> str:
        return str(sources.get(str(row_id)) or row_id)

    if metric in PAIR_METRICS:
        return _linked(texts.get("near_duplicate_pairs", []), "a", "b", "similarity", finding, name,
                       "near-duplicate of {other} (similarity {score:.3f})",
                       "{n} texts are near-copies of one another (similarity up to {top:.3f})")
    if metric == "template_share":
        return _linked(texts.get("templated", []), "id", "neighbour", "overlap", finding, name,
                       "shares a template frame with {other} (ROUGE-L {score:.2f})",
                       "{n} texts fill in one template frame (ROUGE-L up to {top:.2f})")
    if metric in PHRASE_METRICS:
        phrases = texts.get("repeated_phrases", [])
        wanted = data.get("metrics", {}).get("top_phrase_share", {}).get("phrase")
        chosen = [p for p in phrases if p["phrase"] == wanted] if metric == "top_phrase_share" else phrases[:1]
        groups = []
        for p in chosen:
            written = as_written(p["phrase"], next((e.get("text") for e in p.get("examples", [])), None))
            groups.append(FindingGroup(f"the stock phrase \"{written}\" is in {p['doc_freq']} texts", int(p["doc_freq"]),
                                       [finding(i, f"contains the stock phrase \"{written}\"") for i in p.get("ids", [])]))
        return groups
    generic = texts.get("most_generic", [])
    if not generic:
        return []
    return [FindingGroup(f"the {len(generic)} most generic texts (typicality {generic[-1]['typicality']:.3f} to "
                         f"{generic[0]['typicality']:.3f})", len(generic),
                         [finding(e["id"], f"one of the most generic texts (typicality {e['typicality']:.3f})")
                          for e in generic])]


def as_written(phrase: str, text: str | None) -> str:
    """The stock phrase as one of its texts writes it (case and punctuation kept: "materials, it
    is built" rather than the matched words "materials it is built"); the words when not found."""
    words = phrase.split()
    if not text or not words:
        return phrase
    found = re.search(r"(?<!\w)" + r"[\W_]+".join(map(re.escape, words)) + r"(?!\w)", text, re.IGNORECASE)
    return found.group(0) if found else phrase


def _linked(rows: list[dict[str, Any]], a: str, b: str, score: str, finding: Callable[..., Finding],
            name: Callable[[Any], str], each: str, whole: str) -> list[FindingGroup]:
    """Texts linked by pairs (near-copies, template siblings), one group per connected set; each
    text's own line names its closest partner."""
    best: dict[str, tuple[str, float]] = {}
    for row in rows:  # most similar first
        for me, other in ((row[a], row[b]), (row[b], row[a])):
            best.setdefault(str(me), (str(other), float(row[score])))
    groups = []
    for members in _components((str(r[a]), str(r[b])) for r in rows):
        top = max(best[m][1] for m in members)
        groups.append(FindingGroup(whole.format(n=len(members), top=top), len(members), [
            finding(m, each.format(other=name(best[m][0]), score=best[m][1])) for m in members if m in best]))
    return groups


def capped(groups: list[FindingGroup], limit: int = MAX_FINDINGS_PER_RULE) -> list[FindingGroup]:
    """``groups`` naming at most ``limit`` texts in all (each group keeps its full ``size``)."""
    out, left = [], limit
    for group in groups:
        if left <= 0:
            break
        out.append(FindingGroup(group.message, group.size, group.findings[:left]))
        left -= len(out[-1].findings)
    return out
