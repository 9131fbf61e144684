"""Snapshot history of audit results, for scheduled reports and trends across runs."""

from auditor.history.schema import SCHEMA_VERSION
from auditor.history.store import DEFAULT_HISTORY, HistoryError, HistoryStore, Snapshot, history_url

__all__ = ["DEFAULT_HISTORY", "HistoryError", "HistoryStore", "SCHEMA_VERSION", "Snapshot", "history_url"]
