"""The tokens of a text for the lexical metrics, in any script.

Text is first normalised: NFKC (full-width letters and digits, ligatures and compatibility forms
become their plain forms) and zero-width characters (U+200B–U+200D, U+2060, U+FEFF) removed.
Scripts written without spaces between words (Chinese and Japanese: Han, Hiragana, Katakana;
Thai) have no whitespace words, so each of their characters is a token: distinct-n, ROUGE-L,
phrases and Self-BLEU then count character n-grams there (the usual practice for Chinese and
Japanese when no segmenter is used), and words elsewhere. Plain ASCII text skips normalisation
(it cannot change), so English tokenisation is exactly that of the reference implementations.

>>> words("Elevate your 毎日の 生活")
['Elevate', 'your', '毎', '日', 'の', '生', '活']
>>> rouge_tokens("Ｎｅｗ!  The cat\u200bs")
['new', 'the', 'cats']
>>> join_tokens(["steam", "basket", "の", "竹"])
'steam basketの竹'
"""

from __future__ import annotations

import re
import unicodedata

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SPACELESS = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f"
_WORD = re.compile(rf"[{_SPACELESS}]|[^\s{_SPACELESS}]+")
_ROUGE_ASCII = re.compile(r"[^\W_]+")
_ROUGE = re.compile(rf"[{_SPACELESS}]|(?:(?![{_SPACELESS}])[^\W_])+")


def normalize(text: str) -> str:
    """NFKC with zero-width characters removed (ASCII text as it is)."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)


def words(text: str) -> list[str]:
    """Whitespace-separated words, each character of a spaceless script its own word."""
    return text.split() if text.isascii() else _WORD.findall(normalize(text))


def rouge_tokens(text: str) -> list[str]:
    """Lower-cased runs of letters and digits, each character of a spaceless script its own token."""
    if text.isascii():
        return _ROUGE_ASCII.findall(text.lower())
    return _ROUGE.findall(normalize(text).lower())


_ONE_SPACELESS = re.compile(rf"[{_SPACELESS}]")


def spaceless(token: str) -> bool:
    """Whether ``token`` is one character of a script written without spaces."""
    return _ONE_SPACELESS.fullmatch(token) is not None


def join_tokens(tokens: list[str] | tuple[str, ...]) -> str:
    """Tokens back into text: a space between two words, none next to a spaceless-script character."""
    out: list[str] = []
    for k, token in enumerate(tokens):
        if k and not spaceless(token) and not spaceless(tokens[k - 1]):
            out.append(" ")
        out.append(token)
    return "".join(out)


#: Languages written without spaces between words: their tokens are characters.
CHARACTER_LANGUAGES = frozenset({"ja", "zh", "th"})
