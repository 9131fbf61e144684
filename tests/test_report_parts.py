"""The report's parts and its phone tables, without a browser: which parts a result fills, the
answer open and the rest closed, every number of the result still in the page, and each table
cell labelled with its column's heading."""

from __future__ import annotations

import re

import pytest

import auditor
from auditor.report.html import render_html
from auditor.report.parts import PARTS, parts_of
from auditor.report.tables import label_cells
from tests.conftest import HashEncoder


def test_cells_get_their_columns_heading_and_the_heading_row_is_marked() -> None:
    html = ('<table><tr><th>group</th><th>share<div class="ci">of texts</div></th><th colspan="2">pair</th></tr>'
            '<tr><td>a &amp; b</td><td class="num">0.5</td><td>x</td><td>y</td></tr>'
            '<tr><th>total</th><td class="num">1</td><td colspan="2">z</td></tr></table>')
    out = label_cells(html)
    assert '<tr class="head"><th>group</th>' in out
    assert '<td data-label="group">a &amp; b</td>' in out
    assert '<td data-label="share of texts" class="num">0.5</td>' in out
    assert '<td data-label="pair">x</td><td data-label="pair">y</td>' in out  # a spanning heading covers both
    assert '<th>total</th><td data-label="share of texts" class="num">1</td><td data-label="pair" colspan="2">z</td>' in out
    assert re.sub(r' (data-label="[^"]*"|class="head")', "", out) == html  # nothing else changed


def test_key_value_tables_and_text_outside_tables_are_left_alone() -> None:
    html = '<p>&lt;td&gt; is text</p><table><tr><th>model</th><td>m</td></tr><tr><th>seed</th><td>0</td></tr></table>'
    assert label_cells(html) == html


def test_headings_with_quotes_stay_inside_the_attribute() -> None:
    out = label_cells('<table><tr><th>say "hi"</th></tr><tr><td>1</td></tr></table>')
    assert '<td data-label="say &quot;hi&quot;">1</td>' in out


@pytest.fixture(scope="module")
def brand_page() -> tuple[dict, str]:
    import pandas as pd
    from pathlib import Path
    from sklearn.decomposition import PCA

    frame = pd.read_csv(Path(__file__).resolve().parents[1] / "sample_corpora" / "brand_copy.csv")
    result = auditor.audit(frame, group_col="brand", time_col="date", strata="product", model=HashEncoder(),
                           cache=False, resamples=10, permutations=99, reducer=PCA(n_components=2))
    data = result.to_dict()
    return data, render_html(data)


def test_the_answer_is_open_and_every_other_part_is_closed(brand_page: tuple[dict, str]) -> None:
    data, html = brand_page
    shown = [part.name for part in parts_of(data)]
    assert shown[:4] == ["verdict", "metrics", "map-section", "generic"]
    for part in PARTS:
        if part.name in ("verdict", "feed", "merged"):
            continue
        tag = re.search(rf'<details class="part" id="{part.name}"( open)?>', html)
        assert (tag is not None) == (part.name in shown), part.name
        if tag:
            assert bool(tag.group(1)) == part.open, part.name
    toc = re.search(r'<nav class="toc"[^>]*>(.*?)</nav>', html).group(1)
    assert re.findall(r'href="#([^"]+)"', toc) == [p.name for p in parts_of(data) if p.toc]


def test_no_number_is_lost_behind_the_disclosures(brand_page: tuple[dict, str]) -> None:
    from auditor.report.html import format_number

    data, html = brand_page
    for metric in data["metrics"].values():  # each metric, key or not, with its interval
        assert metric["label"] in html and format_number(metric["value"]) in html
    pairs = data["texts"]["near_duplicate_pairs"]
    assert len(pairs) > 5 and f"Show all {len(pairs)} pairs" in html
    assert html.count('<div class="pair">') == len(pairs)  # every pair is in the page
    for row in data["strata"]["per_stratum"]:
        assert f"<td>{row['stratum']}</td>" in html or f'">{row["stratum"]}</td>' in html
