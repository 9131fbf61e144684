"""Loading every supported format, finding the text column, and rejecting bad input clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from auditor.corpus import from_texts, load_corpus
from auditor.errors import CorpusError

ROWS = [
    {"id": "a1", "brand": "North", "date": "2021-03-01", "text": "Warm wool for cold hills."},
    {"id": "a2", "brand": "South", "date": "2022-07-15", "text": "Bright pans for noisy kitchens."},
    {"id": "a3", "brand": "North", "date": "2023-01-09", "text": "Elevate your everyday."},
]


def write(path: Path, fmt: str, rows: list[dict] = ROWS) -> Path:
    frame = pd.DataFrame(rows)
    if fmt == "csv":
        frame.to_csv(path, index=False)
    elif fmt == "tsv":
        frame.to_csv(path, index=False, sep="\t")
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    elif fmt == "json":
        path.write_text(json.dumps(rows), encoding="utf-8")
    elif fmt == "parquet":
        frame.to_parquet(path)
    return path


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "json", "parquet"])
def test_tables_load_with_text_group_time_and_ids(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path / f"copy.{fmt}", fmt)
    corpus = load_corpus(path, group_col="brand", time_col="date")
    assert corpus.texts == [r["text"] for r in ROWS]
    assert corpus.ids == ["a1", "a2", "a3"]
    assert corpus.groups.tolist() == ["North", "South", "North"]
    assert corpus.times.dt.year.tolist() == [2021, 2022, 2023]
    assert "brand" not in corpus.frame.columns  # renamed to group


def test_plain_text_file_is_one_text_per_line(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("first line\n\nsecond line\nthird line\n", encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.texts == ["first line", "second line", "third line"]
    assert corpus.ids == ["1", "3", "4"]  # line numbers
    assert corpus.frame["source"].tolist()[1] == f"{path}:3"


def test_directory_is_one_text_per_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.md").write_text("# Title\n\nBody of b.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Body of a.", encoding="utf-8")
    (tmp_path / "sub" / "c.txt").write_text("Body of c.", encoding="utf-8")
    (tmp_path / "ignored.csv").write_text("x\n1\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.ids == ["a.txt", "b.md", "sub/c.txt"]
    assert corpus.texts[1] == "# Title\n\nBody of b."


def test_only_string_column_is_found_without_flags(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    pd.DataFrame({"n": [1, 2], "score": [0.5, 0.7], "copy": ["one text", "another"]}).to_csv(path, index=False)
    assert load_corpus(path).texts == ["one text", "another"]


def test_ambiguous_text_column_asks_for_text_col(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    pd.DataFrame({"title": ["a b", "c d"], "body": ["x y", "z w"]}).to_csv(path, index=False)
    with pytest.raises(CorpusError, match="several columns could hold the text.*pass text_col"):
        load_corpus(path)
    assert load_corpus(path, text_col="body").texts == ["x y", "z w"]


def test_an_id_like_column_is_not_a_text_candidate(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    pd.DataFrame({"sku": ["SKU-0001", "SKU-0002"], "copy": ["some copy", "more copy"]}).to_csv(path, index=False)
    assert load_corpus(path).texts == ["some copy", "more copy"]  # not "several columns could hold the text"


def test_group_and_time_columns_are_not_text_candidates(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    pd.DataFrame({"brand": ["A", "B"], "copy": ["some copy", "more copy"]}).to_csv(path, index=False)
    assert load_corpus(path, group_col="brand").texts == ["some copy", "more copy"]


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such file"):
        load_corpus(tmp_path / "nope.csv")


def test_unknown_column_lists_the_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "csv")
    with pytest.raises(CorpusError, match=r"unknown column 'brnd' for group_col \(columns: id, brand, date, text\)"):
        load_corpus(path, group_col="brnd")


def test_empty_corpus_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(CorpusError, match="empty"):
        load_corpus(path)
    header_only = tmp_path / "header.csv"
    header_only.write_text("id,text\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="empty"):
        load_corpus(header_only)


def test_single_text_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text("only me\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="only 1 text"):
        load_corpus(path)


def test_empty_and_non_text_values_are_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    rows = [{"text": "fine"}, {"text": ""}, {"text": 42}, {"text": None}, {"text": "also fine"}, {"text": "   "}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"4 rows have empty or non-text values.*row 2, row 3, row 4, row 6.*pass skip_invalid"):
        load_corpus(path)
    assert load_corpus(path, skip_invalid=True).texts == ["fine", "also fine"]


def test_undecodable_bytes_name_the_position(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("text\ncaf\xe9 au lait\nsecond\n".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"byte 0xe9 at offset 8 \(line 2\) is not valid utf-8"):
        load_corpus(path)
    assert load_corpus(path, encoding="latin-1").texts == ["café au lait", "second"]


def test_utf8_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufefftext\nhello\nworld\n".encode("utf-8"))
    assert load_corpus(path).texts == ["hello", "world"]


def test_unparseable_dates_are_named(tmp_path: Path) -> None:
    rows = [dict(r) for r in ROWS]
    rows[1]["date"] = "not a date"
    path = write(tmp_path / "c.csv", "csv", rows)
    with pytest.raises(CorpusError, match="unparseable dates in column 'date' .*row a2"):
        load_corpus(path, time_col="date")


def test_plain_years_are_dates(tmp_path: Path) -> None:
    path = tmp_path / "y.csv"
    pd.DataFrame({"year": [1999, 2004], "text": ["a", "b"]}).to_csv(path, index=False)
    assert load_corpus(path, time_col="year").times.dt.year.tolist() == [1999, 2004]


def test_dates_in_several_time_zones_are_compared_in_utc(tmp_path: Path) -> None:
    path = tmp_path / "tz.csv"
    pd.DataFrame({"text": ["a", "b", "c"], "date": ["2021-01-01T00:00:00+01:00", "2021-06-01T00:00:00-05:00",
                                                 "2021-07-01"]}).to_csv(path, index=False)
    times = load_corpus(path, time_col="date").times
    assert [str(t) for t in times] == ["2020-12-31 23:00:00", "2021-06-01 05:00:00", "2021-07-01 00:00:00"]


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"text": "ok"}\n{"text": broken}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="line 2 is not valid JSON"):
        load_corpus(path)


def test_json_must_be_an_array_of_objects(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"text": "a"}', encoding="utf-8")
    with pytest.raises(CorpusError, match="expected a JSON array"):
        load_corpus(path)


def test_duplicate_ids_are_rejected_when_named(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    pd.DataFrame({"key": ["x", "x"], "text": ["a", "b"]}).to_csv(path, index=False)
    with pytest.raises(CorpusError, match="duplicate ids"):
        load_corpus(path, id_col="key")


def test_sample_is_seeded_and_ordered() -> None:
    corpus = from_texts([f"text number {i}" for i in range(50)])
    a, b = corpus.sample(10, seed=1), corpus.sample(10, seed=1)
    assert a.ids == b.ids and len(a) == 10
    assert [int(i) for i in a.ids] == sorted(int(i) for i in a.ids)
    assert corpus.sample(10, seed=2).ids != a.ids
    assert corpus.sample(500).ids == corpus.ids


def test_fingerprint_changes_with_any_text() -> None:
    a = from_texts(["one", "two"])
    assert a.fingerprint() == from_texts(["one", "two"]).fingerprint()
    assert a.fingerprint() != from_texts(["one", "two!"]).fingerprint()
