"""HTML rendering of an audit result through Jinja2 templates (autoescaped, self-contained)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"


def _fmt(value: Any, digits: int = 3) -> str:
    """Numbers for people: thousands separators, a few significant decimals."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.1f}"
        return f"{value:.{digits}f}"
    return str(value)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = _fmt
    env.filters["pct"] = _pct
    return env


def render_html(data: dict[str, Any], include_text: bool = True) -> str:
    """The full standalone report page for a result dictionary."""
    env = _environment()
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return env.get_template("report.html.j2").render(r=data, css=css, include_text=include_text)


def render_fragment(data: dict[str, Any]) -> str:
    """A compact summary (verdict and metrics) for notebooks."""
    return _environment().get_template("fragment.html.j2").render(r=data)
