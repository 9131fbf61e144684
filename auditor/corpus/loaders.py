"""Readers that turn a file or a directory into a raw table of records (strings kept as given).

Each reader returns a :class:`pandas.DataFrame` plus, where the format has them, a per-row
``source`` location (``file:line``) so later findings can point back at the input. Readers decode
bytes strictly: an undecodable byte is an error that names the file and the position, never a
silent replacement character.
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from typing import Callable

import pandas as pd

from auditor.errors import PARAM, CorpusError

#: A lone UTF-16 surrogate: JSON can spell one ("\\ud800"), UTF-8 cannot hold it.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
TABLE_SUFFIXES = {".csv", ".tsv", ".tab", ".jsonl", ".ndjson", ".json", ".parquet", ".pq"}
DOCUMENT_SUFFIXES = {".txt", ".md", ".markdown"}


#: How standard input (``-`` on the command line) is named in messages and sources.
STDIN = Path("<stdin>")
_stdin: dict[str, bytes] = {}


def corpus_name(path: str | Path) -> str:
    """A corpus's name from its path: the file's name without suffix, the folder's name, or
    "stdin" for ``-``."""
    if str(path) == "-":
        return "stdin"
    resolved = Path(path).resolve()
    return resolved.stem if resolved.is_file() else resolved.name or "corpus"


def read_text_file(path: Path, encoding: str = "utf-8") -> str:
    """Read a whole file (or standard input, :data:`STDIN`) as text, strictly; the UTF-8
    byte-order mark is dropped."""
    try:
        data = _stdin["data"] if path == STDIN else path.read_bytes()
    except FileNotFoundError:
        raise CorpusError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CorpusError(f"{path}: is a directory") from None
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror or exc})") from None
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
    try:
        return data.decode(codec)
    except LookupError:
        raise CorpusError(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CorpusError(f"{path}: byte 0x{data[exc.start]:02x} at offset {exc.start} (line {line}) is not "
                          f"valid {encoding}; re-save the file as UTF-8 or pass {PARAM}", "encoding") from None


def _read_delimited(path: Path, encoding: str, sep: str) -> pd.DataFrame:
    text = read_text_file(path, encoding)
    if not text.strip():
        return pd.DataFrame()
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False
        )
    except pd.errors.ParserError as exc:
        message = str(exc).strip().splitlines()[-1]
        raise CorpusError(f"{path}: not a valid {'TSV' if sep == chr(9) else 'CSV'} file ({message})") from None
    if not isinstance(frame.index, pd.RangeIndex):  # pandas took a first column for an index: rows too wide
        raise CorpusError(f"{path}: {_too_wide(text, sep)}; quote values that hold the separator")
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _too_wide(text: str, sep: str) -> str:
    """Which line has more fields than the header (pandas reads such a file with a shifted index)."""
    import csv

    rows = csv.reader(io.StringIO(text), delimiter=sep)
    width = len(next(rows))
    for row in rows:
        if len(row) > width:
            return f"line {rows.line_num} has {len(row)} fields where the header has {width}"
    return f"rows have more fields than the header's {width}"


def _read_csv(path: Path, encoding: str) -> pd.DataFrame:
    return _read_delimited(path, encoding, ",")


def _read_tsv(path: Path, encoding: str) -> pd.DataFrame:
    return _read_delimited(path, encoding, "\t")


def has_surrogate(value: object) -> bool:
    """Whether ``value`` is a string holding a lone surrogate (a UTF-16 half that UTF-8 cannot
    encode; JSON can spell one).

    >>> has_surrogate("ok"), has_surrogate(chr(0xD800) + " alone")
    (False, True)
    """
    return isinstance(value, str) and bool(_SURROGATE.search(value))


def _records_frame(path: Path, records: list, where: Callable[[int], str]) -> pd.DataFrame:
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            raise CorpusError(f"{path}: {where(i)} is not a JSON object")
        for key, value in record.items():
            if has_surrogate(value):
                raise CorpusError(f"{path}: {where(i)}, field {str(key)!r}: text that is not valid Unicode "
                                  "(a lone surrogate, which no output can hold)")
    frame = pd.DataFrame.from_records(records)
    if len(frame.columns):
        frame = frame.astype(object)
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _read_jsonl(path: Path, encoding: str) -> pd.DataFrame:
    records = []
    lines = []
    for lineno, line in enumerate(read_text_file(path, encoding).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path}: line {lineno} is not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise CorpusError(f"{path}: line {lineno} is JSON nested too deeply to be a record") from None
        lines.append(lineno)
    frame = _records_frame(path, records, lambda i: f"line {lines[i]}")
    if len(frame) and "source" not in frame.columns:
        frame["source"] = [f"{path}:{n}" for n in lines]
    return frame


def _read_json(path: Path, encoding: str) -> pd.DataFrame:
    try:
        data = json.loads(read_text_file(path, encoding))
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise CorpusError(f"{path}: JSON nested too deeply to be a table of records") from None
    if not isinstance(data, list):
        raise CorpusError(f"{path}: expected a JSON array of objects, got a JSON {type(data).__name__}")
    return _records_frame(path, data, lambda i: f"item {i + 1}")


def _read_parquet(path: Path, encoding: str) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except FileNotFoundError:
        raise CorpusError(f"{path}: no such file") from None
    except ImportError:
        raise CorpusError("reading Parquet needs pyarrow: pip install pyarrow") from None
    except Exception as exc:  # pyarrow raises many types for corrupt files
        raise CorpusError(f"{path}: not a readable Parquet file ({type(exc).__name__})") from None
    frame = frame.astype(object).where(frame.notna(), None)
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _read_lines(path: Path, encoding: str) -> pd.DataFrame:
    """One text per non-blank line; blank lines separate nothing and are skipped."""
    rows = [
        (str(lineno), line, f"{path}:{lineno}")
        for lineno, line in enumerate(read_text_file(path, encoding).splitlines(), start=1)
        if line.strip()
    ]
    return pd.DataFrame(rows, columns=["id", "text", "source"], dtype=object)


def _read_directory(path: Path, encoding: str) -> pd.DataFrame:
    """One text per .txt/.md file under ``path`` (recursively), in sorted path order."""
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES)
    rows = []
    for file in files:
        rel = file.relative_to(path).as_posix()
        rows.append((rel, read_text_file(file, encoding), f"{file}:1"))
    return pd.DataFrame(rows, columns=["id", "text", "source"], dtype=object)


READERS: dict[str, Callable[[Path, str], pd.DataFrame]] = {
    ".csv": _read_csv,
    ".tsv": _read_tsv,
    ".tab": _read_tsv,
    ".jsonl": _read_jsonl,
    ".ndjson": _read_jsonl,
    ".json": _read_json,
    ".parquet": _read_parquet,
    ".pq": _read_parquet,
}


def read_table(path: str | Path, encoding: str = "utf-8") -> pd.DataFrame:
    """Read ``path`` (a file in any supported format, or a directory of .txt/.md files; ``-`` is
    standard input: JSONL when it starts with ``{``, else one text per line)."""
    if str(path) == "-":
        _stdin["data"] = sys.stdin.buffer.read()
        try:
            reader = _read_jsonl if _stdin["data"].lstrip().startswith(b"{") else _read_lines
            return reader(STDIN, encoding)
        finally:
            _stdin.clear()
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or directory")
    if path.is_dir():
        return _read_directory(path, encoding)
    reader = READERS.get(path.suffix.lower(), _read_lines)
    return reader(path, encoding)
