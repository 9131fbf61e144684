"""Languages in an audit: each text's language in the corpus, the model chosen for them, and a
warning when the model does not read them.

- Every text gets a ``language`` column (:mod:`auditor.corpus.language`).
- When the texts are not mostly English and no model or encoder was named, the multilingual model
  (:mod:`auditor.embed.multilingual`) is used if installed; if not, the default model embeds them
  and the verdict warns.
- The verdict's floor is measured on calibration texts in the corpus's main language when there
  are some (:mod:`auditor.calibration.texts`), else in English (and the result says so).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Mapping

from auditor.calibration.texts import TEXTS
from auditor.corpus import Corpus
from auditor.corpus.language import UNDETERMINED, count_shares, detect_cached, mostly_english
from auditor.embed.multilingual import INSTALL_HINT, MULTILINGUAL, multilingual_available

#: Models known to read English only (sentence-transformers' English checkpoints).
ENGLISH_ONLY = ("all-minilm-l6-v2", "all-minilm-l12-v2", "all-mpnet-base-v2", "all-distilroberta-v1")
NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
         "nl": "Dutch", "ja": "Japanese", "zh": "Chinese", "ko": "Korean", "ru": "Russian", "pl": "Polish",
         "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish", "tr": "Turkish", "ar": "Arabic"}


def language_cache(settings: Any) -> Any:
    """The embedding cache the settings name (it also keeps each text's language), or None."""
    from auditor.embed.cache import EmbeddingCache

    return EmbeddingCache.of(settings.cache)


def with_languages(corpus: Corpus, cache: Any = None) -> Corpus:
    """The corpus with a ``language`` column (kept when it already has one)."""
    if "language" in corpus.frame:
        return corpus
    frame = corpus.frame.copy()
    frame["language"] = detect_cached(corpus.texts, cache)
    return Corpus(frame, corpus.source, dict(corpus.columns))


def languages_and_model(corpus: Corpus, settings: Any, embedder: Any) -> tuple[Corpus, Any]:
    """The corpus with each text's language, and the settings with the model for them."""
    corpus = with_languages(corpus, language_cache(settings))
    return corpus, choose_model(settings, corpus, embedder)


def language_counts(corpus: Corpus) -> Counter[str]:
    """Texts per identified language, counted once per corpus (the model's choice, the main
    language, the calibration weights and the report all read it)."""
    return corpus.memo("language counts", lambda: Counter(corpus.frame["language"].tolist()))


def main_language(corpus: Corpus) -> str:
    """The most common identified language of the corpus's texts."""
    return main_of(language_counts(corpus))


def main_of(counts: Mapping[str, int]) -> str:
    """The most common identified language in ``counts`` (texts per language; ties: the first in
    alphabetical order; "en" when none is identified)."""
    found = {c: n for c, n in counts.items() if c != UNDETERMINED and n > 0}
    return max(sorted(found), key=found.get) if found else "en"


def choose_model(settings: Any, corpus: Corpus, embedder: Any) -> Any:
    """``settings`` with the multilingual model when nothing was named, the texts are not mostly
    English and the model is installed."""
    if embedder is not None or settings.model is not None or mostly_english(language_counts(corpus)):
        return settings
    return settings.replace(model=MULTILINGUAL) if multilingual_available() else settings


def calibration_languages(corpus: Corpus) -> list[str]:
    """Each text's calibration language: its own where the project has calibration texts in it,
    else the corpus's main language (English when that has none)."""
    fallback = _calibration_fallback(corpus)
    return [code if code in TEXTS else fallback for code in corpus.frame["language"].tolist()]


def _calibration_fallback(corpus: Corpus) -> str:
    """The calibration language of a text whose own has no calibration texts: the corpus's main
    language, else English."""
    main = main_language(corpus)
    return main if main in TEXTS else "en"


def calibration_counts(corpus: Corpus) -> dict[str, int]:
    """Texts per calibration language (the weights of the corpus's floor), from the language
    counts: a language without calibration texts counts for the fallback, as in
    :func:`calibration_languages`."""
    fallback = _calibration_fallback(corpus)
    out: Counter[str] = Counter()
    for code, n in language_counts(corpus).items():
        out[code if code in TEXTS else fallback] += n
    return dict(out)


def calibrate(embedder: Any, corpus: Corpus, threshold: float | None = None) -> tuple[Any, Any]:
    """The corpus's floor (its language mix's, :func:`~auditor.calibration.mixed_baseline`) and
    its near-duplicate rule (each text against its own language's floor)."""
    from auditor.calibration import baseline, mixed_baseline
    from auditor.metrics.near_duplicates import rule_for

    languages = calibration_languages(corpus)
    counts = Counter(languages)
    floors = {code: baseline(embedder, code).similarity for code in sorted(counts)}
    return mixed_baseline(embedder, counts), rule_for(floors, languages, corpus.texts, threshold)


def calibration_language(corpus: Corpus) -> str:
    """The language the floor is measured in, or "mixed" for texts in several."""
    counts = calibration_counts(corpus)
    return next(iter(counts)) if len(counts) == 1 else "mixed"


def reads_english_only(model: dict[str, Any]) -> bool:
    name = str(model.get("name") or "").lower().rsplit("/", 1)[-1]
    return name in ENGLISH_ONLY


@dataclass(frozen=True)
class LanguageReport:
    """Share of texts per language, the main one, the calibration language, and a warning when
    an English-only model read mostly other languages."""

    shares: dict[str, float]
    main: str
    calibration: str
    warning: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"shares": {k: round(v, 6) for k, v in self.shares.items()}, "main": self.main,
                "calibration_language": self.calibration, "detector": "py3langid", "warning": self.warning}


def language_report(corpus: Corpus, model: dict[str, Any], counts: dict[str, int] | None = None) -> LanguageReport:
    """The corpus's languages (``counts``: texts per language of a whole corpus whose rows here are
    a sample, as merged partial states know them)."""
    counts = counts or language_counts(corpus)
    warning = None
    if reads_english_only(model) and not mostly_english(counts):
        others = ", ".join(f"{NAMES.get(code, code)} {share:.0%}" for code, share in count_shares(counts).items()
                           if code not in ("en", UNDETERMINED))
        hint = "pass --model multilingual" if multilingual_available() else INSTALL_HINT
        warning = (f"The model ({model.get('name')}) reads English only, and most of these texts are in other "
                   f"languages ({others}): its similarities for them are unreliable; {hint}.")
    return LanguageReport(count_shares(counts), main_of(counts), calibration_language(corpus), warning)
