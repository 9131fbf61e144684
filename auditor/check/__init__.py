"""`auditor check`: pass/fail rules on an audit, for CI."""

from typing import Any

from auditor.check.config import DEFAULT_RULES, CheckConfig, ConfigError, Rule, load_config
from auditor.check.evaluate import CheckOutcome, Verdict, check_baseline, evaluate, read_baseline
from auditor.check.findings import Finding
from auditor.check.formats import FORMATS, append_step_summary, render, step_summary

__all__ = [
    "DEFAULT_RULES", "FORMATS", "append_step_summary", "CheckConfig", "CheckOutcome", "ConfigError", "Finding", "Rule",
    "Verdict", "check_baseline", "evaluate", "read_baseline", "load_config", "render", "run_check", "step_summary",
]


def run_check(path, *, config=None, baseline=None, updating_baseline=False, suggest=False, **options):  # type: ignore[no-untyped-def]
    """Audit ``path`` (without map or clusters) and evaluate the configured rules: returns
    (result, outcome, config).

    ``config`` is a path or a :class:`CheckConfig`; ``baseline`` an audit JSON path or dict;
    ``options`` are :func:`auditor.audit` options (columns given here override the config's;
    ``resamples`` defaults to 0 and ``threshold`` to the config's). ``updating_baseline``: this
    run's result becomes the baseline (the notes say so instead of "no baseline given").
    ``suggest``: the outcome also lists the texts to regenerate so that each failing rule passes
    (:mod:`auditor.variance.suggest`).
    """
    from pathlib import Path

    from auditor.audit.run import audit
    from auditor.audit.settings import split_options
    from auditor.corpus import load_corpus
    from auditor.errors import PARAM, AuditorError
    from auditor.feed import FEED_OPTIONS, audit_feed
    from auditor.vocabulary import WITHIN_STRATA

    cfg = config if isinstance(config, CheckConfig) else load_config(config)
    feed = {k: options.pop(k) for k in ("user_col", "item_col", "catalog") if k in options}
    base = read_baseline(baseline) if isinstance(baseline, (str, Path)) else baseline
    if base is not None:  # before any work
        check_baseline(base, cfg.rules, str(baseline) if isinstance(baseline, (str, Path)) else "the baseline")
    configured = {"backend": cfg.backend} if cfg.backend is not None else {}
    settings, columns = split_options(None, {"resamples": 0, "threshold": cfg.threshold, **configured, **options})
    sources: dict[str, Any] = {}
    if feed.get("user_col") is not None:  # an exposure log: the feed audit, and rules on its figures
        columns = {k: v for k, v in columns.items() if k in FEED_OPTIONS and v is not None}
        result = audit_feed(path, settings, clusterer=None, **feed, **columns)
    else:
        columns = {"text_col": cfg.text_col, "group_col": cfg.group_col, "strata": cfg.strata,
                   **{k: v for k, v in columns.items() if v is not None}}
        needs_strata = [r.name for r in cfg.rules if r.metric.startswith(WITHIN_STRATA)]
        if needs_strata and columns["strata"] is None:
            raise AuditorError(f"rule {needs_strata[0]!r} reads a metric within strata; name the strata column "
                               f"with {PARAM} (or strata = \"…\" in the configuration)", "strata")
        corpus = load_corpus(path, **columns)
        result = audit(corpus, settings, clusterer=None)
        if "source" in corpus.frame:
            sources = dict(zip(corpus.frame["id"], corpus.frame["source"]))
    outcome = evaluate(result.data, cfg.rules, base, sources, _no_baseline(updating_baseline))
    if suggest:
        add_suggestions(outcome, result, base, sources)
    return result, outcome, cfg


def add_suggestions(outcome: CheckOutcome, result: Any, baseline: Any, sources: dict[str, Any]) -> None:
    """The texts to regenerate so that every failing rule passes, as findings of the outcome."""
    import numpy as np

    from auditor.check.evaluate import metric_value, rule_problems
    from auditor.check.findings import split_source
    from auditor.variance.suggest import suggest_removals

    failing = [v.rule for v in outcome.verdicts if v.failed]
    if not failing:
        return
    if "feed" in result.data:
        outcome.notes.append("no suggestion for a feed: its figures are users', not single texts'")
        return

    def passes(rule: Rule, value: float) -> bool:
        base = metric_value(baseline, rule.metric) if baseline is not None and rule.max_regression is not None else None
        return not rule_problems(rule, value, base)

    X = np.asarray(result.embeddings, dtype=np.float64)
    X /= np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    frame = result.corpus.frame
    found, notes = suggest_removals(X, frame["text"].tolist(), frame["id"].tolist(), failing,
                                    result.near_duplicates, passes)
    outcome.notes.extend(notes)
    for s in found:
        file, line = split_source(sources.get(s.id))
        outcome.suggestions.append(Finding(s.id, f"regenerate for rule {s.rule!r}: {s.reason}", file, line))


def _no_baseline(updating: bool) -> str:
    return ("this run becomes the baseline (--update-baseline), regression not checked" if updating
            else "no baseline given (--baseline), regression not checked")
