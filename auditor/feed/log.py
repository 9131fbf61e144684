"""Reading an exposure log: one row per item shown to a user (user, item or its text, time,
cohort), with the items' texts in the rows or in a catalogue. Validated before any work: every
problem is one :class:`CorpusError` naming the file, the column and the rows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from auditor.corpus import Corpus
from auditor.corpus.corpus import check_column, is_blank, list_rows, parse_times, pick_text_column
from auditor.corpus.loaders import STDIN, read_table
from auditor.corpus.periods import Periods, time_bins
from auditor.errors import PARAM, CorpusError, SettingsError
from auditor.metrics.feed import Exposures

#: The column of the items' table that holds how often each item was shown (the map colours by it).
SHOWN_COLUMN = "exposures"


@dataclass(frozen=True)
class FeedLog:
    """A validated exposure log: the distinct items shown (a :class:`Corpus`, one row per item,
    with how often each was shown), each user's label, the exposures as codes, the periods, each
    user's cohort, and what was left out."""

    items: Corpus
    users: np.ndarray
    exposures: Exposures
    periods: Periods | None
    cohorts: np.ndarray | None
    catalog_size: int
    source: str
    columns: dict[str, str | None]
    skipped: dict[str, int] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """sha256 of the items and the exposure codes: equal fingerprints mean the same log."""
        digest = hashlib.sha256(self.items.fingerprint().encode())
        for array in (self.exposures.user, self.exposures.item, self.exposures.period):
            digest.update(np.ascontiguousarray(array, dtype=np.int64).tobytes())
        digest.update("\x00".join(map(str, self.users)).encode("utf-8", "surrogatepass"))
        if self.cohorts is not None:
            digest.update("\x00".join(map(str, self.cohorts)).encode("utf-8", "surrogatepass"))
        digest.update(str(self.catalog_size).encode())
        return digest.hexdigest()


def _missing(values: pd.Series) -> np.ndarray:
    return values.map(lambda v: v is None or (isinstance(v, float) and np.isnan(v))
                      or (isinstance(v, str) and is_blank(v))).to_numpy(dtype=bool)


def _bad_rows(mask: np.ndarray, what: str, where: str, skip_invalid: bool) -> None:
    if mask.any() and not skip_invalid:
        rows = [f"row {i + 1}" for i in np.flatnonzero(mask)]
        raise CorpusError(f"{where}: {int(mask.sum())} rows have {what} ({list_rows(rows)}); "
                          f"fix them or pass {PARAM} to drop them", "skip_invalid")


def _catalog_texts(catalog: Any, item_col: str, text_col: str | None, encoding: str) -> dict[str, str]:
    """The catalogue as item id -> text (its id column is ``item_col``, else ``id``)."""
    where = str(catalog) if isinstance(catalog, (str, Path)) else "the catalogue"
    frame = read_table(catalog, encoding) if isinstance(catalog, (str, Path)) else pd.DataFrame(catalog)
    if len(frame) == 0:
        raise CorpusError(f"{where}: the catalogue is empty")
    id_col = item_col if item_col in frame.columns else "id" if "id" in frame.columns else None
    if id_col is None:
        raise CorpusError(f"{where}: no item id column (neither {item_col!r} nor 'id'; columns: {', '.join(frame.columns)})")
    check_column(frame, text_col, "text_col", where)
    text_col = pick_text_column(frame, text_col, [id_col, "source"])
    ids = frame[id_col].map(str)
    if not ids.is_unique:
        raise CorpusError(f"{where}: column {id_col!r} has duplicate item ids ({list_rows(ids[ids.duplicated()].unique().tolist())})")
    bad = frame[text_col].map(lambda v: not isinstance(v, str) or is_blank(v)).to_numpy(dtype=bool)
    if bad.any():
        labels = [f"item {ids.iat[i]}" for i in np.flatnonzero(bad)]
        raise CorpusError(f"{where}: {int(bad.sum())} items have an empty or non-text {text_col!r} ({list_rows(labels)})")
    return dict(zip(ids, frame[text_col]))


@dataclass(frozen=True)
class ExposureRows:
    """Validated exposures before users are counted: each row's item (a code into ``item_keys``
    and ``item_texts``), user label, time and cohort; the unit a partial feed state keeps and
    merges (a user's exposures may be spread over shards)."""

    item: np.ndarray
    item_keys: np.ndarray
    item_texts: np.ndarray
    users: np.ndarray
    times: pd.Series | None
    cohorts: np.ndarray | None
    catalog_size: int
    source: str
    columns: dict[str, str | None]
    invalid_rows: int = 0

    @property
    def has_ids(self) -> bool:
        return self.columns.get("item") is not None


def _item_table(keys: pd.Series, texts: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(keys, sort=False)
    first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy()
    return codes, np.asarray(uniques, dtype=object), texts.iloc[first].to_numpy(dtype=object)


def _texts(frame: pd.DataFrame, invalid: np.ndarray, *, item_col: str | None, text_col: str | None, catalog: Any,
           roles: list[str], where: str, encoding: str, skip_invalid: bool
           ) -> tuple[pd.Series, pd.Series | None, str | None, int, np.ndarray]:
    """Each row's item text (from the catalogue by id, or from the row), the item ids, the text
    column, the catalogue's size, and the rows that cannot be read."""
    unknown = np.zeros(len(frame), dtype=bool)
    if catalog is not None:
        texts_by_id = _catalog_texts(catalog, item_col, text_col, encoding)
        item_ids = frame[item_col].map(str)
        unknown = ~item_ids.isin(texts_by_id.keys()).to_numpy() & ~invalid
        if unknown.any() and not skip_invalid:
            labels = [f"row {i + 1} ({item_ids.iat[i]})" for i in np.flatnonzero(unknown)]
            raise CorpusError(f"{where}: {int(unknown.sum())} rows name an item the catalogue {catalog} does not have "
                              f"({list_rows(labels)}); fix them or pass {PARAM} to drop them", "skip_invalid")
        return item_ids.map(texts_by_id), item_ids, text_col, len(texts_by_id), unknown
    text_col = pick_text_column(frame, text_col, roles + ["source"])
    if text_col in roles:
        raise CorpusError(f"{where}: the text column {text_col!r} also has another role; name another column")
    texts = frame[text_col]
    bad = texts.map(lambda v: not isinstance(v, str) or is_blank(v)).to_numpy(dtype=bool)
    _bad_rows(bad, f"empty or non-text values in column {text_col!r}", where, skip_invalid)
    return texts, frame[item_col].map(str) if item_col else None, text_col, 0, bad


def exposure_rows(frame: pd.DataFrame, *, user_col: str, item_col: str | None = None, text_col: str | None = None,
                  time_col: str | None = None, group_col: str | None = None, catalog: Any = None,
                  source: str | None = None, encoding: str = "utf-8", skip_invalid: bool = False) -> ExposureRows:
    """Validate an exposure table (see :func:`load_feed`): every problem is one error naming the rows."""
    where = source or "the exposure log"
    if frame.shape[1] == 0 or len(frame) == 0:
        raise CorpusError(f"{where}: no exposures found (the log is empty)")
    for name, param in ((user_col, "user_col"), (item_col, "item_col"), (time_col, "time_col"),
                        (group_col, "group_col")):
        check_column(frame, name, param, where)
    if catalog is not None and item_col is None:
        raise SettingsError("catalog", "maps item ids to texts; name the log's item id column with {}", "item_col")
    roles = [c for c in (user_col, item_col, time_col, group_col) if c]
    if len(set(roles)) < len(roles):
        raise SettingsError("user_col", "{}, {} and {} must name different columns", "item_col", "time_col", "group_col")
    frame = frame.reset_index(drop=True)
    invalid = np.zeros(len(frame), dtype=bool)
    for name in (user_col, item_col, group_col):
        if name:
            mask = _missing(frame[name])
            _bad_rows(mask, f"no value in column {name!r}", where, skip_invalid)
            invalid |= mask
    texts, item_ids, text_col, catalog_size, unknown = _texts(frame, invalid, item_col=item_col, text_col=text_col,
                                                              catalog=catalog, roles=roles, where=where,
                                                              encoding=encoding, skip_invalid=skip_invalid)
    invalid |= unknown
    times = None
    if time_col:
        missing = _missing(frame[time_col])
        times = parse_times(frame[time_col].where(~missing, "1970"))
        bad = missing | times.isna().to_numpy()
        _bad_rows(bad, f"missing or unparseable times in column {time_col!r}", where, skip_invalid)
        invalid |= bad
    keep = ~invalid
    texts = texts[keep].reset_index(drop=True)
    keys = texts if item_ids is None else item_ids[keep].reset_index(drop=True)
    if item_ids is not None and catalog is None:
        _one_text_per_id(keys, texts, f"{where}: items shown with different texts under one id in column {item_col!r}")
    item, item_keys, item_texts = _item_table(keys, texts)
    columns = {"user": user_col, "item": item_col, "text": text_col, "time": time_col, "cohort": group_col,
               "catalog": str(catalog) if isinstance(catalog, (str, Path)) else None}
    return ExposureRows(item, item_keys, item_texts, frame[user_col][keep].map(str).to_numpy(dtype=object),
                        times[keep].reset_index(drop=True) if times is not None else None,
                        frame[group_col][keep].map(str).to_numpy(dtype=object) if group_col else None,
                        catalog_size, where, columns, int(invalid.sum()))


def _one_text_per_id(keys: pd.Series, texts: pd.Series, what: str) -> None:
    clash = pd.DataFrame({"k": keys, "t": texts}).groupby("k")["t"].nunique()
    clash = clash[clash > 1]
    if len(clash):
        raise CorpusError(f"{what} ({list_rows([str(k) for k in clash.index])}); give each text its own id")


def merge_rows(parts: list[ExposureRows]) -> ExposureRows:
    """The exposures of several shards as one log, in order (items matched by id, or by text)."""
    first = parts[0]
    for part in parts[1:]:
        if {k: v for k, v in part.columns.items() if k != "catalog"} != \
                {k: v for k, v in first.columns.items() if k != "catalog"}:
            raise CorpusError(f"{part.source}: read with other columns than {first.source}; every shard of a feed "
                              f"needs the same {PARAM}, {PARAM}, {PARAM} and {PARAM}",
                              "user_col", "item_col", "time_col", "group_col")
    keys = pd.Series(np.concatenate([p.item_keys[p.item] for p in parts]), dtype=object)
    texts = pd.Series(np.concatenate([p.item_texts[p.item] for p in parts]), dtype=object)
    if first.has_ids:
        _one_text_per_id(keys, texts, "the shards show different texts under one item id")
    item, item_keys, item_texts = _item_table(keys, texts)
    times = pd.concat([p.times for p in parts], ignore_index=True) if first.times is not None else None
    cohorts = np.concatenate([p.cohorts for p in parts]) if first.cohorts is not None else None
    sources = [p.source for p in parts]
    return ExposureRows(item, item_keys, item_texts, np.concatenate([p.users for p in parts]), times, cohorts,
                        max(p.catalog_size for p in parts), sources[0] if len(sources) == 1 else
                        f"{sources[0]} and {len(sources) - 1} more", dict(first.columns),
                        sum(p.invalid_rows for p in parts))


def feed_log(rows: ExposureRows, freq: str | None = None) -> FeedLog:
    """The log an audit reads: users shown one item counted and left out, users and items coded,
    each user's cohort checked, the periods binned by ``freq``."""
    where = rows.source
    users = pd.Series(rows.users, dtype=object)
    single = (users.map(users.value_counts()) == 1).to_numpy()
    many = np.flatnonzero(~single)
    if len(many) == 0:
        raise CorpusError(f"{where}: no user was shown more than one item; a feed audit needs users with at least 2 exposures")
    item_codes, kept_items = pd.factorize(rows.item[many], sort=False)
    if len(kept_items) < 2:
        raise CorpusError(f"{where}: every exposure shows the same item; a feed audit needs at least 2 items")
    user_codes, user_labels = pd.factorize(users.iloc[many], sort=True)
    shown = np.bincount(item_codes, minlength=len(kept_items))
    keys = rows.item_keys[kept_items]
    ids = [str(k) for k in keys] if rows.has_ids else [f"item-{i + 1}" for i in kept_items]
    items = Corpus(pd.DataFrame({"id": ids, "text": rows.item_texts[kept_items], SHOWN_COLUMN: shown}), where,
                   {"text": rows.columns.get("text"), "id": rows.columns.get("item")})
    cohorts = None
    if rows.cohorts is not None:
        per_user = pd.DataFrame({"u": user_codes, "c": rows.cohorts[many]}).groupby("u")["c"]
        mixed = per_user.nunique()
        if (mixed > 1).any():
            names = [str(user_labels[u]) for u in mixed.index[mixed > 1]]
            raise CorpusError(f"{where}: users in more than one cohort of column {rows.columns['cohort']!r} "
                              f"({list_rows(names)}); a cohort compares users, so each user belongs to one")
        cohorts = per_user.first().to_numpy().astype(str)
    times = rows.times.iloc[many].reset_index(drop=True) if rows.times is not None else None
    periods = time_bins(times, freq) if times is not None else None
    exposures = Exposures.of(user_codes, item_codes, periods.codes if periods is not None else None, len(kept_items),
                             len(periods.bins) if periods is not None else 1)
    skipped = {"invalid_rows": rows.invalid_rows, "users_with_one_exposure": int(single.sum())}
    return FeedLog(items, np.asarray(user_labels, dtype=object), exposures, periods, cohorts,
                   max(rows.catalog_size, len(kept_items)), where, dict(rows.columns), skipped)


def feed_from_frame(frame: pd.DataFrame, *, freq: str | None = None, **columns: Any) -> FeedLog:
    """Validate an exposure table and make its log (:func:`exposure_rows`, :func:`feed_log`)."""
    return feed_log(exposure_rows(frame, **columns), freq)


def load_feed(path: str | Path, *, user_col: str, item_col: str | None = None, text_col: str | None = None,
              time_col: str | None = None, group_col: str | None = None, catalog: Any = None,
              freq: str | None = None, encoding: str = "utf-8", skip_invalid: bool = False) -> FeedLog:
    """Load an exposure log from any input auditor reads: one row per item shown to a user.

    ``user_col`` names each row's user; the item's text is in the row (``text_col``, found as for
    a corpus) or, with ``catalog`` (a file or table with the item ids and texts), looked up by the
    id in ``item_col``. ``time_col`` dates each exposure (periods by ``freq``); ``group_col`` puts
    each user in a cohort. Users shown one item are counted and left out."""
    return feed_log(read_exposures(path, user_col=user_col, item_col=item_col, text_col=text_col, time_col=time_col,
                                   group_col=group_col, catalog=catalog, encoding=encoding,
                                   skip_invalid=skip_invalid), freq)


def read_exposures(path: str | Path, *, catalog: Any = None, encoding: str = "utf-8", **columns: Any) -> ExposureRows:
    """Read and validate an exposure log file (:func:`exposure_rows`)."""
    frame = read_table(path, encoding)
    if isinstance(catalog, (str, Path)) and Path(catalog).expanduser().resolve() == Path(path).expanduser().resolve():
        raise CorpusError(f"{path}: the catalogue is the log itself; name the file of item ids and texts")
    return exposure_rows(frame, catalog=catalog, encoding=encoding,
                         source=str(STDIN) if str(path) == "-" else str(path), **columns)
