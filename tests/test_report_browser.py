"""The HTML report in a real headless Chromium: it loads cleanly offline, the map draws, search
highlights, hovering shows the text, and an injection corpus runs nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import auditor
from tests.browser import browser_page

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "reports" / "screenshots"

INJECTION = [
    "<script>window.__pwned = 1; alert('script tag')</script> a text with a script tag",
    "<img src=x onerror=\"window.__pwned = 2; alert('onerror')\"> an image with onerror",
    "a text that closes </script><script>window.__pwned = 3</script> the data block",
    "<a href=\"javascript:window.__pwned = 4\">click me</a> a javascript: link",
    "{{ 7 * 7 }} and ${7*7} template syntax stays literal",
    "<svg onload=\"window.__pwned = 5\"></svg> an svg with onload",
    "\u2028 line separator and \u003cb\u003ebold\u003c/b\u003e escapes",
    "plain words about rain on the fell and wool on the back",
    "plain words about pancakes flipped by small hands",
    "plain words about a steel bike frame on city cobbles",
    "plain words about tea steeped by the window at low tide",
    "plain words about nettle balm poured into amber jars",
]


def open_report(page, path: Path) -> list[str]:
    """Load the report; return console errors and failed requests."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("request", lambda r: problems.append(f"network request: {r.url}") if not r.url.startswith(("file:", "data:")) else None)
    page.goto(path.as_uri())
    page.wait_for_function("document.getElementById('map') && Number(document.getElementById('map').dataset.drawn) > 0")
    return problems


def hover_point(page, index: int) -> None:
    """Move the mouse onto the map point ``index`` (scrolling the map into view first)."""
    page.locator("#map").scroll_into_view_if_needed()
    x, y = page.evaluate(f"window.auditorMap.screenPosition({index})")
    box = page.locator("#map").bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)


@pytest.fixture(scope="module")
def brand_report(tmp_path_factory) -> Path:
    frame = pd.read_csv(ROOT / "sample_corpora" / "brand_copy.csv")
    frame = frame[frame["date"].str[:4].isin(["2019", "2024"])]
    result = auditor.audit(frame, group_col="brand", time_col="date", resamples=20)
    path = tmp_path_factory.mktemp("report") / "brand.html"
    result.to_html(path)
    return path


@pytest.mark.model
@pytest.mark.browser
def test_report_loads_offline_with_no_console_errors_and_draws_the_map(brand_report: Path) -> None:
    with browser_page() as page:
        problems = open_report(page, brand_report)
        drawn = int(page.get_attribute("#map", "data-drawn"))
        assert drawn == 200
        # pixels were really painted on the canvas
        painted = page.evaluate("""() => { const c = document.getElementById('map');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""")
        assert painted > 1000
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "brand_report.png"), full_page=True)
        assert problems == []


@pytest.mark.model
@pytest.mark.browser
def test_search_highlights_matching_texts(brand_report: Path) -> None:
    with browser_page() as page:
        open_report(page, brand_report)
        page.fill("#map-search", "elevate your everyday")
        matches = int(page.get_attribute("#map", "data-matches"))
        expected = pd.read_csv(ROOT / "sample_corpora" / "brand_copy.csv")
        expected = expected[expected["date"].str[:4].isin(["2019", "2024"])]
        assert matches == int(expected["text"].str.lower().str.contains("elevate your everyday").sum()) > 0
        assert "match" in page.inner_text("#map-status")
        page.fill("#map-search", "")
        assert int(page.get_attribute("#map", "data-matches")) == 0


@pytest.mark.model
@pytest.mark.browser
def test_hovering_a_point_shows_its_text(brand_report: Path) -> None:
    with browser_page() as page:
        open_report(page, brand_report)
        hover_point(page, 0)
        page.wait_for_selector("#map-tip:not([hidden])")
        tip = page.inner_text("#map-tip")
        assert "typicality" in tip and len(tip) > 60
        page.select_option("#map-colour", "group")
        assert "Harrow & Finch" in page.inner_text("#map-legend")


@pytest.mark.model
@pytest.mark.browser
def test_injection_corpus_renders_as_plain_text_and_runs_nothing(tmp_path: Path) -> None:
    result = auditor.audit(INJECTION, resamples=10)
    path = tmp_path / "injection.html"
    result.to_html(path)
    html = path.read_text()
    assert html.lower().count("<script") == 2  # the report's own two
    with browser_page() as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        problems = open_report(page, path)
        assert dialogs == []
        assert page.evaluate("window.__pwned") is None
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        body = page.inner_text("body")
        assert "<script>window.__pwned = 1;" in body  # shown literally, as text
        assert "{{ 7 * 7 }}" in body
        assert page.locator("a[href^='javascript:']").count() == 0
        assert page.locator("img, svg").count() == 0
        # hovering an injected text shows it literally in the tooltip
        for index in range(len(INJECTION)):
            hover_point(page, index)
            page.wait_for_selector("#map-tip:not([hidden])")
            assert page.locator("#map-tip *").count() == 2  # our two divs; the text made no elements
        assert page.evaluate("window.__pwned") is None and dialogs == []
        assert [p for p in problems if "network" in p or "request" in p] == []


@pytest.mark.model
@pytest.mark.browser
def test_no_text_report_has_no_text_on_the_map(tmp_path: Path) -> None:
    frame = pd.read_csv(ROOT / "sample_corpora" / "brand_copy.csv").head(80)
    result = auditor.audit(frame, resamples=0)
    path = tmp_path / "private.html"
    result.to_html(path, include_text=False)
    html = path.read_text()
    assert all(text not in html for text in frame["text"])
    with browser_page() as page:
        open_report(page, path)
        hover_point(page, 0)
        page.wait_for_selector("#map-tip:not([hidden])")
        assert "bc-" in page.inner_text("#map-tip")


@pytest.mark.model
@pytest.mark.browser
def test_heatmap_and_trend_charts_render(brand_report: Path) -> None:
    with browser_page() as page:
        problems = open_report(page, brand_report)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        charts = page.locator("svg.chart")
        assert charts.count() >= 4  # heatmap, convergence, and per-metric trend lines
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box["width"] > 100 and box["height"] > 100
        assert page.locator("#comparison .chart-row svg rect").count() >= 25  # 5 × 5 brands
        assert "Groups moved" in page.inner_text("#verdict") or "No clear change" in page.inner_text("#verdict")
        assert problems == []


@pytest.mark.browser
def test_hostile_group_names_show_as_text_in_charts_and_tables(tmp_path: Path) -> None:
    from tests.conftest import HashEncoder

    names = [INJECTION[0][:60], INJECTION[5][:50], "plain brand"]
    rows = [(names[i % 3], f"{2020 + (i // 3) % 2}-05-01", f"{INJECTION[7 + i % 5]} number {i}") for i in range(36)]
    frame = pd.DataFrame(rows, columns=["brand", "date", "text"])
    result = auditor.audit(frame, group_col="brand", time_col="date", model=HashEncoder(), cache=False,
                           resamples=10, permutations=99, clusterer=None, lexical=False)
    path = tmp_path / "hostile.html"
    result.to_html(path)
    with browser_page() as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        assert page.evaluate("window.__pwned") is None and dialogs == []
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert "<script>window.__pwned = 1;" in page.locator("#comparison table").first.inner_text()
        labels = page.locator("svg.chart text").all_text_contents()
        assert any(t.startswith("<script>") for t in labels)
        assert page.locator("svg.chart svg, svg.chart script, svg [onload]").count() == 0


def test_every_page_gets_the_stylesheet_font(tmp_path: Path) -> None:
    from auditor.history import HistoryStore
    from auditor.history.runs import write_trend
    from tests.conftest import HashEncoder
    from tests.test_history import fake_result

    result = auditor.audit([f"text {i} about {w}" for i, w in enumerate(["wool", "tea", "pans"] * 4)],
                           model=HashEncoder(), cache=False, resamples=0, clusterer=None)
    result.to_html(tmp_path / "report.html")
    result.to_json(tmp_path / "report.json")
    with HistoryStore(tmp_path / "h.db") as store:
        for i in range(2):
            store.add("s", fake_result(0.2 + i / 10, created=f"2026-0{i + 1}-01T00:00:00+00:00"))
    write_trend("s", history=tmp_path / "h.db", out=tmp_path)  # s-trend.html and index.html
    with browser_page() as page:
        for name in ("report.html", "s-trend.html", "index.html"):
            html = (tmp_path / name).read_text()
            assert '"Segoe UI"' in html and "&#34;Segoe UI&#34;" not in html, name
            page.goto((tmp_path / name).as_uri())
            assert "system-ui" in page.evaluate("getComputedStyle(document.body).fontFamily"), name


#: Every element's box against the viewport: what sticks out past either edge (tag, class, right edge).
PAST_THE_EDGE = """(width) => [...document.querySelectorAll('body *')].map(e => [e, e.getBoundingClientRect()])
    .filter(([e, r]) => (r.width || r.height) && (r.right > width + 0.5 || r.left < -0.5))
    .map(([e, r]) => `${e.tagName}.${e.getAttribute('class') || ''} ${Math.round(r.right)}`)"""
OPEN_ALL = "document.querySelectorAll('details').forEach(d => d.open = true)"


def every_page(folder: Path) -> list[str]:
    """The report (groups, periods, strata), a locales report, a comparison, a feed audit, a trend
    page and the index, written into ``folder`` with the cheap encoder; their file names."""
    from sklearn.decomposition import PCA

    from auditor.audit.compare import compare
    from auditor.feed import audit_feed
    from auditor.history import HistoryStore
    from auditor.history.runs import write_trend
    from auditor.report.sets import report_paths, write_report_set
    from tests.conftest import HashEncoder

    samples = ROOT / "sample_corpora"
    sample = pd.read_csv(samples / "brand_copy.csv")
    options = dict(model=HashEncoder(), cache=False, resamples=10, permutations=99, reducer=PCA(n_components=2))
    report = auditor.audit(sample, group_col="brand", time_col="date", strata="product", **options)
    write_report_set(report, report_paths(folder, "report"))
    locales = auditor.audit(pd.read_csv(samples / "multilingual_copy.csv"), locale_col="locale", strata="item",
                            time_col="date", translation_col="plain_translation", **options)
    write_report_set(locales, report_paths(folder, "locales"))
    halves = [folder / "first.csv", folder / "second.csv"]
    sample.iloc[::2].to_csv(halves[0], index=False)
    sample.iloc[1::2].to_csv(halves[1], index=False)
    write_report_set(compare(halves, **options), report_paths(folder, "compare"))
    feed = audit_feed(samples / "feed_log.csv", user_col="user", item_col="item_id", catalog=samples / "feed_catalog.csv",
                      time_col="date", freq="month", group_col="cohort", embedder=HashEncoder(), cache=False,
                      resamples=10, permutations=99, reducer=PCA(n_components=2))
    write_report_set(feed, report_paths(folder, "feed"))
    with HistoryStore(folder / "h.db") as store:
        for seed in (0, 1):
            store.add("brand", auditor.audit(sample, group_col="brand", clusterer=None, seed=seed, **{
                k: v for k, v in options.items() if k != "reducer"}).to_dict(include_text=False))
    write_trend("brand", history=folder / "h.db", out=folder)
    return ["report.html", "locales.html", "compare.html", "feed.html", "brand-trend.html", "index.html"]


def test_the_report_leads_with_the_answer_and_nothing_passes_a_phone_screen(tmp_path: Path) -> None:
    """At 1400 px the sample report is at most 8,000 px tall with its parts closed; at 390 px no
    element of any page extends past the screen, closed or with every part opened; no console
    errors; the stylesheet's font everywhere."""
    pages = every_page(tmp_path)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with browser_page() as page:
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        for width in (1400, 390):
            page.set_viewport_size({"width": width, "height": 900})
            for name in pages:
                page.goto((tmp_path / name).as_uri())
                if name == "report.html" and width == 1400:
                    assert page.evaluate("document.documentElement.scrollHeight") <= 8000
                    assert page.locator("details.part:not([open])").count() >= 8
                page.screenshot(path=str(SCREENSHOTS / f"{name.split('.')[0]}-{width}.png"), full_page=True)
                for opened in (False, True):
                    if opened:
                        page.evaluate(OPEN_ALL)
                    assert page.evaluate(PAST_THE_EDGE, width) == [], (name, width, opened)
                    assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
                assert "system-ui" in page.evaluate("getComputedStyle(document.body).fontFamily"), name
        assert problems == []
