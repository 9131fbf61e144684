"""The snapshot history: an SQLite file by default, or any SQLAlchemy URL (e.g. PostgreSQL).

Every write is one transaction. On SQLite the file runs in WAL mode with a busy timeout, write
transactions start with ``BEGIN IMMEDIATE`` (so two writers queue instead of deadlocking), and
a write that still meets a locked database is retried with backoff.
"""

from __future__ import annotations

import contextlib
import functools
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from sqlalchemy import create_engine, delete, event, insert, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from auditor.errors import PARAM, AuditorError
from auditor.fileio import folder_lock
from auditor.history.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    metadata,
    metric_rows,
    metrics,
    schema_info,
    snapshot_columns,
    snapshots,
)

DEFAULT_HISTORY = "auditor-history.db"
BUSY_TIMEOUT_MS = 30_000
WRITE_ATTEMPTS = 8

T = TypeVar("T")


class HistoryError(AuditorError):
    """The history database cannot be opened, or a snapshot does not exist."""


def history_url(target: str | Path | None) -> str:
    """An SQLAlchemy URL from ``--history``: a URL as given, else a path to an SQLite file."""
    target = DEFAULT_HISTORY if target is None else str(target)
    if "://" in target:
        return target
    return f"sqlite:///{Path(target).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any, wal: bool = True) -> None:
    dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event issue BEGIN IMMEDIATE
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if wal:  # a header change: only for a database auditor writes to
        cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


@dataclass(frozen=True)
class Snapshot:
    """One stored audit result."""

    id: int
    name: str
    created_at: str
    corpus_source: str | None
    fingerprint: str | None
    n_texts: int | None
    model_name: str | None
    model_identity: str | None
    settings: dict[str, Any]
    report_path: str | None
    data: dict[str, Any] | None = None

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "created_at": self.created_at,
                "corpus_source": self.corpus_source, "n_texts": self.n_texts, "model": self.model_name,
                "fingerprint": self.fingerprint, "report_path": self.report_path}


SQLITE_HEADER = b"SQLite format 3\x00"
OUR_TABLES = {"snapshots", "schema_info", "metrics"}
#: The columns every version of the snapshots table has (version 1's).
SNAPSHOT_V1_COLUMNS = {"id", "name", "created_at", "result_json"}


def check_sqlite_file(path: Path, must_exist: bool) -> None:
    """Refuse, without writing to it, a history path that cannot be ours: a missing file when
    ``must_exist`` (read-only commands create nothing), a missing folder, an empty file or one that
    is not SQLite, or another application's SQLite database."""
    if not path.exists():
        if must_exist:
            raise HistoryError(f"history database {path} does not exist")
        if not path.parent.is_dir():
            raise HistoryError(f"history folder does not exist: {path.parent}")
        return
    if path.is_dir():
        raise HistoryError(f"history database {path} is a folder")
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if not header:  # a file of no bytes is not a database anyone made, least of all auditor
        raise HistoryError(f"{path} is an empty file, not an auditor history; remove it (auditor creates the "
                           f"database itself) or pass {PARAM} with another path", "history")
    if header != SQLITE_HEADER:
        raise HistoryError(f"{path} is not an SQLite database (not an auditor history)")
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            columns = {row[1] for row in conn.execute("PRAGMA table_info(snapshots)")} if "snapshots" in tables else set()
            version = (conn.execute("SELECT version FROM schema_info").fetchall()
                       if "schema_info" in tables else [])
    except sqlite3.DatabaseError as exc:
        raise HistoryError(f"cannot read history database {path}: {exc}") from None
    if not tables and must_exist:
        raise HistoryError(f"{path} is an empty SQLite database, not an auditor history")
    ours = (not tables or (SNAPSHOT_V1_COLUMNS <= columns and len(version) == 1
                           and isinstance(version[0][0], int) and not isinstance(version[0][0], bool)))
    if not ours:
        raise HistoryError(f"{path} is another application's SQLite database (tables: "
                           f"{', '.join(sorted(tables)[:5])}); pass {PARAM} with another path", "history")


@contextlib.contextmanager
def creating(path: Path | None) -> Iterator[None]:
    """Hold the folder's lock while a history file is looked at and, when new, created: SQLite
    makes the file before it writes its first bytes, so without the lock a second process could
    find a file of no bytes that is in fact another auditor's database being born (and a file of
    no bytes found under the lock is nobody's database: refused)."""
    if path is None or not path.parent.is_dir() or (path.exists() and path.stat().st_size > 0):
        yield
        return
    with folder_lock(path.parent):
        yield


class HistoryStore:
    """Snapshots of audit results in a database; opening it creates or upgrades the schema."""

    def __init__(self, target: str | Path | None = None, *, must_exist: bool = False) -> None:
        """Open (or, unless ``must_exist``, create) the history at ``target``. An SQLite file
        that is not a history database is refused before anything is written to it."""
        self.url = history_url(target)
        try:
            if self.url.startswith("sqlite"):
                path = self.url.split("///", 1)[-1]
                file = Path(path) if path and path != ":memory:" else None
                self.engine: Engine = create_engine(self.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
                event.listen(self.engine, "connect", functools.partial(_sqlite_pragmas, wal=not must_exist))
                event.listen(self.engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
                with creating(file):  # another auditor making this file now: wait, then see what it made
                    if file is not None:
                        check_sqlite_file(file, must_exist)
                    self._retry(self._ensure_schema)
            else:
                self.engine = create_engine(self.url, pool_pre_ping=True)
                self._retry(self._ensure_schema)
        except (ArgumentError, NoSuchModuleError) as exc:
            raise HistoryError(f"cannot use history database {target!r}: {str(exc).splitlines()[0]}") from None
        except ImportError as exc:
            raise HistoryError(f"history database {target!r} needs a driver that is not installed "
                               f"({exc.name}); for PostgreSQL: pip install 'auditor[postgres]'") from None
        except OperationalError as exc:
            raise HistoryError(f"cannot open history database {self.display}: {exc.orig}") from None

    @property
    def display(self) -> str:
        """The URL with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "HistoryStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions --------------------------------------------------------------------
    def _retry(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one transaction, retrying when the database is locked or busy."""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with self.engine.begin() as conn:
                    return work(conn)
            except OperationalError as exc:
                message = str(exc.orig).lower()
                if attempt == WRITE_ATTEMPTS - 1 or not ("locked" in message or "busy" in message):
                    raise
                time.sleep(min(2.0, 0.05 * 2 ** attempt) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    def _ensure_schema(self, conn: Connection) -> None:
        tables = set(inspect(conn).get_table_names())
        if "snapshots" not in tables:
            metadata.create_all(conn)
            conn.execute(insert(schema_info).values(version=SCHEMA_VERSION))
            return
        version = conn.execute(select(schema_info.c.version)).scalar() or 1
        if version > SCHEMA_VERSION:
            raise HistoryError(f"history database {self.display} has schema version {version}, newer than "
                               f"this auditor understands ({SCHEMA_VERSION}); upgrade auditor")
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](conn)
            version += 1
            conn.execute(schema_info.update().values(version=version))

    @property
    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(schema_info.c.version)).scalar())

    # -- snapshots -----------------------------------------------------------------------
    def add(self, name: str, data: dict[str, Any], report_path: str | None = None) -> int:
        """Store one result under ``name``; returns its snapshot id."""
        payload = json.dumps(data, ensure_ascii=False, allow_nan=False, default=str)

        def work(conn: Connection) -> int:
            row = {"name": name, "created_at": data.get("created_at") or _now(), "result_json": payload,
                   "report_path": report_path, **snapshot_columns(data)}
            snapshot_id = int(conn.execute(insert(snapshots).values(**row)).inserted_primary_key[0])
            rows = list(metric_rows(snapshot_id, data))
            if rows:
                conn.execute(insert(metrics), rows)
            return snapshot_id

        return self._retry(work)

    def list(self, name: str | None = None, with_data: bool = False) -> list[Snapshot]:
        """Snapshots, oldest first (only ``name``'s when given), with their results if asked."""
        cols = [c for c in snapshots.c if with_data or c.name != "result_json"]
        query = select(*cols).order_by(snapshots.c.created_at, snapshots.c.id)
        if name is not None:
            query = query.where(snapshots.c.name == name)
        with self.engine.connect() as conn:
            return [_snapshot(row._mapping, with_data) for row in conn.execute(query)]

    def names(self) -> list[str]:
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(select(snapshots.c.name).distinct().order_by(snapshots.c.name))]

    def get(self, snapshot_id: int) -> Snapshot:
        """One snapshot with its full result."""
        with self.engine.connect() as conn:
            row = conn.execute(select(snapshots).where(snapshots.c.id == snapshot_id)).first()
        if row is None:
            raise HistoryError(f"no snapshot {snapshot_id} in {self.display}")
        return _snapshot(row._mapping, with_data=True)

    def series(self, name: str) -> list[Snapshot]:
        """All of ``name``'s snapshots with their results, oldest first."""
        return self.list(name, with_data=True)

    def metric_table(self, name: str | None = None) -> list[dict[str, Any]]:
        """Flat rows (snapshot, scope, group, metric, value, interval) for export."""
        query = (select(snapshots.c.id, snapshots.c.name, snapshots.c.created_at, snapshots.c.model_name,
                        snapshots.c.fingerprint, metrics.c.scope, metrics.c.group_name, metrics.c.metric,
                        metrics.c.value, metrics.c.ci_low, metrics.c.ci_high)
                 .join(metrics, metrics.c.snapshot_id == snapshots.c.id)
                 .order_by(snapshots.c.created_at, snapshots.c.id, metrics.c.scope, metrics.c.group_name,
                           metrics.c.metric))
        if name is not None:
            query = query.where(snapshots.c.name == name)
        with self.engine.connect() as conn:
            return [dict(r._mapping) | {"snapshot_id": r.id} for r in conn.execute(query)]

    def delete(self, snapshot_id: int) -> None:
        """Remove one snapshot and its metric rows."""
        def work(conn: Connection) -> int:
            conn.execute(delete(metrics).where(metrics.c.snapshot_id == snapshot_id))
            return conn.execute(delete(snapshots).where(snapshots.c.id == snapshot_id)).rowcount

        if self._retry(work) == 0:
            raise HistoryError(f"no snapshot {snapshot_id} in {self.display}")

    def integrity_ok(self) -> bool:
        """SQLite's ``PRAGMA integrity_check`` (always True on other databases)."""
        if not self.url.startswith("sqlite"):
            return True
        with self.engine.connect() as conn:
            return conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _snapshot(row: Any, with_data: bool = False) -> Snapshot:
    return Snapshot(
        id=int(row["id"]), name=row["name"], created_at=row["created_at"], corpus_source=row["corpus_source"],
        fingerprint=row["fingerprint"], n_texts=row["n_texts"], model_name=row["model_name"],
        model_identity=row["model_identity"], settings=json.loads(row["settings_json"] or "{}"),
        report_path=row["report_path"], data=json.loads(row["result_json"]) if with_data else None)
