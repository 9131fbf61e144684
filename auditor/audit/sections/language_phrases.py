"""The stock phrases of each language on its own (:mod:`auditor.metrics.phrases`).

Over a corpus in several languages, a phrase repeated in every French text is diluted by the
texts in other languages, and in Chinese, Japanese or Thai a phrase of 3 to 6 tokens is 3 to 6
characters. So each language with at least :data:`MIN_TEXTS` texts gets its own repeated phrases:
3 to 6 words, or 5 to 16 characters where the language is written without spaces. Built when there
are two such languages, or one written without spaces (else the corpus's phrases say it all).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from auditor.audit.context import AuditContext
from auditor.audit.languages import NAMES
from auditor.audit.sections.texts import phrases
from auditor.corpus.language import UNDETERMINED
from auditor.metrics.phrases import phrase_lengths, repeated_phrases
from auditor.metrics.tokens import CHARACTER_LANGUAGES

#: A language needs this many texts for phrases of its own.
MIN_TEXTS = 20
#: Phrases kept per language.
TOP = 15
SCHEMA = {"phrases_by_language": {"type": "object", "additionalProperties": {
    "type": "object", "required": ["n_texts", "unit", "min_n", "max_n", "phrases"],
    "properties": {"n_texts": {"type": "integer"}, "unit": {"enum": ["words", "characters"]},
                   "min_n": {"type": "integer"}, "max_n": {"type": "integer"}, "phrases": {"type": "array"}}}}}

STEP = "phrases by language"


def languages(ctx: AuditContext) -> dict[str, np.ndarray]:
    """Each identified language with enough texts → its rows."""
    if "language" not in ctx.corpus.frame:
        return {}
    codes = ctx.corpus.frame["language"].to_numpy(dtype=str)
    found = {str(code): np.flatnonzero(codes == code) for code in sorted(set(codes.tolist())) if code != UNDETERMINED}
    return {code: rows for code, rows in found.items() if len(rows) >= MIN_TEXTS}


def applies(ctx: AuditContext) -> bool:
    found = languages(ctx)
    return ctx.settings.lexical and (len(found) >= 2 or any(code in CHARACTER_LANGUAGES for code in found))


def build(ctx: AuditContext) -> dict[str, Any]:
    texts = ctx.texts
    out: dict[str, Any] = {}
    for code, rows in languages(ctx).items():
        low, high = phrase_lengths(code)
        found = repeated_phrases(texts[rows].tolist(), min_n=low, max_n=high, top=TOP)
        in_corpus = [replace(p, docs=tuple(rows[list(p.docs)].tolist())) for p in found]  # corpus rows
        out[code] = {"name": NAMES.get(code, code), "n_texts": int(len(rows)), "unit": "characters" if code in CHARACTER_LANGUAGES else "words",
                     "min_n": low, "max_n": high, "phrases": phrases(ctx.corpus, in_corpus)}
    return {"phrases_by_language": out}
