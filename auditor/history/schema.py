"""The history database's schema, its version, and the migrations from every older version.

Version 1 (the first release) kept one row per snapshot with the whole result as JSON.
Version 2 adds the corpus fingerprint, model identity and settings as columns, the report path,
and a ``metrics`` table (one row per metric, per corpus or group) so trends are queries, not JSON
parsing. Opening an older database runs the missing migrations in one transaction.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

SCHEMA_VERSION = 2

metadata = MetaData()

schema_info = Table("schema_info", metadata, Column("version", Integer, nullable=False))

snapshots = Table(
    "snapshots", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, index=True),
    Column("created_at", String(40), nullable=False),
    Column("result_json", Text, nullable=False),
    Column("corpus_source", Text),
    Column("fingerprint", String(64)),
    Column("n_texts", Integer),
    Column("model_name", Text),
    Column("model_identity", Text),
    Column("settings_json", Text),
    Column("report_path", Text),
)

metrics = Table(
    "metrics", metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
    Column("scope", String(10), primary_key=True),  # "corpus" or "group"
    Column("group_name", String(300), primary_key=True),  # "" for the corpus
    Column("metric", String(80), primary_key=True),
    Column("value", Float),
    Column("ci_low", Float),
    Column("ci_high", Float),
)

#: The first schema, exactly as version 1 created it (kept to test and document the upgrade).
SCHEMA_V1 = (
    "CREATE TABLE schema_info (version INTEGER NOT NULL)",
    "CREATE TABLE snapshots (id INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, "
    "created_at VARCHAR(40) NOT NULL, result_json TEXT NOT NULL)",
    "INSERT INTO schema_info (version) VALUES (1)",
)


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) and x == x else None


def metric_rows(snapshot_id: int, data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per metric of the corpus and of each group (value and interval)."""
    scopes = [("corpus", "", data.get("metrics", {}))]
    scopes += [("group", str(g), entry.get("metrics") or {}) for g, entry in data.get("groups", {}).items()]
    for scope, group, values in scopes:
        for metric_id, m in values.items():
            if isinstance(m, dict) and _num(m.get("value")) is not None:
                yield {"snapshot_id": snapshot_id, "scope": scope, "group_name": group, "metric": metric_id,
                       "value": _num(m.get("value")), "ci_low": _num(m.get("ci_low")),
                       "ci_high": _num(m.get("ci_high"))}


def snapshot_columns(data: dict[str, Any]) -> dict[str, Any]:
    """The searchable columns of a snapshot, taken from its result."""
    corpus, model = data.get("corpus", {}), data.get("model", {})
    return {"corpus_source": corpus.get("source"), "fingerprint": corpus.get("fingerprint"),
            "n_texts": corpus.get("n_texts"), "model_name": model.get("name"),
            "model_identity": f"{model.get('name')}@{model.get('revision')}",
            "settings_json": json.dumps(data.get("settings", {}), sort_keys=True)}


def _migrate_1_to_2(conn: Connection) -> None:
    for column in ("corpus_source TEXT", "fingerprint VARCHAR(64)", "n_texts INTEGER", "model_name TEXT",
                   "model_identity TEXT", "settings_json TEXT", "report_path TEXT"):
        conn.execute(text(f"ALTER TABLE snapshots ADD COLUMN {column}"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_snapshots_name ON snapshots (name)"))
    metrics.create(conn)
    for row in conn.execute(select(snapshots.c.id, snapshots.c.result_json)).all():
        data = json.loads(row.result_json)
        conn.execute(update(snapshots).where(snapshots.c.id == row.id).values(**snapshot_columns(data)))
        rows = list(metric_rows(row.id, data))
        if rows:
            conn.execute(insert(metrics), rows)


MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _migrate_1_to_2}
