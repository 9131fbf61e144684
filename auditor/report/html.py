"""HTML rendering of an audit result through Jinja2 templates (autoescaped, self-contained)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import base64
import hashlib

from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

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


def script_hash(script: str) -> str:
    """The CSP source expression allowing exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def render_html(data: dict[str, Any], include_text: bool = True) -> str:
    """The full standalone report page for a result dictionary.

    Everything is inline (no network). User text reaches the page only through autoescaped
    template variables and one JSON data block escaped for HTML; the Content-Security-Policy
    allows no script but the report's own, by its hash.
    """
    env = _environment()
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    js = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    map_json = None
    if data.get("map"):
        payload = {"points": data["map"]["points"], "clusters": data.get("clusters", {}).get("clusters", [])}
        map_json = Markup(htmlsafe_json_dumps(payload, separators=(",", ":"), ensure_ascii=False))
    return env.get_template("report.html.j2").render(
        r=data, css=css, js=Markup(js), script_hash=script_hash(js), map_json=map_json,
        include_text=include_text)


def render_fragment(data: dict[str, Any]) -> str:
    """A compact summary (verdict and metrics) for notebooks."""
    return _environment().get_template("fragment.html.j2").render(r=data)
