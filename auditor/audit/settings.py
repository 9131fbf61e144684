"""Every setting of an audit, with its default, validated once before any work.

Errors name the library parameter (``threshold must be in (0, 1], got 1.5``); the CLI maps the
parameter to its flag with :func:`flag_for`.

>>> AuditSettings(threshold=0.9).threshold
0.9
>>> AuditSettings(threshold=1.5)
Traceback (most recent call last):
...
auditor.errors.SettingsError: threshold must be in (0, 1], got 1.5
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any

from auditor.corpus.periods import FREQS
from auditor.corpus.roles import COLUMN_KEYWORDS
from auditor.defaults import CI_LEVEL, RESAMPLES, SEED
from auditor.embed.model import folder_model_problem
from auditor.embed.onnx_backend import BACKENDS
from auditor.errors import SettingsError
from auditor.guard import folder_problem
from auditor.metrics.two_sample import DEFAULT_PERMUTATIONS
from auditor.metrics.uncertainty import IntervalSettings

DEVICES = ("auto", "cpu", "cuda", "mps")
CLUSTER_PRESETS = ("hdbscan", "kmeans", "none")
#: Options that say how to read a corpus (columns), as opposed to how to audit it.
CORPUS_OPTIONS = (*COLUMN_KEYWORDS, "encoding", "skip_invalid")
#: Command-line options that turn a setting off (option -> the setting it negates). Read both
#: ways: the CLI builds the settings from its options with it, and :func:`flag_for` names the
#: option when a setting is wrong.
NEGATED_OPTIONS = {"no_lexical": "lexical", "recompute": "reuse_results"}
#: Other parameters whose flag is not ``--`` + the parameter with dashes.
_OTHER_FLAGS = {"cache": "--cache-dir", "k": "-k", "clusterer": "--clusters", "paths": "a comparison"}


def flag_for(param: str) -> str:
    """The CLI flag that sets library parameter ``param``.

    >>> flag_for("ci_level"), flag_for("lexical"), flag_for("clusterer")
    ('--ci-level', '--no-lexical', '--clusters')
    """
    negating = [option for option, field in NEGATED_OPTIONS.items() if field == param]
    return "--" + (negating[0] if negating else param).replace("_", "-") if param not in _OTHER_FLAGS \
        else _OTHER_FLAGS[param]


def settings_from_options(options: dict[str, Any]) -> dict[str, Any]:
    """The :class:`AuditSettings` fields that command-line options set (the options that name a
    field, and the negated ones of :data:`NEGATED_OPTIONS`); other options are left out."""
    fields = set(AuditSettings.fields())
    out = {k: v for k, v in options.items() if k in fields}
    out.update({NEGATED_OPTIONS[k]: not v for k, v in options.items() if k in NEGATED_OPTIONS})
    return out


@dataclass(frozen=True)
class AuditSettings:
    """How to audit: model and device, sampling, intervals, tests, and which extras to compute.

    ``model``: a model name or local path (None: the bundled all-MiniLM-L6-v2); ``backend``:
    "torch" or "onnx" (:mod:`auditor.embed.onnx_backend`); ``cache``: the
    embedding-cache folder (None: the default, False: none); ``sample``: audit a seeded subset of
    that many texts; ``threshold``: an explicit near-duplicate cut on the calibrated scale
    (None: the calibrated and wording rule, :mod:`auditor.metrics.near_duplicates`); ``top``: texts per ranking;
    ``resamples``: half-samples per interval (0: none) at ``ci_level``; ``lexical``: lexical
    metrics and stock phrases; ``freq``: period length (None: from the date span);
    ``permutations``: relabellings for MMD and PERMANOVA; ``reuse_results``: reuse a stored result
    of this exact audit.
    """

    model: str | None = None
    device: str = "auto"
    backend: str = "torch"
    batch_size: int = 64
    cache: str | os.PathLike | bool | None = None
    progress: bool | None = None
    sample: int | None = None
    seed: int = SEED
    threshold: float | None = None
    top: int = 10
    resamples: int = RESAMPLES
    ci_level: float = CI_LEVEL
    lexical: bool = True
    freq: str | None = None
    permutations: int = DEFAULT_PERMUTATIONS
    reuse_results: bool = True

    def __post_init__(self) -> None:
        checks = [
            ("model", self.model is None or isinstance(self.model, (str, os.PathLike)),
             f"must be a model name or path (pass an encoder object as embedder), got {type(self.model).__name__}"),
            ("device", self.device in DEVICES or self.device.startswith("cuda:"),
             f"must be one of {', '.join(DEVICES)}, got {self.device!r}"),
            ("backend", self.backend in BACKENDS, f"must be one of {', '.join(BACKENDS)}, got {self.backend!r}"),
            ("batch_size", _is_int(self.batch_size) and self.batch_size >= 1, f"must be ≥ 1, got {self.batch_size}"),
            ("sample", self.sample is None or (_is_int(self.sample) and self.sample >= 2),
             f"must be at least 2 texts, got {self.sample}"),
            ("seed", _is_int(self.seed) and self.seed >= 0, f"must be a non-negative integer, got {self.seed}"),
            ("threshold", self.threshold is None or (_is_number(self.threshold) and 0 < self.threshold <= 1),
             f"must be in (0, 1], got {self.threshold}"),
            ("top", _is_int(self.top) and self.top >= 1, f"must be ≥ 1, got {self.top}"),
            ("resamples", _is_int(self.resamples) and self.resamples >= 0, f"must be ≥ 0, got {self.resamples}"),
            ("ci_level", _is_number(self.ci_level) and 0.5 <= self.ci_level < 1,
             f"must be in [0.5, 1), got {self.ci_level}"),
            ("freq", self.freq is None or self.freq in FREQS,
             f"must be one of {', '.join(FREQS)}, got {self.freq!r}"),
            ("permutations", _is_int(self.permutations) and self.permutations >= 1,
             f"must be ≥ 1, got {self.permutations}"),
        ]
        for param, ok, problem in checks:
            if not ok:
                raise SettingsError(param, problem)
        problem = folder_problem(self.cache) if self.cache not in (None, True, False) else None
        if problem:
            raise SettingsError("cache", problem)
        problem = folder_model_problem(self.model)
        if problem:
            raise SettingsError("model", problem)

    @classmethod
    def fields(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    def replace(self, **changes: Any) -> "AuditSettings":
        return dataclasses.replace(self, **changes)

    #: Fields that decide no number of the result (where vectors are kept, what is shown, whether
    #: a stored result may be reused, how many texts the model reads at once).
    NOT_DECIDING = ("cache", "progress", "reuse_results", "batch_size")

    def deciding(self) -> dict[str, Any]:
        """Every field that may change a number of the result (the result cache is keyed on
        them all, so a new setting can never reuse a stale result)."""
        return {f: str(getattr(self, f)) if isinstance(getattr(self, f), os.PathLike) else getattr(self, f)
                for f in self.fields() if f not in self.NOT_DECIDING}

    @property
    def intervals(self) -> IntervalSettings | None:
        """How intervals are computed, or None when they are not (``resamples`` 0)."""
        return IntervalSettings(self.resamples, self.seed, self.ci_level) if self.resamples > 0 else None

    def as_result(self) -> dict[str, Any]:
        """The ``settings`` entries of the result that these settings decide."""
        return {"seed": self.seed, "sample": self.sample, "near_duplicate_threshold": self.threshold,
                "ranking_size": self.top, "ci_method": "half-sampling" if self.resamples > 0 else None,
                "n_resamples": self.resamples, "ci_level": self.ci_level, "permutations": self.permutations}


def split_options(settings: AuditSettings | None, options: dict[str, Any]) -> tuple[AuditSettings, dict[str, Any]]:
    """``options`` split into :class:`AuditSettings` (applied over ``settings``) and corpus
    options; an unknown name is a ``TypeError`` naming it."""
    known = AuditSettings.fields()
    unknown = [k for k in options if k not in known and k not in CORPUS_OPTIONS]
    if unknown:
        raise TypeError(f"audit() got an unexpected keyword argument {unknown[0]!r}")
    chosen = {k: v for k, v in options.items() if k in known}
    base = settings or AuditSettings()
    return (base.replace(**chosen) if chosen else base), {k: v for k, v in options.items() if k in CORPUS_OPTIONS}


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)
