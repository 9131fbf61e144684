"""Tables that fit a phone: every data cell carries its column's heading as ``data-label``, so
that under 760 px the stylesheet shows each row as a card of "heading: value" lines instead of a
table wider than the screen. Works on any page auditor renders; user text inside cells is
already escaped, so the only tags seen here are the templates' own."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TAG = re.compile(r"<(/?)(table|tr|th|td)\b([^>]*)>", re.IGNORECASE)
_INNER_TAG = re.compile(r"<[^>]*>")
_SPAN = re.compile(r"\bcolspan\s*=\s*\"?(\d+)")


@dataclass
class _Table:
    start: int  # index in the output of the opening <table> tag
    row: int = 0
    col: int = 0
    row_start: int = -1
    row_kinds: list[str] = field(default_factory=list)
    row_labels: list[str] = field(default_factory=list)
    labels: list[str] | None = None


def _text(inner: str) -> str:
    return " ".join(_INNER_TAG.sub(" ", inner).split()).replace('"', "&quot;")


def label_cells(html: str) -> str:
    """``html`` with ``data-label`` on each ``<td>`` of a table whose first row is all headings,
    and ``class="head"`` on that row."""
    out: list[str] = []
    stack: list[_Table] = []
    pos = 0
    for match in _TAG.finditer(html):
        out.append(html[pos:match.start()])
        pos = match.end()
        closing, tag, attrs = match.group(1), match.group(2).lower(), match.group(3)
        piece = match.group(0)
        if tag == "table":
            if closing:
                stack and stack.pop()
            else:
                stack.append(_Table(start=len(out)))
        elif stack:
            piece = _cell(stack[-1], html, match, closing, tag, attrs, out)
        out.append(piece)
    out.append(html[pos:])
    return "".join(out)


def _cell(table: _Table, html: str, match: re.Match[str], closing: str, tag: str, attrs: str, out: list[str]) -> str:
    piece = match.group(0)
    if tag == "tr":
        if not closing:
            table.row, table.col, table.row_start = table.row + 1, 0, len(out)
            table.row_kinds, table.row_labels = [], []
        elif table.row == 1 and table.row_kinds and set(table.row_kinds) == {"th"}:
            table.labels = table.row_labels
            out[table.row_start] = out[table.row_start].replace("<tr", '<tr class="head"', 1)
        return piece
    if closing:
        return piece
    span = int(_SPAN.search(attrs).group(1)) if _SPAN.search(attrs) else 1
    table.row_kinds.append(tag)
    if table.row == 1:
        end = html.find(f"</{tag}>", match.end())
        table.row_labels.extend([_text(html[match.end():end if end >= 0 else match.end()])] * span)
    column, table.col = table.col, table.col + span
    if tag == "td" and table.labels and column < len(table.labels) and table.labels[column]:
        return f'<td data-label="{table.labels[column]}"{attrs}>'
    return piece
