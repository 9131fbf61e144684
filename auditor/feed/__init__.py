"""Feeds: an audit of who was shown which text, when (:func:`audit_feed`).

>>> import pandas as pd
>>> log = pd.DataFrame({"user": ["a", "a", "b", "b"], "text": ["red shoes", "blue shoes", "red shoes", "tea"]})
>>> audit_feed(log, user_col="user", clusterer=None).data["feed"]["n_users"]  # doctest: +SKIP
2
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from auditor.feed.log import SHOWN_COLUMN, FeedLog, feed_from_frame, load_feed

__all__ = ["FEED_OPTIONS", "SHOWN_COLUMN", "FeedLog", "audit_feed", "feed_from_frame", "load_feed", "read_feed"]

#: How to read an exposure log (``load_feed`` keywords), as opposed to how to audit it.
FEED_OPTIONS = ("user_col", "item_col", "text_col", "time_col", "group_col", "catalog", "encoding", "skip_invalid")


def read_feed(data: Any, freq: str | None = None, **columns: Any) -> FeedLog:
    """A :class:`FeedLog` from a path, a DataFrame or a FeedLog (returned as it is)."""
    if isinstance(data, FeedLog):
        return data
    if "user_col" not in columns or columns["user_col"] is None:
        from auditor.errors import SettingsError

        raise SettingsError("user_col", "is required: the column naming the user each item was shown to")
    if isinstance(data, pd.DataFrame):
        columns.pop("encoding", None)
        return feed_from_frame(data, freq=freq, **columns)
    return load_feed(Path(data) if not isinstance(data, Path) and str(data) != "-" else data, freq=freq, **columns)


def audit_feed(data: Any, settings: Any = None, *, embedder: Any = None, reducer: Any = None,
               clusterer: Any = "hdbscan", vectorizer: Any = None, reporter: Any = None, **options: Any) -> Any:
    """Audit an exposure log (one row per item shown to a user): the usual audit of the distinct
    items shown, and a ``feed`` section (:mod:`auditor.audit.sections.feed`).

    ``data``: a path (any input auditor reads), a DataFrame or a :class:`FeedLog`; ``options``:
    the log's columns (``user_col`` required; ``item_col``, ``text_col``, ``time_col``,
    ``group_col`` for cohorts, ``catalog`` mapping item ids to texts, ``encoding``,
    ``skip_invalid``), any :class:`~auditor.audit.settings.AuditSettings` field (``freq`` sets
    the periods) and the stages of :func:`auditor.audit`."""
    from auditor.audit.run import audit_loaded, stages_of
    from auditor.audit.settings import split_options
    from auditor.errors import SettingsError
    from auditor.progress import StepTimer

    columns = {k: options.pop(k) for k in FEED_OPTIONS if k in options}
    settings, _ = split_options(settings, options)
    if settings.sample is not None:
        raise SettingsError("sample", "does not apply to a feed (every exposure is counted)")
    stages = stages_of(settings, reducer, clusterer, vectorizer)
    timer = reporter or StepTimer()
    with timer.step("load"):
        log = read_feed(data, settings.freq, **columns)
        if settings.freq is not None and log.periods is None:
            raise SettingsError("freq", "needs a time column")
    return audit_loaded(log.items, settings, stages, embedder, timer, feed=log)
