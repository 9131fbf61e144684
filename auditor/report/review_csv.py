"""``<name>-review.csv``: the review queue as a spreadsheet, every text ranked with its reasons
(and its text, unless the report leaves texts out). Cells are escaped for spreadsheets."""

from __future__ import annotations

import csv
import io
from typing import Any

from auditor.escape import csv_cell

COLUMNS = ["rank", "id", "action", "typicality", "percentile", "cluster", "cluster_keywords", "stock_phrases",
           "near_duplicate_of", "near_duplicate_similarity", "action_reason"]


def render_review_csv(data: dict[str, Any], texts: dict[Any, str] | None = None) -> str:
    """The CSV of ``data["review_queue"]``; ``texts`` (id → text) adds a text column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS + (["text"] if texts is not None else []))
    for row in data.get("review_queue", []):
        cells = [row.get(c) for c in COLUMNS]
        cells[COLUMNS.index("cluster_keywords")] = "; ".join(row.get("cluster_keywords", []))
        cells[COLUMNS.index("stock_phrases")] = " | ".join(row.get("stock_phrases", []))
        if texts is not None:
            cells.append(texts.get(row["id"], ""))
        writer.writerow(["" if c is None else csv_cell(c) for c in cells])
    return buffer.getvalue()
