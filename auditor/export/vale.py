"""A Vale style from an audit's stock phrases: one ``existence`` rule per phrase, whose message
gives the phrase's frequency in the audited corpus, so that writers see the phrase flagged in
their editor or in CI (https://vale.sh/docs/topics/styles/).

>>> files = vale_style({"texts": {"repeated_phrases": [
...     {"phrase": "unlock the power of", "doc_freq": 12, "doc_share": 0.2}]}, "corpus": {"n_texts": 60}})
>>> list(files)
['StockPhrase01.yml']
>>> print(files["StockPhrase01.yml"].splitlines()[-1])
  - "unlock\\\\s+the\\\\s+power\\\\s+of"
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from auditor.errors import PARAM, AuditorError
from auditor.guard import OutputGuard
from auditor.ownership import write_owned_text

HEADER = "# written by auditor: a stock phrase of the audited corpus"


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is one)."""
    return json.dumps(text, ensure_ascii=False)


def token(phrase: str) -> str:
    """The phrase as a Vale token: a regular expression matching its words with any whitespace
    between them (Vale adds the word boundaries and, with ``ignorecase``, ignores case)."""
    return r"\s+".join(re.escape(word) for word in phrase.split())


def vale_style(data: dict[str, Any], level: str = "warning") -> dict[str, str]:
    """File name → YAML of one ``existence`` rule per stock phrase of the result ``data``."""
    texts = data.get("texts")
    phrases = texts.get("repeated_phrases", []) if isinstance(texts, dict) else None
    if not isinstance(phrases, list):
        raise AuditorError("the report's texts.repeated_phrases is not a list; not an audit JSON")
    usable = [p for p in phrases if isinstance(p, dict) and isinstance(p.get("phrase"), str) and p["phrase"].strip()
              and isinstance(p.get("doc_share"), (int, float)) and not isinstance(p.get("doc_share"), bool)]
    if not usable:
        raise AuditorError(f"the report has no stock phrases to export (none found, or written with {PARAM})", "no_text")
    corpus = data.get("corpus")
    n_texts = corpus.get("n_texts") if isinstance(corpus, dict) and isinstance(corpus.get("n_texts"), int) else None
    files = {}
    for k, p in enumerate(usable, start=1):
        count = p.get("doc_freq") if isinstance(p.get("doc_freq"), int) else None
        share = f"{p['doc_share']:.1%} of the audited texts" + (f" ({count} of {n_texts})" if n_texts and count else "")
        message = f"'%s' is a stock phrase: it appears in {share.replace('%', '%%')}."  # Vale formats with Go's %
        lines = [HEADER, "extends: existence", f"message: {_quoted(message)}",
                 f"level: {level}", "ignorecase: true", "tokens:", f"  - {_quoted(token(p['phrase']))}"]
        files[f"StockPhrase{k:02d}.yml"] = "\n".join(lines) + "\n"
    return files


def export_vale(report: str | Path, out: str | Path, level: str = "warning") -> list[Path]:
    """Write the Vale style of the audit JSON ``report`` into the folder ``out``; returns the files."""
    if level not in ("suggestion", "warning", "error"):
        raise AuditorError(f"unknown Vale level {level!r}; use suggestion, warning or error")
    try:
        data = json.loads(Path(report).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AuditorError(f"{report}: no such report") from None
    except RecursionError:
        raise AuditorError(f"{report}: not an audit JSON (nested too deeply)") from None
    except (OSError, ValueError) as exc:
        raise AuditorError(f"{report}: not an audit JSON ({exc})") from None
    if not isinstance(data, dict) or "texts" not in data:
        raise AuditorError(f"{report}: not an audit JSON (no 'texts')")
    files = vale_style(data, level)
    guard = OutputGuard().protect(report, "the report")
    guard.folder(out, "--output")
    targets = {guard.file(Path(out) / name, "--output"): text for name, text in files.items()}
    for path, text in targets.items():
        write_owned_text(path, text)
    return list(targets)
