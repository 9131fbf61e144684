"""The :class:`Corpus` type and the validation that turns a raw table into one."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from auditor.corpus.loaders import STDIN, has_surrogate, read_table
from auditor.corpus.roles import KEYWORDS, ROLES, role_columns
from auditor.errors import PARAM, CorpusError, SettingsError

#: Column names the loader looks for, in order, when no text column is named.
TEXT_COLUMN_NAMES = ("text",)
MAX_LISTED_ROWS = 5


@dataclass
class Corpus:
    """A validated corpus: a DataFrame with columns ``id``, ``text`` and optionally ``group``,
    ``time``, ``stratum`` (the prompt, brief, product or question a text answers) and ``source``
    (a ``file:line`` location), plus free metadata columns.

    ``id`` values are unique strings; ``text`` values are non-empty strings.
    """

    frame: pd.DataFrame
    source: str | None = None
    columns: dict[str, str | None] = field(default_factory=dict)
    _memos: dict[str, tuple[int, Any]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def texts(self) -> list[str]:
        return self.frame["text"].tolist()

    @property
    def ids(self) -> list[str]:
        return self.frame["id"].tolist()

    @property
    def groups(self) -> pd.Series | None:
        return self.frame["group"] if "group" in self.frame else None

    @property
    def strata(self) -> pd.Series | None:
        return self.frame["stratum"] if "stratum" in self.frame else None

    @property
    def locales(self) -> pd.Series | None:
        return self.frame["locale"] if "locale" in self.frame else None

    @property
    def translations(self) -> pd.Series | None:
        """Each text's plain translation of the source locale's version ("" where none)."""
        return self.frame["translation"] if "translation" in self.frame else None

    @property
    def times(self) -> pd.Series | None:
        return self.frame["time"] if "time" in self.frame else None

    def fingerprint(self) -> str:
        """sha256 over the ordered (id, text) pairs: equal fingerprints mean the same corpus.
        Computed once per frame (the result cache's key and the provenance both ask for it)."""
        return self.memo("fingerprint", self._hash)

    def _hash(self) -> str:
        digest = hashlib.sha256()
        for row_id, text in zip(self.frame["id"], self.frame["text"]):
            for part in (row_id, text):
                data = part.encode("utf-8")
                digest.update(len(data).to_bytes(8, "little"))
                digest.update(data)
        return digest.hexdigest()

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per frame under ``key`` (figures several steps read, e.g. language counts)."""
        found = self._memos.get(key)
        if found is None or found[0] != id(self.frame):
            found = self._memos[key] = (id(self.frame), compute())
        return found[1]

    def sample(self, n: int, seed: int = 0) -> "Corpus":
        """A seeded random subsample of ``n`` rows (all rows, in order, when ``n >= len``)."""
        if n < 2:
            raise SettingsError("sample", f"must be at least 2, got {n}")
        if n >= len(self):
            return self
        rng = np.random.default_rng(seed)
        keep = np.sort(rng.choice(len(self), size=n, replace=False))
        return Corpus(self.frame.iloc[keep].reset_index(drop=True), self.source, dict(self.columns))


def list_rows(labels: Sequence[str]) -> str:
    shown = ", ".join(labels[:MAX_LISTED_ROWS])
    more = len(labels) - MAX_LISTED_ROWS
    return shown + (f" and {more} more" if more > 0 else "")


def _is_texty(values: pd.Series) -> bool:
    """True when a column holds free text: strings that are not all numbers, nor all codes (ASCII
    tokens without spaces of up to 40 characters, like an id or a SKU)."""
    present = [v for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))]
    strings = [v for v in present if isinstance(v, str) and v.strip()]
    if not strings or len(strings) < 0.5 * len(present):
        return False
    if all(v.isascii() and len(v) <= 40 and not any(c.isspace() for c in v.strip()) for v in strings):
        return False
    numeric = pd.to_numeric(pd.Series(strings), errors="coerce").notna().mean()
    return numeric < 0.5


def pick_text_column(frame: pd.DataFrame, text_col: str | None, taken: Iterable[str]) -> str:
    if text_col is not None:
        return text_col
    by_lower = {c.lower(): c for c in frame.columns}
    for name in TEXT_COLUMN_NAMES:
        if name in by_lower:
            return by_lower[name]
    taken = set(taken)
    candidates = [c for c in frame.columns if c not in taken and _is_texty(frame[c])]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise CorpusError(f"no text column found (columns: {', '.join(frame.columns) or 'none'}); pass {PARAM}",
                          "text_col")
    raise CorpusError(f"several columns could hold the text ({', '.join(candidates)}); pass {PARAM}", "text_col")


def check_column(frame: pd.DataFrame, name: str | None, param: str, where: str | None = None) -> None:
    """Refuse a column ``name`` (given as parameter ``param``) that ``frame`` does not have."""
    if name is not None and name not in frame.columns:
        raise CorpusError(f"{where + ': ' if where else ''}unknown column {name!r} for {PARAM} "
                          f"(columns: {', '.join(frame.columns) or 'none'})", param)


#: Characters that show nothing: whitespace and the zero-width ones (a text of only these is empty).
_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]+")


def is_blank(text: str) -> bool:
    """Whether ``text`` shows nothing (only whitespace or zero-width characters)."""
    return not _INVISIBLE.sub("", text)


def _is_missing(value: object) -> bool:
    """None, NaN, pandas' NA or NaT (a column Arrow read as null), or a blank string."""
    if isinstance(value, str):
        return is_blank(value)
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value))


def parse_times(values: pd.Series) -> pd.Series:
    """Parse a time column: ISO dates/datetimes (with or without time zones), or plain years."""
    as_text = values.map(lambda v: str(v).strip())
    if as_text.str.fullmatch(r"\d{4}").all():
        return pd.to_datetime(as_text, format="%Y")
    try:
        return pd.to_datetime(as_text, format="mixed", errors="coerce", utc=False)
    except ValueError:  # several time zones: compare them in UTC (dates without a zone count as UTC)
        return pd.to_datetime(as_text, format="mixed", errors="coerce", utc=True).dt.tz_convert(None)


def from_frame(
    frame: pd.DataFrame,
    *,
    text_col: str | None = None,
    source: str | None = None,
    skip_invalid: bool = False,
    **columns: str | None,
) -> Corpus:
    """Validate a raw table and return a :class:`Corpus`.

    ``columns``: the roles of :data:`auditor.corpus.roles.ROLES` by keyword: ``group_col``,
    ``time_col``, ``strata`` (each text's prompt, brief, product or question), ``locale_col``
    (each text's locale), ``translation_col`` (with ``locale_col``: a plain translation of the
    source locale's version into each text's language, empty where there is none), ``id_col``.

    Raises :class:`CorpusError` for unknown columns, rows with empty or non-text values (unless
    ``skip_invalid``), duplicate ids, and corpora of fewer than two texts.
    """
    where = source or "the corpus"
    if frame.shape[1] == 0 or len(frame) == 0:
        raise CorpusError(f"{where}: no texts found (the corpus is empty)")
    roles = role_columns(**columns)
    text_col = _text_column(frame, text_col, roles, where)
    if roles["id"] is None and "id" in frame.columns and text_col != "id" and frame["id"].map(str).is_unique:
        roles["id"] = "id"
    ids = frame[roles["id"]].map(str) if roles["id"] else pd.Series([str(i + 1) for i in range(len(frame))])
    ids = ids.reset_index(drop=True)
    if roles["id"] and not ids.is_unique:
        dupes = ids[ids.duplicated()].unique().tolist()
        raise CorpusError(f"{where}: column {roles['id']!r} has duplicate ids ({list_rows(dupes)})")
    frame = frame.reset_index(drop=True)
    problems, times = _row_problems(frame, text_col, roles)
    invalid = np.zeros(len(frame), dtype=bool)
    for mask, what in problems:
        mask = mask.to_numpy(dtype=bool)
        if mask.any() and not skip_invalid:
            labels = [f"row {ids[i]}" if roles["id"] else f"row {i + 1}" for i in np.flatnonzero(mask)]
            raise CorpusError(f"{where}: {int(mask.sum())} rows have {what} ({list_rows(labels)}); "
                              f"fix them or pass {PARAM} to drop them", "skip_invalid")
        invalid |= mask
    out = _corpus_frame(frame, ids, text_col, roles, times)[~invalid].reset_index(drop=True)
    out["text"] = out["text"].astype(object)
    if len(out) == 0:
        raise CorpusError(f"{where}: no texts found (the corpus is empty)")
    if len(out) == 1:
        raise CorpusError(f"{where}: only 1 text; an audit needs at least 2")
    return Corpus(out, source, {"text": text_col, **roles})


def _text_column(frame: pd.DataFrame, text_col: str | None, roles: dict[str, str | None], where: str) -> str:
    """The text column, once every named column exists and no role names the text column."""
    for role, name in {"text": text_col, **roles}.items():
        check_column(frame, name, KEYWORDS[role])
    if roles["translation"] is not None and roles["locale"] is None:
        raise SettingsError("translation_col", "needs {} (the locale each text is written for)", "locale_col")
    text_col = pick_text_column(frame, text_col, [c for c in roles.values() if c])
    for role, name in roles.items():
        if role != "id" and name is not None and name == text_col:
            raise CorpusError(f"{where}: {PARAM} {name!r} is the text column; name another column", KEYWORDS[role])
    return text_col


def _row_problems(frame: pd.DataFrame, text_col: str, roles: dict[str, str | None]
                  ) -> tuple[list[tuple[pd.Series, str]], pd.Series | None]:
    """Each kind of bad row (a mask and what is wrong) and the parsed times."""
    bad = frame[text_col].map(lambda v: not isinstance(v, str) or is_blank(v))
    problems = [(bad, f"empty or non-text values in column {text_col!r}")]
    for name in dict.fromkeys(c for c in (text_col, *roles.values()) if c):  # no output format can hold them
        problems.append((frame[name].map(has_surrogate), f"text that is not valid Unicode (a lone surrogate) in "
                                                         f"column {name!r}"))
    for role in ("group", "stratum", "locale"):
        if roles[role]:
            problems.append((frame[roles[role]].map(_is_missing), f"no value in column {roles[role]!r}"))
    if roles["translation"]:  # empty where a text has no translation (the source's own texts)
        problems.append((frame[roles["translation"]].map(lambda v: not _is_missing(v) and not isinstance(v, str)),
                         f"non-text values in column {roles['translation']!r}"))
    times = None
    if roles["time"]:
        missing_time = frame[roles["time"]].map(_is_missing)
        times = parse_times(frame[roles["time"]].where(~missing_time, "1970"))
        problems.append((missing_time | times.isna(), f"missing or unparseable dates in column {roles['time']!r}"))
    return problems, times


def _corpus_frame(frame: pd.DataFrame, ids: pd.Series, text_col: str, roles: dict[str, str | None],
                  times: pd.Series | None) -> pd.DataFrame:
    """The corpus's columns: id, text, each role under its own name, the source, the rest as metadata."""
    out = pd.DataFrame({"id": ids, "text": frame[text_col]})
    for role in ("group", "time", "stratum", "locale"):
        if roles[role]:
            out[role] = times if role == "time" else frame[roles[role]].map(str)
    if roles["translation"]:
        out["translation"] = frame[roles["translation"]].map(lambda v: "" if _is_missing(v) else v).astype(object)
    named = [c for c in roles.values() if c]
    if "source" in frame.columns and "source" not in (text_col, *named):
        out["source"] = frame["source"]
    reserved = {text_col, *named, "id", "text", "group", "time", "stratum", "locale", "translation", "source"}
    for column in frame.columns:
        if column not in reserved:
            out[column] = frame[column]
    return out


def load_corpus(
    path: str | Path,
    *,
    text_col: str | None = None,
    encoding: str = "utf-8",
    skip_invalid: bool = False,
    **columns: str | None,
) -> Corpus:
    """Load and validate a corpus from a CSV, TSV, JSONL, JSON, Parquet or text file, or a
    directory of .txt/.md files (one text per file); ``columns`` as for :func:`from_frame`."""
    role_columns(**columns)  # an unknown keyword before the file is read
    frame = read_table(path, encoding)
    return from_frame(frame, text_col=text_col, source=str(STDIN) if str(path) == "-" else str(path),
                      skip_invalid=skip_invalid, **columns)


def from_texts(texts: Sequence[str], groups: Sequence[str] | None = None,
               strata: Sequence[str] | None = None) -> Corpus:
    """Build a corpus from a list of strings (and optional parallel group and stratum labels)."""
    data = {"text": list(texts)}
    for name, labels in (("group", groups), ("stratum", strata)):
        if labels is not None:
            if len(labels) != len(texts):
                raise CorpusError(f"{len(labels)} {name} labels for {len(texts)} texts")
            data[name] = list(labels)
    frame = pd.DataFrame(data, dtype=object)
    return from_frame(frame, text_col="text", group_col="group" if groups is not None else None,
                      strata="stratum" if strata is not None else None)


def combine(corpora: Sequence[Corpus], labels: Sequence[str]) -> Corpus:
    """One corpus whose ``group`` is the label of the corpus each text came from (for
    comparisons). Ids become ``label:id`` when ids repeat across the corpora."""
    if len(corpora) != len(labels):
        raise CorpusError(f"{len(labels)} labels for {len(corpora)} corpora")
    if len(set(labels)) != len(labels):
        raise CorpusError(f"corpus labels must differ, got {', '.join(labels)}")
    if len(corpora) < 2:
        raise CorpusError("a comparison needs at least 2 corpora")
    for column in (role.column for role in ROLES if role.column not in ("group", "id")):
        present = [column in c.frame for c in corpora]
        if any(present) and not all(present):
            raise CorpusError(f"either every corpus has a {column} column ({PARAM}) or none has", KEYWORDS[column])
    frames = []
    for corpus, label in zip(corpora, labels):
        part = corpus.frame.drop(columns=["group"], errors="ignore").copy()
        part.insert(2, "group", label)
        frames.append(part)
    frame = pd.concat(frames, ignore_index=True)
    if frame["id"].duplicated().any():
        frame["id"] = frame["group"] + ":" + frame["id"]
    columns = {**corpora[0].columns, "text": "text", "group": "corpus", "id": "id"}
    sources = " vs ".join(c.source or label for c, label in zip(corpora, labels))
    return Corpus(frame, sources, columns)
