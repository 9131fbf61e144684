"""The language of each text (Lui & Baldwin 2012, "langid.py"; the ``py3langid`` package: 140
languages, BSD licence, 4.6 MB, its model read without pickle), from the first
:data:`READ_CHARS` characters; Chinese, Japanese and Korean from their scripts.

A text identified with a normalised probability below :data:`MIN_CONFIDENCE` (short slogans,
mixed languages) counts as "und" (undetermined) rather than as a guess. The bar is a majority, not
near-certainty: the identifier also knows regional varieties (Extremaduran, Aragonese, Galician)
that take probability from a short Spanish or Portuguese sentence whose top guess is right (on
the project's test sentences in nine languages, every top guess was right; the lowest
probabilities were 0.48 for Spanish, 0.64 for Portuguese, 0.77 for English).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any, Mapping, Sequence

import numpy as np

#: Characters of each text the identifier reads (enough for a reliable guess; keeps it cheap).
READ_CHARS = 300
MIN_CONFIDENCE = 0.5
UNDETERMINED = "und"
#: Below this share of English texts (among those identified) the corpus is "not mostly English".
MOSTLY = 0.5


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(texts: Sequence[str]) -> list[str]:
    """ISO 639-1 code of each text's language, or "und" when unsure.

    >>> detect(["The bread is baked every morning in our small shop.", "Le pain est cuit chaque matin dans notre boutique."])
    ['en', 'fr']
    """
    out = []
    for text in texts:
        code = script_language(text)
        if code is None:
            code, probability = _identifier().classify(text[:READ_CHARS])
            code = code if probability >= MIN_CONFIDENCE else UNDETERMINED
        out.append(code)
    return out


#: Under this identity the embedding cache keeps each text's language (its code's characters as
#: a short vector): a text is identified once per machine, like it is embedded once.
CACHE_IDENTITY = f"language:py3langid:{READ_CHARS}:{MIN_CONFIDENCE}"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")


def script_language(text: str) -> str | None:
    """Japanese, Chinese or Korean from the script alone, when at least a fifth of the first
    :data:`READ_CHARS` characters are Han, kana or Hangul (kana ⇒ Japanese, Hangul ⇒ Korean,
    Han only ⇒ Chinese); else None. The statistical identifier confuses Chinese and Japanese on
    short texts; their scripts do not."""
    head = text[:READ_CHARS]
    han, kana, hangul = len(_CJK.findall(head)), len(_KANA.findall(head)), len(_HANGUL.findall(head))
    if (han + kana + hangul) * 5 < max(1, len(head.strip())):
        return None
    return "ja" if kana else "ko" if hangul > han else "zh"


def detect_cached(texts: Sequence[str], cache: Any = None) -> list[str]:
    """:func:`detect`, reading and storing each text's code in an
    :class:`~auditor.embed.cache.EmbeddingCache` when one is given."""
    if cache is None:
        return detect(texts)
    from auditor.embed.cache import text_key

    keys = [text_key(t) for t in texts]
    found = cache.get(CACHE_IDENTITY, keys, unit=False)
    missing = [i for i, key in enumerate(keys) if key not in found]
    codes = detect([texts[i] for i in missing])
    if missing:
        cache.put(CACHE_IDENTITY, [keys[i] for i in missing], np.array([_as_vector(c) for c in codes]))
    new = dict(zip(missing, codes))
    return [new[i] if i in new else _as_code(found[key]) for i, key in enumerate(keys)]


def _as_vector(code: str) -> list[float]:
    return [float(ord(c)) for c in code.ljust(4)[:4]]


def _as_code(vector: np.ndarray) -> str:
    return "".join(chr(int(v)) for v in vector).strip()


def shares(codes: Sequence[str]) -> dict[str, float]:
    """Share of texts per language, largest first.

    >>> shares(["en", "fr", "en", "und"])
    {'en': 0.5, 'fr': 0.25, 'und': 0.25}
    """
    return count_shares(Counter(codes))


def count_shares(counts: Mapping[str, int]) -> dict[str, float]:
    """Share of texts per language from the number of texts per language, largest first."""
    total = sum(counts.values())
    return {code: n / total for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}


def mostly_english(codes: Sequence[str] | Mapping[str, int]) -> bool:
    """Whether at least :data:`MOSTLY` of the identified texts are English (True when none is
    identified: nothing says otherwise); ``codes`` are the texts' codes or their counts."""
    counts = codes if isinstance(codes, Mapping) else Counter(codes)
    known = sum(n for c, n in counts.items() if c != UNDETERMINED)
    return not known or counts.get("en", 0) / known >= MOSTLY
